// node-gyp's header folder for this Node (~/.cache/node-gyp/<version>), pointing at the image's
// headers: node-gyp uses them instead of downloading Node's from nodejs.org.
const fs=require("fs"),path=require("path"),os=require("os");
const d=path.join(os.homedir(),".cache","node-gyp",process.versions.node);
fs.mkdirSync(d,{recursive:true});
fs.symlinkSync("/usr/local/include",path.join(d,"include"));
fs.writeFileSync(path.join(d,"installVersion"),"99\n")
