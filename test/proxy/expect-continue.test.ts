// Expect: 100-continue (RFC 9110 §10.1.1): the 100 invites the body, so it is sent only when the body is
// read: a proxied upload gets 100 and then its answer; an upload over RWS_CONFIG_MAX_BODY_SIZE gets its
// 413 without a 100, so the client never sends the body. HTTP/1.1 over a raw socket (the client waits
// for the 100 as curl does), HTTP/2 with node's client.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect as h2connect } from 'node:http2';
import { connect } from 'node:net';
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
});
