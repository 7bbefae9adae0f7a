// Binds a node net.Server-like server and resolves with the bound port, or rejects with a BindError.
import type { Server } from 'node:net';
import { BindError } from '../core/errors.js';

export function listenOn(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(new BindError(`${host}:${port} (${err.message})`, { cause: err }));
    server.once('error', onError);
    server.listen({ host, port, ipv6Only: false }, () => {
      server.off('error', onError);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr !== null ? addr.port : port);
    });
  });
}
