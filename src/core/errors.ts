// Coded errors of the core, in one file (as fastify's lib/errors.js and undici's lib/core/errors.js do):
// every error the server raises on purpose has a stable code that tests and operators can match on.

export class RwsError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RwsError';
    this.code = code;
  }
}

/** Invalid configuration: the process exits 2 before binding anything. */
export class ConfigError extends RwsError {
  readonly variable: string;
  constructor(variable: string, value: string, reason: string) {
    super('RWS_ERR_CONFIG', `${variable}=${JSON.stringify(value)}: ${reason}`);
    this.name = 'ConfigError';
    this.variable = variable;
  }
}

/** A listener could not bind its address (exit 1). */
export class BindError extends RwsError {
  constructor(what: string, options?: { cause?: unknown }) {
    super('RWS_ERR_BIND', `cannot listen on ${what}`, options);
    this.name = 'BindError';
  }
}

/** Process exit codes, documented in the README. */
export const ExitCode = {
  ok: 0,
  /** Startup failure other than configuration (bind failed, …) or an uncaught exception. */
  failure: 1,
  /** Invalid configuration. */
  config: 2,
  /** Drain deadline passed with requests still in flight; they were cut. */
  drainTimeout: 3,
  /** A second SIGTERM/SIGINT arrived while draining. */
  forced: 130,
} as const;
