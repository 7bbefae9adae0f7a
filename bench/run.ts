// npm run bench: rws-edge side by side with bare node:http / node:http2 and with Caddy (Debian), over
// HTTP/1.1 (wrk), HTTP/2 (h2load) and HTTP/3 (h3load), alternating targets within each round, and the
// cost of metrics and access logging. Writes medians and ratios to bench/RESULTS.md.
// Then the bare-node comparisons again with every target on one shared core at once (./shared-core.ts),
// and, when valgrind is installed, instructions per request for the main comparisons (./instructions.ts).
//   BENCH_SECONDS (8)  BENCH_ROUNDS (3)  BENCH_ONLY=h1,h2,h3  BENCH_INSTRUCTIONS=0 skips the counts
//   BENCH_RESULTS (bench/RESULTS.md): the file written, relative to the package root unless absolute
// Every server runs on the node that runs this script: `<node 24> dist/bench/run.js` measures Node 24.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { clients } from '../test/support/clients.js';
import { packageRoot } from '../src/core/package-root.js';
import { cpuSeconds, rssMiB, startBare, startCaddy, startRws, waitForPort, type Proc } from './processes.js';
import { measureSharedCore, roundRatios, sharedCoreNames, type SharedCoreGroup } from './shared-core.js';
import { countInstructions, instructionsSettings, valgrindPath, type InstructionCount } from './instructions.js';
import { h2load, h3load, wrk, type LoadResult } from './tools.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const only = new Set((process.env.BENCH_ONLY ?? 'h1,h2,h3').split(','));
const tmp = mkdtempSync(join(tmpdir(), 'rws-bench-'));
const tools = clients();
const notesMarker = '<!-- notes: kept by npm run bench -->';

const port = { rwsH1: 18101, rwsTls: 18102, quietH1: 18103, quietTls: 18104, bareH1: 18105, bareH2: 18106, caddyH1: 18107, caddyTls: 18108, fieldsH1: 18109, fieldsH2: 18110 };

interface Target {
  group: 'h1' | 'h2' | 'h3';
  name: string;
  proc: () => Proc;
  load: () => Promise<LoadResult>;
}

interface Sample extends LoadResult {
  cpuUsPerReq: number;
  rss: number;
}

async function main(): Promise<void> {
  const procs = {
    rws: startRws(port.rwsH1, port.rwsTls),
    quiet: startRws(port.quietH1, port.quietTls, { unobserved: true }),
    bareH1: startBare('bare-h1', port.bareH1),
    bareH2: startBare('bare-h2', port.bareH2),
    fieldsH1: startBare('bare-h1', port.fieldsH1, true),
    fieldsH2: startBare('bare-h2', port.fieldsH2, true),
    caddy: startCaddy(tools.caddy, port.caddyH1, port.caddyTls),
  };
  const samples = new Map<string, Sample[]>();
  try {
    await Promise.all([
      waitForPort(port.rwsH1, false), waitForPort(port.quietH1, false), waitForPort(port.bareH1, false),
      waitForPort(port.bareH2, true), waitForPort(port.fieldsH1, false), waitForPort(port.fieldsH2, true), waitForPort(port.caddyH1, false), waitForPort(port.caddyTls, true),
    ]);
    const targets = buildTargets(procs);
    for (let r = 1; r <= rounds; r++) {
      for (const t of targets) {
        if (!only.has(t.group)) continue;
        const s = await measure(t);
        const key = `${t.group}|${t.name}`;
        samples.set(key, [...(samples.get(key) ?? []), s]);
        process.stdout.write(`round ${r} ${t.group} ${t.name}: ${s.rps.toFixed(0)} req/s p50 ${s.p50ms.toFixed(2)} ms p99 ${s.p99ms.toFixed(2)} ms cpu ${s.cpuUsPerReq.toFixed(1)} µs/req rss ${s.rss.toFixed(0)} MiB errors ${s.errors}\n`);
        await sleep(500);
      }
    }
  } finally {
    for (const p of Object.values(procs)) await p.stop();
  }
  // A failed shared-core measurement is reported in its section; the rest of the run is kept.
  const shared = await measureSharedCore(tools, only, seconds, rounds, tmp).catch((e: unknown) => `failed: ${e instanceof Error ? e.message : String(e)}`);
  writeResults(samples, shared, await instructionCounts());
}

async function instructionCounts(): Promise<InstructionCount[] | string> {
  if (process.env.BENCH_INSTRUCTIONS === '0') return 'skipped (BENCH_INSTRUCTIONS=0).';
  const valgrind = valgrindPath();
  if (valgrind === undefined) return 'skipped: valgrind is not installed (Debian package `valgrind`).';
  return countInstructions(valgrind, tools, only);
}

function buildTargets(p: Record<'rws' | 'quiet' | 'bareH1' | 'bareH2' | 'fieldsH1' | 'fieldsH2' | 'caddy', Proc>): Target[] {
  const c = 50;
  const w = (url: string) => () => wrk(tools.wrk, url, seconds, c);
  const h2 = (url: string) => () => h2load(tools.h2load, url, seconds, c, 10, join(tmp, 'h2load.log'));
  const h3 = (url: string, conns: number, streams: number) => () => h3load(tools.h3load, url, seconds, conns, streams);
  const rws = `127.0.0.1:${port.rwsH1}`;
  const rwsTls = `https://127.0.0.1:${port.rwsTls}`;
  const caddyTls = `https://127.0.0.1:${port.caddyTls}`;
  return [
    { group: 'h1', name: 'bare node:http /', proc: () => p.bareH1, load: w(`http://127.0.0.1:${port.bareH1}/`) },
    { group: 'h1', name: "bare node:http / (rws's response fields)", proc: () => p.fieldsH1, load: w(`http://127.0.0.1:${port.fieldsH1}/`) },
    { group: 'h1', name: 'rws /healthz', proc: () => p.rws, load: w(`http://${rws}/healthz`) },
    { group: 'h1', name: 'rws /healthz (no metrics, no log)', proc: () => p.quiet, load: w(`http://127.0.0.1:${port.quietH1}/healthz`) },
    { group: 'h1', name: 'rws /index.html', proc: () => p.rws, load: w(`http://${rws}/index.html`) },
    { group: 'h1', name: 'caddy /index.html', proc: () => p.caddy, load: w(`http://127.0.0.1:${port.caddyH1}/index.html`) },
    { group: 'h2', name: 'bare node:http2 /', proc: () => p.bareH2, load: h2(`https://127.0.0.1:${port.bareH2}/`) },
    { group: 'h2', name: "bare node:http2 / (rws's response fields)", proc: () => p.fieldsH2, load: h2(`https://127.0.0.1:${port.fieldsH2}/`) },
    { group: 'h2', name: 'rws /healthz', proc: () => p.rws, load: h2(`${rwsTls}/healthz`) },
    { group: 'h2', name: 'rws /index.html', proc: () => p.rws, load: h2(`${rwsTls}/index.html`) },
    { group: 'h2', name: 'caddy /index.html', proc: () => p.caddy, load: h2(`${caddyTls}/index.html`) },
    { group: 'h3', name: 'rws /index.html c10 m10', proc: () => p.rws, load: h3(`${rwsTls}/index.html`, 10, 10) },
    { group: 'h3', name: 'caddy /index.html c10 m10', proc: () => p.caddy, load: h3(`${caddyTls}/index.html`, 10, 10) },
    { group: 'h3', name: 'rws /index.html (no metrics, no log) c10 m10', proc: () => p.quiet, load: h3(`https://127.0.0.1:${port.quietTls}/index.html`, 10, 10) },
    { group: 'h3', name: 'rws /index.html c1 m1', proc: () => p.rws, load: h3(`${rwsTls}/index.html`, 1, 1) },
    { group: 'h3', name: 'caddy /index.html c1 m1', proc: () => p.caddy, load: h3(`${caddyTls}/index.html`, 1, 1) },
  ];
}

async function measure(t: Target): Promise<Sample> {
  const pid = t.proc().child.pid!;
  const before = cpuSeconds(pid);
  const r = await t.load();
  const cpu = cpuSeconds(pid) - before;
  return { ...r, cpuUsPerReq: r.requests ? (cpu * 1e6) / r.requests : 0, rss: rssMiB(pid) };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)]!;
}

function writeResults(samples: Map<string, Sample[]>, shared: SharedCoreGroup[] | string, counts: InstructionCount[] | string): void {
  const med = (key: string, f: keyof Sample): number | undefined => {
    const xs = samples.get(key);
    return xs ? median(xs.map((x) => x[f])) : undefined;
  };
  const cpuRatio = (a: string, b: string): string => {
    const x = med(a, 'cpuUsPerReq');
    const y = med(b, 'cpuUsPerReq');
    return x !== undefined && y !== undefined ? `${(x / y).toFixed(2)}×` : 'n/a';
  };
  // The ratio of the two medians, and in brackets the range of the per-round ratios: targets of one round
  // run minutes apart at most, so a round's ratio is spared the drift between rounds (the machine's
  // speed moves by 15-25 % over a run), and the range shows how far a single measurement can be trusted.
  const ratio = (a: string, b: string): string => {
    const x = med(a, 'rps');
    const y = med(b, 'rps');
    if (x === undefined || y === undefined) return 'n/a';
    const xs = samples.get(a)!;
    const ys = samples.get(b)!;
    const perRound = xs.slice(0, ys.length).map((s, i) => s.rps / ys[i]!.rps).sort((p, q) => p - q);
    const range = perRound.length > 1 ? ` (rounds ${perRound[0]!.toFixed(2)}–${perRound.at(-1)!.toFixed(2)})` : '';
    return `${(x / y).toFixed(2)}×${range}`;
  };
  const lines = [
    '# Benchmark results',
    '',
    `Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), Node ${process.version}, ${rounds} rounds of ${seconds} s per target, targets alternating within each round; medians. Servers and clients share the machine; every server is one process on 127.0.0.1. rws runs with access logging (JSON, to /dev/null) and metrics on unless noted; "no metrics, no log" is the same server with a no-op Observer (\`bench/rws-unobserved.ts\`).`,
    '',
    'Clients: HTTP/1.1 `wrk -t1 -c50`; HTTP/2 `h2load -t1 -c50 -m10`; HTTP/3 `h3load` (quic-go) at `-c10 -m10` and `-c1 -m1`. Caddy from Debian, bound to 127.0.0.1, same file (`public/index.html`) and certificate.',
    '',
    '| protocol | target | req/s | p50 ms | p99 ms | server CPU µs/req | RSS MiB | errors |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const [key, xs] of samples) {
    const [group, name] = key.split('|');
    lines.push(`| ${group} | ${name} | ${med(key, 'rps')!.toFixed(0)} | ${med(key, 'p50ms')!.toFixed(2)} | ${med(key, 'p99ms')!.toFixed(2)} | ${med(key, 'cpuUsPerReq')!.toFixed(1)} | ${med(key, 'rss')!.toFixed(0)} | ${xs.reduce((a, x) => a + x.errors, 0)} |`);
  }
  lines.push(
    '',
    '## Ratios (req/s)',
    '',
    '| comparison | ratio | target |',
    '|---|---|---|',
    `| h1: rws /healthz ÷ bare node:http | ${ratio('h1|rws /healthz', 'h1|bare node:http /')} | ≥ 0.8× |`,
    `| h2: rws /healthz ÷ bare node:http2 | ${ratio('h2|rws /healthz', 'h2|bare node:http2 /')} | ≥ 0.8× |`,
    `| h1: bare node:http with rws's response fields ÷ bare node:http (the ceiling for a translator) | ${ratio("h1|bare node:http / (rws's response fields)", 'h1|bare node:http /')} | |`,
    `| h2: bare node:http2 with rws's response fields ÷ bare node:http2 | ${ratio("h2|bare node:http2 / (rws's response fields)", 'h2|bare node:http2 /')} | |`,
    `| h1: rws /healthz ÷ bare node:http with the same fields | ${ratio('h1|rws /healthz', "h1|bare node:http / (rws's response fields)")} | |`,
    `| h2: rws /healthz ÷ bare node:http2 with the same fields | ${ratio('h2|rws /healthz', "h2|bare node:http2 / (rws's response fields)")} | |`,
    `| h1: rws ÷ caddy, static file | ${ratio('h1|rws /index.html', 'h1|caddy /index.html')} | |`,
    `| h2: rws ÷ caddy, static file | ${ratio('h2|rws /index.html', 'h2|caddy /index.html')} | |`,
    `| h3: rws ÷ caddy, c10 m10 | ${ratio('h3|rws /index.html c10 m10', 'h3|caddy /index.html c10 m10')} | ≥ 1.3× |`,
    `| h3: rws ÷ caddy, c1 m1 | ${ratio('h3|rws /index.html c1 m1', 'h3|caddy /index.html c1 m1')} | |`,
    `| h1: metrics and access log on ÷ off | ${ratio('h1|rws /healthz', 'h1|rws /healthz (no metrics, no log)')} | ≥ 0.85× |`,
    `| h3: metrics and access log on ÷ off | ${ratio('h3|rws /index.html c10 m10', 'h3|rws /index.html (no metrics, no log) c10 m10')} | ≥ 0.85× |`,
    '',
    '## Server CPU per request (the other side of each ratio: less is better)',
    '',
    '| comparison | ratio |',
    '|---|---|',
    `| h1: rws /healthz ÷ bare node:http | ${cpuRatio('h1|rws /healthz', 'h1|bare node:http /')} |`,
    `| h2: rws /healthz ÷ bare node:http2 | ${cpuRatio('h2|rws /healthz', 'h2|bare node:http2 /')} |`,
    `| h3: rws ÷ caddy, c10 m10 | ${cpuRatio('h3|rws /index.html c10 m10', 'h3|caddy /index.html c10 m10')} |`,
    `| h3: rws ÷ caddy, c1 m1 | ${cpuRatio('h3|rws /index.html c1 m1', 'h3|caddy /index.html c1 m1')} |`,
    '',
    ...sharedCoreLines(shared),
    ...instructionLines(counts),
  );
  // Everything from the notes marker on is written by people (what the numbers mean) and kept.
  const file = resolve(packageRoot, process.env.BENCH_RESULTS ?? join('bench', 'RESULTS.md'));
  const previous = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const notes = previous.indexOf(notesMarker);
  writeFileSync(file, lines.join('\n') + (notes >= 0 ? '\n' + previous.slice(notes) : ''));
  process.stdout.write(`\nwrote ${file}\n`);
}

function sharedCoreLines(shared: SharedCoreGroup[] | string): string[] {
  const head = ['## One core shared by the servers compared', ''];
  if (typeof shared === 'string') return [...head, shared, ''];
  const n = sharedCoreNames;
  const cell = (g: SharedCoreGroup, a: string, b: string): string => {
    const rs = roundRatios(g, a, b);
    return `${median(rs).toFixed(2)}× (rounds ${rs[0]!.toFixed(2)}–${rs.at(-1)!.toFixed(2)}) | ${median(roundRatios(g, a, b, 'cpuUs')).toFixed(2)}×`;
  };
  const rows = shared.flatMap((g) => {
    const busy = g.rounds.map((r) => r.busy).sort((a, b) => a - b);
    return [
      `| ${g.group}: rws /healthz ÷ bare node | ${cell(g, n.rws, n.bare)} | ≥ 0.8× | ${(busy[0]! * 100).toFixed(0)}–${(busy.at(-1)! * 100).toFixed(0)} % |`,
      `| ${g.group}: bare node with rws's response fields ÷ bare node | ${cell(g, n.fields, n.bare)} | | |`,
      `| ${g.group}: rws /healthz, no metrics and no log ÷ bare node | ${cell(g, n.quiet, n.bare)} | | |`,
      `| ${g.group}: rws /healthz ÷ bare node with the same fields | ${cell(g, n.rws, n.fields)} | | |`,
      `| ${g.group}: metrics and access log on ÷ off | ${cell(g, n.rws, n.quiet)} | | |`,
      ...(g.names.includes(n.pod) ? [`| ${g.group}: rws /healthz as the pod runs it (the Deployment's memory limit, the image's node options) ÷ bare node | ${cell(g, n.pod, n.bare)} | | |`] : []),
    ];
  });
  return [
    ...head,
    `The targets of a protocol run at the same time, each pinned to one shared CPU and loaded by its own client (as above) pinned to the other CPUs; ${rounds} rounds of ${seconds} s. The scheduler gives each server an equal share of that core, so req/s is in proportion to 1 ÷ CPU time per request, and the host's noise falls on all of them in the same seconds (rounds of one run agree within a few per cent; runs at different times still differ by up to ~10 %). Medians of the per-round ratios, in req/s and in each server's own CPU time per request (all its threads; less is better). Last column: how busy the shared core was (the servers' CPU time ÷ wall time, lowered a little by the clients' start and stop); well below 100 % the clients, not the servers, set the pace (bench/shared-core.ts).`,
    '',
    '| comparison | req/s ratio | CPU per request ratio | target | shared core busy |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  ];
}

function instructionLines(counts: InstructionCount[] | string): string[] {
  const head = ['## Instructions per request (callgrind: repeatable, not a speed)', ''];
  if (typeof counts === 'string') return [...head, counts, ''];
  const find = (group: string, name: string): InstructionCount | undefined => counts.find((c) => c.group === group && c.name === name);
  const versus = (group: string, a: string, b: string): string => {
    const x = find(group, a);
    const y = find(group, b);
    return x && y ? `${(x.mainPerRequest / y.mainPerRequest).toFixed(2)}× (all threads ${(x.allPerRequest / y.allPerRequest).toFixed(2)}×)` : 'n/a';
  };
  return [
    ...head,
    `Each target alone under \`valgrind --tool=callgrind\`, ${instructionsSettings.requests} requests counted after ${instructionsSettings.warmup} of warm-up, 10 connections (h2load --h1, h2load -m10, h3load -m10). The main thread runs the JavaScript and the event loop; "all" adds V8's compiler and GC helpers and libuv's pool. A count does not move with the machine's load; it leaves out cache misses, system calls and waiting, and work done per millisecond or second weighs more than at full speed (bench/instructions.ts).`,
    '',
    '| protocol | target | main thread | all threads |',
    '|---|---|---|---|',
    ...counts.map((c) => `| ${c.group} | ${c.name} | ${c.mainPerRequest} | ${c.allPerRequest} |`),
    '',
    '| comparison (instructions; less is better) | main thread |',
    '|---|---|',
    `| h1: rws /healthz ÷ bare node:http | ${versus('h1', 'rws /healthz', 'bare node:http /')} |`,
    `| h1: bare node:http with rws's response fields ÷ bare node:http | ${versus('h1', "bare node:http / (rws's response fields)", 'bare node:http /')} |`,
    `| h1: rws /healthz, no metrics and no log ÷ bare node:http with the same fields | ${versus('h1', 'rws /healthz (no metrics, no log)', "bare node:http / (rws's response fields)")} |`,
    `| h1: rws /healthz ÷ the same without metrics and log | ${versus('h1', 'rws /healthz', 'rws /healthz (no metrics, no log)')} |`,
    `| h2: rws /healthz ÷ bare node:http2 | ${versus('h2', 'rws /healthz', 'bare node:http2 /')} |`,
    `| h2: bare node:http2 with rws's response fields ÷ bare node:http2 | ${versus('h2', "bare node:http2 / (rws's response fields)", 'bare node:http2 /')} |`,
    '',
  ];
}

await main();
