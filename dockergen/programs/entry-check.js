// After the app's build: the file its start command runs must exist, as node resolves it (as is,
// then with .js/.cjs/.mjs, then a folder's index.js), so a wrong guess fails the build, not the pod.
// node -e <this> <path>
const f=process.argv[1];
if(!["",".js",".cjs",".mjs","/index.js"].some(x=>require("fs").existsSync(f+x))){
  console.error("dockergen: the start command runs "+f+", which the build did not write; "+"set command: in dockergen.yaml");
  process.exit(1)
}
