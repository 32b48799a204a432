// Preloaded before the app (as a data: URL): PID 1 gets no default signal handling from the
// kernel, so without a handler `docker stop` waits 10 s and kills. It exits only when the app has
// no handler of its own. No spaces, double quotes, '#', '%' or '?': it travels in CMD,
// NODE_OPTIONS and a data: URL, and Node 20 cuts a data: URL at '?' (its query).
['SIGTERM','SIGINT'].forEach(s=>process.on(s,()=>{
  if(process.listenerCount(s)===1)process.exit(s==='SIGINT'&&130||143)
}))
