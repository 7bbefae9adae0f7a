// Assembles the server from a Config: the core, the listeners and the shutdown coordinator. main.ts adds
// the process concerns (arguments, signals, exit codes); tests start servers through here or main.
import { options, type Config } from './core/config/options.js';
import type { Listener, TlsListener } from './core/contract.js';
import { createCore } from './core/app.js';
import { Lifecycle } from './core/lifecycle.js';
import { createProxy } from './core/proxy/index.js';
import { gateReadinessOnUpstream } from './core/proxy/readiness-gate.js';
import { createObserver } from './core/observability/index.js';
import type { Observer } from './core/observer.js';
import { ShutdownCoordinator } from './core/shutdown.js';
import { createStaticHandler } from './core/static/index.js';
import { createCors } from './core/cors.js';
import { TlsReloader } from './core/tls-reload.js';
import { createH1Listener } from './h1/listener.js';
import { createH2Listener } from './h2/listener.js';
import { engineEventsTo } from './h3/engine-events.js';
import { createH3Listener } from './h3/listener.js';
import { createQuicheEngine } from './h3/quic/quiche/quiche-engine.js';

export interface Server {
  readonly lifecycle: Lifecycle;
  readonly observer: Observer;
  readonly shutdown: ShutdownCoordinator;
  /** Bound ports by listener name (h1, tls, h3, admin). */
  readonly ports: Record<string, number>;
  start(): Promise<void>;
}

/** `observer` replaces metrics and logs (the benchmark measures their cost against a no-op one). */
export function createServer(config: Config, overrides: { observer?: Observer } = {}): Server {
  const lifecycle = new Lifecycle();
  const observer = overrides.observer ?? createObserver(config, lifecycle);
  const staticFiles = createStaticHandler(config);
  const internalOnMain = config.adminPort === undefined;
  const onUpstream = observer.upstreamFinished.bind(observer);
  const proxy = config.upstream !== undefined ? createProxy(config, observer, { onUpstream }) : undefined;
  const cors = createCors(config);
  const core = createCore({ config, lifecycle, observer, staticFiles, proxy, cors, serveInternalEndpoints: internalOnMain, boundTlsPort: () => ports.tls });
  const limits = {
    host: config.ip,
    maxHeaderSize: config.maxHeaderSize,
    headersTimeoutMs: config.headersTimeoutMs,
    requestTimeoutMs: config.requestTimeoutMs,
    keepAliveTimeoutMs: config.keepAliveTimeoutMs,
    idleTimeoutMs: config.idleTimeoutMs,
    maxPipelinedRequests: config.maxPipelinedRequests,
  };
  const tunnels = proxy !== undefined;
  const listeners: Listener[] = [createH1Listener(core, { ...limits, name: 'h1', port: config.port, tunnels })];
  const tlsListeners: TlsListener[] = [];
  if (config.tls) {
    tlsListeners.push(
      createH2Listener(core, {
        ...limits,
        name: 'tls',
        port: config.tlsPort,
        cert: config.tlsCert!,
        key: config.tlsKey!,
        maxConcurrentStreams: config.maxConcurrentStreams,
        resetLimit: { burst: config.h2ResetBurst, perSecond: config.h2ResetRate },
        pingTimeoutMs: config.h2PingTimeoutMs,
        tunnels,
      }),
    );
    if (config.h3) {
      tlsListeners.push(
        createH3Listener(core, {
          name: 'h3',
          host: config.ip,
          port: () => ports.tls!,
          cert: config.tlsCert!,
          key: config.tlsKey!,
          idleTimeoutMs: config.h3IdleTimeoutMs,
          maxConnections: config.h3MaxConnections,
          maxConcurrentStreams: config.maxConcurrentStreams,
          maxFieldSectionSize: config.maxHeaderSize,
          retry: config.h3Retry,
          createEngine: createQuicheEngine,
          onEngineEvent: engineEventsTo(observer),
        }),
      );
    }
    listeners.push(...tlsListeners);
  }
  if (config.adminPort !== undefined) {
    const admin = createCore({ config, lifecycle, observer, staticFiles, serveInternalEndpoints: true, adminOnly: true });
    listeners.push(createH1Listener(admin, { ...limits, name: 'admin', port: config.adminPort }));
  }
  const shutdown = new ShutdownCoordinator(lifecycle, observer, listeners, config);
  const tlsReload = config.tls ? createTlsReloader(config, tlsListeners, observer) : undefined;
  // Stopped when the drain starts: the listeners take no new handshakes from then on.
  lifecycle.onChange((phase) => {
    if (phase === 'draining' || phase === 'stopped') tlsReload?.stop();
  });
  let stopGate = (): void => {};
  if (proxy !== undefined) {
    shutdown.onStopped(async () => {
      stopGate();
      await proxy.close();
    });
  }
  const ports: Record<string, number> = {};
  return {
    lifecycle,
    observer,
    shutdown,
    ports,
    async start() {
      if (config.tls && config.devCerts) {
        observer.event('warn', 'using the DEVELOPMENT certificate from certs-dev/ (set RWS_CONFIG_TLS_CERT_FILE and RWS_CONFIG_TLS_KEY_FILE in production)');
      }
      // Before anything binds, so the expiry gauge is set by the first scrape.
      tlsReload?.start();
      if (proxy !== undefined && config.readyRequiresUpstream) stopGate = gateReadinessOnUpstream(lifecycle, proxy);
      for (const l of listeners) {
        ports[l.name] = await l.listen();
        observer.event('info', 'listening', { listener: l.name, address: config.ip, port: ports[l.name] });
      }
      lifecycle.advance('ready');
      observer.event('info', 'ready', { ports });
    },
  };
}

function createTlsReloader(config: Config, listeners: readonly TlsListener[], observer: Observer): TlsReloader {
  return new TlsReloader({
    files: { certFile: config.tlsCertFile!, certEnv: options.tlsCertFile.env, keyFile: config.tlsKeyFile!, keyEnv: options.tlsKeyFile.env },
    cert: config.tlsCert!,
    key: config.tlsKey!,
    intervalMs: config.tlsReloadIntervalMs,
    listeners,
    observer,
  });
}
