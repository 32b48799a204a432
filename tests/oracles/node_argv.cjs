// The oracle for how node splits its command line: run as the script, it prints the options node
// kept for itself (execArgv), the script it ran and the script's arguments.
process.stdout.write(JSON.stringify({ options: process.execArgv, script: process.argv[1], args: process.argv.slice(2) }));
