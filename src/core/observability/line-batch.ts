// Collects log lines into one string and hands it to the destination in large pieces: per request this
// is one string concatenation, and the destination's per-write bookkeeping is paid once per batch. The
// batch leaves as one Buffer, encoded once (a string destination would measure, encode and re-encode it).
// A batch leaves when it reaches `maxChars`, when `maxDelayMs` has passed since its first line, or when
// handOver() is called (events, flush, exit), so lines are never held for long.

export interface LineDestination {
  write(data: Buffer): unknown;
}

export class LineBatch {
  #pending = '';
  #timer: NodeJS.Timeout | undefined;
  readonly #dest: LineDestination;
  readonly #maxChars: number;
  readonly #maxDelayMs: number;
  readonly #onTimer = (): void => {
    this.#timer = undefined;
    this.handOver();
  };

  constructor(dest: LineDestination, maxChars = 8192, maxDelayMs = 100) {
    this.#dest = dest;
    this.#maxChars = maxChars;
    this.#maxDelayMs = maxDelayMs;
  }

  push(line: string): void {
    this.#pending += line;
    if (this.#pending.length >= this.#maxChars) this.handOver();
    else if (this.#timer === undefined) this.#timer = setTimeout(this.#onTimer, this.#maxDelayMs).unref();
  }

  // The timer is left armed when a batch leaves early: under load that is one timer per interval rather
  // than a setTimeout/clearTimeout pair per batch, and a timer that finds nothing pending does nothing.
  handOver(): void {
    if (this.#pending === '') return;
    const data = this.#pending;
    this.#pending = '';
    this.#dest.write(Buffer.from(data));
  }
}
