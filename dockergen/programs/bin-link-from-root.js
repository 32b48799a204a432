// The same link when the bin's package is a dependency of the workspace root: read from the
// root's node_modules, linked through the relative path up to it.
// node -e <this> <node_modules> <package> <bin> <root node_modules> <relative path to it>
const[d,p,b,r,u]=process.argv.slice(1),fs=require("fs"),path=require("path");
const m=JSON.parse(fs.readFileSync(path.join(r,p,"package.json"),"utf8"));
const f=typeof m.bin==="string"?m.bin:(m.bin||{})[b];
if(!f){
  console.error("dockergen: "+p+" has no bin "+b+"; set command: in dockergen.yaml");
  process.exit(1)
}
fs.mkdirSync(path.join(d,".dockergen-bin"),{recursive:true});
fs.symlinkSync(path.join(u,p,f),path.join(d,".dockergen-bin",b))
