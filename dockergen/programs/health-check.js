// The HEALTHCHECK: GET the URL given (an argument, never spliced into the code); 2xx passes.
// node -e <this> <url>
fetch(process.argv[1]).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))
