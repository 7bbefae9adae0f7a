// Starts the servers under test as separate processes (so their CPU time and RSS can be read from /proc)
// and waits until they answer.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { devCertFile, devKeyFile } from '../src/core/config/options.js';
import { packageRoot } from '../src/core/package-root.js';

export interface Proc {
  child: ChildProcess;
  stop(): Promise<void>;
}

const devNull = openSync('/dev/null', 'w');

/** CPU time a process has used so far (all its threads, user + system), in seconds; 10 ms steps. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks (100 Hz)
}

export function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

function start(cmd: string, args: string[], env: Record<string, string>): Proc {
  // stdout to /dev/null: the access log is written as in production (to a pipe or file), without the
  // harness competing for CPU to read it.
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', devNull, 'pipe'] });
  return {
    child,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

export async function waitForPort(port: number, tls: boolean): Promise<void> {
  const { request } = await import('undici');
  const { Agent } = await import('undici');
  const dispatcher = new Agent({ allowH2: true, connect: { rejectUnauthorized: false } });
  for (let i = 0; i < 300; i++) {
    try {
      const r = await request(`${tls ? 'https' : 'http'}://127.0.0.1:${port}/`, { dispatcher });
      await r.body.dump();
      await dispatcher.close();
      return;
    } catch {
      await sleep(100);
    }
  }
  throw new Error(`nothing answers on ${port}`);
}

/** Node running `script`, or, with a `wrapper` (valgrind and its options), node under the wrapper. */
function startNode(script: string, env: Record<string, string>, wrapper: readonly string[], nodeOptions: readonly string[] = []): Proc {
  const [cmd, ...args] = [...wrapper, process.execPath, ...nodeOptions, join(packageRoot, script)];
  return start(cmd!, args, env);
}

/** rws as `npm start` runs it; `unobserved`: with a no-op Observer (no metrics, no access log). */
export function startRws(h1Port: number, tlsPort: number, opts: { unobserved?: boolean; wrapper?: readonly string[]; nodeOptions?: readonly string[] } = {}): Proc {
  const entry = opts.unobserved ? join('dist', 'bench', 'rws-unobserved.js') : join('dist', 'src', 'main.js');
  return startNode(entry, {
    RWS_CONFIG_IP: '127.0.0.1',
    RWS_CONFIG_PORT: String(h1Port),
    RWS_CONFIG_TLS_PORT: String(tlsPort),
    RWS_CONFIG_LOG_FORMAT: 'json',
    RWS_CONFIG_SHUTDOWN_DELAY_MS: '0',
  }, opts.wrapper ?? [], opts.nodeOptions);
}

/** `withRwsFields`: the bare server also sends the response fields rws sends (bench/response-fields.ts). */
export function startBare(file: 'bare-h1' | 'bare-h2', port: number, withRwsFields = false, wrapper: readonly string[] = []): Proc {
  return startNode(join('dist', 'bench', `${file}.js`), { PORT: String(port), FIELDS: withRwsFields ? 'rws' : '' }, wrapper);
}

/** Caddy from Debian on 127.0.0.1 (its HTTP/3 only answers when bound to a specific address), serving public/. */
export function startCaddy(bin: string, h1Port: number, tlsPort: number): Proc {
  const dir = mkdtempSync(join(tmpdir(), 'rws-bench-caddy-'));
  const caddyfile = join(dir, 'Caddyfile');
  writeFileSync(
    caddyfile,
    `{
  admin off
  auto_https off
  servers {
    protocols h1 h2 h3
  }
}
http://127.0.0.1:${h1Port} {
  bind 127.0.0.1
  root * ${join(packageRoot, 'public')}
  file_server
}
https://127.0.0.1:${tlsPort} {
  bind 127.0.0.1
  tls ${devCertFile} ${devKeyFile}
  root * ${join(packageRoot, 'public')}
  file_server
}
`,
  );
  return start(bin, ['run', '--config', caddyfile, '--adapter', 'caddyfile'], { HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir });
}
