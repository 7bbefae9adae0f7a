// Answers a request node's HTTP/1.1 parser rejected (malformed, headers too large, timed out) with a
// short status line and closes the connection; never lets the error escape as an exception.
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

export function clientError(err: NodeJS.ErrnoException, socket: Socket): void {
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
