// What observability costs per request: ns per requestFinished (metrics, access log, both) against a
// no-op observer and against the naive way (pino logger.info + prom-client counter.inc/histogram.observe
// per request), then requests/s under wrk against the same server with a no-op observer, metrics only,
// and metrics plus JSON or text access logs. Every measurement runs in a child process whose stdout is
// /dev/null, so log writes are real writes; results go to stderr. On a shared machine wall-clock numbers
// swing with the neighbours' load, so both parts also report CPU time (process.cpuUsage in the micro
// child, /proc ticks of the server under wrk), which includes the log writes done on libuv's threads.
//   node dist/bench/observability-micro.js [micro|wrk|all]   (default all)
//   OBS_BENCH_SECONDS (3)  OBS_BENCH_ROUNDS (3)  OBS_BENCH_CONNECTIONS (50)
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { setImmediate as yieldLoop, setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { Counter, Histogram, Registry } from 'prom-client';
import type { CoreRequest, CoreResponse, ExchangeEnd } from '../src/core/contract.js';
import { loadConfig } from '../src/core/config/load-config.js';
import { createCore } from '../src/core/app.js';
import { Lifecycle } from '../src/core/lifecycle.js';
import { createObserver } from '../src/core/observability/index.js';
import { DURATION_BUCKETS_S } from '../src/core/observability/bucket-counts.js';
import type { Observer } from '../src/core/observer.js';
import { createStaticHandler } from '../src/core/static/index.js';
import { createH1Listener } from '../src/h1/listener.js';
import { clients } from '../test/support/clients.js';
import { cpuSeconds, waitForPort } from './processes.js';
import { wrk } from './tools.js';
import { noopObserver } from './noop-observer.js';

const self = fileURLToPath(import.meta.url);
const seconds = Number(process.env.OBS_BENCH_SECONDS ?? 3);
const rounds = Number(process.env.OBS_BENCH_ROUNDS ?? 3);
const connections = Number(process.env.OBS_BENCH_CONNECTIONS ?? 50);

type Variant = 'none' | 'metrics' | 'metrics+json' | 'metrics+text' | 'naive';
const microVariants: Variant[] = ['none', 'metrics', 'metrics+json', 'metrics+text', 'naive'];
const wrkVariants: Variant[] = ['none', 'metrics', 'metrics+json', 'metrics+text'];

function config(variant: Variant) {
  const env: Record<string, string> = { RWS_CONFIG_IP: '127.0.0.1', RWS_CONFIG_TLS: 'off', RWS_CONFIG_H3: 'off' };
  if (variant === 'metrics') env.RWS_CONFIG_ACCESS_LOG = 'off';
  if (variant === 'metrics+json') env.RWS_CONFIG_LOG_FORMAT = 'json';
  return loadConfig(env, []).config;
}

// The naive way, as first measured: one pino line and two prom-client calls per request.
function naiveObserver(): Observer {
  const log = pino({ base: null, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination({ dest: 1, sync: false }));
  const registry = new Registry();
  const labelNames = ['protocol', 'method', 'route', 'status_code'];
  const requests = new Counter({ name: 'r', help: 'r', labelNames, registers: [registry] });
  const duration = new Histogram({ name: 'd', help: 'd', labelNames, buckets: [...DURATION_BUCKETS_S], registers: [registry] });
  return {
    ...noopObserver,
    requestFinished(req, res, end, ms) {
      const labels = { protocol: req.protocol, method: req.method, route: res.route ?? 'other', status_code: String(res.status) };
      requests.inc(labels);
      duration.observe(labels, ms / 1000);
      log.info({ req_id: req.requestId, remote_addr: req.remoteAddress, method: req.method, path: req.path, protocol: req.protocol, status: res.status, bytes: end.bytesSent, duration_ms: ms, user_agent: req.headers['user-agent'], referer: req.headers['referer'] }, 'request');
    },
  };
}

function observerFor(variant: Variant, lifecycle?: Lifecycle): Observer {
  if (variant === 'none') return noopObserver;
  if (variant === 'naive') return naiveObserver();
  return createObserver(config(variant), lifecycle);
}

// ---- micro: ns per requestFinished ----

function sampleExchanges(): { req: CoreRequest; res: CoreResponse }[] {
  const routes: [NonNullable<CoreResponse['route']>, number][] = [['static', 200], ['static', 304], ['proxy', 200], ['not_found', 404], ['proxy', 502]];
  return routes.map(([route, status], i) => ({
    req: {
      method: i === 2 ? 'POST' : 'GET',
      scheme: 'https',
      authority: 'example.com',
      path: `/assets/app-${i}.js?v=12345`,
      headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36', referer: 'https://example.com/' },
      body: null,
      remoteAddress: '203.0.113.7',
      protocol: i % 2 === 0 ? 'h2' : 'h1',
      signal: AbortSignal.abort(),
      requestId: `Zk3vQ9x1Lm2A-${i}`,
    },
    res: { status, headers: {}, body: { kind: 'empty' }, route },
  }));
}

async function micro(variant: Variant): Promise<{ wall: number; cpu: number }> {
  const observer = observerFor(variant);
  const exchanges = sampleExchanges();
  const end: ExchangeEnd = { bytesSent: 1234, bytesReceived: 0, aborted: false };
  const chunk = 256;
  const run = async (n: number): Promise<{ wall: number; cpu: number }> => {
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    for (let i = 0; i < n; i += chunk) {
      for (let j = 0; j < chunk; j++) {
        const x = exchanges[j % exchanges.length]!;
        observer.requestStarted(x.req.protocol);
        observer.requestFinished(x.req, x.res, end, 0.3 + (j & 7) * 0.1);
      }
      // Lets the asynchronous log writes run, as the event loop does between requests.
      await yieldLoop();
    }
    await observer.flush();
    const c = process.cpuUsage(c0);
    return { wall: Number(process.hrtime.bigint() - t0) / n, cpu: ((c.user + c.system) * 1000) / n };
  };
  await run(50_000);
  const best = { wall: Infinity, cpu: Infinity };
  for (let r = 0; r < 5; r++) {
    const x = await run(200_000);
    best.wall = Math.min(best.wall, x.wall);
    best.cpu = Math.min(best.cpu, x.cpu);
  }
  return best;
}

// ---- wrk: the same server with each observer ----

async function serve(variant: Variant, port: number): Promise<void> {
  const lifecycle = new Lifecycle();
  const cfg = config(variant);
  const observer = observerFor(variant, lifecycle);
  const core = createCore({ config: cfg, lifecycle, observer, staticFiles: createStaticHandler(cfg), serveInternalEndpoints: true });
  const listener = createH1Listener(core, {
    name: 'h1',
    host: '127.0.0.1',
    port,
    maxHeaderSize: cfg.maxHeaderSize,
    headersTimeoutMs: cfg.headersTimeoutMs,
    requestTimeoutMs: cfg.requestTimeoutMs,
    keepAliveTimeoutMs: cfg.keepAliveTimeoutMs,
    idleTimeoutMs: cfg.idleTimeoutMs,
    maxPipelinedRequests: cfg.maxPipelinedRequests,
  });
  await listener.listen();
  lifecycle.advance('ready');
}

function child(args: string[]) {
  return spawn(process.execPath, [self, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}

async function runMicro(): Promise<void> {
  const results = new Map<Variant, { wall: number; cpu: number }>();
  for (const v of microVariants) {
    const c = child(['micro-child', v]);
    let err = '';
    c.stderr!.on('data', (d: Buffer) => (err += d));
    await once(c, 'exit');
    results.set(v, JSON.parse(err) as { wall: number; cpu: number });
  }
  const base = results.get('none')!;
  process.stderr.write('micro: ns per request (requestStarted + requestFinished) over the no-op observer, best of 5 × 200k\n');
  for (const [v, x] of results) {
    process.stderr.write(`  ${v.padEnd(14)} wall ${(x.wall - base.wall).toFixed(0).padStart(6)} ns   cpu ${(x.cpu - base.cpu).toFixed(0).padStart(6)} ns\n`);
  }
}

async function runWrk(): Promise<void> {
  const bin = clients().wrk;
  const ports = new Map(wrkVariants.map((v, i) => [v, 18950 + i]));
  const procs = wrkVariants.map((v) => child(['serve', v, String(ports.get(v))]));
  try {
    await Promise.all([...ports.values()].map((p) => waitForPort(p, false)));
    const rps = new Map<Variant, number[]>();
    const cpuNs = new Map<Variant, number[]>();
    for (let r = 0; r < rounds; r++) {
      for (const v of wrkVariants) {
        const pid = procs[wrkVariants.indexOf(v)]!.pid!;
        const t0 = cpuSeconds(pid);
        const res = await wrk(bin, `http://127.0.0.1:${ports.get(v)}/healthz`, seconds, connections);
        // /proc counts in 10 ms steps: over a few seconds of load that is well under 1 %.
        cpuNs.set(v, [...(cpuNs.get(v) ?? []), ((cpuSeconds(pid) - t0) * 1e9) / res.requests]);
        rps.set(v, [...(rps.get(v) ?? []), res.rps]);
        await sleep(300);
      }
    }
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const base = median(rps.get('none')!);
    const baseCpu = median(cpuNs.get('none')!);
    process.stderr.write(`wrk: GET /healthz, ${connections} connections, ${seconds} s × ${rounds} rounds, medians; server CPU per request\n`);
    for (const [v, xs] of rps) {
      const m = median(xs);
      const cpu = median(cpuNs.get(v)!);
      process.stderr.write(
        `  ${v.padEnd(14)} ${m.toFixed(0).padStart(7)} req/s  ${(m / base).toFixed(3)}×   cpu ${(cpu / 1000).toFixed(2)} µs/req  ${(cpu - baseCpu).toFixed(0).padStart(5)} ns over none (${(baseCpu / cpu).toFixed(3)}× throughput at equal CPU)  [${xs.map((x) => x.toFixed(0)).join(' ')}]\n`,
      );
    }
  } finally {
    for (const p of procs) p.kill();
  }
}

async function main(argv: string[]): Promise<void> {
  const [mode = 'all', variant, port] = argv;
  if (mode === 'micro-child') {
    process.stderr.write(JSON.stringify(await micro(variant as Variant)));
    process.exit(0);
  }
  if (mode === 'serve') return serve(variant as Variant, Number(port));
  if (mode === 'micro' || mode === 'all') await runMicro();
  if (mode === 'wrk' || mode === 'all') await runWrk();
}

void main(process.argv.slice(2));
