// Bounds HTTP/1.1 pipelining per connection. node:http parses every request of a read at once (one
// 64 KiB read holds ~1000 small GETs) and serves each immediately; responses behind the first are held
// in memory until their turn, each with its first body chunk. 20 000 pipelined requests from a client
// that never reads grew the server by 870 MB (measured, test/exhaustion/h1-pipelining-flood.test.ts).
// So a connection may have at most `max` requests unanswered; a request beyond that closes it (RFC 9112
// §9.3.2 lets a server close a connection with requests outstanding: the client retries them).
//
// Why not pause the socket until the backlog drains, as node itself does when its write buffer is full:
// a pause only takes effect after the current read (up to ~1000 more requests, each holding node's
// request and response objects), and on TLS a pause racing node's own (socket._paused) feeds data to
// its paused parser, a parse error that closes the connection anyway (both measured). Real clients
// pipeline a few requests deep, if at all.
import type { Socket } from 'node:net';

export class PipelineGate {
  readonly #max: number;
  readonly #unanswered = new WeakMap<Socket, number>();

  constructor(max: number) {
    this.#max = max;
  }

  /** Counts a new request on `socket`; false (and nothing counted) when it already has `max` unanswered. */
  admit(socket: Socket): boolean {
    const n = this.#unanswered.get(socket) ?? 0;
    if (n >= this.#max) return false;
    this.#unanswered.set(socket, n + 1);
    return true;
  }

  /** A request admitted on `socket` has ended (its response is written or abandoned). */
  done(socket: Socket): void {
    const n = this.#unanswered.get(socket);
    if (n !== undefined) this.#unanswered.set(socket, n - 1);
  }
}
