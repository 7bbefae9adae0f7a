// Shared by the certificate-reload tests: throwaway self-signed pairs (each its own CA, for
// 127.0.0.1 and localhost, so a client can verify against exactly one of them), a Secret volume updated
// the way the kubelet does it, and the certificate a new TLS connection is shown.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { clients } from '../support/clients.js';
import { scrape } from '../observability/support.js';
import { valueOf } from '../observability/exposition.js';
import { spawnServer, type ServerProcess } from '../support/spawn-server.js';

export interface CertPair {
  readonly cert: Buffer;
  readonly key: Buffer;
  /** The certificate alone, for a client's CA file. */
  readonly certFile: string;
  /** As node's getPeerCertificate() and X509Certificate give it (upper-case hex). */
  readonly serial: string;
  /** notAfter, Unix seconds. */
  readonly notAfterS: number;
}

/** A P-256 pair with subject CN=`name`, valid `days` days: pairs made with other days expire apart. */
export function makePair(dir: string, name: string, days: number): CertPair {
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  execFileSync(clients().openssl, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', String(days),
    '-subj', `/CN=${name}`, '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', keyFile, '-out', certFile], { stdio: 'ignore' });
  const cert = readFileSync(certFile);
  const x = new X509Certificate(cert);
  return { cert, key: readFileSync(keyFile), certFile, serial: x.serialNumber, notAfterS: Date.parse(x.validTo) / 1000 };
}

/**
 * A Secret volume as the kubelet lays it out (its AtomicWriter): the files live in a timestamped
 * directory, `..data` links to it, and tls.crt / tls.key link through `..data`. An update writes a new
 * directory and renames a new `..data` link over the old one, then deletes the old directory.
 */
export class SecretVolume {
  readonly certFile: string;
  readonly keyFile: string;
  #generation = 0;
  #current = '';

  constructor(readonly dir: string, files: { cert: Buffer; key: Buffer }) {
    mkdirSync(dir, { recursive: true });
    this.certFile = join(dir, 'tls.crt');
    this.keyFile = join(dir, 'tls.key');
    this.update(files);
    symlinkSync(join('..data', 'tls.crt'), this.certFile);
    symlinkSync(join('..data', 'tls.key'), this.keyFile);
  }

  update(files: { cert: Buffer; key: Buffer }): void {
    const next = `..2026_11_28_00_00_00.${++this.#generation}`;
    mkdirSync(join(this.dir, next));
    writeFileSync(join(this.dir, next, 'tls.crt'), files.cert);
    writeFileSync(join(this.dir, next, 'tls.key'), files.key);
    symlinkSync(next, join(this.dir, '..data_tmp'));
    renameSync(join(this.dir, '..data_tmp'), join(this.dir, '..data'));
    if (this.#current !== '') rmSync(join(this.dir, this.#current), { recursive: true });
    this.#current = next;
  }
}

/** The serial number of the certificate a new TLS connection is shown, and the protocol ALPN chose. */
export function servedCertificate(port: number, alpn: 'h2' | 'http/1.1'): Promise<{ serial: string; alpn: string | false }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ALPNProtocols: [alpn], rejectUnauthorized: false }, () => {
      resolve({ serial: socket.getPeerCertificate().serialNumber, alpn: socket.alpnProtocol ?? false });
      socket.destroy();
    });
    socket.once('error', reject);
  });
}

/** Asserts that new TLS connections, HTTP/2 and HTTP/1.1 alike, are shown `pair`. */
export async function assertServesTls(port: number, pair: CertPair, why: string): Promise<void> {
  for (const alpn of ['h2', 'http/1.1'] as const) {
    const seen = await servedCertificate(port, alpn);
    assert.equal(seen.alpn, alpn);
    assert.equal(seen.serial, pair.serial, `${why} (${alpn})`);
  }
}

/** The reload series as /metrics (plain HTTP/1.1) exposes them. */
export async function tlsSeries(p: ServerProcess): Promise<{ expiry: number; ok: number; error: number }> {
  const { families } = await scrape(`http://127.0.0.1:${p.ports.h1}`);
  return {
    expiry: valueOf(families, 'rws_tls_certificate_expiry_timestamp_seconds'),
    ok: valueOf(families, 'rws_tls_certificate_reloads_total', { result: 'ok' }),
    error: valueOf(families, 'rws_tls_certificate_reloads_total', { result: 'error' }),
  };
}

/** Waits for the log line of the reload that made `pair` the served one. */
export function reloaded(p: ServerProcess, pair: CertPair): Promise<Record<string, unknown>> {
  return p.waitForLog((e) => e.msg === 'TLS certificate reloaded' && e.serial === pair.serial, 5000);
}

/** A server started on a Secret volume holding `old`, with `renewed` ready to be swapped in. */
export interface ReloadFixture {
  readonly old: CertPair;
  readonly renewed: CertPair;
  readonly volume: SecretVolume;
  readonly p: ServerProcess;
  stop(): Promise<void>;
}

/** `env` adds to the certificate variables (the reload interval, RWS_CONFIG_H3…). */
export async function startOnVolume(env: Record<string, string>): Promise<ReloadFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'rws-reload-'));
  const old = makePair(dir, 'rws-old', 3);
  const renewed = makePair(dir, 'rws-renewed', 90);
  const volume = new SecretVolume(join(dir, 'secret'), old);
  const p = await spawnServer({ RWS_CONFIG_TLS_CERT_FILE: volume.certFile, RWS_CONFIG_TLS_KEY_FILE: volume.keyFile, ...env });
  return {
    old,
    renewed,
    volume,
    p,
    async stop() {
      p.kill();
      await p.exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
