// The start script's commands in turn, as the shell runs `a && b`: each must succeed before the
// next starts, and the last is the app. node, PID 1, passes SIGTERM, SIGINT and SIGHUP on to the
// command running, starts no further one once stopping, and exits with that command's status
// (128 + the signal's number when a signal ended it, as a shell reports it).
// CMD ["node", "-e", <this>, "node", "migrate.mjs", "&&", "node", "server.mjs"]
const {spawn}=require("child_process");
const {signals}=require("os").constants;
const commands=[[]];
for(const word of process.argv.slice(1)){
  if(word==="&&")commands.push([]);
  else commands[commands.length-1].push(word)
}
let child=null;
let stopping=false;
for(const name of ["SIGTERM","SIGINT","SIGHUP"]){
  process.on(name,()=>{
    stopping=true;
    if(child)child.kill(name);
    else process.exit(128+signals[name])
  })
}
const run=index=>{
  const [program,...args]=commands[index];
  child=spawn(program==="node"?process.execPath:program,args,{stdio:"inherit"});
  child.on("error",error=>{
    console.error("dockergen: cannot start "+program+": "+error.message);
    process.exit(127)
  });
  child.on("exit",(code,signal)=>{
    const status=code===null?128+signals[signal]:code;
    if(status!==0||stopping||index===commands.length-1)process.exit(status);
    run(index+1)
  })
};
run(0);
