// Instructions per request, counted by valgrind's callgrind: the repeatable side of the benchmark.
// req/s on this shared 2-core machine moves by 15-25 % between rounds, more than most changes to the
// hot path; an instruction count does not depend on what else the machine is doing (bare node:http
// counted twice agreed to 0.01 %, though V8's own choices of when to optimise and collect moved some
// targets by up to ~6 % between runs). It is not a speed: cache misses, system calls and
// waiting are not in it, and valgrind runs the server ~50× slower, so work done once per millisecond
// or second (timers, cached dates) weighs more here than at full speed. It measures what the hot path
// asks of the CPU, side by side, as ratios.
//
// Each target runs alone under callgrind with one output file per thread: after a warm-up the counters
// are zeroed, a fixed number of requests is sent, and the counters are dumped. The main thread is
// where node runs JavaScript and the event loop, the thread that limits a single process's req/s;
// "all threads" adds V8's compiler and GC helpers and libuv's pool (file reads, log writes).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { startBare, startRws, type Proc } from './processes.js';
import { h2loadOutcome, runH3load } from './tools.js';

const run = promisify(execFile);

export interface InstructionCount {
  group: 'h1' | 'h2' | 'h3';
  name: string;
  mainPerRequest: number;
  allPerRequest: number;
}

interface Tools {
  h2load: string;
  h3load: string;
}

interface CountTarget {
  group: InstructionCount['group'];
  name: string;
  start: (wrapper: string[]) => Proc;
  url: string;
}

const warmup = Number(process.env.BENCH_INSTRUCTIONS_WARMUP ?? 3000);
const requests = Number(process.env.BENCH_INSTRUCTIONS_REQUESTS ?? 5000);
export const instructionsSettings = { warmup, requests } as const;

/** undefined when valgrind is not installed (Debian package valgrind). */
export function valgrindPath(): string | undefined {
  return ['/usr/bin/valgrind', '/usr/local/bin/valgrind'].find((p) => existsSync(p));
}

function targets(): CountTarget[] {
  const p = { bare: 18201, fields: 18202, rws: 18203, rwsTls: 18204, quiet: 18205, quietTls: 18206, bareH2: 18207, fieldsH2: 18208 };
  return [
    { group: 'h1', name: 'bare node:http /', start: (w) => startBare('bare-h1', p.bare, false, w), url: `http://127.0.0.1:${p.bare}/` },
    { group: 'h1', name: "bare node:http / (rws's response fields)", start: (w) => startBare('bare-h1', p.fields, true, w), url: `http://127.0.0.1:${p.fields}/` },
    { group: 'h1', name: 'rws /healthz', start: (w) => startRws(p.rws, p.rwsTls, { wrapper: w }), url: `http://127.0.0.1:${p.rws}/healthz` },
    { group: 'h1', name: 'rws /healthz (no metrics, no log)', start: (w) => startRws(p.quiet, p.quietTls, { unobserved: true, wrapper: w }), url: `http://127.0.0.1:${p.quiet}/healthz` },
    { group: 'h1', name: 'rws /index.html', start: (w) => startRws(p.rws, p.rwsTls, { wrapper: w }), url: `http://127.0.0.1:${p.rws}/index.html` },
    { group: 'h2', name: 'bare node:http2 /', start: (w) => startBare('bare-h2', p.bareH2, false, w), url: `https://127.0.0.1:${p.bareH2}/` },
    { group: 'h2', name: "bare node:http2 / (rws's response fields)", start: (w) => startBare('bare-h2', p.fieldsH2, true, w), url: `https://127.0.0.1:${p.fieldsH2}/` },
    { group: 'h2', name: 'rws /healthz', start: (w) => startRws(p.rws, p.rwsTls, { wrapper: w }), url: `https://127.0.0.1:${p.rwsTls}/healthz` },
    { group: 'h3', name: 'rws /index.html c10 m10', start: (w) => startRws(p.rws, p.rwsTls, { wrapper: w }), url: `https://127.0.0.1:${p.rwsTls}/index.html` },
  ];
}

/** Counts every target in turn; `only` filters by protocol. */
export async function countInstructions(valgrind: string, tools: Tools, only: Set<string>): Promise<InstructionCount[]> {
  const counts: InstructionCount[] = [];
  for (const t of targets()) {
    if (!only.has(t.group)) continue;
    const c = await countOne(valgrind, tools, t);
    process.stdout.write(`instructions ${t.group} ${t.name}: main ${c.mainPerRequest} all ${c.allPerRequest} per request\n`);
    counts.push(c);
  }
  return counts;
}

async function countOne(valgrind: string, tools: Tools, t: CountTarget): Promise<InstructionCount> {
  const dir = mkdtempSync(join(tmpdir(), 'rws-bench-callgrind-'));
  const wrapper = [
    valgrind,
    '--tool=callgrind',
    '--cache-sim=no',
    // V8 writes and rewrites machine code on the heap; valgrind must notice (its default checks the stack only).
    '--smc-check=all-non-file',
    '--separate-threads=yes',
    `--callgrind-out-file=${join(dir, 'cg.%p')}`,
    `--log-file=${join(dir, 'valgrind.log')}`,
  ];
  const proc = t.start(wrapper);
  const pid = proc.child.pid!;
  try {
    await untilAnswering(tools, t);
    await load(tools, t, warmup);
    await run('callgrind_control', ['--zero', String(pid)]);
    await load(tools, t, requests);
    await run('callgrind_control', ['--dump', String(pid)]);
    const files = await dumped(dir, pid);
    const perThread = files.map((f) => summary(join(dir, f)));
    const main = summary(join(dir, files.find((f) => f.endsWith('-01'))!));
    return { group: t.group, name: t.name, mainPerRequest: Math.round(main / requests), allPerRequest: Math.round(perThread.reduce((a, b) => a + b, 0) / requests) };
  } finally {
    await proc.stop();
  }
}

async function load(tools: Tools, t: CountTarget, n: number): Promise<void> {
  // h2load refuses fewer requests than clients.
  const c = Math.min(10, n);
  let outcome: { succeeded: number; errors: number };
  if (t.group === 'h3') {
    const r = await runH3load(tools.h3load, t.url, ['-n', String(n)], c, 10);
    outcome = { succeeded: r.requests, errors: r.errors };
  } else {
    const { stdout } = await run(tools.h2load, [...(t.group === 'h1' ? ['--h1'] : ['-m', '10']), '-c', String(c), '-n', String(n), t.url], { maxBuffer: 1 << 20 });
    outcome = h2loadOutcome(stdout);
  }
  if (outcome.succeeded !== n || outcome.errors !== 0) throw new Error(`${t.group} ${t.name}: ${outcome.succeeded} of ${n} requests succeeded under callgrind`);
}

// Under valgrind node takes seconds to start and TLS handshakes are slow: one request at a time until
// one succeeds.
async function untilAnswering(tools: Tools, t: CountTarget): Promise<void> {
  for (let i = 0; i < 240; i++) {
    try {
      await load(tools, t, 1);
      return;
    } catch {
      await sleep(500);
    }
  }
  throw new Error(`${t.group} ${t.name}: no answer under callgrind`);
}

// The dump is written by the process being measured, a file per thread: wait until the set of files
// stops growing and each has its summary line.
async function dumped(dir: string, pid: number): Promise<string[]> {
  let seen = -1;
  for (let i = 0; i < 100; i++) {
    await sleep(300);
    const files = readdirSync(dir).filter((f) => f.startsWith(`cg.${pid}.1-`));
    const complete = files.length > 0 && files.every((f) => /^summary: \d+$/m.test(readFileSync(join(dir, f), 'utf8')));
    if (complete && files.length === seen) return files;
    seen = complete ? files.length : -1;
  }
  throw new Error(`no callgrind dump in ${dir}`);
}

function summary(file: string): number {
  return Number(/^summary: (\d+)$/m.exec(readFileSync(file, 'utf8'))![1]);
}
