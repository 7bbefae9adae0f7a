#!/usr/bin/env node
// rws: the process. Parses configuration (exit 2 on any invalid value, before binding), starts the
// server, and turns signals into the coordinated drain: SIGTERM drains after the shutdown delay, SIGINT
// drains at once, a second signal exits at once, an uncaught exception drains briefly and exits 1.
import { loadConfig } from './core/config/load-config.js';
import { helpText } from './core/config/help.js';
import { ConfigError, ExitCode } from './core/errors.js';
import { flushLogs } from './core/shutdown.js';
import { createServer, type Server } from './server.js';

// An uncaught exception still gets a short drain so in-flight requests are not thrown away.
const crashDrainMs = 2000;
// The latest exit after an uncaught exception, whatever happens to the drain.
const crashExitMs = crashDrainMs + 3000;

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
    await flushLogs(server.observer);
    process.exit(ExitCode.failure);
  }
}

function installSignals(server: Server): void {
  let crashed = false;
  const exit = (code: number): never => process.exit(code);
  const onSignal = (signal: NodeJS.Signals): void => {
    if (server.shutdown.inProgress) {
      server.observer.event('warn', 'second signal: exiting now', { signal, exit_code: ExitCode.forced });
      void flushLogs(server.observer).finally(() => process.exit(ExitCode.forced));
      return;
    }
    // SIGINT (Ctrl-C, or an operator) means now: no delay for load balancers to catch up.
    const delayMs = signal === 'SIGINT' ? 0 : undefined;
    void server.shutdown.run(signal, { delayMs }).then(exit);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  // Also reached by unhandled promise rejections (node's default --unhandled-rejections=throw).
  process.on('uncaughtException', (err) => {
    server.observer.event('fatal', 'uncaught exception', { err: err.stack ?? String(err), exit_code: ExitCode.failure });
    if (crashed) return;
    crashed = true;
    // The drain's result and its 'drain finished' line then say exit 1, the code the process exits with.
    server.shutdown.markFailed();
    // A drain already running (SIGTERM) skips the rest of its delay and gets the crash deadline; it
    // then ends with exit(failure), like a drain started here.
    if (server.shutdown.inProgress) server.shutdown.hurry(crashDrainMs);
    else void server.shutdown.run('uncaughtException', { delayMs: 0, drainTimeoutMs: crashDrainMs }).then(exit);
    // Backstop: the process state is unknown after an exception, so a drain that somehow does not end
    // does not keep a broken process alive.
    setTimeout(() => void flushLogs(server.observer).finally(() => process.exit(ExitCode.failure)), crashExitMs).unref();
  });
}

void main(process.argv.slice(2));
