// In the app's and each library's folder, links each peer or devDependency it declares that the
// production tree holds but pnpm linked nowhere it resolves from (the app's copy, else pnpm's
// hoisted one): in the repository the devDependency provides it.
// node -e <this> <app folder> <library folder> ...
const fs=require("fs"),path=require("path");
const[app,...libs]=process.argv.slice(1);
for(const d of [app,...libs]){
  const m=JSON.parse(fs.readFileSync(path.join(d,"package.json"),"utf8"));
  for(const n of Object.keys({...m.devDependencies,...m.peerDependencies})){
    const l=path.join(d,"node_modules",n);
    try{
      fs.lstatSync(l);
      continue
    }catch{
    }
    const c=[...(d===app?[]:[path.join(app,"node_modules",n)]),path.join("node_modules/.pnpm/node_modules",n)];
    const t=c.find(p=>fs.existsSync(p));
    if(!t)continue;
    fs.mkdirSync(path.dirname(l),{recursive:true});
    fs.symlinkSync(path.relative(path.dirname(l),t),l);
    console.log("dockergen: linked "+l+" to "+t)
  }
}
