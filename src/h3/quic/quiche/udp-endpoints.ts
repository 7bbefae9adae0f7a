// The UDP sockets of one engine. A wildcard host ('0.0.0.0' or '::') is expanded into one socket per
// local address, all on the same port: node:dgram cannot choose a reply's source address (no
// IP_PKTINFO / IPV6_RECVPKTINFO), so on a wildcard socket a reply to a client that sent to address A can
// leave from address B, and QUIC clients drop it (this is why Caddy's HTTP/3 only answered Chromium when
// bound to 127.0.0.1). With one socket per address every reply leaves from the address the client used.
// Limits: addresses added after listen() are not served; IPv6 link-local addresses are skipped (their
// scope id does not survive quiche's address parsing); loopback aliases other than the configured ones
// (127.0.0.2, ...) are not answered.
import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { QuicBoundAddress } from '../engine.js';
import type { HostPort } from './binding.js';

export interface UdpEndpoint {
  readonly socket: dgram.Socket;
  /** The bound local address, as quiche's RecvInfo.to / accept's local address. */
  readonly local: HostPort;
  readonly family: 'IPv4' | 'IPv6';
}

export type DatagramListener = (msg: Buffer, rinfo: dgram.RemoteInfo, endpoint: UdpEndpoint) => void;

/**
 * dgram resolves every send's address through `lookup`; the default goes through dns.lookup and a
 * nextTick per datagram. We only ever send to IP literals, so answer synchronously.
 */
function literalLookup(family: 4 | 6) {
  return (address: string, _opts: unknown, cb: (err: Error | null, address: string, family: number) => void): void =>
    cb(null, address, family);
}

/** The addresses to bind for `host`: itself, or every usable local address for a wildcard. */
export function expandHost(host: string): string[] {
  if (host !== '0.0.0.0' && host !== '::') return [host];
  const out: string[] = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) {
      if (a.family === 'IPv4') out.push(a.address);
      else if (host === '::' && !a.address.toLowerCase().startsWith('fe80:')) out.push(a.address);
    }
  }
  return [...new Set(out)];
}

function bindOne(address: string, port: number, bufferBytes: number, onMessage: DatagramListener): Promise<UdpEndpoint> {
  const v6 = isIPv6(address);
  const socket = dgram.createSocket({
    type: v6 ? 'udp6' : 'udp4',
    ipv6Only: v6,
    lookup: literalLookup(v6 ? 6 : 4) as unknown as dgram.SocketOptions['lookup'],
    recvBufferSize: bufferBytes,
    sendBufferSize: bufferBytes,
  });
  return new Promise((resolve, reject) => {
    const fail = (err: Error): void => {
      socket.close();
      reject(err);
    };
    socket.once('error', fail);
    socket.bind(port, address, () => {
      socket.off('error', fail);
      // Socket errors after bind (ICMP-driven ECONNREFUSED and the like) are per-datagram noise for UDP.
      socket.on('error', () => {});
      const a = socket.address();
      const endpoint: UdpEndpoint = { socket, local: { host: a.address, port: a.port }, family: v6 ? 'IPv6' : 'IPv4' };
      socket.on('message', (msg, rinfo) => onMessage(msg, rinfo, endpoint));
      resolve(endpoint);
    });
  });
}

/** Binds every address on one port; with port 0 the first bind picks it, and a clash on a later address retries. */
export async function bindEndpoints(
  host: string,
  port: number,
  bufferBytes: number,
  onMessage: DatagramListener,
): Promise<UdpEndpoint[]> {
  const addresses = expandHost(host);
  if (addresses.length === 0) throw new Error(`no local address to bind for ${host}`);
  for (let attempt = 0; ; attempt++) {
    const bound: UdpEndpoint[] = [];
    try {
      let p = port;
      for (const address of addresses) {
        const ep = await bindOne(address, p, bufferBytes, onMessage);
        bound.push(ep);
        p = ep.local.port;
      }
      return bound;
    } catch (err) {
      closeEndpoints(bound);
      if (port !== 0 || attempt >= 4 || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    }
  }
}

export function closeEndpoints(endpoints: readonly UdpEndpoint[]): void {
  for (const ep of endpoints) {
    try {
      ep.socket.close();
    } catch {
      // already closed
    }
  }
}

export function boundAddresses(endpoints: readonly UdpEndpoint[]): QuicBoundAddress[] {
  return endpoints.map((ep) => ({ address: ep.local.host, family: ep.family, port: ep.local.port }));
}
