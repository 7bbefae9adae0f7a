// Crafted datagrams for the engine tests: a raw UDP client that sends one datagram and waits for replies.
import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';

export interface Reply {
  msg: Buffer;
  from: string;
}

/**
 * Sends `datagram` to host:port and collects the replies that come from there (other traffic on the
 * machine can reach an ephemeral port). Resolves 50 ms after `expect` replies arrived, or after `waitMs`.
 */
export async function exchange(host: string, port: number, datagram: Buffer, expect = 1, waitMs = 2000): Promise<Reply[]> {
  const socket = dgram.createSocket(isIPv6(host) ? 'udp6' : 'udp4');
  const replies: Reply[] = [];
  let enough: () => void = () => {};
  const gotEnough = new Promise<void>((resolve) => (enough = resolve));
  socket.on('message', (msg, rinfo) => {
    if (rinfo.port !== port) return;
    replies.push({ msg, from: rinfo.address });
    if (replies.length >= expect) enough();
  });
  await new Promise<void>((resolve) => socket.bind(0, resolve));
  socket.send(datagram, port, host);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([gotEnough.then(() => new Promise((r) => setTimeout(r, 50))), new Promise((r) => (timer = setTimeout(r, waitMs)))]);
  clearTimeout(timer);
  socket.close();
  return replies;
}

/** A long-header packet with the given version, CIDs and type bits, padded to `size` bytes. */
export function longHeaderDatagram(version: number, dcid: Buffer, scid: Buffer, size = 1200, typeBits = 0): Buffer {
  const out = Buffer.alloc(size);
  out[0] = 0xc0 | (typeBits << 4);
  out.writeUInt32BE(version, 1);
  out[5] = dcid.length;
  dcid.copy(out, 6);
  out[6 + dcid.length] = scid.length;
  scid.copy(out, 7 + dcid.length);
  return out;
}
