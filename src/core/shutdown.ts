// One shutdown coordinator for every listener (h1, TLS, h3, admin). The sequence, for Kubernetes
// rolling updates (docs/kubernetes.md):
//   1. readiness flips to 503 at once and Alt-Svc stops (lifecycle → draining);
//   2. keep serving for the shutdown delay, while endpoints and load balancers take the pod out;
//   3. every listener drains in parallel (stop accepting, GOAWAY, Connection: close) until in-flight
//      exchanges finish or the drain deadline passes;
//   4. whatever is left is cut, logs are flushed, and the exit code says which way it went.
import type { Config } from './config/options.js';
import type { Listener } from './contract.js';
import { ExitCode } from './errors.js';
import type { Lifecycle } from './lifecycle.js';
import type { Observer } from './observer.js';

export class ShutdownCoordinator {
  readonly #lifecycle: Lifecycle;
  readonly #observer: Observer;
  readonly #listeners: Listener[];
  readonly #config: Pick<Config, 'shutdownDelayMs' | 'drainTimeoutMs'>;
  #running: Promise<number> | undefined;
  readonly #onStopped: (() => Promise<void>)[] = [];

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
  run(reason: string, opts: { delayMs?: number; drainTimeoutMs?: number } = {}): Promise<number> {
    this.#running ??= this.#run(reason, opts.delayMs ?? this.#config.shutdownDelayMs, opts.drainTimeoutMs ?? this.#config.drainTimeoutMs);
    return this.#running;
  }

  async #run(reason: string, delayMs: number, drainTimeoutMs: number): Promise<number> {
    this.#lifecycle.advance('draining');
    this.#observer.event('info', 'drain started', { reason, delay_ms: delayMs, drain_timeout_ms: drainTimeoutMs });
    if (delayMs > 0) await sleep(delayMs);
    const started = Date.now();
    const deadline = started + drainTimeoutMs;
    await Promise.all(this.#listeners.map((l) => l.drain(deadline)));
    let cut = 0;
    for (const l of this.#listeners) cut += await l.close();
    for (const hook of this.#onStopped) {
      await hook().catch((e: unknown) => this.#observer.event('warn', 'shutdown step failed', { err: String(e) }));
    }
    this.#lifecycle.advance('stopped');
    const code = cut > 0 ? ExitCode.drainTimeout : ExitCode.ok;
    this.#observer.event(cut > 0 ? 'error' : 'info', 'drain finished', { reason, drained_ms: Date.now() - started, requests_cut: cut, exit_code: code });
    await this.#observer.flush();
    return code;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
