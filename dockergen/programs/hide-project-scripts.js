// Keeps each given folder's package.json in /tmp/dockergen-manifests (at the same relative path)
// and writes it without the project's own lifecycle scripts, so an install does not run them;
// `cp -a` puts the kept files back afterwards. The names are prod_install.PROJECT_LIFECYCLE.
// node -e <this> <folder> ...
const fs=require("fs"),path=require("path"),kept="/tmp/dockergen-manifests";
const names=["pnpm:devPreinstall","preinstall","install","postinstall","preprepare","prepare","postprepare"];
for(const d of process.argv.slice(1)){
  const f=path.join(d,"package.json"),k=path.join(kept,f);
  fs.mkdirSync(path.dirname(k),{recursive:true});
  fs.copyFileSync(f,k);
  const m=JSON.parse(fs.readFileSync(f,"utf8"));
  for(const n of names)delete m.scripts[n];
  fs.writeFileSync(f,JSON.stringify(m,null,2)+"\n")
}
