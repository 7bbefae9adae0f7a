// The process lifecycle: starting → ready → draining → stopped. /readyz, Alt-Svc, metrics and the
// shutdown coordinator all read this one state.
export type Phase = 'starting' | 'ready' | 'draining' | 'stopped';

type PhaseListener = (phase: Phase) => void;

export class Lifecycle {
  #phase: Phase = 'starting';
  #listeners: PhaseListener[] = [];
  /** Extra readiness condition (e.g. the origin answers), checked while phase is ready. */
  #gate: () => boolean = () => true;

  get phase(): Phase {
    return this.#phase;
  }

  /** Ready to take traffic: all listeners bound, not draining, and the optional gate open. */
  isReady(): boolean {
    return this.#phase === 'ready' && this.#gate();
  }

  isDraining(): boolean {
    return this.#phase === 'draining' || this.#phase === 'stopped';
  }

  setReadinessGate(gate: () => boolean): void {
    this.#gate = gate;
  }

  onChange(listener: PhaseListener): void {
    this.#listeners.push(listener);
  }

  /** Moves forward only: a draining server never becomes ready again. */
  advance(to: Phase): void {
    const order: Phase[] = ['starting', 'ready', 'draining', 'stopped'];
    if (order.indexOf(to) <= order.indexOf(this.#phase)) return;
    this.#phase = to;
    for (const l of this.#listeners) l(to);
  }
}
