// Links node_modules/.dockergen-bin/<bin> to the file a dependency's "bin" names (a relative link,
// so it holds wherever the tree is copied): the runtime runs `node <link>`, no shell shim.
// node -e <this> <node_modules> <package> <bin>
const[d,p,b]=process.argv.slice(1),fs=require("fs"),path=require("path");
const m=JSON.parse(fs.readFileSync(path.join(d,p,"package.json"),"utf8"));
const f=typeof m.bin==="string"?m.bin:(m.bin||{})[b];
if(!f){
  console.error("dockergen: "+p+" has no bin "+b+"; set command: in dockergen.yaml");
  process.exit(1)
}
fs.mkdirSync(path.join(d,".dockergen-bin"),{recursive:true});
fs.symlinkSync(path.join("..",p,f),path.join(d,".dockergen-bin",b))
