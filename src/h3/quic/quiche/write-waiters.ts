// Send-side backpressure. quiche accepts stream data only up to the peer's flow-control credit and the
// congestion window (streamSend returns short, or null for none); it has no "writable" event. So a
// stream that was short-written is remembered, and on every flush (which follows every batch of
// received packets, i.e. every ACK or MAX_STREAM_DATA that could free capacity, and every timer) the
// waiting streams are probed with streamCapacity(): capacity > 0 means onStreamWritable, a thrown
// StreamStopped(code) means the peer sent STOP_SENDING. Nothing is buffered here: the caller keeps
// the unsent rest, so what is in flight per stream never exceeds what quiche took under its windows.
import { streamErrorCode, type QuicheConnection } from './binding.js';

export interface WriteSink {
  onStreamWritable(id: number): void;
  onStreamStopped(id: number, appCode: number): void;
}

export class WriteWaiters {
  private waiting: Set<number> | null = null;
  /** STOP_SENDING codes seen by streamSend, reported at the next flush (never reentrantly). */
  private stopped: Map<number, number> | null = null;

  constructor(private readonly q: QuicheConnection) {}

  /** Wraps streamSend: bytes accepted, or -1 when the stream cannot be written any more. */
  send(id: number, data: Uint8Array, fin: boolean): number {
    let n: number | null;
    try {
      n = this.q.streamSend(id, data, fin);
    } catch (err) {
      this.waiting?.delete(id);
      const code = streamErrorCode(err, 'StreamStopped');
      if (code >= 0) (this.stopped ??= new Map()).set(id, code);
      return -1;
    }
    const accepted = n ?? 0;
    if (accepted < data.length) (this.waiting ??= new Set()).add(id);
    else this.waiting?.delete(id);
    return accepted;
  }

  /** We reset the stream ourselves: stop waiting for it. */
  forget(id: number): void {
    this.waiting?.delete(id);
  }

  get pending(): boolean {
    return (this.waiting !== null && this.waiting.size !== 0) || (this.stopped !== null && this.stopped.size !== 0);
  }

  /** Reports STOP_SENDINGs and streams that can take data again. */
  notify(sink: WriteSink): void {
    if (this.stopped !== null && this.stopped.size !== 0) {
      const stopped = this.stopped;
      this.stopped = null;
      for (const [id, code] of stopped) sink.onStreamStopped(id, code);
    }
    if (this.waiting === null || this.waiting.size === 0) return;
    // Snapshot: onStreamWritable writes again and may re-add the stream.
    for (const id of [...this.waiting]) {
      let cap: number;
      try {
        cap = this.q.streamCapacity(id);
      } catch (err) {
        this.waiting.delete(id);
        const code = streamErrorCode(err, 'StreamStopped');
        if (code >= 0) sink.onStreamStopped(id, code);
        continue;
      }
      if (cap > 0) {
        this.waiting.delete(id);
        sink.onStreamWritable(id);
      }
    }
  }
}
