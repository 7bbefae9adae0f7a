// undici drivers: plain HTTP/1.1, HTTP/1.1 over TLS (h2 not offered) and HTTP/2 (allowH2). The TLS
// connector is wrapped to record the ALPN result, so a driver that silently fell back to another
// protocol fails instead of testing the wrong listener path.
import type { TLSSocket } from 'node:tls';
import { buildConnector, Client } from 'undici';
import { type Driver, type DriverFactory, type DriverRequest, type DriverResponse, headerRecord, type ServerPorts, type WireProtocol } from '../driver.js';

function undiciDriver(name: string, protocol: WireProtocol, secure: boolean): DriverFactory {
  return {
    name,
    protocol,
    secure,
    unavailable: () => undefined,
    async create(ports: ServerPorts): Promise<Driver> {
      const origin = secure ? `https://127.0.0.1:${ports.tls}` : `http://127.0.0.1:${ports.h1}`;
      const allowH2 = protocol === 'h2';
      const alpn: (string | false)[] = [];
      const connector = buildConnector({ rejectUnauthorized: false, allowH2 });
      const client = new Client(origin, {
        allowH2,
        connect: secure
          ? (opts, cb) =>
              connector(opts, (err, socket) => {
                if (socket) alpn.push((socket as TLSSocket).alpnProtocol ?? false);
                cb(err as Error, socket as never);
              })
          : undefined,
      });
      // Without ALPN a TLS server speaks HTTP/1.1 (RFC 7301 §3.1), so `false` counts as http/1.1.
      const wanted = protocol === 'h2' ? ['h2'] : ['http/1.1', false];
      return {
        name,
        protocol,
        secure,
        async request(r: DriverRequest): Promise<DriverResponse> {
          const res = await client.request({ method: r.method, path: r.path, headers: r.headers, body: r.body });
          const body = Buffer.from(await res.body.arrayBuffer());
          const got = alpn.find((p) => !wanted.includes(p));
          if (secure && got !== undefined) throw new Error(`${name}: ALPN negotiated ${String(got)}, expected ${wanted[0]}`);
          if (secure && alpn.length === 0) throw new Error(`${name}: no TLS connection was recorded`);
          return { status: res.statusCode, headers: headerRecord(Object.entries(res.headers)), body };
        },
        close: () => client.close(),
      };
    },
  };
}

export const undiciH1 = undiciDriver('undici h1 (plain)', 'h1', false);
export const undiciH1Tls = undiciDriver('undici h1 (TLS)', 'h1', true);
export const undiciH2 = undiciDriver('undici h2', 'h2', true);
