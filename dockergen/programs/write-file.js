// Writes a file from an argument: no shell quoting games for its content.
// node -e <this> <path> <content>
require('fs').writeFileSync(process.argv[1],process.argv[2])
