// Shared by the resource-exhaustion tests. The server runs as its own process (spawnServer), so its
// resident memory is read from /proc/<pid>/status while an attack runs; a well-behaved client keeps
// asking it for /healthz and a static file at the same time and every answer must be correct and come
// within ANSWER_BOUND_MS. Attacks are bounded in count and time and only target 127.0.0.1.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request, type Dispatcher } from 'undici';
import { spawnServer, type ServerProcess } from '../support/spawn-server.js';
import { loadDockerfile } from '../deploy/dockerfile-model.js';
import { imageNodeOptions } from '../deploy/run-image.js';
import { curlH3, tempRoot, type TempRoot } from '../h3/support.js';
import { sumOf } from '../observability/exposition.js';
import { scrape } from '../observability/support.js';

export const MiB = 1024 * 1024;
/** A well-behaved request answered later than this while an attack runs fails the test (a liveness bound, not speed: 2 cores shared with other test runs). */
export const ANSWER_BOUND_MS = 2500;
/** Default bound on the server's RSS growth over its warmed-up baseline during an attack. */
export const RSS_GROWTH_BOUND = 150 * MiB;
/** The static file the well-behaved client fetches. */
export const HELLO = 'hello from a well-behaved client\n';

export type ProbeProtocol = 'h1' | 'h2' | 'h3';

export interface Target {
  readonly proc: ServerProcess;
  readonly pid: number;
  readonly ports: Record<string, number>;
  /** http://127.0.0.1:<h1 port> */
  readonly h1: string;
  /** https://127.0.0.1:<tls port> */
  readonly tls: string;
  /** The static root: hello.txt plus the files the test asked for. */
  readonly root: TempRoot;
  rss(): number;
  /** A /metrics counter or gauge (summed over `labels`' matches), read over a fresh HTTP/1.1 connection. */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  stop(): Promise<void>;
}

/** The node options of the container image's CMD, read from the Dockerfile. */
const imageNodeArgs = imageNodeOptions(loadDockerfile().at(-1)!);

/** Spawns the server with a fresh static root (hello.txt and `files`) and warms it up; `nodeArgs`: more node flags. */
export async function startTarget(
  env: Record<string, string> = {},
  files: Record<string, Uint8Array | string> = {},
  nodeArgs: string[] = [],
): Promise<Target> {
  const root = await tempRoot({ 'hello.txt': HELLO, ...files });
  // The access log is off: tens of thousands of lines would measure the logger, not the limits.
  // With the container image's node options (--max-semi-space-size): RSS is bounded here as in the pod.
  // Without them, Node 24 grows its young generation to 3 x 32 MiB semi-spaces under an attack's
  // allocation rate, heap it later gives back: 100 to 200 MiB of peak RSS that a pod never sees.
  const proc = await spawnServer({ RWS_CONFIG_ROOT: root.dir, RWS_CONFIG_ACCESS_LOG: 'off', ...env }, [], { nodeArgs: [...imageNodeArgs, ...nodeArgs] });
  const pid = proc.child.pid!;
  const target: Target = {
    proc,
    pid,
    ports: proc.ports,
    h1: `http://127.0.0.1:${proc.ports.h1}`,
    tls: `https://127.0.0.1:${proc.ports.tls}`,
    root,
    rss: () => rssOf(pid),
    async metric(name, labels = {}) {
      return sumOf((await scrape(target.h1)).families, name, labels);
    },
    async stop() {
      proc.kill('SIGKILL');
      await proc.exited;
      await root.remove();
    },
  };
  await warmUp(target);
  return target;
}

// One-off costs (TLS contexts, the first QUIC connection, JIT) land before any baseline is taken.
async function warmUp(t: Target): Promise<void> {
  const h2 = new Agent({ allowH2: true, connect: { rejectUnauthorized: false } });
  try {
    for (const protocol of ['h1', 'h2', 'h3'] as const) {
      for (const path of ['/healthz', '/hello.txt']) {
        const p = await probe(t, protocol, path, h2);
        assert.equal(p.error, undefined, `warm-up ${protocol} ${path}: ${p.error}`);
      }
    }
  } finally {
    await h2.destroy();
  }
}

export function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m![1]) * 1024;
}

export function mb(n: number): string {
  return (n / MiB).toFixed(1);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Yields to the event loop (lets the probes and the sampler run between attack batches). */
export function tick(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}

/**
 * Runs `round` again and again until `minMs` have passed (so the well-behaved client gets to run during
 * the attack), but never more than `maxRounds` times; returns the number of rounds.
 */
export async function repeat(minMs: number, maxRounds: number, round: (i: number) => Promise<void>): Promise<number> {
  const until = Date.now() + minMs;
  let i = 0;
  while (i < maxRounds && (i === 0 || Date.now() < until)) await round(i++);
  return i;
}

/** Random bytes for a large static file. */
export function blob(size: number): Buffer {
  return randomBytes(size);
}

export interface AttackOptions {
  /** Protocols of the well-behaved client (default h1 and h2). */
  protocols?: readonly ProbeProtocol[];
  rssBound?: number;
  minRounds?: number;
}

/**
 * Runs `attack` while a Watch runs; then asserts the Watch's bounds (see Watch.finish). An attack that
 * throws stops the Watch and rethrows, so its own failure is the one reported.
 */
export async function underAttack<T>(target: Target, what: string, attack: () => Promise<T>, opts: AttackOptions = {}): Promise<T> {
  const watch = new Watch(target, opts.protocols);
  let result: T;
  try {
    result = await attack();
  } catch (e) {
    await watch.stop();
    throw e;
  }
  await watch.finish(what, opts.rssBound, opts.minRounds);
  return result;
}

interface Probe {
  protocol: ProbeProtocol;
  path: string;
  ms: number;
  error?: string;
}

/**
 * The well-behaved client and the memory sampler, running while an attack does. Each round asks for
 * /healthz and /hello.txt once per protocol, on a new connection each time (a new client arriving).
 */
export class Watch {
  readonly #target: Target;
  readonly #protocols: readonly ProbeProtocol[];
  readonly #probes: Probe[] = [];
  readonly #baseline: number;
  #peak: number;
  #running = true;
  readonly #sampler: NodeJS.Timeout;
  readonly #loop: Promise<void>;

  constructor(target: Target, protocols: readonly ProbeProtocol[] = ['h1', 'h2']) {
    this.#target = target;
    this.#protocols = protocols;
    this.#baseline = target.rss();
    this.#peak = this.#baseline;
    this.#sampler = setInterval(() => this.#sample(), 25);
    this.#loop = this.#run();
  }

  get baseline(): number {
    return this.#baseline;
  }

  /** Peak RSS growth over the baseline so far. */
  get growth(): number {
    this.#sample();
    return this.#peak - this.#baseline;
  }

  get probes(): readonly Probe[] {
    return this.#probes;
  }

  /**
   * Stops, then asserts: every probe answered correctly within ANSWER_BOUND_MS, at least `minRounds`
   * rounds ran, and RSS grew by less than `rssBound`. Prints the measurements for docs/limits.md.
   */
  async finish(what: string, rssBound = RSS_GROWTH_BOUND, minRounds = 2): Promise<{ growth: number; slowestMs: number }> {
    await this.stop();
    const growth = this.growth;
    const slowest = Math.max(0, ...this.#probes.map((p) => p.ms));
    console.log(
      `${what}: RSS ${mb(this.#baseline)} MiB at rest, peak +${mb(growth)} MiB (bound +${mb(rssBound)}); ` +
        `${this.#probes.length} well-behaved requests, slowest ${slowest.toFixed(0)} ms`,
    );
    const failed = this.#probes.filter((p) => p.error !== undefined);
    assert.deepEqual(failed, [], 'every well-behaved request was answered correctly');
    assert.ok(this.#probes.length >= minRounds * 2 * this.#protocols.length, `only ${this.#probes.length} well-behaved requests ran`);
    assert.ok(slowest < ANSWER_BOUND_MS, `a well-behaved request took ${slowest.toFixed(0)} ms`);
    assert.ok(growth < rssBound, `server RSS grew by ${mb(growth)} MiB`);
    return { growth, slowestMs: slowest };
  }

  /** Stops probing and sampling, asserting nothing. */
  async stop(): Promise<void> {
    this.#running = false;
    await this.#loop;
    clearInterval(this.#sampler);
  }

  #sample(): void {
    try {
      this.#peak = Math.max(this.#peak, rssOf(this.#target.pid));
    } catch {
      // the process is gone: the probes report it
    }
  }

  async #run(): Promise<void> {
    while (this.#running) {
      // A new HTTP/2 session every round: a client arriving during the attack, not one that got in before.
      const h2 = new Agent({ allowH2: true, connect: { rejectUnauthorized: false } });
      for (const protocol of this.#protocols) {
        for (const path of ['/healthz', '/hello.txt']) this.#probes.push(await probe(this.#target, protocol, path, h2));
      }
      await h2.destroy();
      await sleep(100);
    }
  }
}

async function probe(t: Target, protocol: ProbeProtocol, path: string, h2: Agent): Promise<Probe> {
  const started = performance.now();
  const expected = path === '/hello.txt' ? HELLO : undefined;
  let error: string | undefined;
  try {
    const got = protocol === 'h3' ? await getH3(t, path) : await getTcp(protocol === 'h1' ? t.h1 + path : t.tls + path, protocol === 'h2' ? h2 : undefined);
    if (got.status !== 200) error = `status ${got.status}`;
    else if (expected !== undefined && got.body !== expected) error = `body ${JSON.stringify(got.body.slice(0, 80))}`;
  } catch (e) {
    error = String(e);
  }
  const ms = performance.now() - started;
  return error === undefined ? { protocol, path, ms } : { protocol, path, ms, error };
}

async function getTcp(url: string, dispatcher: Dispatcher | undefined): Promise<{ status: number; body: string }> {
  // HTTP/1.1: a new connection each time (Connection: close).
  const r = await request(url, {
    dispatcher,
    headers: dispatcher === undefined ? { connection: 'close' } : {},
    headersTimeout: ANSWER_BOUND_MS * 2,
    bodyTimeout: ANSWER_BOUND_MS * 2,
  });
  return { status: r.statusCode, body: await r.body.text() };
}

async function getH3(t: Target, path: string): Promise<{ status: number; body: string }> {
  const r = await curlH3(t.ports.tls!, path, ['-w', '\n%{http_code}'], { timeoutMs: ANSWER_BOUND_MS * 2 });
  const out = r.stdout.toString();
  const nl = out.lastIndexOf('\n');
  if (r.code !== 0) throw new Error(`curl exit ${r.code}: ${r.stderr}`);
  return { status: Number(out.slice(nl + 1)), body: out.slice(0, nl) };
}
