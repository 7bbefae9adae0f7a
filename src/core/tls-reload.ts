// Re-reads the TLS certificate and key files every interval and hands a changed, valid pair to the TLS
// listeners, so a renewed certificate (cert-manager, every ~60 days) is served without a restart, as
// Envoy, Traefik and Caddy do.
//
// Polling the content rather than fs.watch: the kubelet updates a Secret volume by writing a new
// timestamped directory and renaming a `..data` symlink over the old one; the files named in the
// variables are symlinks through `..data` that never change themselves, so an inotify watch on them (or
// on their resolved targets, which are deleted) misses the swap or fires on a directory that is gone.
// Comparing the bytes also ignores touches that change nothing, and costs two small reads per interval.
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { TlsListener } from './contract.js';
import { checkTlsPair, type TlsPairFiles } from './config/tls-pair.js';
import { ConfigError } from './errors.js';
import type { Observer, ServedCertificate } from './observer.js';

export interface TlsReloadOptions {
  readonly files: TlsPairFiles;
  /** The pair loaded (and checked) at start. */
  readonly cert: Buffer;
  readonly key: Buffer;
  /** 0: the files are never re-read. */
  readonly intervalMs: number;
  readonly listeners: readonly Pick<TlsListener, 'setCertificate'>[];
  readonly observer: Observer;
}

interface Pair {
  readonly cert: Buffer;
  readonly key: Buffer;
}

export class TlsReloader {
  readonly #o: TlsReloadOptions;
  /** The pair the listeners present. */
  #served: Pair;
  /** The pair last checked, served or refused: a refused pair is not checked (nor reported) again until it changes. */
  #seen: Pair;
  /** The last read failure reported, so an unreadable file is reported once, not at every interval. */
  #readFailure = '';
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(o: TlsReloadOptions) {
    this.#o = o;
    this.#served = this.#seen = { cert: o.cert, key: o.key };
  }

  /** Reports the certificate loaded at start and starts polling. */
  start(): void {
    this.#o.observer.tlsCertificate({ result: 'ok', reload: false, certificate: certificateOf(this.#served.cert) });
    this.#arm();
  }

  /** No check starts after this, and one in progress applies nothing. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  #arm(): void {
    if (this.#stopped || this.#o.intervalMs === 0) return;
    // A timeout re-armed after each check rather than an interval: a slow read (a stalled volume) never
    // overlaps the next one. unref: polling never keeps the process alive.
    this.#timer = setTimeout(() => void this.check().finally(() => this.#arm()), this.#o.intervalMs).unref();
  }

  /** One poll: read both files; when they changed, check the pair and switch the listeners to it. Never throws. */
  async check(): Promise<void> {
    const pair = await this.#read();
    if (pair === undefined || this.#stopped) return;
    if (same(pair, this.#seen)) return;
    this.#seen = pair;
    // Back to the pair being served (a bad swap undone): nothing to switch.
    if (same(pair, this.#served)) return;
    try {
      checkTlsPair(pair.cert, pair.key, this.#o.files);
      for (const l of this.#o.listeners) l.setCertificate(pair.cert, pair.key);
    } catch (e) {
      return this.#refused(e instanceof ConfigError ? e : new ConfigError(this.#o.files.certEnv, this.#o.files.certFile, String((e as Error)?.message ?? e)));
    }
    this.#served = pair;
    this.#o.observer.tlsCertificate({ result: 'ok', reload: true, certificate: certificateOf(pair.cert) });
  }

  // Both files, or undefined when one cannot be read (a swap in progress, a volume gone): tried again at
  // the next interval.
  async #read(): Promise<Pair | undefined> {
    const f = this.#o.files;
    try {
      const [cert, key] = await Promise.all([readOne(f.certFile, f.certEnv), readOne(f.keyFile, f.keyEnv)]);
      this.#readFailure = '';
      return { cert, key };
    } catch (e) {
      const err = e as ConfigError;
      if (err.message !== this.#readFailure) this.#refused(err);
      this.#readFailure = err.message;
      return undefined;
    }
  }

  #refused(e: ConfigError): void {
    this.#o.observer.tlsCertificate({ result: 'error', variable: e.variable, reason: e.message });
  }
}

async function readOne(file: string, env: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (e) {
    throw new ConfigError(env, file, `cannot read file (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

function same(a: Pair, b: Pair): boolean {
  return a.cert.equals(b.cert) && a.key.equals(b.key);
}

/** The leaf (first certificate of the chain), for the log line and the expiry gauge. */
export function certificateOf(cert: Buffer): ServedCertificate {
  const x = new X509Certificate(cert);
  return { subject: x.subject.replace(/\n/g, ', '), subjectAltName: x.subjectAltName, serialNumber: x.serialNumber, notAfterMs: Date.parse(x.validTo) };
}
