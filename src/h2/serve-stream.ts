// One HTTP/2 exchange on node's stream API (ServerHttp2Stream.respond/end/pipe), not the compat layer:
// the compat request and response objects nearly halve node's HTTP/2 throughput (bare hello servers,
// h2load -c50 -m10: ~8-10k req/s compat against ~13k stream API, measured here), and they stand
// between the core and the stream this listener already manages (resets, flow control, GOAWAY).
// What compat did that still matters is done here: CONNECT refused (501), Expect answered (RFC 9110 §10.1.1),
// stream errors swallowed (a client's RST_STREAM is routine, not a crash), 'aborted' ends the response.
import { constants, type IncomingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import { isAuthority } from '../core/authority.js';
import type { Core, CoreResponse } from '../core/contract.js';
import { readFileBody } from '../core/file-body.js';
import { whenSettled } from '../core/settle.js';
import { continueOnFirstRead } from '../core/continue-on-read.js';
import { bytesReceived, pipeBody } from '../node-http/write-response.js';
import { responseHeaders } from './response-headers.js';
import type { SessionTracker, SessionView } from './session-tracker.js';
import { StreamRequest } from './stream-request.js';


// Files are read in 16 KiB chunks (one DATA frame) and a stream buffers at most that much: a response
// stalled by flow control holds what its writer buffers plus one chunk read ahead, times up to 100
// streams per connection. 64 KiB chunks and Node 22+'s 64 KiB default high-water mark let a client that
// never opens its window pin ~150 KiB per stream; 16 KiB measured no slower
// (test/exhaustion/h2-window-stall.test.ts, docs/limits.md).
const chunk = 16 * 1024;

const ignore = (): void => {};

export function serveStream(
  core: Core,
  stream: ServerHttp2Stream,
  headers: IncomingHttpHeaders,
  sessions: SessionTracker,
  session: SessionView,
): void {
  const method = headers[':method'];
  // No tunnels (RFC 9113 §8.5): 501, as on HTTP/1.1 (src/node-http/client-error.ts refuseConnect).
  if (method === 'CONNECT') return respondEmpty(stream, 501, sessions, session);
  // RFC 9113 §8.3.1: no userinfo, and a Host that names another authority makes the request malformed;
  // the authority goes on to the origin as Host (a 400 before the stream is reset is allowed, §8.1.1).
  const authority = headers[':authority'];
  const host = headers.host;
  if ((authority !== undefined && !isAuthority(authority)) || (host !== undefined && (!isAuthority(host) || (authority !== undefined && host !== authority)))) {
    return respondEmpty(stream, 400, sessions, session);
  }
  const expect = headers.expect;
  if (expect !== undefined) {
    if (expect.toLowerCase() !== '100-continue') return respondEmpty(stream, 417, sessions, session);
    // The 100 when the body is first read (src/core/continue-on-read.ts says why).
    continueOnFirstRead(stream, () => {
      if (!stream.headersSent && !stream.destroyed) stream.additionalHeaders({ ':status': 100 });
    });
  }
  stream.on('error', ignore);
  const startedAt = performance.now();
  sessions.streamStarted(session);
  const req = new StreamRequest(stream, headers, session.remote);
  // A stream the client resets while node still holds unread request data (a GET whose end nobody
  // reads, as after undici's abort) is destroyed by node only once the request is read to its end: an
  // endless proxied origin stream ran on (test/exhaustion/proxy-endless-stream.test.ts). node does
  // report 'aborted': that ends the response.
  let cut = false;
  stream.on('aborted', () => {
    cut = true;
    stream.destroy();
  });
  let out: CoreResponse | undefined;
  let sent = 0;
  let finished = false;
  const finish = (res: CoreResponse, aborted: boolean): void => {
    if (finished) return;
    finished = true;
    if (aborted) req.markAborted();
    const received = aborted ? 0 : bytesReceived(req.body, headers['content-length']);
    core.finish(req, res, { bytesSent: sent, bytesReceived: received, aborted }, startedAt);
  };
  // 'close' ends the exchange whichever side ends it: the response written, or the client gone
  // (RST_STREAM, GOAWAY, connection lost) while the core works or while the body is sent.
  stream.on('close', () => {
    // Complete means ended by us, closed without an error code, and not 'aborted'. Not writableFinished:
    // node may close a stream (both END_STREAMs exchanged) before its writable side reports 'finish'.
    // And not the code alone: a client that resets with NO_ERROR (undici's abort) cuts the response too.
    if (out === undefined) req.markAborted();
    else finish(out, cut || !stream.writableEnded || stream.rstCode !== constants.NGHTTP2_NO_ERROR);
    sessions.streamEnded(session, stream.rstCode);
  });
  whenSettled(
    core.handle(req),
    (res) => {
      out = res;
      // The client left while the core was working: nothing to write.
      if (stream.destroyed || stream.closed) return finish(res, true);
      writeBody(stream, res, method === 'HEAD', (n) => (sent += n));
    },
    // handle() turns every error into a 500; reaching this means a bug in the core itself, or node
    // refused the core's answer (respond() throws on fields it will not encode). With the error the
    // stream is reset with INTERNAL_ERROR; 'close' then ends the exchange.
    (e) => stream.destroy(e instanceof Error ? e : new Error(String(e))),
  );
}

function writeBody(stream: ServerHttp2Stream, res: CoreResponse, head: boolean, count: (n: number) => void): void {
  const body = res.body;
  const empty = body.kind === 'empty' || (body.kind === 'file' && body.end <= body.start);
  // HEAD, 204 and 304 responses end with their headers whatever the body (node ends the stream in
  // respond()); a streamed body nobody will read is released.
  const headOnly = head || res.status === 204 || res.status === 304;
  stream.respond(responseHeaders(res.status, res.headers), { endStream: empty || headOnly });
  if (empty || headOnly) {
    if (body.kind === 'stream') body.stream.destroy();
    return;
  }
  switch (body.kind) {
    case 'bytes':
      count(body.data.byteLength);
      stream.end(body.data);
      return;
    case 'file':
      capWriteBuffer(stream);
      pipeBody(readFileBody(body, chunk), stream, count);
      return;
    case 'stream':
      capWriteBuffer(stream);
      pipeBody(body.stream, stream, count);
      return;
  }
}

function respondEmpty(stream: ServerHttp2Stream, status: number, sessions: SessionTracker, session: SessionView): void {
  sessions.track(stream, session);
  if (!stream.destroyed) stream.respond({ ':status': status, 'content-length': 0 }, { endStream: true });
}

// node offers no per-stream high-water mark option (Node 22 raised the default from 16 to 64 KiB: on
// Node 24, 1000 stalled streams held +110 MiB, +59 MiB with this cap, measured), hence its writable
// state is set directly.
function capWriteBuffer(stream: ServerHttp2Stream): void {
  const state = (stream as unknown as { _writableState?: { highWaterMark?: number } })._writableState;
  if (state !== undefined && typeof state.highWaterMark === 'number' && state.highWaterMark > chunk) state.highWaterMark = chunk;
}
