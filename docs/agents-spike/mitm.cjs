// tiny MITM forward proxy: CONNECT host:443 -> TLS terminated with leaf cert -> plain HTTP to standin.
// logs CONNECT targets and inner requests. Refuses nothing, forwards everything to 127.0.0.1:8787.
const http = require('http'), tls = require('tls'), fs = require('fs');
const key = fs.readFileSync(process.env.MITM_KEY || '/tmp/spike4/pki/leaf.key'), cert = fs.readFileSync(process.env.MITM_CERT || '/tmp/spike4/pki/leaf.crt');
const inner = http.createServer((req, res) => {
  console.error(`MITM inner ${req.method} ${req.headers.host}${req.url}`);
  const up = http.request({ host: '127.0.0.1', port: 8787, method: req.method, path: req.url, headers: req.headers }, (r) => { res.writeHead(r.statusCode, r.headers); r.pipe(res); });
  req.pipe(up);
});
const proxy = http.createServer((req, res) => { console.error(`MITM plain ${req.method} ${req.url}`); res.writeHead(403); res.end(); });
proxy.on('connect', (req, sock, head) => {
  console.error(`MITM CONNECT ${req.url}`);
  sock.write('HTTP/1.1 200 Connection Established\r\n\r\n');
  const t = new tls.TLSSocket(sock, { isServer: true, key, cert, ALPNProtocols: ['http/1.1'] });
  t.on('error', (e) => console.error('MITM tls error', req.url, e.message));
  inner.emit('connection', t);
});
proxy.listen(8888, '127.0.0.1', () => console.error('mitm on 8888'));
