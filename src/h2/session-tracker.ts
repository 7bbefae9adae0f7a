// HTTP/2 sessions and their in-flight streams, for draining. The drain is the two-phase GOAWAY of
// RFC 9113 §6.8: first GOAWAY with the largest stream id (2^31-1) so the client stops opening streams
// while the ones already in flight are still accepted, then, one round trip later, GOAWAY with the last
// stream id actually processed; the session closes when its streams are done.
import { constants, type ServerHttp2Session } from 'node:http2';

const maxStreamId = 2 ** 31 - 1;

export class SessionTracker {
  readonly #streams = new Map<ServerHttp2Session, number>();
  #inflight = 0;
  #draining = false;
  #waiters: (() => void)[] = [];

  add(session: ServerHttp2Session): void {
    this.#streams.set(session, 0);
    session.once('close', () => this.#streams.delete(session));
    if (this.#draining) this.#goaway(session);
  }

  streamStarted(session: ServerHttp2Session): void {
    this.#inflight++;
    this.#streams.set(session, (this.#streams.get(session) ?? 0) + 1);
  }

  streamEnded(session: ServerHttp2Session): void {
    this.#inflight--;
    if (this.#streams.has(session)) this.#streams.set(session, this.#streams.get(session)! - 1);
    if (this.#inflight === 0) for (const w of this.#waiters.splice(0)) w();
  }

  get inflight(): number {
    return this.#inflight;
  }

  startDrain(deadline: number): void {
    this.#draining = true;
    for (const s of this.#streams.keys()) this.#goaway(s, deadline);
  }

  #goaway(session: ServerHttp2Session, deadline = Date.now() + 1000): void {
    if (session.closed || session.destroyed) return;
    session.goaway(constants.NGHTTP2_NO_ERROR, maxStreamId);
    // Second phase after a round trip: a PING ack proves the client has seen the first GOAWAY.
    const second = (): void => {
      if (!session.closed && !session.destroyed) session.close();
    };
    const t = setTimeout(second, Math.max(0, Math.min(1000, deadline - Date.now())));
    t.unref();
    try {
      session.ping(() => {
        clearTimeout(t);
        second();
      });
    } catch {
      // ping throws if the session is already closing; the timer still runs the second phase
    }
  }

  async idle(deadline: number): Promise<void> {
    if (this.#inflight === 0) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, Math.max(0, deadline - Date.now()));
      this.#waiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  destroyAll(code: number): number {
    const cut = this.#inflight;
    for (const s of this.#streams.keys()) s.destroy(undefined, code);
    return cut;
  }
}
