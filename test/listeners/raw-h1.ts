// Raw HTTP/1.1 exchanges for the listener tests: requests no client library would send, written as
// bytes to the plain listener and to the TLS listener's HTTP/1.1 side (ALPN http/1.1).
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { TestServer } from '../support/start-server.js';

/** Writes `head` and resolves with the status code and whether the server closed the connection. */
export function exchange(open: () => Socket, head: string): Promise<{ status: number; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const sock = open();
    let text = '';
    let closed = false;
    sock.setEncoding('latin1');
    const done = (): void => {
      clearTimeout(timer);
      sock.destroy();
      resolve({ status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0), closed });
    };
    // A keep-alive answer leaves the connection open: give it a moment to close, then judge.
    const timer = setTimeout(done, 1500);
    sock.on('data', (c: string) => (text += c));
    sock.on('end', () => (closed = true));
    sock.on('close', () => {
      closed = true;
      done();
    });
    sock.on('error', reject);
    sock.write(head);
  });
}

/** Both listeners that speak HTTP/1.1, as socket openers (the server is read when a test runs). */
export function http1Listeners(server: () => TestServer): [string, () => Socket][] {
  return [
    ['plain', () => netConnect(server().ports.h1!, '127.0.0.1')],
    ['TLS', () => tlsConnect({ port: server().ports.tls!, host: '127.0.0.1', ALPNProtocols: ['http/1.1'], rejectUnauthorized: false })],
  ];
}
