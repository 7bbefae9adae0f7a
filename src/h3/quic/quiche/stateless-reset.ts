// Stateless resets (RFC 9000 §10.3): every connection ID we issue gets a reset token derived from it
// under a per-process key, so a short-header packet for a CID we no longer know can be answered with a
// packet the client recognises as "this connection is gone" instead of it waiting out its idle timeout.
// The key lives as long as the process: connections from before a restart cannot be reset and time out.
import { createHmac, randomBytes, randomFillSync } from 'node:crypto';

const TOKEN_LEN = 16;
/** RFC 9000 §10.3: a reset is at least 21 bytes (5 random + 16 token)... */
const MIN_RESET = 21;
/** ...and we make it look like a small short-header packet, but never as large as the trigger (§10.3.3 loops). */
const PREFERRED_RESET = 43;

export class StatelessResets {
  constructor(private readonly key: Buffer = randomBytes(32)) {}

  /** The 16-byte token for a connection ID we issue. */
  token(cid: Uint8Array): Buffer {
    return createHmac('sha256', this.key).update(cid).digest().subarray(0, TOKEN_LEN);
  }

  /** The token as quiche's setStatelessResetToken wants it: a u128 whose big-endian bytes are the token. */
  tokenBigInt(cid: Uint8Array): bigint {
    return BigInt('0x' + this.token(cid).toString('hex'));
  }

  /** A reset answering a short-header packet of `triggerLen` bytes sent to `dcid`, or null when too small to answer. */
  packet(dcid: Uint8Array, triggerLen: number): Buffer | null {
    const len = Math.min(triggerLen - 1, PREFERRED_RESET);
    if (len < MIN_RESET) return null;
    const out = Buffer.allocUnsafe(len);
    randomFillSync(out, 0, len - TOKEN_LEN);
    out[0] = 0x40 | (out[0]! & 0x3f); // short header form, fixed bit set (RFC 9000 §10.3)
    this.token(dcid).copy(out, len - TOKEN_LEN);
    return out;
  }
}
