// Bare node:http2 "hello" server (TLS, the stream API: node's fastest path), the ceiling for HTTP/2. With
// FIELDS=rws it also sends the response fields rws sends over TLS (./response-fields.ts).
import { createSecureServer, sensitiveHeaders, type OutgoingHttpHeaders } from 'node:http2';
import { readFileSync } from 'node:fs';
import { devCertFile, devKeyFile } from '../src/core/config/options.js';
import { rwsFields } from './response-fields.js';

const body = Buffer.from('ok\n');
const withFields = process.env.FIELDS === 'rws';
const server = createSecureServer({ cert: readFileSync(devCertFile), key: readFileSync(devKeyFile) });
server.on('stream', (stream) => {
  // respond() adds `:status: 200` when the block has none.
  stream.respond(withFields ? h2Fields() : { 'content-type': 'text/plain; charset=utf-8', 'content-length': body.length });
  stream.end(body);
});
// As rws sends them: the request id never indexed (src/h2/response-headers.ts).
function h2Fields(): OutgoingHttpHeaders {
  const fields = rwsFields(body.length, true);
  (fields as Record<symbol, unknown>)[sensitiveHeaders] = notIndexed;
  return fields;
}
const notIndexed = ['x-request-id'];

server.listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('ready\n'));
