// A rolling update, end to end: clients keep sending requests over HTTP/1.1 keep-alive, HTTP/2 and
// HTTP/3, including 2-second proxied requests and 64 MiB downloads read slowly, when SIGTERM arrives.
// Then: readiness turns 503 at once while liveness stays 200; every request keeps succeeding during the
// shutdown delay; after it, new connections are refused, HTTP/2 clients get GOAWAY, HTTP/3 clients get
// GOAWAY and an H3_NO_ERROR close; every request the server accepted completes with its full body (a
// request the clients saw refused never reached the origin); the process exits 0 soon after the last
// response. The scenario runs once (before); each it() checks one part of it.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Client } from 'undici';
import { hasClient } from '../support/clients.js';
import type { ServerProcess } from '../support/spawn-server.js';
import { exitOf, logTime, makeRoot, sleep, startProber, tempDir, useEdge, type ExitInfo, type Probe, type StaticRoot } from './support.js';
import { expectedText, H2Client, h1Get, h3Curl, h3Gtls, type Expect, type GtlsResult, type Outcome } from './traffic.js';

const delayMs = 1500;
const bigSize = 64 * 1024 * 1024;
// Big downloads are read at this pace (bytes per ms) so they run ~2.5 s, past the start of the drain.
const readPace = bigSize / 2500;
// Generous margins: a loaded 2-core CI machine can stall any process for a few hundred ms.
const marginMs = 500;

interface Scenario {
  sigAt: number;
  /** When the server logged that it began draining (lifecycle → draining: /readyz 503, no Alt-Svc). */
  startedAt: number;
  drainAt: number;
  exit: ExitInfo;
  probes: Probe[];
  outcomes: Outcome[];
  h2Goaways: { last: number; code: number; at: number }[];
  h3: GtlsResult | undefined;
  /** Why the HTTP/3 part did not run, if it did not. */
  h3Skip: string | false;
}

describe('rolling update: SIGTERM under traffic on h1, h2 and h3', () => {
  let root: StaticRoot;
  const edge = useEdge({ RWS_CONFIG_SHUTDOWN_DELAY_MS: String(delayMs), RWS_CONFIG_DRAIN_TIMEOUT_MS: '20000' }, () => (root = makeRoot(bigSize)));
  let s: Scenario;

  before(async () => {
    s = await runScenario(edge.server, root);
  });

  it('readiness turns 503 at once, liveness stays 200, new connections are refused after the delay', () => {
    const after = s.probes.filter((p) => p.at > s.sigAt);
    const firstUnready = after.find((p) => p.path === '/readyz' && p.status === 503);
    assert.ok(firstUnready, 'a 503 from /readyz');
    const flipMs = firstUnready.at - s.sigAt;
    // The requirement is 100 ms; the bound here is generous for a loaded machine (the log shows the real value).
    assert.ok(flipMs < 100 + marginMs, `/readyz turned 503 ${flipMs} ms after SIGTERM`);
    assert.ok(s.probes.some((p) => p.path === '/readyz' && p.status === 200 && p.at < s.sigAt), '/readyz was 200 before');
    for (const p of s.probes) {
      if (p.path === '/readyz' && p.at > s.sigAt + flipMs) assert.notEqual(p.status, 200, `/readyz 200 after SIGTERM at +${p.at - s.sigAt} ms`);
      if (p.path === '/healthz' && p.status !== undefined) assert.equal(p.status, 200, '/healthz is 200 while answering');
      if (p.error !== undefined) {
        // Refused, or (at the very moment the listener closed) connected through the kernel's accept
        // queue and closed or reset before the request was read: never answered either way.
        assert.match(p.error, /^ECONNREFUSED$|^ECONNRESET$|closed before a complete response \(0 bytes/, `probe error ${p.error}`);
        assert.ok(p.at >= s.drainAt - 50, `refused at +${p.at - s.sigAt} ms, before the drain began (+${s.drainAt - s.sigAt} ms)`);
      }
    }
    assert.ok(s.drainAt - s.sigAt >= delayMs - 50, `the drain began ${s.drainAt - s.sigAt} ms after SIGTERM, before the ${delayMs} ms delay ended`);
    const refused = s.probes.filter((p) => p.error === 'ECONNREFUSED');
    assert.ok(refused.length > 0 && refused[0]!.at - s.drainAt < marginMs, 'new connections refused once the drain began');
    console.log(`# /readyz 503 after ${flipMs} ms; drain began ${s.drainAt - s.sigAt} ms after SIGTERM; first refusal ${refused[0]!.at - s.drainAt} ms after that`);
  });

  for (const proto of ['h1', 'h2', 'h3'] as const) {
    it(`${proto}: requests succeed during the delay; every accepted request completes in full; refused ones never reached the origin`, (t) => {
      if (proto === 'h3' && s.h3Skip) return t.skip(s.h3Skip);
      const mine = s.outcomes.filter((o) => o.proto === proto);
      const failed = mine.filter((o) => o.kind === 'failed');
      assert.deepEqual(failed, [], `${proto}: requests lost`);
      // Nothing is refused during the delay: a refusal only ever arrives once the drain began (the log
      // line is written just after the listeners stopped accepting, hence the little room). Judged by
      // when the refusal arrived, not when the client started the request: a request reaches the
      // server only when both processes get to run, and on a loaded 2-core CI machine one started
      // 50+ ms before the drain was read by the server after its first GOAWAY, so nghttp2 ignored it
      // and the second GOAWAY refused it (RFC 9113 §6.8: never processed, safe to retry). The same
      // holds for a curl spawned just before the drain whose Initial arrives after it.
      const early = mine.filter((o) => o.kind === 'refused' && o.endAt < s.drainAt - 50);
      assert.deepEqual(early, [], `${proto}: refused during the shutdown delay`);
      // HTTP/3 requests are curl processes, one after another: a loaded 2-core machine ran only three or
      // four in the 1.5 s delay (seen in a full run), where the in-process h1/h2 clients run dozens.
      const during = mine.filter((o) => o.kind === 'ok' && o.startAt > s.sigAt && o.startAt < s.drainAt).length;
      assert.ok(during >= (proto === 'h3' ? 2 : 5), `${proto}: ${during} requests served during the delay`);
      const seen = new Set(edge.origin.seen);
      for (const o of mine.filter((x) => x.kind === 'refused')) assert.ok(!seen.has(o.path), `${proto}: ${o.path} was reported refused (${o.detail}) but reached the origin`);
      const long = mine.filter((o) => o.kind === 'ok' && o.startAt < s.drainAt && o.endAt > s.drainAt + 500);
      assert.ok(long.some((o) => o.path.startsWith('/slow/')), `${proto}: a 2 s proxied request spanned the drain start and completed`);
      assert.ok(long.some((o) => o.path === '/big.bin'), `${proto}: a 64 MiB download spanned the drain start and completed`);
      const counts = { ok: mine.filter((o) => o.kind === 'ok').length, refused: mine.filter((o) => o.kind === 'refused').length };
      console.log(`# ${proto}: ${counts.ok} ok, ${counts.refused} refused after the drain began, 0 lost`);
    });
  }

  it('h2: Alt-Svc is sent until SIGTERM, not after', () => {
    const h2 = s.outcomes.filter((o) => o.proto === 'h2' && o.kind === 'ok' && o.path.startsWith('/fast/'));
    assert.ok(h2.filter((o) => o.endAt < s.sigAt).every((o) => o.altSvc), 'Alt-Svc before SIGTERM');
    // By the server's clock: a request the client started after the server logged the drain's start
    // was read after it (the signal itself reaches a busy server some time after the kill).
    assert.ok(h2.filter((o) => o.startAt > s.startedAt).every((o) => !o.altSvc), 'no Alt-Svc after SIGTERM');
  });

  it('h2: each session got GOAWAY(2^31-1) then GOAWAY(last processed stream)', () => {
    const first = s.h2Goaways.filter((g) => g.last === 2 ** 31 - 1);
    const second = s.h2Goaways.filter((g) => g.last !== 2 ** 31 - 1);
    assert.ok(first.length >= 1 && second.length >= 1, JSON.stringify(s.h2Goaways));
    assert.ok(s.h2Goaways.every((g) => g.code === 0 && g.at >= s.drainAt - 50), 'NO_ERROR, and only once the drain began');
  });

  it('h3: GOAWAY on the control stream, H3_NO_ERROR close, the in-flight request completed', (t) => {
    if (s.h3Skip) return t.skip(s.h3Skip);
    const g = s.h3!;
    assert.deepEqual(g.goawayIds, [4], 'one GOAWAY carrying 4, the first request stream not processed (RFC 9114 §5.2): the client used stream 0 only');
    assert.equal(g.closeCode, 0x100, 'CONNECTION_CLOSE with H3_NO_ERROR');
    assert.equal(g.kind, 'ok', `gtlsclient's request across the GOAWAY: ${g.detail}`);
  });

  it('exits 0 within ~500 ms of the last response, nothing cut', async () => {
    assert.equal(s.exit.code, 0, edge.server.stderr());
    const lastOk = Math.max(...s.outcomes.filter((o) => o.kind === 'ok').map((o) => o.endAt));
    const ms = s.exit.at - lastOk;
    // The 64 MiB downloads were under way when the drain began: their connections stay open for a
    // 500 ms linger after the server's last byte (HTTP/1.1: src/node-http/connection-tracker.ts, for
    // undici; HTTP/3: src/h3/h3-connection.ts, for curl), which the client's own last read follows.
    assert.ok(ms < 500 + marginMs, `exited ${ms} ms after the last response`);
    const done = await edge.server.waitForLog((e) => e.msg === 'drain finished');
    assert.equal(done.requests_cut, 0);
    console.log(`# exit ${ms} ms after the last response; drain took ${String(done.drained_ms)} ms`);
    for (const o of s.outcomes.filter((x) => !x.path.startsWith('/fast/'))) {
      console.log(`# ${o.proto} ${o.path}: ${o.kind}, +${o.startAt - s.sigAt}..+${o.endAt - s.sigAt} ms after SIGTERM${o.detail ? ` (${o.detail})` : ''}`);
    }
  });
});

async function runScenario(server: ServerProcess, root: StaticRoot): Promise<Scenario> {
  const h3Skip = server.ports.h3 === undefined
    ? 'no HTTP/3 listener: the server logged no `listening` line for listener h3 (src/h3/listener.ts is not wired into src/server.ts)'
    : !hasClient('curl') || !hasClient('gtlsclient')
      ? 'curl with HTTP/3 or gtlsclient is missing (bash scripts/install-clients.sh)'
      : false;
  const exit = exitOf(server);
  const outcomes: Outcome[] = [];
  const h1Base = `http://127.0.0.1:${server.ports.h1}`;
  const tlsBase = `https://127.0.0.1:${server.ports.tls}`;
  const big: Expect = { sha256: root.sha256, size: root.size };
  let stop = false;
  let n = 0;
  const next = (proto: string): string => `/fast/${proto}-${++n}`;
  const record = (o: Promise<Outcome>): Promise<Outcome> => o.then((x) => (outcomes.push(x), x));

  // Request loops, each until the server is gone (three refusals in a row) or the scenario ends.
  const loop = async (once: () => Promise<Outcome>): Promise<void> => {
    for (let refusedInARow = 0; !stop && refusedInARow < 3; ) {
      const o = await record(once());
      refusedInARow = o.kind === 'refused' ? refusedInARow + 1 : 0;
      await sleep(25);
    }
  };
  const h1Clients = [new Client(h1Base), new Client(h1Base), new Client(h1Base)];
  const h2 = new H2Client(tlsBase);
  const h2Long = new H2Client(tlsBase);
  const loops: Promise<void>[] = [
    ...h1Clients.slice(0, 2).map((c) => loop(() => { const p = next('h1'); return h1Get(c, p, expectedText(p)); })),
    ...[1, 2, 3].map(() => loop(() => { const p = next('h2'); return h2.get(p, expectedText(p)); })),
  ];
  if (!h3Skip) loops.push(loop(() => { const p = next('h3'); return h3Curl(server.ports.h3!, p, expectedText(p)); }));
  const prober = startProber(server.ports.h1!, ['/readyz', '/healthz'], 10);
  await sleep(400);

  server.kill('SIGTERM');
  const sigAt = Date.now();
  const long: Promise<unknown>[] = [];
  await sleep(200);
  // 64 MiB downloads, read slowly so they are still running when the listeners drain.
  long.push(record(h1Get(h1Clients[2]!, '/big.bin', big, readPace)), record(h2Long.get('/big.bin', big, readPace)));
  if (!h3Skip) {
    const file = join(tempDir('rws-drain-h3-'), 'big.bin');
    long.push(record(h3Curl(server.ports.h3!, '/big.bin', big, { limitRate: `${Math.round(readPace * 1000 / 1048576)}M`, file })));
  }
  await sleep(300);
  // 2-second proxied requests.
  const slowClient = new Client(h1Base);
  h1Clients.push(slowClient);
  long.push(record(h1Get(slowClient, '/slow/h1-long?ms=2000', expectedText('/slow/h1-long'))));
  long.push(record(h2Long.get('/slow/h2-long?ms=2000', expectedText('/slow/h2-long'))));
  let h3: GtlsResult | undefined;
  if (!h3Skip) {
    const dir = tempDir('rws-drain-gtls-');
    long.push(record(h3Gtls(server.ports.h3!, '/slow/h3-long?ms=2000', expectedText('/slow/h3-long'), dir)).then((r) => (h3 = r as GtlsResult)));
  }

  const startedAt = await logTime(server, 'drain started');
  const drainAt = await logTime(server, 'listeners draining');
  const exited = await exit;
  stop = true;
  await Promise.all([...loops, ...long]);
  const probes = await prober.stop();
  await Promise.all(h1Clients.map((c) => c.destroy()));
  h2.close();
  h2Long.close();
  return { sigAt, startedAt, drainAt, exit: exited, probes, outcomes, h2Goaways: [...h2.goaways, ...h2Long.goaways], h3, h3Skip };
}
