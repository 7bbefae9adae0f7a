// What the HTTP/2 listener does itself since it serves streams through node's stream API rather than
// the compat layer (src/h2/serve-stream.ts): CONNECT refused, Expect answered (100 on the first read of the body), connection-specific
// response fields left out, and a client's reset never taking the process down. Real sockets, node's
// HTTP/2 client.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, constants, type ClientHttp2Session, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http2';
import { startServer, type TestServer } from '../support/start-server.js';

interface Answer {
  informational: number[];
  headers: IncomingHttpHeaders;
  body: string;
}

function ask(session: ClientHttp2Session, headers: OutgoingHttpHeaders, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const stream = session.request(headers, { endStream: body === undefined });
    const informational: number[] = [];
    let response: IncomingHttpHeaders = {};
    let text = '';
    stream.on('headers', (h) => informational.push(Number(h[':status'])));
    stream.on('response', (h) => (response = h));
    stream.setEncoding('utf8');
    stream.on('data', (c: string) => (text += c));
    stream.on('end', () => resolve({ informational, headers: response, body: text }));
    stream.on('error', reject);
    if (body !== undefined) stream.end(body);
  });
}

describe('HTTP/2 listener on the stream API', () => {
  let s: TestServer;
  let session: ClientHttp2Session;
  before(async () => {
    s = await startServer({ RWS_CONFIG_MAX_BODY_SIZE: '1024' });
    session = connect(s.tls, { rejectUnauthorized: false });
  });
  after(async () => {
    session.close();
    await s.close();
  });

  it('answers CONNECT with its own empty 501: no tunnel, and nothing reaches the core (RFC 9113 §8.5)', async () => {
    const r = await ask(session, { ':method': 'CONNECT', ':authority': 'example.com:443' });
    assert.equal(r.headers[':status'], 501);
    assert.equal(r.headers['content-length'], '0');
    assert.equal(r.body, '');
    assert.equal(r.headers['x-request-id'], undefined, 'the core answers every request it handles with an id');
  });

  it('answers Expect: 100-continue without a 100 when the answer needs no body (test/proxy/expect-continue has the 100)', async () => {
    const r = await ask(session, { ':method': 'POST', ':path': '/healthz', expect: '100-continue', 'content-length': '2' }, 'hi');
    assert.deepEqual(r.informational, []);
    assert.equal(r.headers[':status'], 405);
  });

  it('answers any other expectation with 417 (RFC 9110 §10.1.1)', async () => {
    const r = await ask(session, { ':method': 'POST', ':path': '/healthz', expect: 'something-else', 'content-length': '2' }, 'hi');
    assert.equal(r.headers[':status'], 417);
  });

  it('leaves connection-specific fields out: a 413 (connection: close over HTTP/1.1) is a valid HTTP/2 response', async () => {
    const r = await ask(session, { ':method': 'POST', ':path': '/', 'content-length': '4096' }, 'x'.repeat(4096));
    assert.equal(r.headers[':status'], 413);
    assert.equal(r.headers.connection, undefined);
    assert.match(r.body, /too large/);
  });

  it('HEAD: headers only, with the length of the body a GET would get', async () => {
    const get = await ask(session, { ':path': '/index.html' });
    const head = await ask(session, { ':method': 'HEAD', ':path': '/index.html' });
    assert.equal(head.headers[':status'], 200);
    assert.equal(head.body, '');
    assert.equal(head.headers['content-length'], String(Buffer.byteLength(get.body)));
  });

  it('survives clients resetting streams at every point, and goes on serving the session', async () => {
    for (const code of [constants.NGHTTP2_CANCEL, constants.NGHTTP2_NO_ERROR, constants.NGHTTP2_INTERNAL_ERROR]) {
      for (const delayMs of [0, 1, 5]) {
        const stream = session.request({ ':path': '/index.html' });
        stream.on('error', () => {});
        stream.resume();
        const closed = new Promise((r) => stream.once('close', r));
        await new Promise((r) => setTimeout(r, delayMs));
        stream.close(code);
        await closed;
      }
    }
    const r = await ask(session, { ':path': '/healthz' });
    assert.equal(r.headers[':status'], 200);
    assert.equal(r.body, 'ok\n');
  });
});
