// Collects log lines into one Buffer and hands it to the destination in large pieces. Each line is
// encoded into the batch as it arrives (one Buffer#write), so no batch string is built: a batch kept
// as a string is a chain of concatenations that every young-generation GC copies while it grows, and
// that is measured, flattened and encoded again when it leaves (together ~4000 instructions per access
// line, counted with callgrind against this design). The destination's per-write bookkeeping is paid
// once per batch. A batch leaves when it is nearly full, when `maxDelayMs` has passed since its first
// line, or when handOver() is called (events, flush, exit), so lines are never held for long.

export interface LineDestination {
  write(data: Buffer): unknown;
}

export class LineBatch {
  #buf: Buffer;
  #used = 0;
  #timer: NodeJS.Timeout | undefined;
  readonly #dest: LineDestination;
  readonly #size: number;
  readonly #maxDelayMs: number;
  readonly #onTimer = (): void => {
    this.#timer = undefined;
    this.handOver();
  };

  constructor(dest: LineDestination, size = 8192, maxDelayMs = 100) {
    this.#dest = dest;
    this.#size = size;
    this.#maxDelayMs = maxDelayMs;
    this.#buf = Buffer.allocUnsafeSlow(size);
  }

  push(line: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit (a surrogate pair: 4 bytes for 2 units).
    const worst = line.length * 3;
    if (this.#used + worst > this.#size) {
      this.handOver();
      // Longer than a whole batch (no access line is: its fields are capped): on its own.
      if (worst > this.#size) return void this.#dest.write(Buffer.from(line));
    }
    this.#used += this.#buf.write(line, this.#used);
    // The timer is left armed when a batch leaves early: under load that is one timer per interval rather
    // than a setTimeout/clearTimeout pair per batch, and a timer that finds nothing pending does nothing.
    if (this.#timer === undefined) this.#timer = setTimeout(this.#onTimer, this.#maxDelayMs).unref();
  }

  // The destination keeps a Buffer until it is written, so a batch never shares memory with the next
  // one. A batch under half full (the timer's, under light traffic) leaves as an exact-size copy and the
  // batch buffer is reused: while stdout is stalled the destination holds every batch (up to its byte
  // limit), and a 64 KiB buffer behind each 300-byte line would multiply that limit by 200.
  handOver(): void {
    const used = this.#used;
    if (used === 0) return;
    this.#used = 0;
    if (used * 2 < this.#size) {
      const copy = Buffer.allocUnsafeSlow(used);
      this.#buf.copy(copy, 0, 0, used);
      this.#dest.write(copy);
      return;
    }
    const data = this.#buf.subarray(0, used);
    this.#buf = Buffer.allocUnsafeSlow(this.#size);
    this.#dest.write(data);
  }
}
