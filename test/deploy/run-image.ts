// Starts a materialized image tree the way the container runtime would: the base image's entrypoint
// (node: gcr.io/distroless/nodejs* sets ENTRYPOINT ["/nodejs/bin/node"]) with the stage's CMD, the
// stage's WORKDIR as the working directory and only the stage's ENV plus the given overrides, none of
// this process's RWS_CONFIG_* variables. Absolute paths are not rewritten here: callers map mount
// paths into the tree themselves.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { posix } from 'node:path';
import type { Stage } from './dockerfile-model.js';

export interface ImageProcess {
  /** Every stdout line, as printed. */
  stdout: string[];
  stderr(): string;
  exited: Promise<number | null>;
  /** Resolves with the first stdout line that parses as JSON and satisfies match. */
  waitForLog(match: (entry: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Every stdout line parsed as JSON so far (lines that are not JSON are skipped). */
  entries(): Record<string, unknown>[];
  signal(sig: NodeJS.Signals): void;
}

/** The image's argv with node standing for the distroless entrypoint. */
export function imageArgv(stage: Stage): string[] {
  const entry = stage.entrypoint ?? ['/nodejs/bin/node'];
  const argv = [...entry, ...(stage.cmd ?? [])];
  if (!/(^|\/)node(js)?$/.test(argv[0]!)) throw new Error(`the image does not start node directly: ${argv.join(' ')}`);
  return argv.slice(1);
}

/** The options the image passes to node itself (those before the script). */
export function imageNodeOptions(stage: Stage): string[] {
  const argv = imageArgv(stage);
  return argv.slice(0, argv.findIndex((a) => !a.startsWith('-')));
}

export function runImage(root: string, stage: Stage, overrides: Record<string, string>): ImageProcess {
  const child = spawn(process.execPath, imageArgv(stage), {
    cwd: posix.join(root, stage.workdir),
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...stage.env, ...overrides },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  let partial = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop()!;
    stdout.push(...parts);
    child.emit('lines');
  });
  child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
  const exited = once(child, 'close').then(([code]) => code as number | null);
  const entries = (): Record<string, unknown>[] => stdout.map(parseJson).filter((e) => e !== undefined);
  const describe = (): string => `stdout:\n${stdout.join('\n')}\nstderr:\n${err}`;
  return {
    stdout,
    stderr: () => err,
    exited,
    entries,
    signal: (sig) => child.kill(sig),
    waitForLog(match, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        let done = false;
        const settle = (f: () => void): void => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          child.off('lines', check);
          f();
        };
        const check = (): void => {
          const hit = entries().find(match);
          if (hit !== undefined) settle(() => resolve(hit));
        };
        const timer = setTimeout(() => settle(() => reject(new Error(`log line not seen in ${timeoutMs} ms; ${describe()}`))), timeoutMs);
        child.on('lines', check);
        // 'close' comes after the last stdout data, so a line printed just before exit is still seen.
        void exited.then(() => (check(), settle(() => reject(new Error(`server exited before the log line; ${describe()}`)))));
        check();
      });
    },
  };
}

function parseJson(line: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(line);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
