// Bare node:http "hello" server: the ceiling rws-edge's HTTP/1.1 listener is measured against. With
// FIELDS=rws it also sends the response fields rws sends (./response-fields.ts).
import { createServer } from 'node:http';
import { rwsFields } from './response-fields.js';

const body = Buffer.from('ok\n');
const withFields = process.env.FIELDS === 'rws';
createServer((_req, res) => {
  res.writeHead(200, withFields ? rwsFields(body.length, false) : { 'content-type': 'text/plain; charset=utf-8', 'content-length': body.length });
  res.end(body);
}).listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('ready\n'));
