// dockergen's static file server (`kind: static` on a node runtime): no dependencies; serves
// /app/site (plan/static_stages.py SITE), index.html for folders, the single-page app's fallback
// to /index.html for paths without an extension unless SPA=0, long caching for hashed file names.
import{createServer}from"node:http";
import{createReadStream,statSync}from"node:fs";
import{extname,join,normalize}from"node:path";
const root="/app/site",spa=process.env.SPA!=="0",port=Number(process.env.PORT||8080);
const types={
  ".html":"text/html; charset=utf-8",".js":"text/javascript",".mjs":"text/javascript",".css":"text/css",
  ".json":"application/json",".svg":"image/svg+xml",".png":"image/png",".jpg":"image/jpeg",
  ".jpeg":"image/jpeg",".gif":"image/gif",".webp":"image/webp",".avif":"image/avif",".ico":"image/x-icon",
  ".woff":"font/woff",".woff2":"font/woff2",".txt":"text/plain; charset=utf-8",".wasm":"application/wasm",
  ".map":"application/json",".xml":"application/xml"
};
const file=p=>{
  try{
    const s=statSync(p);
    return s.isDirectory()?file(join(p,"index.html")):s.isFile()?p:null
  }catch{
    return null
  }
};
createServer((req,res)=>{
  let path;
  try{
    path=decodeURIComponent(new URL(req.url,"http://x").pathname)
  }catch{
    res.writeHead(400).end();
    return
  }
  const f=file(join(root,normalize(path)))??(spa&&!extname(path)?join(root,"index.html"):null);
  if(!f){
    res.writeHead(404,{"content-type":"text/plain"}).end("not found");
    return
  }
  if(req.method!=="GET"&&req.method!=="HEAD"){
    res.writeHead(405).end();
    return
  }
  res.writeHead(200,{
    "content-type":types[extname(f)]||"application/octet-stream",
    "cache-control":/[.-][0-9a-zA-Z_-]{8,}\.[a-z0-9]+$/.test(f)?"public, max-age=31536000, immutable":"no-cache"
  });
  req.method==="HEAD"?res.end():createReadStream(f).pipe(res)
}).listen(port,"0.0.0.0");
process.on("SIGTERM",()=>process.exit(0));
