// Test-only HTTP/3 responder on a QuicEngine: answers every request stream (once the request's FIN has
// arrived) with 200 and a fixed body, encoded with QPACK's static table only (RFC 9204 §4.5.2/§4.5.4),
// and writes the body under the engine's backpressure (short streamSend -> wait for onStreamWritable).
// It records what the engine did so tests can assert on it. Not the project's HTTP/3 layer.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type {
  QuicCloseInfo,
  QuicConnection,
  QuicConnectionHandler,
  QuicEngine,
  QuicEngineEvent,
  QuicEngineOptions,
} from '../../src/h3/quic/engine.js';
import { createQuicheEngine } from '../../src/h3/quic/quiche/quiche-engine.js';
import { encodeDataFrameHeader, encodeFrame, encodeSettings, encodeStreamType, FrameType, StreamType } from '../../src/h3/wire/frames.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
export const devCert = readFileSync(repo + 'certs-dev/cert.pem');
export const devKey = readFileSync(repo + 'certs-dev/key.pem');

/** QPACK field section: Required Insert Count 0, Base 0, ':status: 200' (static 25), 'content-length' (static name 4). */
function responseFieldSection(contentLength: number): Uint8Array {
  const value = Buffer.from(String(contentLength), 'latin1');
  return Uint8Array.from([0x00, 0x00, 0xc0 | 25, 0x50 | 4, value.length, ...value]);
}

export function encodeResponse(body: Uint8Array): Buffer {
  return Buffer.concat([encodeFrame(FrameType.HEADERS, responseFieldSection(body.length)), encodeDataFrameHeader(body.length), body]);
}

export interface ResponderStats {
  connections: QuicConnection[];
  closed: QuicCloseInfo[];
  events: QuicEngineEvent[];
  requests: number;
  /** Every positive streamSend result on request streams. */
  accepted: number[];
  writableCalls: number;
  responsesComplete: number;
  /** Request stream bytes received. */
  bodyBytes: number;
  /** Times reading was paused (readPauseMs) and data arrived while paused (must stay 0). */
  pauses: number;
  dataWhilePaused: number;
  /** onStreamReset / onStreamStopped calls as [id, appCode]. */
  resets: [number, number][];
  stops: [number, number][];
}

export interface RunningResponder {
  engine: QuicEngine;
  port: number;
  addresses: { address: string; family: string; port: number }[];
  stats: ResponderStats;
  count(type: QuicEngineEvent['type'], reason?: string): number;
  /** Resolves once `pred` holds (polled), rejects after `ms`. */
  until(pred: () => boolean, ms?: number): Promise<void>;
}

class ConnectionResponder implements QuicConnectionHandler {
  private readonly pending = new Map<number, { buf: Buffer; offset: number }>();
  private readonly paused = new Set<number>();

  constructor(
    private readonly conn: QuicConnection,
    private readonly response: Buffer,
    private readonly stats: ResponderStats,
    /** > 0: pause reading after every request chunk for this long (receive backpressure). */
    private readonly readPauseMs: number,
  ) {
    const control = conn.openUniStream();
    conn.streamSend(control, Buffer.concat([encodeStreamType(StreamType.CONTROL), encodeSettings([])]), false);
  }

  onStreamData(id: number, data: Uint8Array, fin: boolean): boolean {
    if ((id & 3) !== 0) return true; // client uni streams (control, QPACK): ignored
    if (this.paused.has(id)) this.stats.dataWhilePaused++;
    this.stats.bodyBytes += data.length;
    if (!fin) return this.pauseRead(id);
    this.stats.requests++;
    this.pending.set(id, { buf: this.response, offset: 0 });
    this.write(id);
    return true;
  }

  private pauseRead(id: number): boolean {
    if (this.readPauseMs <= 0) return true;
    this.stats.pauses++;
    this.paused.add(id);
    setTimeout(() => {
      this.paused.delete(id);
      this.conn.streamResumeRead(id);
    }, this.readPauseMs);
    return false;
  }

  onStreamWritable(id: number): void {
    this.stats.writableCalls++;
    this.write(id);
  }

  onStreamReset(id: number, appCode: number): void {
    this.stats.resets.push([id, appCode]);
  }

  onStreamStopped(id: number, appCode: number): void {
    this.stats.stops.push([id, appCode]);
    this.pending.delete(id);
  }

  onClosed(info: QuicCloseInfo): void {
    this.stats.closed.push(info);
  }

  private write(id: number): void {
    const p = this.pending.get(id);
    if (p === undefined) return;
    while (p.offset < p.buf.length) {
      const n = this.conn.streamSend(id, p.buf.subarray(p.offset), true);
      if (n < 0) return void this.pending.delete(id);
      if (n > 0) this.stats.accepted.push(n);
      p.offset += n;
      if (p.offset < p.buf.length) return; // short: onStreamWritable continues
    }
    this.pending.delete(id);
    this.stats.responsesComplete++;
  }
}

type EngineOverrides = Partial<Omit<QuicEngineOptions, 'onConnection' | 'onEvent'>> & {
  readPauseMs?: number;
  /** The first connection's handler throws on its first request (a bug in the HTTP/3 layer). */
  throwOnFirstRequest?: boolean;
};

export async function startResponder(body: Uint8Array = Buffer.from('hello\n'), options: EngineOverrides = {}): Promise<RunningResponder> {
  const stats: ResponderStats = {
    connections: [],
    closed: [],
    events: [],
    requests: 0,
    accepted: [],
    writableCalls: 0,
    responsesComplete: 0,
    bodyBytes: 0,
    pauses: 0,
    dataWhilePaused: 0,
    resets: [],
    stops: [],
  };
  const response = encodeResponse(body);
  const engine = createQuicheEngine({
    host: '127.0.0.1',
    port: 0,
    cert: devCert,
    key: devKey,
    alpn: ['h3'],
    ...options,
    onConnection(conn) {
      stats.connections.push(conn);
      const handler = new ConnectionResponder(conn, response, stats, options.readPauseMs ?? 0);
      if (options.throwOnFirstRequest && stats.connections.length === 1) {
        handler.onStreamData = (id) => {
          if ((id & 3) === 0) throw new Error('handler bug');
          return true;
        };
      }
      return handler;
    },
    onEvent(e) {
      stats.events.push(e);
    },
  });
  const addresses = await engine.listen();
  return {
    engine,
    port: addresses[0]!.port,
    addresses,
    stats,
    count: (type, reason) => stats.events.filter((e) => e.type === type && (reason === undefined || (e as { reason?: string }).reason === reason)).length,
    until: async (pred, ms = 5000) => {
      const end = Date.now() + ms;
      while (!pred()) {
        if (Date.now() > end) throw new Error('condition not reached in time');
        await new Promise((r) => setTimeout(r, 10));
      }
    },
  };
}
