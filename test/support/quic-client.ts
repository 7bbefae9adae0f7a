// A raw QUIC client on quiche's binding (its client side), driven over node:dgram, for the hostile-input
// tests: what curl and h3load never do on purpose. It can produce a real client Initial and walk away
// (handshake floods), follow a Retry and then stall, hold a connection and put arbitrary bytes on any
// stream (a forbidden frame on the HTTP/3 control stream), and report the server's CONNECTION_CLOSE.
// It speaks no HTTP/3 itself: callers write the bytes. Loopback only.
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { createRequire } from 'node:module';
import type { ConnectionError, HostPort, QuicheConnection } from '../../src/h3/quic/quiche/binding.js';

interface ClientConfig {
  verifyPeer(v: boolean): void;
  setApplicationProtos(p: string[]): void;
  setInitialMaxData(n: number): void;
  setInitialMaxStreamDataBidiLocal(n: number): void;
  setInitialMaxStreamDataUni(n: number): void;
  setInitialMaxStreamsUni(n: number): void;
  setMaxIdleTimeout(ms: number): void;
}

interface ClientConnection extends QuicheConnection {
  peerStreamsLeftBidi(): number;
  sendAckEliciting(): void;
}

const binding = createRequire(import.meta.url)('@matrixai/quic-linux-x64') as {
  Config: new () => ClientConfig;
  Connection: { connect(sni: string | null, scid: Uint8Array, local: HostPort, peer: HostPort, config: ClientConfig): ClientConnection };
};

const HOST = '127.0.0.1';
let shared: ClientConfig | undefined;

// quiche copies the config at connect, so one serves every client.
function config(): ClientConfig {
  if (shared !== undefined) return shared;
  shared = new binding.Config();
  shared.verifyPeer(false);
  shared.setApplicationProtos(['h3']);
  shared.setInitialMaxData(1024 * 1024);
  shared.setInitialMaxStreamDataBidiLocal(256 * 1024);
  shared.setInitialMaxStreamDataUni(64 * 1024);
  shared.setInitialMaxStreamsUni(8);
  shared.setMaxIdleTimeout(10_000);
  return shared;
}

/** A client connection from `localPort` to the server; nothing is sent yet. */
export function clientConnection(serverPort: number, localPort: number): ClientConnection {
  const local = { host: HOST, port: localPort };
  return binding.Connection.connect('localhost', randomBytes(16), local, { host: HOST, port: serverPort }, config());
}

/** Every datagram quiche has queued for the peer (the first call yields a padded Initial ≥ 1200 bytes). */
export function pending(conn: QuicheConnection): Buffer[] {
  const out: Buffer[] = [];
  const buf = Buffer.alloc(1500);
  for (;;) {
    let r;
    try {
      r = conn.send(buf);
    } catch {
      break;
    }
    if (r === null) break;
    out.push(Buffer.from(buf.subarray(0, r[0])));
  }
  return out;
}

/** Value bytes behind a 7-bit length prefix that fits one byte (RFC 9204 §4.1.1): up to 126, not Huffman-coded. */
function literalValue(value: string): number[] {
  const bytes = [...Buffer.from(value, 'latin1')];
  if (bytes.length > 126) throw new Error('value too long for a one-byte length');
  return [bytes.length, ...bytes];
}

/** A QPACK field line with the name of static-table entry `index` (< 15) and a literal value (RFC 9204 §4.5.4). */
export function staticNameLine(index: number, value: string): number[] {
  return [0x50 | index, ...literalValue(value)];
}

/** A QPACK field line with a literal name of up to 6 bytes and a literal value (RFC 9204 §4.5.6). */
export function literalNameLine(name: string, value: string): number[] {
  if (name.length > 6) throw new Error('name too long for a one-byte length');
  return [0x20 | name.length, ...Buffer.from(name, 'latin1'), ...literalValue(value)];
}

const methodIndex = { GET: 17, POST: 20 } as const;

/**
 * An HTTP/3 HEADERS frame (RFC 9114 §7.2.2) for `<method> https://<authority><path>` and `lines`,
 * QPACK-encoded with the static table and literals only (RFC 9204 §4.5): a required insert count and
 * base of 0, then :method (static 17 GET, 20 POST) and :scheme https (23) indexed, and :path /
 * :authority as literals with a static name reference (1, 0).
 */
export function requestFrame(method: keyof typeof methodIndex, path: string, lines: number[][] = [], authority = 'localhost'): Uint8Array {
  const section = [0x00, 0x00, 0xc0 | methodIndex[method], 0xc0 | 23, ...staticNameLine(1, path), ...staticNameLine(0, authority), ...lines.flat()];
  if (section.length > 63) throw new Error('field section too long for a one-byte frame length');
  return Uint8Array.from([0x01, section.length, ...section]);
}

/** requestFrame for a GET. */
export function getRequest(path: string, authority = 'localhost'): Uint8Array {
  return requestFrame('GET', path, [], authority);
}

/** One established connection, kept alive by its own timer until close(). */
export class QuicClient {
  #timer: NodeJS.Timeout | undefined;

  private constructor(
    readonly conn: ClientConnection,
    private readonly socket: dgram.Socket,
    private readonly serverPort: number,
  ) {}

  static async connect(serverPort: number, timeoutMs = 5000): Promise<QuicClient> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, HOST, resolve));
    const c = new QuicClient(clientConnection(serverPort, socket.address().port), socket, serverPort);
    const local = { host: HOST, port: socket.address().port };
    socket.on('message', (msg, rinfo) => {
      try {
        c.conn.recv(msg, { from: { host: rinfo.address, port: rinfo.port }, to: local });
      } catch {
        // quiche dropped it
      }
      c.flush();
    });
    c.flush();
    const until = Date.now() + timeoutMs;
    while (!c.conn.isEstablished()) {
      if (Date.now() > until || c.conn.isClosed()) {
        c.close();
        throw new Error('QUIC handshake did not complete');
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    return c;
  }

  /** Queues `data` on stream `id` (opening it) and sends; returns the bytes quiche took. Throws on e.g. StreamLimit. */
  send(id: number, data: Uint8Array, fin = false): number {
    const n = this.conn.streamSend(id, data, fin) ?? 0;
    this.flush();
    return n;
  }

  /** Sends a PING (an ack-eliciting packet): keeps the connection from idling out while nothing else moves. */
  ping(): void {
    this.conn.sendAckEliciting();
    this.flush();
  }

  /** Resolves with the peer's CONNECTION_CLOSE once the connection is closed, or null at the timeout. */
  async closedByPeer(timeoutMs: number): Promise<ConnectionError | null> {
    const until = Date.now() + timeoutMs;
    while (this.conn.peerError() === null && !this.conn.isClosed() && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.conn.peerError();
  }

  flush(): void {
    for (const d of pending(this.conn)) this.socket.send(d, this.serverPort, HOST);
    clearTimeout(this.#timer);
    const t = this.conn.timeout();
    if (t !== null && !this.conn.isClosed()) this.#timer = setTimeout(() => (this.conn.onTimeout(), this.flush()), t + 1);
  }

  close(): void {
    clearTimeout(this.#timer);
    try {
      this.conn.close(true, 0x100, new Uint8Array(0));
      for (const d of pending(this.conn)) this.socket.send(d, this.serverPort, HOST);
    } catch {
      // already closed
    }
    // Sends are asynchronous: close the socket once they are out.
    setTimeout(() => this.socket.close(), 50);
  }
}
