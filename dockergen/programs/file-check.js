// A file the build must have written (Next.js's standalone server): exits 1 with the message given.
// node -e <this> <path> <message>
if(!require("fs").existsSync(process.argv[1])){
  console.error(process.argv[2]);
  process.exit(1)
}
