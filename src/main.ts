#!/usr/bin/env node
// rws: the process. Parses configuration (exit 2 on any invalid value, before binding), starts the
// server, and turns signals into the coordinated drain: SIGTERM drains after the shutdown delay, SIGINT
// drains at once, a second signal exits at once, an uncaught exception drains briefly and exits 1.
import { loadConfig } from './core/config/load-config.js';
import { helpText } from './core/config/help.js';
import { ConfigError, ExitCode } from './core/errors.js';
import { createServer, type Server } from './server.js';

// An uncaught exception still gets a short drain so in-flight requests are not thrown away.
const crashDrainMs = 2000;

async function main(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(helpText());
    return;
  }
  let loaded;
  try {
    loaded = loadConfig(process.env, argv);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`rws: invalid configuration: ${e.message}\n`);
      process.exit(ExitCode.config);
    }
    throw e;
  }
  const server = createServer(loaded.config);
  for (const w of loaded.warnings) server.observer.event('warn', w);
  installSignals(server);
  try {
    await server.start();
  } catch (e) {
    server.observer.event('fatal', 'startup failed', { err: (e as Error).message });
    await server.observer.flush();
    process.exit(ExitCode.failure);
  }
}

function installSignals(server: Server): void {
  const onSignal = (signal: NodeJS.Signals): void => {
    if (server.shutdown.inProgress) {
      server.observer.event('warn', 'second signal: exiting now', { signal });
      void server.observer.flush().finally(() => process.exit(ExitCode.forced));
      return;
    }
    const delayMs = signal === 'SIGINT' ? 0 : undefined;
    void server.shutdown.run(signal, { delayMs }).then((code) => process.exit(code));
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  process.on('uncaughtException', (err) => {
    server.observer.event('fatal', 'uncaught exception', { err: err.stack ?? String(err) });
    if (server.shutdown.inProgress) process.exit(ExitCode.failure);
    void server.shutdown
      .run('uncaughtException', { delayMs: 0, drainTimeoutMs: crashDrainMs })
      .then(() => process.exit(ExitCode.failure));
  });
}

void main(process.argv.slice(2));
