// A minimal in-process QUIC client on the same quiche binding (client side), for what gtlsclient cannot
// do on command: reset a stream, stop reading one. Test-only; it speaks raw QUIC streams, not HTTP/3.
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { createRequire } from 'node:module';
import type { QuicheConnection } from '../../src/h3/quic/quiche/binding.js';

interface ClientBinding {
  Config: new () => {
    verifyPeer(v: boolean): void;
    setApplicationProtos(p: string[]): void;
    setInitialMaxData(n: number): void;
    setInitialMaxStreamDataBidiLocal(n: number): void;
    setInitialMaxStreamDataUni(n: number): void;
    setInitialMaxStreamsUni(n: number): void;
    setMaxIdleTimeout(ms: number): void;
  };
  Connection: { connect(sni: string | null, scid: Uint8Array, local: object, peer: object, config: object): QuicheConnection };
  Shutdown: { Read: number; Write: number };
}
const binding = createRequire(import.meta.url)('@matrixai/quic-linux-x64') as ClientBinding;
export const Shutdown = binding.Shutdown;

function clientConfig(streamWindow: number): object {
  const config = new binding.Config();
  config.verifyPeer(false);
  config.setApplicationProtos(['h3']);
  config.setInitialMaxData(16 * 1024 * 1024);
  config.setInitialMaxStreamDataBidiLocal(streamWindow);
  config.setInitialMaxStreamDataUni(1024 * 1024);
  config.setInitialMaxStreamsUni(8);
  config.setMaxIdleTimeout(10_000);
  return config;
}

export class QuicheTestClient {
  private readonly out = Buffer.alloc(1500);
  private timer: NodeJS.Timeout | null = null;

  private constructor(
    readonly conn: QuicheConnection,
    private readonly socket: dgram.Socket,
    private readonly port: number,
  ) {}

  /** Connects to 127.0.0.1:port (stream receive window `streamWindow`) and resolves once established. */
  static async connect(port: number, streamWindow = 1024 * 1024): Promise<QuicheTestClient> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const local = { host: '127.0.0.1', port: socket.address().port };
    const peer = { host: '127.0.0.1', port };
    const c = new QuicheTestClient(binding.Connection.connect('localhost', randomBytes(16), local, peer, clientConfig(streamWindow)), socket, port);
    socket.on('message', (msg) => {
      try {
        c.conn.recv(msg, { from: peer, to: local });
      } catch {
        // dropped by quiche
      }
      c.flush();
    });
    c.flush();
    const end = Date.now() + 5000;
    while (!c.conn.isEstablished()) {
      if (Date.now() > end) throw new Error('client handshake timed out');
      await new Promise((r) => setTimeout(r, 5));
    }
    return c;
  }

  /** Sends whatever quiche has queued and re-arms its timer. */
  flush(): void {
    for (;;) {
      let r;
      try {
        r = this.conn.send(this.out);
      } catch {
        break;
      }
      if (r === null) break;
      this.socket.send(Buffer.from(this.out.subarray(0, r[0])), this.port, '127.0.0.1');
    }
    if (this.timer !== null) clearTimeout(this.timer);
    const t = this.conn.timeout();
    this.timer = t === null ? null : setTimeout(() => (this.conn.onTimeout(), this.flush()), t + 1);
  }

  close(): void {
    try {
      this.conn.close(true, 0x100, new Uint8Array(0));
      this.flush();
    } catch {
      // already closed
    }
    if (this.timer !== null) clearTimeout(this.timer);
    this.socket.close();
  }
}
