// Tracks the TCP connections of a node:http-style server and how many requests each has in flight, so a
// drain can close idle keep-alive connections at once and busy ones as soon as their response is done.
import type { Socket } from 'node:net';

export class ConnectionTracker {
  readonly #busy = new Map<Socket, number>();
  #inflight = 0;
  #draining = false;
  #idleWaiters: (() => void)[] = [];

  add(socket: Socket): void {
    this.#busy.set(socket, 0);
    socket.once('close', () => this.#busy.delete(socket));
  }

  requestStarted(socket: Socket | null | undefined): void {
    this.#inflight++;
    if (socket) this.#busy.set(socket, (this.#busy.get(socket) ?? 0) + 1);
  }

  requestEnded(socket: Socket | null | undefined): void {
    this.#inflight--;
    if (socket) {
      const n = (this.#busy.get(socket) ?? 1) - 1;
      if (this.#busy.has(socket)) this.#busy.set(socket, n);
      // While draining, a connection whose last response is done has nothing more to do.
      if (this.#draining && n === 0) setImmediate(() => socket.destroySoon());
    }
    if (this.#inflight === 0) for (const w of this.#idleWaiters.splice(0)) w();
  }

  get inflight(): number {
    return this.#inflight;
  }

  get connections(): number {
    return this.#busy.size;
  }

  /** Closes idle connections now and every other one when its in-flight requests end. */
  startDrain(): void {
    this.#draining = true;
    for (const [socket, n] of this.#busy) if (n === 0) socket.destroySoon();
  }

  /** Resolves when no request is in flight, or at the deadline (ms since epoch). */
  async idle(deadline: number): Promise<void> {
    if (this.#inflight === 0) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, Math.max(0, deadline - Date.now()));
      this.#idleWaiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  /** Destroys every connection; returns how many requests were still in flight. */
  destroyAll(): number {
    const cut = this.#inflight;
    for (const socket of this.#busy.keys()) socket.destroy();
    return cut;
  }
}
