// Expect: 100-continue (RFC 9110 §10.1.1): the 100 invites the body, so it is sent only when the body is
// read: a proxied upload gets 100 and then its answer; an upload over RWS_CONFIG_MAX_BODY_SIZE gets its
// 413 without a 100, so the client never sends the body. HTTP/1.1 over a raw socket (the client waits
// for the 100 as curl does), HTTP/2 with node's client, HTTP/3 with quiche's client driven raw (curl
// 7.88 over HTTP/3 sends the body at once and shows no 1xx). An expectation other than 100-continue is
// answered 417 on every protocol.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect as h2connect } from 'node:http2';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeFieldSection } from '../../src/h3/qpack/decoder.js';
import { encodeDataFrameHeader } from '../../src/h3/wire/frames.js';
import { readVarint, VarintCursor } from '../../src/h3/wire/varint.js';
import { curlH3 } from '../h3/support.js';
import { literalNameLine, QuicClient, requestFrame, staticNameLine } from '../support/quic-client.js';
import type { TestServer } from '../support/start-server.js';
import { recordUploads, startEdge, startOrigin, type Origin, type Upload } from './support.js';

const limit = 1024;

describe('Expect: 100-continue through the proxy', () => {
  let origin: Origin;
  let edge: TestServer;
  const uploads: Upload[] = [];

  before(async () => {
    origin = await startOrigin(recordUploads(uploads));
    edge = await startEdge(origin.url, { RWS_CONFIG_MAX_BODY_SIZE: String(limit) });
  });
  after(async () => {
    await edge?.close();
    await origin?.close();
  });

  /** Sends the head, and the body only after a 100; resolves with everything read until the answer's end. */
  function h1Upload(length: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const sock = connect(Number(new URL(edge.h1).port), '127.0.0.1');
      let text = '';
      let sentBody = false;
      sock.setEncoding('latin1');
      sock.on('data', (c: string) => {
        text += c;
        if (!sentBody && text.startsWith('HTTP/1.1 100')) {
          sentBody = true;
          sock.write('x'.repeat(length));
        }
        // Done once the final answer's head and the start of its body (never empty here) are in.
        const final = text.replace(/^HTTP\/1\.1 100 Continue\r\n\r\n/, '');
        if (/^HTTP\/1\.1 [2-5]\d\d[\s\S]*\r\n\r\n\S/.test(final)) sock.end();
      });
      sock.on('close', () => resolve(text));
      sock.on('error', reject);
      sock.setTimeout(5000, () => sock.destroy());
      sock.write(`POST /upload HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: ${length}\r\n\r\n`);
    });
  }

  it('h1: within the limit, 100 then the origin answer; the origin got the body', async () => {
    const before = uploads.length;
    const text = await h1Upload(100);
    assert.match(text, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 /);
    assert.equal(uploads[before]?.bytes, 100);
  });

  it('h1: over the limit, 413 without a 100', async () => {
    const text = await h1Upload(10 * limit);
    assert.match(text, /^HTTP\/1\.1 413 /);
  });

  it('h2: within the limit, 100 then the origin answer; over it, 413 without a 100', async () => {
    const session = h2connect(edge.tls, { rejectUnauthorized: false });
    session.on('error', () => {});
    try {
      const upload = (length: number) =>
        new Promise<{ informational: number[]; status: number }>((resolve, reject) => {
          const informational: number[] = [];
          const stream = session.request({ ':method': 'POST', ':path': '/upload', expect: '100-continue', 'content-length': String(length) });
          stream.on('continue', () => {
            informational.push(100);
            stream.end('x'.repeat(length));
          });
          stream.on('response', (h) => resolve({ informational, status: Number(h[':status']) }));
          // The answer is read to its end and the stream reset, or it never closes (Node 24) and holds the session.
          stream.resume();
          stream.on('end', () => stream.close());
          stream.on('error', reject);
        });
      assert.deepEqual(await upload(100), { informational: [100], status: 200 });
      assert.deepEqual(await upload(10 * limit), { informational: [], status: 413 });
    } finally {
      session.close();
    }
  });

  /**
   * A POST on a new QUIC connection: HEADERS with Expect and Content-Length, the body (with FIN) only
   * after a 100. Resolves with the statuses of the HEADERS frames received, in order, and the body.
   */
  async function h3Upload(length: number): Promise<{ statuses: number[]; body: string }> {
    const c = await QuicClient.connect(edge.ports.h3!);
    try {
      c.send(0, requestFrame('POST', '/upload', [staticNameLine(4, String(length)), literalNameLine('expect', '100-continue')]), false);
      const statuses: number[] = [];
      let body = '';
      let unread = Buffer.alloc(0);
      const buf = Buffer.alloc(64 * 1024);
      for (const until = Date.now() + 5000; Date.now() < until; await sleep(5)) {
        if (!c.conn.streamReadable(0)) continue;
        const r = c.conn.streamRecv(0, buf);
        c.flush();
        if (r === null) continue;
        unread = Buffer.concat([unread, buf.subarray(0, r[0])]);
        for (let f = nextFrame(unread); f !== null; f = nextFrame(unread)) {
          unread = unread.subarray(f.size);
          if (f.type === 0x00) body += f.payload.toString('latin1');
          if (f.type !== 0x01) continue;
          const fields = decodeFieldSection(f.payload, 64 * 1024);
          const status = Number(fields[fields.indexOf(':status') + 1]);
          statuses.push(status);
          if (status === 100) c.send(0, Buffer.concat([encodeDataFrameHeader(length), Buffer.alloc(length, 0x78)]), true);
        }
        if (r[1]) return { statuses, body };
      }
      throw new Error(`no complete response in 5 s (statuses so far: ${statuses.join(', ')})`);
    } finally {
      c.close();
    }
  }

  it('h3: within the limit, 100 then the origin answer; over it, 413 without a 100', async () => {
    const before = uploads.length;
    assert.deepEqual(await h3Upload(100), { statuses: [100, 200], body: '100' });
    assert.equal(uploads[before]?.bytes, 100);
    const over = await h3Upload(10 * limit);
    assert.deepEqual(over.statuses, [413]);
  });

  it('an expectation other than 100-continue: 417 on h1, h2 and h3, and nothing reaches the origin', async () => {
    const before = uploads.length;
    // A raw socket: undici refuses to send an Expect field.
    const h1 = await new Promise<string>((resolve, reject) => {
      const sock = connect(Number(new URL(edge.h1).port), '127.0.0.1');
      let text = '';
      sock.setEncoding('latin1').on('data', (c: string) => (text += c));
      sock.on('close', () => resolve(text));
      sock.on('error', reject);
      sock.setTimeout(5000, () => sock.destroy());
      sock.end('POST /upload HTTP/1.1\r\nHost: a\r\nExpect: nonsense\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx');
    });
    assert.match(h1, /^HTTP\/1\.1 417 /, 'h1');
    const session = h2connect(edge.tls, { rejectUnauthorized: false });
    session.on('error', () => {});
    try {
      const stream = session.request({ ':method': 'POST', ':path': '/upload', expect: 'nonsense' });
      stream.end('x');
      stream.resume();
      const status = await new Promise((resolve) => stream.once('response', (h) => resolve(h[':status'])));
      assert.equal(status, 417, 'h2');
    } finally {
      session.close();
    }
    const h3 = await curlH3(edge.ports.h3!, '/upload', ['-H', 'expect: nonsense', '-d', 'x', '-o', '/dev/null', '-w', '%{http_code}']);
    assert.equal(h3.stdout.toString(), '417', `h3: ${h3.stderr}`);
    assert.equal(uploads.length, before, 'no request reached the origin');
  });
});

/** An HTTP/3 frame at the start of `buf` (RFC 9114 §7.1), or null until it is complete. */
function nextFrame(buf: Buffer): { type: number; payload: Buffer; size: number } | null {
  const cursor = new VarintCursor();
  const afterType = readVarint(buf, 0, buf.length, cursor);
  if (afterType < 0) return null;
  const type = cursor.value;
  const start = readVarint(buf, afterType, buf.length, cursor);
  if (start < 0 || buf.length < start + cursor.value) return null;
  return { type, payload: buf.subarray(start, start + cursor.value), size: start + cursor.value };
}
