// A frame-level HTTP/2 client over TLS for the hostile-input tests: it writes whatever frames it is told
// (HEADERS then RST_STREAM in a loop, floods of PING or SETTINGS, more streams than allowed, never a
// WINDOW_UPDATE) and keeps a compact record of what the server sends back — counts by frame type,
// RST_STREAM codes, the GOAWAY — rather than every frame, since floods provoke thousands.
// Frame layout: RFC 9113 §4.1. Request headers use HPACK static-table indexes and literals without
// indexing (RFC 7541 §6.1, §6.2.2), so no HPACK state is kept; of the server's header blocks only the
// :status that opens them is read (statusOf).
import { connect, type TLSSocket } from 'node:tls';

export const H2 = { DATA: 0, HEADERS: 1, RST_STREAM: 3, SETTINGS: 4, PING: 6, GOAWAY: 7, WINDOW_UPDATE: 8 } as const;
export const H2Code = { NO_ERROR: 0, PROTOCOL_ERROR: 1, INTERNAL_ERROR: 2, CANCEL: 8, REFUSED_STREAM: 7, ENHANCE_YOUR_CALM: 11 } as const;
const END_STREAM = 0x1;
const ACK = 0x1;
const END_HEADERS = 0x4;
const CONTINUATION = 9;
/** SETTINGS_MAX_FRAME_SIZE's initial value (RFC 9113 §6.5.2). */
const MAX_FRAME = 16_384;
const PREFACE = 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n';

export function frame(type: number, flags: number, stream: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const out = Buffer.allocUnsafe(9 + payload.length);
  out.writeUIntBE(payload.length, 0, 3);
  out[3] = type;
  out[4] = flags;
  out.writeUInt32BE(stream, 5);
  payload.copy(out, 9);
  return out;
}

/**
 * HEADERS for `method path` on `stream`; END_STREAM unless `open` (a request body would follow). With
 * `extra`, one more field as a literal without indexing (RFC 7541 §6.2.2), split over CONTINUATION
 * frames when the block is larger than the default 16 KiB frame size. `authority` replaces the
 * :authority 127.0.0.1 (up to 126 octets).
 */
export function request(stream: number, path: string, opts: { method?: 'GET' | 'POST'; open?: boolean; extra?: [string, string]; authority?: string } = {}): Buffer {
  const p = Buffer.from(path);
  const authority = Buffer.from(opts.authority ?? '127.0.0.1', 'latin1');
  if (p.length > 126) throw new Error('path too long for a one-byte HPACK length');
  // :method GET (static 2) or POST (3), :scheme https (7), then :path (4) and :authority (1) as literals.
  const method = opts.method === 'POST' ? 0x83 : 0x82;
  const parts: Buffer[] = [Buffer.from([method, 0x87, 0x04, p.length]), p, Buffer.from([0x01, authority.length]), authority];
  if (opts.extra !== undefined) parts.push(Buffer.from([0x00]), hpackString(opts.extra[0]), hpackString(opts.extra[1]));
  const block = Buffer.concat(parts);
  const flags = opts.open ? 0 : END_STREAM;
  const frames: Buffer[] = [];
  for (let off = 0; off < block.length || off === 0; off += MAX_FRAME) {
    const last = off + MAX_FRAME >= block.length;
    const piece = block.subarray(off, off + MAX_FRAME);
    frames.push(off === 0 ? frame(H2.HEADERS, flags | (last ? END_HEADERS : 0), stream, piece) : frame(CONTINUATION, last ? END_HEADERS : 0, stream, piece));
  }
  return Buffer.concat(frames);
}

// A string literal, not Huffman-coded: length as a 7-bit-prefix integer (RFC 7541 §5.1, §5.2).
function hpackString(value: string): Buffer {
  const bytes = Buffer.from(value, 'latin1');
  const len: number[] = [];
  if (bytes.length < 127) len.push(bytes.length);
  else {
    len.push(127);
    let rest = bytes.length - 127;
    for (; rest >= 128; rest = Math.floor(rest / 128)) len.push((rest % 128) | 0x80);
    len.push(rest);
  }
  return Buffer.concat([Buffer.from(len), bytes]);
}

export function rstStream(stream: number, code: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(code);
  return frame(H2.RST_STREAM, 0, stream, b);
}

/** `count` HEADERS + RST_STREAM(CANCEL) pairs from stream `firstId` on: the rapid-reset pattern (CVE-2023-44487). */
export function resetPairs(firstId: number, count: number, path: string, opts: Parameters<typeof request>[2] = {}): Buffer[] {
  const frames: Buffer[] = [];
  for (let i = 0, id = firstId; i < count; i++, id += 2) frames.push(request(id, path, opts), rstStream(id, H2Code.CANCEL));
  return frames;
}

export function ping(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt32BE(n >>> 0, 4);
  return frame(H2.PING, 0, 0, b);
}

/** SETTINGS with (id, value) pairs; none is a valid, empty SETTINGS. */
export function settings(pairs: [number, number][] = []): Buffer {
  const b = Buffer.alloc(6 * pairs.length);
  pairs.forEach(([id, value], i) => {
    b.writeUInt16BE(id, 6 * i);
    b.writeUInt32BE(value, 6 * i + 2);
  });
  return frame(H2.SETTINGS, 0, 0, b);
}

const PADDED = 0x8;
const PRIORITY = 0x20;
/** HPACK static-table entries 8-14 (RFC 7541 Appendix A). */
const STATIC_STATUS = [200, 204, 206, 304, 400, 404, 500];

/**
 * The :status a response HEADERS frame starts with (RFC 9113 §8.3: pseudo-header fields come first),
 * when it is a static-table entry or a literal not Huffman-coded (nghttp2 sends three digits as-is:
 * Huffman would not be shorter); 0 otherwise. With our header table size at 0 (H2Wire.open) nothing
 * else can occur.
 */
function statusOf(payload: Buffer, flags: number): number {
  let off = (flags & PADDED ? 1 : 0) + (flags & PRIORITY ? 5 : 0);
  while (off < payload.length && (payload[off]! & 0xe0) === 0x20) off++; // dynamic table size update to 0
  const first = payload[off++];
  if (first === undefined) return 0;
  if (first >= 0x88 && first <= 0x8e) return STATIC_STATUS[first - 0x88]!;
  // A literal whose name is static entry 8 (:status): with incremental indexing, without, or never indexed.
  if (first !== 0x48 && first !== 0x08 && first !== 0x18) return 0;
  const len = payload[off++];
  if (len === undefined || len & 0x80) return 0;
  return Number(payload.subarray(off, off + len).toString('latin1')) || 0;
}

export interface Goaway {
  lastStreamId: number;
  code: number;
}

export class H2Wire {
  readonly socket: TLSSocket;
  /** Frames received, by type. */
  readonly counts = new Map<number, number>();
  /** RST_STREAM codes received, by stream. */
  readonly resets = new Map<number, number>();
  /** Streams the server sent HEADERS on, with the :status when statusOf() could read it (else 0). */
  readonly answered = new Map<number, number>();
  /** DATA payload bytes received, all streams. */
  dataBytes = 0;
  /** The last GOAWAY received (all of them: goaways). */
  goaway: Goaway | null = null;
  readonly goaways: Goaway[] = [];
  /** Resolves with Date.now() when the connection has closed. */
  readonly closed: Promise<number>;
  #buf: Buffer = Buffer.alloc(0);
  readonly #ackSettings: boolean;

  private constructor(socket: TLSSocket, ackSettings: boolean) {
    this.socket = socket;
    this.#ackSettings = ackSettings;
    this.closed = new Promise((resolve) => socket.once('close', () => resolve(Date.now())));
    socket.on('error', () => {});
    socket.on('data', (d: Buffer) => this.#read(d));
  }

  /**
   * Connects and sends the preface, our SETTINGS and `first` in one write, before reading anything.
   * `ackSettings: false` never acknowledges the server's SETTINGS, so its limits stay pending (§6.5.3).
   */
  static async open(port: number, opts: { ackSettings?: boolean; ourSettings?: [number, number][]; first?: Buffer[] } = {}): Promise<H2Wire> {
    const socket = connect({ port, host: '127.0.0.1', ALPNProtocols: ['h2'], rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', resolve);
      socket.once('error', reject);
    });
    const w = new H2Wire(socket, opts.ackSettings ?? true);
    // SETTINGS_HEADER_TABLE_SIZE 0: the server's HPACK encoder may not use its dynamic table, so a
    // :status is always a static entry or a literal (statusOf).
    const ours: [number, number][] = [[0x1, 0], ...(opts.ourSettings ?? [])];
    socket.write(Buffer.concat([Buffer.from(PREFACE), settings(ours), ...(opts.first ?? [])]));
    return w;
  }

  /** Writes frames; resolves once the socket takes more (or has closed). */
  async send(...frames: Buffer[]): Promise<void> {
    if (this.socket.destroyed) return;
    if (this.socket.write(Buffer.concat(frames))) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
  }

  count(type: number): number {
    return this.counts.get(type) ?? 0;
  }

  /** Resolves with true once `predicate` holds, false after `timeoutMs`. */
  async until(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
    const end = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > end) return false;
      await new Promise((r) => setTimeout(r, 20));
    }
    return true;
  }

  close(): void {
    this.socket.destroy();
  }

  #read(d: Buffer): void {
    this.#buf = this.#buf.length === 0 ? d : Buffer.concat([this.#buf, d]);
    while (this.#buf.length >= 9) {
      const len = this.#buf.readUIntBE(0, 3);
      if (this.#buf.length < 9 + len) break;
      const type = this.#buf[3]!;
      const flags = this.#buf[4]!;
      const stream = this.#buf.readUInt32BE(5) & 0x7fffffff;
      const payload = this.#buf.subarray(9, 9 + len);
      this.counts.set(type, this.count(type) + 1);
      if (type === H2.RST_STREAM) this.resets.set(stream, payload.readUInt32BE(0));
      if (type === H2.HEADERS && !this.answered.has(stream)) this.answered.set(stream, statusOf(payload, flags));
      if (type === H2.DATA) this.dataBytes += len;
      if (type === H2.GOAWAY) this.goaways.push((this.goaway = { lastStreamId: payload.readUInt32BE(0) & 0x7fffffff, code: payload.readUInt32BE(4) }));
      if (type === H2.SETTINGS && (flags & ACK) === 0 && this.#ackSettings) this.socket.write(frame(H2.SETTINGS, ACK, 0));
      this.#buf = this.#buf.subarray(9 + len);
    }
  }
}
