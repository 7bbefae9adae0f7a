// Retry tokens (RFC 9000 §8.1.2-8.1.4): the server proves a client owns its source address without
// keeping state. The token carries the client's original DCID and an issue time; an HMAC under a
// per-process key binds it to the client's address and port and to the Retry's new source CID (which
// the client must use as DCID on its next Initial), so a token cannot be replayed from elsewhere, reused
// for another CID, or kept beyond its lifetime.
// Layout: version(1) | issuedAt ms (6, big-endian) | odcidLen(1) | odcid | mac(16).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const TOKEN_VERSION = 1;
const MAC_LEN = 16;
const FIXED = 1 + 6 + 1;
const MAX_CID = 20;

export type TokenCheck = { ok: true; odcid: Buffer } | { ok: false; reason: 'malformed' | 'forged' | 'expired' };

export class RetryTokens {
  private readonly key: Buffer;

  constructor(
    private readonly lifetimeMs: number,
    key: Buffer = randomBytes(32),
  ) {
    this.key = key;
  }

  /** Token for a Retry sent to `host:port`, whose new source CID is `retryScid`. */
  mint(odcid: Uint8Array, retryScid: Uint8Array, host: string, port: number, now = Date.now()): Buffer {
    const token = Buffer.allocUnsafe(FIXED + odcid.length + MAC_LEN);
    token[0] = TOKEN_VERSION;
    token.writeUIntBE(now, 1, 6);
    token[7] = odcid.length;
    token.set(odcid, FIXED);
    const body = token.subarray(0, FIXED + odcid.length);
    this.mac(body, retryScid, host, port).copy(token, body.length);
    return token;
  }

  /** Checks a token from an Initial whose DCID is `dcid`, received from `host:port`. */
  check(token: Uint8Array, dcid: Uint8Array, host: string, port: number, now = Date.now()): TokenCheck {
    if (token.length < FIXED + MAC_LEN || token[0] !== TOKEN_VERSION) return { ok: false, reason: 'malformed' };
    const buf = Buffer.from(token.buffer, token.byteOffset, token.length);
    const odcidLen = buf[7]!;
    if (odcidLen > MAX_CID || buf.length !== FIXED + odcidLen + MAC_LEN) return { ok: false, reason: 'malformed' };
    const body = buf.subarray(0, FIXED + odcidLen);
    const expected = this.mac(body, dcid, host, port);
    if (!timingSafeEqual(expected, buf.subarray(body.length))) return { ok: false, reason: 'forged' };
    const issuedAt = buf.readUIntBE(1, 6);
    // A token from the future means a clock step; treat it like an expired one.
    if (now - issuedAt > this.lifetimeMs || issuedAt > now + 1000) return { ok: false, reason: 'expired' };
    return { ok: true, odcid: Buffer.from(buf.subarray(FIXED, FIXED + odcidLen)) };
  }

  private mac(body: Uint8Array, cid: Uint8Array, host: string, port: number): Buffer {
    const portBytes = Buffer.allocUnsafe(2);
    portBytes.writeUInt16BE(port);
    return createHmac('sha256', this.key)
      .update(body)
      .update(Buffer.from([cid.length]))
      .update(cid)
      .update(portBytes)
      .update(host)
      .digest()
      .subarray(0, MAC_LEN);
  }
}
