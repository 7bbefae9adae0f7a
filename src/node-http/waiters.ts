// "Resolve when the condition holds, or at the deadline": what a draining tracker hands the shutdown
// coordinator. The deadline timer is cleared as soon as the condition is met, so a finished drain leaves
// no timer behind to hold the event loop.
export class Waiters {
  #pending: (() => void)[] = [];

  /** Resolves at once if `isDone()`, else on the first release() or at `deadline` (ms since epoch). */
  wait(isDone: () => boolean, deadline: number): Promise<void> {
    if (isDone()) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
      this.#pending.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** The condition now holds: resolves every waiter. */
  release(): void {
    for (const w of this.#pending.splice(0)) w();
  }
}
