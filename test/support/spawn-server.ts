// Runs rws-edge as a real process (dist/src/main.js), for tests of the process itself: signals, exit
// codes, configuration errors, logs. Ports are learnt from the JSON "listening" log lines.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testDefaults } from './start-server.js';

export const mainJs = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'src', 'main.js');

export interface ServerProcess {
  child: ChildProcess;
  ports: Record<string, number>;
  /** Every stdout line so far, parsed as JSON where it is JSON. */
  lines: string[];
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first JSON log line for which `match` is true. */
  waitForLog(match: (entry: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  kill(signal?: NodeJS.Signals): void;
}

export function spawnServer(
  env: Record<string, string> = {},
  args: string[] = [],
  opts: { waitReady?: boolean; node?: string; nodeArgs?: string[] } = {},
): Promise<ServerProcess> {
  const child = spawn(opts.node ?? process.execPath, [...(opts.nodeArgs ?? []), mainJs, ...args], {
    env: { ...process.env, ...testDefaults, RWS_CONFIG_LOG_LEVEL: 'info', RWS_CONFIG_LOG_FORMAT: 'json', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let err = '';
  let partial = '';
  const entries: Record<string, unknown>[] = [];
  const waiters: { match: (e: Record<string, unknown>) => boolean; resolve: (e: Record<string, unknown>) => void }[] = [];
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    partial += chunk;
    let nl;
    while ((nl = partial.indexOf('\n')) !== -1) {
      const line = partial.slice(0, nl);
      partial = partial.slice(nl + 1);
      lines.push(line);
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue;
      }
      entries.push(entry);
      // A crash in a server a test did not mean to stop shows up only as refused connections in that
      // test; its 'uncaught exception' line goes to the test's output so a CI log says what happened.
      if (entry.level === 'fatal') console.error(`server pid ${child.pid}: ${line}`);
      for (const w of waiters.slice()) {
        if (w.match(entry)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(entry);
        }
      }
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (err += c));
  let signalled = false;
  const exited = once(child, 'exit').then(([code, signal]) => {
    // A native crash (an assertion in node's C++: SIGABRT; SIGSEGV) logs no JSON line: its stderr goes
    // to the test output.
    if (signal !== null && !signalled) console.error(`server pid ${child.pid} died of ${signal}; stderr:\n${err.slice(-4000)}`);
    return { code: code as number | null, signal: signal as NodeJS.Signals | null };
  });
  const ports: Record<string, number> = {};
  const proc: ServerProcess = {
    child,
    ports,
    lines,
    stderr: () => err,
    exited,
    waitForLog(match, timeoutMs = 10_000) {
      const seen = entries.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`log line not seen in ${timeoutMs} ms; stdout:\n${lines.join('\n')}\nstderr:\n${err}`)), timeoutMs);
        waiters.push({ match, resolve: (e) => (clearTimeout(t), resolve(e)) });
        void exited.then(() => setTimeout(() => reject(new Error(`server exited; stdout:\n${lines.join('\n')}\nstderr:\n${err}`)), 50));
      });
    },
    kill(signal = 'SIGTERM') {
      signalled = true;
      child.kill(signal);
    },
  };
  if (opts.waitReady === false) return Promise.resolve(proc);
  return proc.waitForLog((e) => e.msg === 'ready').then(() => {
    for (const e of entries) if (e.msg === 'listening') ports[e.listener as string] = e.port as number;
    return proc;
  });
}
