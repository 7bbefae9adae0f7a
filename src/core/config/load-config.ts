// Builds the Config from RWS_CONFIG_* variables and CLI flags (flags win). Any invalid value becomes a
// ConfigError naming the variable and the value; main() prints it and exits 2 before anything binds.
import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import { closest } from './closest.js';
import { checkTlsPair } from './tls-pair.js';
import { type Config, devCertFile, devKeyFile, flagFor, options } from './options.js';

export interface LoadedConfig {
  config: Config;
  /** Non-fatal findings (unknown variables…) for the logger. */
  warnings: string[];
}

type Key = keyof typeof options;
const keys = Object.keys(options) as Key[];

/** Parses `--flag value` and `--flag=value` into variable-name → value. */
function flagsToEnv(argv: readonly string[]): Map<string, string> {
  const byFlag = new Map(keys.map((k) => [flagFor(options[k].env), options[k].env]));
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const env = byFlag.get(flag);
    if (env === undefined) {
      const near = closest(flag, [...byFlag.keys()]);
      throw new ConfigError(flag, arg, `unknown flag${near ? ` (did you mean ${near}?)` : ''}; see --help`);
    }
    const value: string | undefined = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined) throw new ConfigError(env, '', `${flag} needs a value`);
    out.set(env, value);
  }
  return out;
}

export function loadConfig(env: NodeJS.ProcessEnv, argv: readonly string[]): LoadedConfig {
  const flags = flagsToEnv(argv);
  const warnings: string[] = [];
  const known = new Set(keys.map((k) => options[k].env));
  for (const name of Object.keys(env)) {
    if (name.startsWith('RWS_CONFIG_') && !known.has(name)) {
      const near = closest(name, [...known]);
      warnings.push(`unknown variable ${name} ignored${near ? ` (did you mean ${near}?)` : ''}`);
    }
  }
  const config = {} as Record<string, unknown>;
  for (const k of keys) {
    const spec = options[k];
    const raw = flags.get(spec.env) ?? nonEmpty(env[spec.env]) ?? spec.def;
    if (raw === undefined) {
      config[k] = undefined;
      continue;
    }
    try {
      config[k] = spec.parse(raw);
    } catch (e) {
      throw new ConfigError(spec.env, raw, (e as Error).message);
    }
  }
  const c = config as Config;
  crossCheck(c);
  c.devCerts = c.tlsCertFile === undefined && c.tlsKeyFile === undefined;
  if (c.tls) {
    c.tlsCertFile ??= devCertFile;
    c.tlsKeyFile ??= devKeyFile;
    c.tlsCert = readFileSync(c.tlsCertFile);
    c.tlsKey = readFileSync(c.tlsKeyFile);
    checkTlsPair(c.tlsCert, c.tlsKey, {
      certFile: c.tlsCertFile,
      certEnv: options.tlsCertFile.env,
      keyFile: c.tlsKeyFile,
      keyEnv: options.tlsKeyFile.env,
    });
  }
  return { config: c, warnings };
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === '' ? undefined : v;
}

// Relations between options that no single parser can see.
function crossCheck(c: Config): void {
  if ((c.tlsCertFile === undefined) !== (c.tlsKeyFile === undefined)) {
    const missing = c.tlsCertFile === undefined ? options.tlsCertFile.env : options.tlsKeyFile.env;
    throw new ConfigError(missing, '', 'certificate and key must be set together');
  }
  if (c.httpsRedirect && !c.tls) {
    throw new ConfigError(options.httpsRedirect.env, 'on', `needs TLS (${options.tls.env} is off)`);
  }
  if (c.tls && c.port !== 0 && c.port === c.tlsPort) {
    throw new ConfigError(options.tlsPort.env, String(c.tlsPort), `same as ${options.port.env}`);
  }
  if (c.adminPort !== undefined && c.adminPort !== 0 && (c.adminPort === c.port || (c.tls && c.adminPort === c.tlsPort))) {
    throw new ConfigError(options.adminPort.env, String(c.adminPort), 'must differ from the other listeners');
  }
}
