// The part of a CoreRequest every listener implements the same way: an AbortSignal that fires when the
// client goes away, created only when something (the proxy) asks for it.
export class AbortableRequest {
  // Created on first use: most requests (static files) never look at it, and AbortController is not free.
  #abort: AbortController | undefined;
  #aborted = false;

  get signal(): AbortSignal {
    this.#abort ??= new AbortController();
    if (this.#aborted) this.#abort.abort();
    return this.#abort.signal;
  }

  /** Whether the client went away before the response was complete. */
  get aborted(): boolean {
    return this.#aborted;
  }

  /** Called by the listener when the client went away before the response was complete. */
  markAborted(): void {
    this.#aborted = true;
    this.#abort?.abort();
  }
}
