// Runs ngtcp2's gtlsclient (an independent HTTP/3 client) against 127.0.0.1 and returns its stderr,
// where it reports everything (test/support/CLIENTS.md). It always exits 0, so callers assert on output.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clients } from '../support/clients.js';

export interface GtlsResult {
  output: string;
  /** Directory the response bodies were saved in (--download). */
  dir: string;
}

export interface GtlsOptions {
  host?: string;
  /** Extra command-line options (before HOST PORT URI). */
  args?: string[];
  /** Exit after the request stream closes (default true); false keeps the connection until its idle timeout. */
  exitAfterRequest?: boolean;
  /** Kill the client after this long (default 20 s). */
  killAfterMs?: number;
  /** Give up on the handshake after this long (default '5s'). */
  handshakeTimeout?: string;
}

export function gtlsclient(port: number, path = '/', opts: GtlsOptions = {}): Promise<GtlsResult> & { kill(): void } {
  const host = opts.host ?? '127.0.0.1';
  const dir = mkdtempSync(join(tmpdir(), 'gtls-'));
  const args = ['--no-quic-dump', '--no-http-dump', `--handshake-timeout=${opts.handshakeTimeout ?? '5s'}`, `--download=${dir}`, ...(opts.args ?? [])];
  if (opts.exitAfterRequest !== false) args.push('--exit-on-all-streams-close');
  const authority = host.includes(':') ? `[${host}]` : host;
  args.push(host, String(port), `https://${authority}:${port}${path}`);
  const child = spawn(clients().gtlsclient, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.killAfterMs ?? 20_000);
  const done = new Promise<GtlsResult>((resolve) =>
    child.on('close', () => {
      clearTimeout(timer);
      resolve({ output, dir });
    }),
  ) as Promise<GtlsResult> & { kill(): void };
  done.kill = () => child.kill('SIGKILL');
  return done;
}

/** True when the output shows a completed 200 response on the first request stream. */
export function answered(output: string): boolean {
  return output.includes('Negotiated ALPN is h3') && output.includes('http: stream 0x0 [:status: 200]');
}
