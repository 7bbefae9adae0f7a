// Finds readable client streams and delivers their data, without quiche's readable() iterator on the
// common path (~18 µs per call in this binding, against ~0.2 µs for a streamReadable(id) probe):
// 1. new request streams, probed in id order from the next unseen bidi id (0, 4, ...);
// 2. while quiche still reports something readable, new uni streams from the next unseen uni id
//    (2, 6, ...), then streams seen before and not finished (request bodies, the client's control and
//    QPACK streams);
// 3. only if quiche still reports something readable (a stream that opened out of order, or whose
//    lower-numbered siblings never carried data), one pass over readable().
import { streamErrorCode, type QuicheConnection } from './binding.js';

export interface StreamSink {
  onStreamData(id: number, data: Uint8Array, fin: boolean): boolean | void;
  onStreamReset(id: number, appCode: number): void;
}

const isClientStream = (id: number): boolean => (id & 1) === 0;

export class StreamReader {
  /** Client streams seen and not finished. */
  private readonly open = new Set<number>();
  /** Open streams whose consumer asked to pause. */
  private paused: Set<number> | null = null;
  /** Streams found out of order (step 3), at or above the in-order scan's position. */
  private ahead: Set<number> | null = null;
  private nextBidi = 0;
  private nextUni = 2;
  /** Stream payload bytes delivered (for the inbound overhead bound). */
  bytes = 0;

  constructor(
    private readonly q: QuicheConnection,
    private readonly scratch: Buffer,
  ) {}

  readAll(sink: StreamSink): void {
    const q = this.q;
    if (!q.isReadable()) return;
    // New requests first: under load that is mostly what a readable connection holds, and once they are
    // read quiche usually has nothing else readable, so new unidirectional streams (a client opens its
    // few at the start) and the streams that stay open (its control and QPACK streams, request bodies in
    // progress) are probed only when it still says so. Each probe is a call into the binding (~2k
    // instructions); under h3load -c10 -m10 this left 1.2 probes per request instead of 1.6.
    this.nextBidi = this.scan(this.nextBidi, sink);
    if (!q.isReadable()) return;
    this.nextUni = this.scan(this.nextUni, sink);
    for (const id of this.open) if (!this.isPaused(id) && q.streamReadable(id)) this.read(id, sink);
    if (q.isReadable() && !this.pausedReadable()) this.readOutOfOrder(sink);
  }

  /** Makes a paused stream eligible again; true when it is still open (the caller should flush). */
  resume(id: number): boolean {
    this.paused?.delete(id);
    return this.open.has(id);
  }

  /** We sent STOP_SENDING: nothing more will be delivered. */
  forget(id: number): void {
    this.open.delete(id);
    this.paused?.delete(id);
  }

  private scan(next: number, sink: StreamSink): number {
    for (let id = next; ; id += 4) {
      if (this.ahead?.delete(id)) continue;
      if (!this.q.streamReadable(id)) return id;
      this.open.add(id);
      this.read(id, sink);
    }
  }

  private readOutOfOrder(sink: StreamSink): void {
    for (const id of this.q.readable()) {
      if (!isClientStream(id) || this.isPaused(id)) continue;
      if (!this.open.has(id)) {
        const next = (id & 2) === 0 ? this.nextBidi : this.nextUni;
        if (id < next) continue; // finished earlier; nothing to deliver
        (this.ahead ??= new Set()).add(id);
        this.open.add(id);
      }
      this.read(id, sink);
    }
  }

  private read(id: number, sink: StreamSink): void {
    const { q, scratch } = this;
    for (;;) {
      let r: [number, boolean] | null;
      try {
        r = q.streamRecv(id, scratch);
      } catch (err) {
        this.forget(id);
        const code = streamErrorCode(err, 'StreamReset');
        if (code >= 0) sink.onStreamReset(id, code);
        return;
      }
      if (r === null) return;
      const n = r[0];
      const fin = r[1];
      this.bytes += n;
      if (fin) this.forget(id);
      const more = sink.onStreamData(id, scratch.subarray(0, n), fin);
      if (fin) return;
      if (more === false) {
        (this.paused ??= new Set()).add(id);
        return;
      }
      // quiche fills the buffer while data is contiguous, so a short read means nothing more is ready.
      if (n < scratch.length) return;
    }
  }

  private isPaused(id: number): boolean {
    return this.paused !== null && this.paused.has(id);
  }

  /**
   * A paused stream with pending data keeps quiche's readable set non-empty; skip the costly step 3
   * then (new streams are still found in order by step 2).
   */
  private pausedReadable(): boolean {
    if (this.paused === null) return false;
    for (const id of this.paused) if (this.q.streamReadable(id)) return true;
    return false;
  }
}
