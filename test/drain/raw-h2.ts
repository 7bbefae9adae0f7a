// A minimal raw HTTP/2 client over TLS for the drain tests: it writes frames itself, so it can do what
// a well-behaved client library never does on purpose (open a stream after a GOAWAY arrived, as a client
// whose HEADERS crossed the GOAWAY on the wire would; leave a PING unanswered) and it logs every frame
// the server sends. Frame layout: RFC 9113 §4.1; the request headers use HPACK static-table indexes and
// literals without indexing (RFC 7541 §6.1, §6.2.2), so no HPACK state is needed.
import { connect, type TLSSocket } from 'node:tls';

export const FrameType = { DATA: 0, HEADERS: 1, RST_STREAM: 3, SETTINGS: 4, PING: 6, GOAWAY: 7, WINDOW_UPDATE: 8 } as const;
const END_STREAM = 0x1;
const ACK = 0x1;
const END_HEADERS = 0x4;

export interface Frame {
  type: number;
  flags: number;
  stream: number;
  payload: Buffer;
  /** Date.now() on arrival. */
  at: number;
}

export interface Goaway {
  lastStreamId: number;
  code: number;
  at: number;
}

export class RawH2 {
  readonly frames: Frame[] = [];
  readonly socket: TLSSocket;
  /** Resolves with Date.now() when the connection closed. */
  readonly closed: Promise<number>;
  #buf = Buffer.alloc(0);
  #listeners: ((f: Frame) => void)[] = [];
  readonly #answerPings: boolean;

  private constructor(socket: TLSSocket, answerPings: boolean) {
    this.socket = socket;
    this.#answerPings = answerPings;
    this.closed = new Promise((resolve) => socket.once('close', () => resolve(Date.now())));
    socket.on('error', () => {});
    socket.on('data', (d: Buffer) => this.#read(d));
  }

  static async open(port: number, opts: { answerPings?: boolean } = {}): Promise<RawH2> {
    const socket = connect({ port, host: '127.0.0.1', ALPNProtocols: ['h2'], rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', resolve);
      socket.once('error', reject);
    });
    const c = new RawH2(socket, opts.answerPings ?? true);
    socket.write('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
    c.#send(FrameType.SETTINGS, 0, 0, Buffer.alloc(0));
    await c.next((f) => f.type === FrameType.SETTINGS && (f.flags & ACK) !== 0);
    return c;
  }

  /** Sends a GET on `stream` (odd, increasing). */
  get(stream: number, path: string): void {
    const p = Buffer.from(path);
    const authority = Buffer.from('127.0.0.1');
    if (p.length > 126) throw new Error('path too long for a one-byte HPACK length');
    // :method GET (index 2), :scheme https (7), :path and :authority as literals with indexed names (4, 1).
    const block = Buffer.concat([Buffer.from([0x82, 0x87, 0x04, p.length]), p, Buffer.from([0x01, authority.length]), authority]);
    this.#send(FrameType.HEADERS, END_STREAM | END_HEADERS, stream, block);
  }

  /** Resolves with the first frame (already received or future) for which `match` is true. */
  next(match: (f: Frame) => boolean, timeoutMs = 10_000): Promise<Frame> {
    const seen = this.frames.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`frame not seen in ${timeoutMs} ms; got ${this.describe()}`)), timeoutMs);
      const l = (f: Frame): void => {
        if (!match(f)) return;
        clearTimeout(t);
        this.#listeners.splice(this.#listeners.indexOf(l), 1);
        resolve(f);
      };
      this.#listeners.push(l);
    });
  }

  goaways(): Goaway[] {
    return this.frames
      .filter((f) => f.type === FrameType.GOAWAY)
      .map((f) => ({ lastStreamId: f.payload.readUInt32BE(0) & 0x7fffffff, code: f.payload.readUInt32BE(4), at: f.at }));
  }

  /** The DATA bytes of `stream` so far, and whether END_STREAM came. */
  body(stream: number): { data: Buffer; ended: boolean; at: number } {
    const frames = this.frames.filter((f) => f.stream === stream && (f.type === FrameType.DATA || f.type === FrameType.HEADERS));
    const data = Buffer.concat(frames.filter((f) => f.type === FrameType.DATA).map((f) => f.payload));
    const last = frames.at(-1);
    return { data, ended: last !== undefined && (last.flags & END_STREAM) !== 0, at: last?.at ?? 0 };
  }

  /** Frames of `stream` (any type). */
  framesOf(stream: number): Frame[] {
    return this.frames.filter((f) => f.stream === stream);
  }

  describe(): string {
    const names = Object.fromEntries(Object.entries(FrameType).map(([k, v]) => [v, k]));
    return this.frames.map((f) => `${names[f.type] ?? f.type}(${f.stream})`).join(' ');
  }

  close(): void {
    this.socket.destroy();
  }

  #send(type: number, flags: number, stream: number, payload: Buffer): void {
    const h = Buffer.alloc(9);
    h.writeUIntBE(payload.length, 0, 3);
    h[3] = type;
    h[4] = flags;
    h.writeUInt32BE(stream, 5);
    this.socket.write(Buffer.concat([h, payload]));
  }

  #read(d: Buffer): void {
    this.#buf = Buffer.concat([this.#buf, d]);
    while (this.#buf.length >= 9) {
      const len = this.#buf.readUIntBE(0, 3);
      if (this.#buf.length < 9 + len) return;
      const f: Frame = {
        type: this.#buf[3]!,
        flags: this.#buf[4]!,
        stream: this.#buf.readUInt32BE(5) & 0x7fffffff,
        payload: Buffer.from(this.#buf.subarray(9, 9 + len)),
        at: Date.now(),
      };
      this.#buf = this.#buf.subarray(9 + len);
      this.frames.push(f);
      this.#answer(f);
      for (const l of this.#listeners.slice()) l(f);
    }
  }

  #answer(f: Frame): void {
    if (f.type === FrameType.SETTINGS && (f.flags & ACK) === 0) this.#send(FrameType.SETTINGS, ACK, 0, Buffer.alloc(0));
    if (f.type === FrameType.PING && (f.flags & ACK) === 0 && this.#answerPings) this.#send(FrameType.PING, ACK, 0, f.payload);
  }
}
