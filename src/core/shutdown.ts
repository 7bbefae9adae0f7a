// One shutdown coordinator for every listener (h1, TLS, h3, admin). The sequence, for Kubernetes
// rolling updates (docs/drain.md):
//   1. readiness flips to 503 at once and Alt-Svc stops (lifecycle → draining);
//   2. keep serving normally for the shutdown delay, while endpoints and load balancers take the pod out;
//   3. every listener drains in parallel (stop accepting, GOAWAY, Connection: close) until its in-flight
//      exchanges are done and its connections closed, or the drain deadline passes;
//   4. whatever is left is cut, logs are flushed, and the exit code says which way it went.
import type { Config } from './config/options.js';
import type { Listener } from './contract.js';
import { ExitCode } from './errors.js';
import type { Lifecycle } from './lifecycle.js';
import type { Observer } from './observer.js';

/** Longest wait for the log flush before exiting anyway: a stuck stdout must not keep a pod alive. */
const flushLimitMs = 1000;

export interface DrainOptions {
  /** Overrides RWS_CONFIG_SHUTDOWN_DELAY_MS (SIGINT and crashes drain at once). */
  delayMs?: number;
  /** Overrides RWS_CONFIG_DRAIN_TIMEOUT_MS. */
  drainTimeoutMs?: number;
}

export class ShutdownCoordinator {
  readonly #lifecycle: Lifecycle;
  readonly #observer: Observer;
  readonly #listeners: Listener[];
  readonly #config: Pick<Config, 'shutdownDelayMs' | 'drainTimeoutMs'>;
  #running: Promise<number> | undefined;
  /** The process failed (an uncaught exception): the drain ends with ExitCode.failure, and says so. */
  #failed = false;
  readonly #onStopped: (() => Promise<void>)[] = [];
  /** End of the shutdown delay, and the drain deadline; hurry() moves both earlier. */
  readonly #delayEnd = new Alarm();
  readonly #deadline = new Alarm();

  constructor(lifecycle: Lifecycle, observer: Observer, listeners: Listener[], config: Pick<Config, 'shutdownDelayMs' | 'drainTimeoutMs'>) {
    this.#lifecycle = lifecycle;
    this.#observer = observer;
    this.#listeners = listeners;
    this.#config = config;
  }

  get inProgress(): boolean {
    return this.#running !== undefined;
  }

  /** Registers work for after every listener has closed (e.g. closing the origin connection pool). */
  onStopped(hook: () => Promise<void>): void {
    this.#onStopped.push(hook);
  }

  /** Runs the drain once; later calls return the same result. Resolves with the process exit code. */
  run(reason: string, opts: DrainOptions = {}): Promise<number> {
    this.#running ??= this.#run(reason, opts.delayMs ?? this.#config.shutdownDelayMs, opts.drainTimeoutMs ?? this.#config.drainTimeoutMs);
    return this.#running;
  }

  /**
   * Makes a running drain stricter (an uncaught exception during a SIGTERM drain): the shutdown delay
   * ends now, and the drain deadline moves to at most `drainTimeoutMs` from now.
   */
  hurry(drainTimeoutMs: number): void {
    this.#delayEnd.moveTo(Date.now());
    this.#deadline.moveTo(Date.now() + drainTimeoutMs);
  }

  /** The drain, running or to come, ends the process as failed (ExitCode.failure), whatever it cuts. */
  markFailed(): void {
    this.#failed = true;
  }

  async #run(reason: string, delayMs: number, drainTimeoutMs: number): Promise<number> {
    this.#lifecycle.advance('draining');
    this.#observer.event('info', 'drain started', { reason, delay_ms: delayMs, drain_timeout_ms: drainTimeoutMs });
    this.#delayEnd.moveTo(Date.now() + delayMs);
    await this.#delayEnd.rung;
    const started = Date.now();
    this.#deadline.moveTo(started + drainTimeoutMs);
    const deadline = this.#deadline.at;
    const inflight = this.#inflight();
    // Each listener honours the deadline itself; the race also covers a deadline hurry() moved earlier.
    const drained = Promise.all(this.#listeners.map((l) => this.#step(`drain ${l.name}`, () => l.drain(deadline))));
    // Logged once every listener has stopped accepting (drain() does that before its first await).
    this.#observer.event('info', 'listeners draining', { reason, inflight });
    await Promise.race([drained, this.#deadline.rung]);
    this.#deadline.cancel();
    const cut: Record<string, number> = {};
    for (const l of this.#listeners) {
      const n = await this.#step(`close ${l.name}`, () => l.close());
      if (typeof n === 'number' && n > 0) cut[l.name] = n;
    }
    for (const hook of this.#onStopped) await this.#step('stop hook', hook);
    this.#lifecycle.advance('stopped');
    const total = Object.values(cut).reduce((a, b) => a + b, 0);
    // Read at the end: an exception during the drain fails the process too.
    const code = this.#failed ? ExitCode.failure : total > 0 ? ExitCode.drainTimeout : ExitCode.ok;
    this.#observer.event(total > 0 ? 'error' : 'info', 'drain finished', {
      reason,
      drained_ms: Date.now() - started,
      requests_cut: total,
      ...(total > 0 ? { cut_by_listener: cut } : {}),
      exit_code: code,
    });
    await flushLogs(this.#observer);
    return code;
  }

  /** In-flight exchanges per listener, for the log. */
  #inflight(): Record<string, number> {
    return Object.fromEntries(this.#listeners.map((l) => [l.name, l.inflight()]));
  }

  /** One step of the drain; a failing step is logged and the drain goes on (it must always reach exit). */
  async #step<T>(what: string, fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (e) {
      this.#observer.event('warn', 'shutdown step failed', { step: what, err: String(e) });
      return undefined;
    }
  }
}

/** Flushes the logs, waiting at most flushLimitMs. */
export async function flushLogs(observer: Observer): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, flushLimitMs);
    timer.unref();
  });
  await Promise.race([observer.flush().catch(() => undefined), limit]);
  clearTimeout(timer);
}

/**
 * A point in time that can only move earlier: `rung` resolves when it is reached. Unset, it never rings;
 * the first moveTo() sets it. cancel() drops the timer so a finished drain leaves none behind.
 */
class Alarm {
  at = Infinity;
  readonly rung: Promise<void>;
  #ring!: () => void;
  #timer: NodeJS.Timeout | undefined;

  constructor() {
    this.rung = new Promise((resolve) => (this.#ring = resolve));
  }

  moveTo(at: number): void {
    if (at >= this.at) return;
    this.at = at;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(this.#ring, Math.max(0, at - Date.now()));
  }

  cancel(): void {
    clearTimeout(this.#timer);
  }
}
