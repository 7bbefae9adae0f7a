// Reads a socket node's HTTP parser has let go of ('upgrade') while the core decides what to answer:
// unread, a client that leaves would go unnoticed (no 'end' or 'close' until something reads), and the
// origin handshake would run on until its timeout for nobody. What the client sends meanwhile is kept
// for the tunnel, up to a bound; past it the socket is paused again (RFC 6455 §4.1: a client sends
// nothing before the 101, so only a misbehaving one gets there).
import type { Socket } from 'node:net';

const maxHeldBytes = 64 * 1024;

export class EarlyBytes {
  readonly #socket: Socket;
  readonly #chunks: Buffer[];
  #size: number;
  readonly #onData = (chunk: Buffer): void => {
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    if (this.#size >= maxHeldBytes) this.#socket.pause();
  };
  // A FIN before the 101: the client is gone (a WebSocket client never half-closes before it).
  readonly #onEnd = (): void => void this.#socket.destroy();

  /** `head`: the bytes node read past the request head; `endIsGone`: a FIN means the client left. */
  constructor(socket: Socket, head: Buffer, endIsGone: boolean) {
    this.#socket = socket;
    this.#chunks = head.length > 0 ? [head] : [];
    this.#size = head.length;
    socket.on('data', this.#onData);
    if (endIsGone) socket.once('end', this.#onEnd);
  }

  /** Stops reading and returns everything held; the socket is left paused for whoever pipes it. */
  take(): Buffer {
    this.#socket.off('data', this.#onData);
    this.#socket.off('end', this.#onEnd);
    this.#socket.pause();
    return this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks);
  }
}
