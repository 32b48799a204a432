// After the libraries' builds: each library's package.json as its build left it (a build may point
// its main and exports at what it wrote, Dokploy's `switch:prod`), and the top folders its main,
// module and exports name that exist now and were not gathered yet, into the folder given first,
// each at its place. The runtime lays them over the installed tree, as pnpm deploy would pack them.
// node -e <this> <into> <library folder> ...
const fs=require("fs"),path=require("path");
const[out,...dirs]=process.argv.slice(1);
const targets=value=>typeof value==="string"?[value]:value&&typeof value==="object"?Object.values(value).flatMap(targets):[];
for(const dir of dirs){
  const manifest=path.join(dir,"package.json");
  const pkg=JSON.parse(fs.readFileSync(manifest,"utf8"));
  fs.mkdirSync(path.join(out,dir),{recursive:true});
  fs.copyFileSync(manifest,path.join(out,manifest));
  for(const target of targets([pkg.main,pkg.module,pkg.exports])){
    const top=path.posix.normalize(target).split("/")[0];
    const from=path.join(dir,top);
    const named=target.includes("/")&&![".","..","node_modules"].includes(top)&&!top.includes("*");
    if(named&&fs.existsSync(from)&&!fs.existsSync(path.join(out,from))){
      fs.cpSync(from,path.join(out,from),{recursive:true,verbatimSymlinks:true})
    }
  }
}
