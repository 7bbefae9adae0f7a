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
//
// The count is the connection tracker's: the responses it holds for a connection are exactly its
// unanswered requests, so the gate keeps no state of its own.
import type { Socket } from 'node:net';
import type { ConnectionTracker } from './connection-tracker.js';

export class PipelineGate {
  readonly #max: number;
  readonly #tracker: ConnectionTracker;

  constructor(max: number, tracker: ConnectionTracker) {
    this.#max = max;
    this.#tracker = tracker;
  }

  /** Whether `socket` may have one more request: false when it already has `max` unanswered. */
  admit(socket: Socket): boolean {
    return this.#tracker.unanswered(socket) < this.#max;
  }
}
