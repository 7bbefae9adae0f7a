// Starts a real rws-edge server in this process on loopback, on port 0 for every listener, with the
// given RWS_CONFIG_* overrides. Tests talk to it through real sockets only.
import { loadConfig } from '../../src/core/config/load-config.js';
import { createServer, type Server } from '../../src/server.js';

export interface TestServer {
  server: Server;
  /** http://127.0.0.1:<h1 port> */
  h1: string;
  /** https://127.0.0.1:<tls port> (HTTP/2, HTTP/1.1, and HTTP/3 on UDP) */
  tls: string;
  /** http://127.0.0.1:<admin port> when RWS_CONFIG_ADMIN_PORT is set */
  admin: string;
  ports: Record<string, number>;
  close(): Promise<void>;
}

export const testDefaults: Record<string, string> = {
  RWS_CONFIG_IP: '127.0.0.1',
  RWS_CONFIG_PORT: '0',
  RWS_CONFIG_TLS_PORT: '0',
  RWS_CONFIG_SHUTDOWN_DELAY_MS: '0',
  RWS_CONFIG_DRAIN_TIMEOUT_MS: '2000',
  RWS_CONFIG_LOG_LEVEL: 'silent',
};

export async function startServer(env: Record<string, string> = {}): Promise<TestServer> {
  const { config } = loadConfig({ ...testDefaults, ...env }, []);
  const server = createServer(config);
  await server.start();
  const host = config.ip.includes(':') ? `[${config.ip}]` : config.ip;
  return {
    server,
    ports: server.ports,
    h1: `http://${host}:${server.ports.h1}`,
    tls: `https://${host}:${server.ports.tls}`,
    admin: `http://${host}:${server.ports.admin}`,
    async close() {
      await server.shutdown.run('test', { delayMs: 0, drainTimeoutMs: 500 });
    },
  };
}
