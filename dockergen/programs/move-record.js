// Moves pnpm's record of an install (its timestamps, the whole lockfile) out of the workspace, into
// the folder given first, each file at its place: the workspace's files then depend on the
// dependencies alone, and the next install copies the record back to add only what it lacks.
// node -e <this> <into> <file> ...
const fs=require("fs"),path=require("path");
const[to,...files]=process.argv.slice(1);
fs.mkdirSync(to,{recursive:true});
for(const f of files){
  if(fs.existsSync(f)){
    const t=path.join(to,f);
    fs.mkdirSync(path.dirname(t),{recursive:true});
    fs.renameSync(f,t)
  }
}
