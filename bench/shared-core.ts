// The servers compared with rws, all at once on one shared core: each target is pinned (taskset) to the
// same CPU and loaded at the same time by its own client, the clients pinned to the other CPUs. The
// kernel's scheduler gives each busy process an equal share of that core, so each target's req/s is in
// proportion to 1 ÷ its CPU cost per request, and whatever slows the host (neighbours, frequency, cache
// pressure) falls on every target within the same seconds. The alternating runs of run.ts measure each
// target with the whole machine, minutes apart; on this shared host their per-round ratios spread by
// ±20 %, where these spread by a few per cent, even when the host's speed halved between two rounds.
// Runs at different times still differ by up to ~10 % (two runs 20 minutes apart read rws ÷ bare
// node:http 0.76× and 0.67×). A ratio here is only sound while the shared core is saturated: the table
// reports how busy it was, from the servers' own CPU time. Where a memory cgroup can be made, rws also
// runs as the pod runs it: under the Deployment's memory limit, with the image's node options.
import { join } from 'node:path';
import { cpus } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadDockerfile } from '../test/deploy/dockerfile-model.js';
import { podMemoryLimit } from '../test/deploy/manifests.js';
import { imageNodeOptions } from '../test/deploy/run-image.js';
import { inCgroup, memoryBytes, memoryCgroup, type MemoryCgroup } from '../test/support/memory-cgroup.js';
import { cpuSeconds, startBare, startRws, waitForPort, type Proc } from './processes.js';
import { h2load, wrk, type LoadResult } from './tools.js';

export interface SharedCoreRound {
  /** req/s per target name, in the order of `names`. */
  rps: number[];
  /** Each target's CPU time per request (all its threads), µs, in the same order. */
  cpuUs: number[];
  /** The servers' CPU time over the round ÷ its length: 1 when the shared core never idled. */
  busy: number;
}

export interface SharedCoreGroup {
  group: 'h1' | 'h2';
  names: string[];
  rounds: SharedCoreRound[];
}

interface Member {
  name: string;
  proc: Proc;
  port: number;
  tls: boolean;
  load: (cpus: string) => Promise<LoadResult>;
}

// The groups run one after the other, so h1 and h2 reuse the ports: bare servers have one, rws two.
const port = { bare: 18121, fields: 18122, rws: [18123, 18127], quiet: [18124, 18128], pod: [18129, 18130] } as const;

export const sharedCoreNames = {
  bare: 'bare node',
  fields: "bare node with rws's response fields",
  rws: 'rws /healthz',
  quiet: 'rws /healthz (no metrics, no log)',
  pod: "rws /healthz as the pod runs it (the Deployment's memory limit, the image's node options)",
} as const;

// The pod's configuration, where this machine lets the bench make a memory cgroup: node sizes V8's heap
// from the limit (bench/RESULTS.md, eighth session), so rws under the limit is not rws unconstrained.
interface Pod {
  cgroup: MemoryCgroup;
  nodeOptions: string[];
}

function podConfiguration(): Pod | string {
  const cgroup = memoryCgroup('rws-bench-pod', memoryBytes(podMemoryLimit()));
  if (typeof cgroup === 'string') return cgroup;
  return { cgroup, nodeOptions: imageNodeOptions(loadDockerfile().at(-1)!) };
}

/** The CPUs for servers and clients, or a reason to skip: the method needs one core for the servers and at least one more. */
export function sharedCoreCpus(): { server: string; clients: string } | string {
  const n = cpus().length;
  if (n < 2) return `skipped: ${n} CPU (servers and clients need one each).`;
  return { server: String(n - 1), clients: n === 2 ? '0' : `0-${n - 2}` };
}

export async function measureSharedCore(
  tools: { wrk: string; h2load: string },
  groups: ReadonlySet<string>,
  seconds: number,
  rounds: number,
  logDir: string,
): Promise<SharedCoreGroup[] | string> {
  const cpu = sharedCoreCpus();
  if (typeof cpu === 'string') return cpu;
  const out: SharedCoreGroup[] = [];
  const pod = podConfiguration();
  if (typeof pod === 'string') process.stdout.write(`shared core: without rws as the pod runs it: ${pod}\n`);
  try {
    for (const group of ['h1', 'h2'] as const) {
      if (!groups.has(group)) continue;
      const members = startMembers(group, cpu.server, tools, seconds, logDir, typeof pod === 'string' ? undefined : pod);
      try {
        await Promise.all(members.map((m) => waitForPort(m.port, m.tls)));
        // Warm-up: V8 optimises each server's hot path before anything counts. Its errors are not the
        // servers' cost: a cold server on a shared core can keep one of wrk's requests past wrk's 2 s timeout.
        await withRetry(() => oneRound(members, cpu.clients, false));
        const result: SharedCoreGroup = { group, names: members.map((m) => m.name), rounds: [] };
        for (let r = 1; r <= rounds; r++) {
          const round = await withRetry(() => oneRound(members, cpu.clients, true));
          result.rounds.push(round);
          process.stdout.write(`shared core ${group} round ${r}: ${members.map((m, i) => `${m.name} ${round.rps[i]!.toFixed(0)}`).join(', ')} req/s; core busy ${(round.busy * 100).toFixed(0)} %\n`);
          await sleep(500);
        }
        out.push(result);
      } finally {
        for (const m of members) await m.proc.stop();
      }
    }
  } finally {
    // Every member has exited by now (stop() waits), so the cgroup is empty.
    if (typeof pod !== 'string') pod.cgroup.remove();
  }
  return out;
}

/** A client counted errors (wrk: a response later than its 2 s timeout; h2load: a failed stream). */
class ClientErrors extends Error {}

// h2load 1.52 in -D mode sometimes never ends when four or five start at once against one busy core
// (3 of 9 tries here; a single instance, as run.ts uses it, never did). The client's timeout (tools.ts)
// kills it; the round is run again, at most twice more. So is a round in which a client counted errors:
// at a fifth of a core, rws's code is still being optimised after a short warm-up, and responses can
// take longer than wrk's 2 s timeout (seen with 3 s rounds: in its first 4 s beside four bare servers,
// rws served 325 req/s with p99 1.3 s; its GC pauses stayed under 55 ms).
async function withRetry(round: () => Promise<SharedCoreRound>): Promise<SharedCoreRound> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await round();
    } catch (e) {
      const killed = e instanceof Error && 'killed' in e && e.killed === true;
      if (attempt === 3 || !(killed || e instanceof ClientErrors)) throw e;
      process.stdout.write(`shared core: ${killed ? 'a client did not finish in time' : (e as Error).message} (attempt ${attempt}); running the round again\n`);
    }
  }
}

async function oneRound(members: Member[], clientCpus: string, strict: boolean): Promise<SharedCoreRound> {
  const pids = members.map((m) => m.proc.child.pid!);
  const before = pids.map(cpuSeconds);
  const started = process.hrtime.bigint();
  // Every client settles (finishes or is killed) before a round is judged or run again.
  const settled = await Promise.allSettled(members.map((m) => m.load(clientCpus)));
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) throw failed.reason;
  const results = settled.map((s) => (s as PromiseFulfilledResult<LoadResult>).value);
  const wallS = Number(process.hrtime.bigint() - started) / 1e9;
  // A client that reports errors measured something else than the target's cost: stop here.
  results.forEach((r, i) => {
    if (strict && r.errors > 0) throw new ClientErrors(`${members[i]!.name} had ${r.errors} errors`);
  });
  const cpu = pids.map((pid, i) => cpuSeconds(pid) - before[i]!);
  return {
    rps: results.map((r) => r.rps),
    cpuUs: results.map((r, i) => (cpu[i]! * 1e6) / r.requests),
    busy: cpu.reduce((a, b) => a + b, 0) / wallS,
  };
}

function startMembers(group: 'h1' | 'h2', serverCpu: string, tools: { wrk: string; h2load: string }, seconds: number, logDir: string, pod?: Pod): Member[] {
  const pin = ['taskset', '-c', serverCpu];
  const tls = group === 'h2';
  const bareScript = tls ? 'bare-h2' : 'bare-h1';
  // One target: its name, its process, and the port and path its client loads (wrk -c50, h2load -c50 -m10).
  const member = (name: string, proc: Proc, p: number, path: string, log: string): Member => {
    const url = `${tls ? 'https' : 'http'}://127.0.0.1:${p}${path}`;
    const load = tls
      ? (cpus: string) => h2load(tools.h2load, url, seconds, 50, 10, join(logDir, `shared-${log}.log`), cpus)
      : (cpus: string) => wrk(tools.wrk, url, seconds, 50, cpus);
    return { name, proc, port: p, tls, load };
  };
  const rws = (name: string, ports: readonly [number, number], opts: Parameters<typeof startRws>[2], log: string): Member =>
    member(name, startRws(ports[0], ports[1], opts), ports[tls ? 1 : 0], '/healthz', log);
  return [
    member(sharedCoreNames.bare, startBare(bareScript, port.bare, false, pin), port.bare, '/', 'bare'),
    member(sharedCoreNames.fields, startBare(bareScript, port.fields, true, pin), port.fields, '/', 'fields'),
    rws(sharedCoreNames.rws, port.rws, { wrapper: pin }, 'rws'),
    rws(sharedCoreNames.quiet, port.quiet, { unobserved: true, wrapper: pin }, 'quiet'),
    ...(pod ? [rws(sharedCoreNames.pod, port.pod, { wrapper: [...inCgroup(pod.cgroup), ...pin], nodeOptions: pod.nodeOptions }, 'pod')] : []),
  ];
}

/** Per-round ratios of target `a` to target `b` in req/s (or in CPU time per request), sorted. */
export function roundRatios(g: SharedCoreGroup, a: string, b: string, of: 'rps' | 'cpuUs' = 'rps'): number[] {
  const i = g.names.indexOf(a);
  const j = g.names.indexOf(b);
  return g.rounds.map((r) => r[of][i]! / r[of][j]!).sort((x, y) => x - y);
}
