// Runs the load generators and parses what they print into one shape.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** `bin args`, or with `cpus` ("0", "0-2") the same under taskset, kept to those CPUs (./shared-core.ts). */
function onCpus(bin: string, args: string[], cpus: string | undefined): [string, string[]] {
  return cpus === undefined ? [bin, args] : ['taskset', ['-c', cpus, bin, ...args]];
}

export interface LoadResult {
  rps: number;
  p50ms: number;
  p99ms: number;
  requests: number;
  errors: number;
}

function ms(value: string, unit: string): number {
  const v = Number(value);
  switch (unit) {
    case 'us':
    case 'µs':
      return v / 1000;
    case 'ms':
      return v;
    case 's':
      return v * 1000;
    case 'ns':
      return v / 1e6;
    default:
      throw new Error(`unit ${unit}`);
  }
}

// A client still running well past its duration is killed (execFile's timeout), so a run fails rather
// than hangs: see shared-core.ts.
function limits(seconds: number): { maxBuffer: number; timeout: number } {
  return { maxBuffer: 1 << 20, timeout: (seconds * 3 + 30) * 1000 };
}

export async function wrk(bin: string, url: string, seconds: number, connections: number, cpus?: string): Promise<LoadResult> {
  const { stdout } = await run(...onCpus(bin, ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', url], cpus), limits(seconds));
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)![1]);
  const p50 = /50%\s+([\d.]+)(us|ms|s)/.exec(stdout)!;
  const p99 = /99%\s+([\d.]+)(us|ms|s)/.exec(stdout)!;
  const total = /(\d+) requests in/.exec(stdout)!;
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(stdout);
  const sockErr = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
  const errors = (non2xx ? Number(non2xx[1]) : 0) + (sockErr ? sockErr.slice(1).reduce((a, b) => a + Number(b), 0) : 0);
  return { rps, p50ms: ms(p50[1]!, p50[2]!), p99ms: ms(p99[1]!, p99[2]!), requests: Number(total[1]), errors };
}

// h2load reports mean/sd of request times, not percentiles; with --log-file it writes one line per
// request (start, status, duration µs), from which p50/p99 are computed here.
/** h2load's count of succeeded requests and of failed plus errored ones. */
export function h2loadOutcome(stdout: string): { succeeded: number; errors: number } {
  const st = /requests: (\d+) total, \d+ started, \d+ done, (\d+) succeeded, (\d+) failed, (\d+) errored/.exec(stdout);
  if (!st) throw new Error(`unexpected h2load output: ${stdout}`);
  return { succeeded: Number(st[2]), errors: Number(st[3]) + Number(st[4]) };
}

export async function h2load(bin: string, url: string, seconds: number, connections: number, streams: number, logFile: string, cpus?: string): Promise<LoadResult> {
  const { stdout } = await run(...onCpus(bin, ['-t1', `-c${connections}`, `-m${streams}`, `-D${seconds}`, `--log-file=${logFile}`, url], cpus), limits(seconds));
  const rps = Number(/finished in [\d.]+\w+, ([\d.]+) req\/s/.exec(stdout)![1]);
  const outcome = h2loadOutcome(stdout);
  const { readFileSync } = await import('node:fs');
  const durations = readFileSync(logFile, 'utf8')
    .trim()
    .split('\n')
    .map((l) => Number(l.split('\t')[2]))
    .filter((n) => Number.isFinite(n))
    .sort((a, b) => a - b);
  const q = (p: number): number => (durations.length ? durations[Math.floor(p * (durations.length - 1))]! / 1000 : 0);
  return { rps, p50ms: q(0.5), p99ms: q(0.99), requests: outcome.succeeded, errors: outcome.errors };
}

/**
 * Runs h3load with `length` (`-d 8s`, or `-n 5000` for a fixed count) and parses its summary line.
 * Go's flag package takes no attached values: "-c10" would be an unknown flag named c10.
 */
export async function runH3load(bin: string, url: string, length: ['-d' | '-n', string], connections: number, streams: number): Promise<LoadResult> {
  const { stdout } = await run(bin, ['-k', '-c', String(connections), '-m', String(streams), ...length, '-url', url], { maxBuffer: 1 << 20 }).catch((e: { stdout?: string; stderr?: string }) => {
    if (e.stdout && /h3load:/.test(e.stdout)) return { stdout: e.stdout };
    throw new Error(`h3load failed: ${e.stderr ?? e}`);
  });
  const m = /h3load: (\d+) ok, (\d+) failed, (\d+) non-2xx in [\d.]+s => ([\d.]+) req\/s; latency p50=([\d.]+)(µs|us|ms|s) p99=([\d.]+)(µs|us|ms|s)/.exec(stdout);
  if (!m) throw new Error(`unexpected h3load output: ${stdout}`);
  return { rps: Number(m[4]), p50ms: ms(m[5]!, m[6]!), p99ms: ms(m[7]!, m[8]!), requests: Number(m[1]), errors: Number(m[2]) + Number(m[3]) };
}

export function h3load(bin: string, url: string, seconds: number, connections: number, streams: number): Promise<LoadResult> {
  return runH3load(bin, url, ['-d', `${seconds}s`], connections, streams);
}
