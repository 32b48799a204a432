// Copies each path given (relative to the working directory) that exists into the folder given
// first, keeping its place; a "files" entry the build did not write is skipped, as npm skips it.
// node -e <this> <into> <path> ...
const fs=require("fs"),path=require("path");
const[out,...paths]=process.argv.slice(1);
for(const p of paths){
  if(fs.existsSync(p)){
    fs.cpSync(p,path.join(out,p),{recursive:true,verbatimSymlinks:true})
  }else{
    console.error("dockergen: "+p+" (in \"files\") was not built; skipped")
  }
}
