// Bounded-time fuzzer for the targets in targets.ts:
//
//   node dist/test/fuzz/run.js [--seconds N] [--target NAME]... [--seed S] [--max-len BYTES]
//
// Inputs are random bytes or stacked mutations (bit flips, interesting bytes and varints, inserts,
// deletes, duplicated ranges, splices, truncation) of a per-target corpus: the seeds from
// targets.ts, every saved crash, and any generated input whose outcome (error code or field count)
// is new, a cheap stand-in for coverage feedback. The targets run in a worker thread so that the
// main thread can watch a heartbeat: an input that throws anything but H3Error, breaks an
// invariant, or runs longer than --slow-ms (twice, to rule out a GC pause) or hangs, is saved to
// test/fixtures/fuzz-crashes/<target>-<sha1>.bin and the run exits 1. Replay is
// test/fuzz/regressions.test.ts.
//
// Run as a test file (node --test picks up everything under dist/test/), it does nothing.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { H3Error } from '../../src/h3/wire/error-codes.js';
import { seedCorpus, targets } from './targets.js';

export const CRASH_DIR = fileURLToPath(new URL('../../../test/fixtures/fuzz-crashes/', import.meta.url));
const HANG_MS = 10_000;

interface Options {
  seconds: number;
  targets: string[];
  seed: number;
  maxLen: number;
  slowMs: number;
}

interface WorkerData extends Options {
  shared: SharedArrayBuffer;
}

type Report =
  | { kind: 'crash'; target: string; input: Uint8Array; reason: string }
  | { kind: 'stats'; target: string; runs: number; corpus: number; outcomes: number };

// Shared memory layout: [heartbeat, target index, input length] then the current input's bytes.
const HEADER_INTS = 3;

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '60' },
      target: { type: 'string', multiple: true },
      seed: { type: 'string' },
      'max-len': { type: 'string', default: '2048' },
      'slow-ms': { type: 'string', default: '1000' },
    },
  });
  const names = values.target ?? Object.keys(targets);
  for (const name of names) if (!(name in targets)) throw new Error(`unknown target ${name}; known: ${Object.keys(targets).join(', ')}`);
  return {
    seconds: Number(values.seconds),
    targets: names,
    seed: values.seed === undefined ? Date.now() >>> 0 : Number(values.seed),
    maxLen: Number(values['max-len']),
    slowMs: Number(values['slow-ms']),
  };
}

/** A crash file name: <target>-<sha1 of the input>.bin. */
export function crashFileName(target: string, input: Uint8Array): string {
  return `${target}-${createHash('sha1').update(input).digest('hex')}.bin`;
}

/** Saved crash inputs, by target. */
export function savedCrashes(): Array<{ target: string; file: string; input: Uint8Array }> {
  let files: string[];
  try {
    files = readdirSync(CRASH_DIR);
  } catch {
    return [];
  }
  return files.flatMap((file) => {
    const match = /^(.+)-[0-9a-f]{40}\.bin$/.exec(file);
    if (match === null) return [];
    return [{ target: match[1], file, input: new Uint8Array(readFileSync(CRASH_DIR + file)) }];
  });
}

function saveCrash(target: string, input: Uint8Array, reason: string): string {
  mkdirSync(CRASH_DIR, { recursive: true });
  const file = crashFileName(target, input);
  writeFileSync(CRASH_DIR + file, input);
  console.error(`CRASH ${target}: ${reason.split('\n').slice(0, 4).join(' | ')}\n  saved ${CRASH_DIR}${file}`);
  return file;
}

// ---------------------------------------------------------------------------------------------
// Main thread: start the worker, watch its heartbeat, save what it reports.

function main(): void {
  const options = parseOptions();
  const shared = new SharedArrayBuffer(HEADER_INTS * 4 + options.maxLen);
  const header = new Int32Array(shared, 0, HEADER_INTS);
  console.log(`fuzz: ${options.targets.join(', ')} for ${options.seconds}s, seed ${options.seed}, inputs up to ${options.maxLen} bytes`);
  const worker = new Worker(fileURLToPath(import.meta.url), { workerData: { ...options, shared } satisfies WorkerData });
  let failures = 0;
  worker.on('message', (report: Report) => {
    if (report.kind === 'crash') {
      failures++;
      saveCrash(report.target, report.input, report.reason);
    } else {
      console.log(`  ${report.target.padEnd(15)} ${String(report.runs).padStart(9)} runs, corpus ${report.corpus}, distinct outcomes ${report.outcomes}`);
    }
  });
  let lastBeat = -1;
  let lastChange = Date.now();
  const watchdog = setInterval(() => {
    const beat = Atomics.load(header, 0);
    if (beat !== lastBeat) {
      lastBeat = beat;
      lastChange = Date.now();
      return;
    }
    if (Date.now() - lastChange < HANG_MS) return;
    const target = options.targets[Atomics.load(header, 1)];
    const input = new Uint8Array(shared, HEADER_INTS * 4, Atomics.load(header, 2)).slice();
    saveCrash(target, input, `no progress for ${HANG_MS} ms (hang)`);
    failures++;
    void worker.terminate();
  }, 500);
  worker.on('error', (err) => {
    console.error('fuzz worker failed:', err);
    failures++;
  });
  worker.on('exit', () => {
    clearInterval(watchdog);
    console.log(failures === 0 ? 'fuzz: no failures' : `fuzz: ${failures} failure(s)`);
    process.exitCode = failures === 0 ? 0 : 1;
  });
}

// ---------------------------------------------------------------------------------------------
// Worker: generate, run, report.

/** Small fast PRNG (mulberry32): reproducible runs for a given --seed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INTERESTING_BYTES = [0x00, 0x01, 0x1f, 0x20, 0x3f, 0x40, 0x7f, 0x80, 0x81, 0xbf, 0xc0, 0xfe, 0xff, 0x0a, 0x0d, 0x3a];
// QUIC varints and QPACK integers at their encoding boundaries.
const INTERESTING_RUNS = [
  [0x3f], [0x40, 0x40], [0x7f, 0xff], [0x80, 0x00, 0x40, 0x00], [0xbf, 0xff, 0xff, 0xff],
  [0xc0, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], [0xc0, 0x20, 0, 0, 0, 0, 0, 0], [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
  [0xff, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01], [0x7f, 0xff, 0xff, 0xff, 0x0f], [0x1f, 0x9a, 0x0a],
];

class Mutator {
  constructor(
    private readonly random: () => number,
    private readonly maxLen: number,
  ) {}

  int(n: number): number {
    return Math.floor(this.random() * n);
  }

  fresh(): Uint8Array {
    const out = new Uint8Array(this.int(Math.min(this.maxLen, 256)));
    for (let i = 0; i < out.length; i++) out[i] = this.int(256);
    return out;
  }

  mutate(base: Uint8Array, corpus: Uint8Array[]): Uint8Array {
    let bytes = [...base];
    const rounds = 1 + this.int(4);
    for (let r = 0; r < rounds; r++) bytes = this.once(bytes, corpus);
    return Uint8Array.from(bytes.slice(0, this.maxLen));
  }

  private once(bytes: number[], corpus: Uint8Array[]): number[] {
    const at = this.int(bytes.length + 1);
    switch (this.int(9)) {
      case 0:
        if (bytes.length > 0) bytes[at % bytes.length] ^= 1 << this.int(8);
        return bytes;
      case 1:
        if (bytes.length > 0) bytes[at % bytes.length] = INTERESTING_BYTES[this.int(INTERESTING_BYTES.length)];
        return bytes;
      case 2:
        if (bytes.length > 0) bytes[at % bytes.length] = this.int(256);
        return bytes;
      case 3:
        bytes.splice(at, this.int(8), ...INTERESTING_RUNS[this.int(INTERESTING_RUNS.length)]);
        return bytes;
      case 4:
        bytes.splice(at, 0, ...Array.from({ length: 1 + this.int(16) }, () => this.int(256)));
        return bytes;
      case 5:
        bytes.splice(at, 1 + this.int(16));
        return bytes;
      case 6: {
        const length = 1 + this.int(32);
        bytes.splice(this.int(bytes.length + 1), 0, ...bytes.slice(at, at + length));
        return bytes;
      }
      case 7: {
        const other = corpus[this.int(corpus.length)];
        const from = this.int(other.length + 1);
        return [...bytes.slice(0, at), ...other.subarray(from, from + this.int(other.length - from + 1))];
      }
      default:
        return bytes.slice(0, at);
    }
  }
}

// What an input did, coarsely: the target's own signature, or the error code and the message's
// wording without its specifics (quoted strings, numbers, names).
function outcomeOf(run: () => string | void): string {
  try {
    return `ok:${run() ?? ''}`;
  } catch (err) {
    if (err instanceof H3Error) return `h3:${err.code}:${err.message.replace(/"(?:[^"\\]|\\.)*"/g, '').replace(/\S*[:0-9]\S*/g, '')}`;
    throw err;
  }
}

function worker(data: WorkerData): void {
  const header = new Int32Array(data.shared, 0, HEADER_INTS);
  const current = new Uint8Array(data.shared, HEADER_INTS * 4, data.maxLen);
  const random = prng(data.seed);
  const mutator = new Mutator(random, data.maxLen);
  const seeds = seedCorpus();
  const crashes = savedCrashes();
  const deadline = Date.now() + data.seconds * 1000;
  const slice = (data.seconds * 1000) / data.targets.length;
  data.targets.forEach((name, index) => {
    const target = targets[name];
    const corpus = [...(seeds[name] ?? []), ...crashes.filter((c) => c.target === name).map((c) => c.input)];
    if (corpus.length === 0) corpus.push(new Uint8Array(0));
    const outcomes = new Set<string>();
    const sliceEnd = Math.min(deadline, Date.now() + slice);
    const reported = new Set<string>();
    let runs = 0;
    Atomics.store(header, 1, index);
    while (Date.now() < sliceEnd) {
      for (let batch = 0; batch < 64; batch++, runs++) {
        const input = random() < 0.1 ? mutator.fresh() : mutator.mutate(corpus[mutator.int(corpus.length)], corpus);
        current.set(input);
        Atomics.store(header, 2, input.length);
        Atomics.add(header, 0, 1);
        const started = performance.now();
        let outcome: string;
        try {
          outcome = outcomeOf(() => target(input));
        } catch (err) {
          const reason = err instanceof Error ? (err.stack ?? err.message) : String(err);
          const key = reason.split('\n').slice(0, 2).join('\n');
          if (!reported.has(key)) {
            reported.add(key);
            parentPort!.postMessage({ kind: 'crash', target: name, input, reason } satisfies Report);
          }
          continue;
        }
        if (performance.now() - started > data.slowMs) {
          // Twice in a row rules out a GC pause or a busy machine.
          const again = performance.now();
          outcomeOf(() => target(input));
          const elapsed = performance.now() - again;
          if (elapsed > data.slowMs) parentPort!.postMessage({ kind: 'crash', target: name, input, reason: `slow: ${elapsed.toFixed(0)} ms` } satisfies Report);
        }
        if (!outcomes.has(outcome) && corpus.length < 2000) {
          outcomes.add(outcome);
          corpus.push(input);
        }
      }
    }
    parentPort!.postMessage({ kind: 'stats', target: name, runs, corpus: corpus.length, outcomes: outcomes.size } satisfies Report);
  });
}

if (!isMainThread) worker(workerData as WorkerData);
else if (process.env.NODE_TEST_CONTEXT === undefined && process.argv[1] === fileURLToPath(import.meta.url)) main();
