// The container image, checked without Docker: the Dockerfile is parsed, its final stage's COPYs are
// carried out into an empty folder standing for the image's "/", and that tree is started the way the
// container runtime starts it (node + CMD, WORKDIR, only the image's ENV), with the TLS Secret "mounted"
// as files. Then the three protocols are spoken to it with real clients.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect as h2connect } from 'node:http2';
import { tmpdir } from 'node:os';
import { posix } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { options } from '../../src/core/config/options.js';
import { clients } from '../support/clients.js';
import { loadDockerfile, type Stage } from './dockerfile-model.js';
import { materializeFinalStage } from './image-tree.js';
import { imageArgv, runImage, type ImageProcess } from './run-image.js';
import { repoRoot } from './repo.js';

const stages = loadDockerfile();
const final = stages.at(-1)!;
const certVar = options.tlsCertFile.env;
const keyVar = options.tlsKeyFile.env;
// Only what a test must change: loopback, ports chosen by the kernel, and no shutdown delay so SIGTERM
// drains at once (the delay itself is the shutdown tests' subject).
const testOverrides = {
  RWS_CONFIG_IP: '127.0.0.1',
  RWS_CONFIG_PORT: '0',
  RWS_CONFIG_TLS_PORT: '0',
  RWS_CONFIG_SHUTDOWN_DELAY_MS: '0',
  RWS_CONFIG_DRAIN_TIMEOUT_MS: '2000',
};

/** The image's TLS variables with their absolute paths moved under mountRoot, as a volume would be. */
function mountedTls(stage: Stage, mountRoot: string): Record<string, string> {
  return { [certVar]: posix.join(mountRoot, stage.env[certVar]!), [keyVar]: posix.join(mountRoot, stage.env[keyVar]!) };
}

function walk(dir: string, rel = ''): string[] {
  return readdirSync(posix.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const p = rel === '' ? e.name : `${rel}/${e.name}`;
    return e.isDirectory() ? [p + '/', ...walk(dir, p)] : [p];
  });
}

describe('Dockerfile', () => {
  it('has a Node 24 bookworm build stage that installs, builds and prunes', () => {
    assert.equal(stages.length, 2, 'two stages: build and runtime');
    assert.match(stages[0]!.image, /^node:24(\.\d+)*-bookworm(-slim)?(@sha256:[0-9a-f]{64})?$/);
    const runs = stages[0]!.runs.join('\n');
    for (const step of ['npm ci', 'npm run build', 'npm prune --omit=dev']) assert.ok(runs.includes(step), `build stage runs ${step}`);
  });

  it('has a distroless Node 24 final stage that runs dist/src/main.js as non-root, young generation sized', () => {
    assert.match(final.image, /^gcr\.io\/distroless\/nodejs24-debian12(:[\w.-]+)?(@sha256:[0-9a-f]{64})?$/);
    assert.ok(['nonroot', 'nonroot:nonroot', '65532', '65532:65532'].includes(final.user ?? ''), `USER ${final.user} is distroless's nonroot`);
    assert.deepEqual(imageArgv(final), ['--max-semi-space-size=16', 'dist/src/main.js']);
    assert.notEqual(final.workdir, '/');
  });

  it('exposes exactly the default listener ports: 7878/tcp, 7443/tcp, 7443/udp', () => {
    assert.deepEqual(final.expose, ['7878/tcp', '7443/tcp', '7443/udp']);
    assert.equal(options.port.def, '7878');
    assert.equal(options.tlsPort.def, '7443');
  });

  it('logs JSON and expects the TLS pair as a mounted Secret (tls.crt, tls.key), not the dev pair', () => {
    assert.equal(final.env.RWS_CONFIG_LOG_FORMAT, 'json');
    assert.equal(final.env[certVar], '/etc/rws/tls/tls.crt');
    assert.equal(final.env[keyVar], '/etc/rws/tls/tls.key');
    const known = new Set(Object.values(options).map((o) => o.env));
    for (const name of Object.keys(final.env).filter((n) => n.startsWith('RWS_CONFIG_'))) assert.ok(known.has(name), `${name} is an option`);
  });
});

describe('the final stage, rebuilt from the Dockerfile and started as the image starts', () => {
  let root: string;
  let secrets: string;
  let proc: ImageProcess | undefined;

  before(() => {
    root = mkdtempSync(posix.join(tmpdir(), 'rws-image-'));
    secrets = mkdtempSync(posix.join(tmpdir(), 'rws-image-secret-'));
    materializeFinalStage(stages, root);
    // The Secret volume: a throwaway pair, so the served certificate proves which files were loaded.
    const dir = posix.dirname(mountedTls(final, secrets)[certVar]!);
    mkdirSync(dir, { recursive: true });
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2',
      '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout', posix.join(dir, 'tls.key'), '-out', posix.join(dir, 'tls.crt')], { stdio: 'ignore' });
  });

  after(async () => {
    if (proc !== undefined) {
      proc.signal('SIGKILL');
      await proc.exited;
    }
    rmSync(root, { recursive: true, force: true });
    rmSync(secrets, { recursive: true, force: true });
  });

  it('holds only package.json, production node_modules (with the QUIC binding), dist/src and public/', () => {
    const app = posix.join(root, final.workdir);
    assert.deepEqual(readdirSync(root), [final.workdir.split('/')[1]], 'nothing outside WORKDIR');
    assert.deepEqual(readdirSync(app).sort(), ['dist', 'node_modules', 'package.json', 'public']);
    assert.deepEqual(readdirSync(posix.join(app, 'dist')), ['src'], 'no compiled tests or benchmarks');
    const files = walk(root);
    assert.deepEqual(files.filter((f) => /(^|\/)certs-dev\//.test(f)), [], 'no development certificates');
    assert.ok(files.includes(`${final.workdir.slice(1)}/node_modules/@matrixai/quic-linux-x64/node.napi.node`));
    const pkg = JSON.parse(readFileSync(posix.join(repoRoot, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    const devOnly = Object.keys(pkg.devDependencies).filter((d) => files.includes(`${final.workdir.slice(1)}/node_modules/${d}/`));
    assert.deepEqual(devOnly, [], 'no devDependencies');
    assert.deepEqual(walk(posix.join(app, 'public')).sort(), walk(posix.join(repoRoot, 'public')).sort(), 'the bundled site');
  });

  it('without the Secret mounted, exits 2 naming the certificate variable before listening', async () => {
    const empty = mkdtempSync(posix.join(tmpdir(), 'rws-image-nosecret-'));
    try {
      const p = runImage(root, final, { ...testOverrides, ...mountedTls(final, empty) });
      assert.equal(await p.exited, 2);
      assert.match(p.stderr(), new RegExp(`^rws: invalid configuration: ${certVar}=`));
      assert.deepEqual(p.stdout, [], 'nothing bound, nothing logged');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('with the Secret mounted, serves the mounted certificate on HTTP/1.1, HTTP/2 and HTTP/3, logs only JSON, exits 0 on SIGTERM', async (t) => {
    const tlsEnv = mountedTls(final, secrets);
    const p = (proc = runImage(root, final, { ...testOverrides, ...tlsEnv }));
    await p.waitForLog((e) => e.msg === 'ready');
    const ports = Object.fromEntries(p.entries().filter((e) => e.msg === 'listening').map((e) => [e.listener, e.port as number]));
    const ca = readFileSync(tlsEnv[certVar]!);

    await t.test('HTTP/1.1 on the plain port, serving the bundled site from the image', async () => {
      const res = await fetch(`http://127.0.0.1:${ports.h1}/healthz`);
      assert.equal(res.status, 200);
      assert.equal((await res.text()).trim(), 'ok');
      const page = await fetch(`http://127.0.0.1:${ports.h1}/`);
      assert.equal(page.status, 200);
      assert.equal(await page.text(), readFileSync(posix.join(root, final.workdir, 'public', 'index.html'), 'utf8'));
    });

    await t.test('TLS presents the mounted certificate', async () => {
      const served = await peerCertificate(ports.tls!, ca);
      assert.equal(served.fingerprint256, new X509Certificate(ca).fingerprint256);
    });

    await t.test('HTTP/2 on the TLS port', async () => {
      const res = await h2Get(ports.tls!, ca, '/healthz');
      assert.equal(res.status, 200);
      assert.equal(res.body.trim(), 'ok');
    });

    await t.test('HTTP/3 on the UDP port', async (st) => {
      if (ports.h3 === undefined) {
        st.skip('no HTTP/3 listener yet: the server logged no "listening" line for listener h3');
        return;
      }
      const out = execFileSync(clients().curl, ['--http3-only', '--cacert', tlsEnv[certVar]!, '-sS', '--max-time', '10',
        '-o', '/dev/null', '-w', '%{http_version} %{response_code}', `https://127.0.0.1:${ports.h3}/healthz`], { encoding: 'utf8' });
      assert.equal(out, '3 200');
    });

    p.signal('SIGTERM');
    assert.equal(await p.exited, 0, p.stderr());
    proc = undefined;
    assert.ok(p.stdout.length > 0);
    for (const line of p.stdout) assert.doesNotThrow(() => JSON.parse(line), `stdout line is JSON: ${line}`);
    assert.ok(!p.stdout.some((l) => l.includes('DEVELOPMENT certificate')), 'not on the development pair');
  });
});

function peerCertificate(port: number, ca: Buffer): Promise<X509Certificate> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, ca, servername: 'localhost', ALPNProtocols: ['http/1.1'] }, () => {
      const cert = socket.getPeerX509Certificate();
      socket.destroy();
      if (cert === undefined) reject(new Error('no peer certificate'));
      else resolve(cert);
    });
    socket.on('error', reject);
  });
}

function h2Get(port: number, ca: Buffer, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const session = h2connect(`https://127.0.0.1:${port}`, { ca, servername: 'localhost' });
    session.on('error', reject);
    const req = session.request({ ':path': path });
    let status = 0;
    let body = '';
    req.on('response', (h) => (status = Number(h[':status'])));
    req.setEncoding('utf8').on('data', (c: string) => (body += c));
    req.on('end', () => {
      session.close();
      resolve({ status, body });
    });
    req.on('error', reject);
    req.end();
  });
}
