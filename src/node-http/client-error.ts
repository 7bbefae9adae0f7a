// Answers a request node's HTTP/1.1 parser rejected (malformed, headers too large, timed out) with a
// short status line and closes the connection; never lets the error escape as an exception.
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Core, CutReason } from '../core/contract.js';

/** The 'clientError' listener of an HTTP/1.1 server (plain, or over TLS). */
export function clientErrorHandler(core: Core): (err: NodeJS.ErrnoException, socket: Socket) => void {
  // node runs its failed parser again on every later read of the socket, and reports each failure: a
  // client still writing a header past the limit comes here several times. The cut counts once.
  const cut = new WeakSet<Socket>();
  return (err, socket) => {
    const why = cutReason(err.code);
    if (why !== undefined && !cut.has(socket)) {
      cut.add(socket);
      core.connectionCut('h1', why, socket.remoteAddress);
    }
    clientError(err, socket);
  };
}

// node forwards the socket's own errors here too (ECONNRESET, EPIPE: the client left): only the
// parser's refusals and the headers/request timeouts are the edge's doing.
function cutReason(code: string | undefined): CutReason | undefined {
  if (code === 'HPE_HEADER_OVERFLOW') return 'headers_too_large';
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return 'request_timeout';
  return code?.startsWith('HPE_') ? 'bad_request' : undefined;
}

function clientError(err: NodeJS.ErrnoException, socket: Socket): void {
  if (!socket.writable || (socket as Socket & { _httpMessage?: unknown })._httpMessage) {
    socket.destroy();
    return;
  }
  const status =
    err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large'
    : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout'
    : '400 Bad Request';
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/**
 * CONNECT (RFC 9110 §9.3.6) asks for a tunnel, which this server does not provide: 501, as for a method
 * it does not implement (§15.6.2), and the connection is closed (node hands the socket over for the
 * tunnel and never reads another request from it). Without this node closes the socket unanswered.
 */
export function refuseConnect(_req: unknown, socket: Duplex): void {
  if (!socket.writable) return void socket.destroy();
  socket.end('HTTP/1.1 501 Not Implemented\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
}
