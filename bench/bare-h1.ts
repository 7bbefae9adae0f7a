// Bare node:http "hello" server: the ceiling rws-edge's HTTP/1.1 listener is measured against.
import { createServer } from 'node:http';

const body = Buffer.from('ok\n');
createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': body.length });
  res.end(body);
}).listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('ready\n'));
