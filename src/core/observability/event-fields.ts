// Fields of lifecycle and operational events: credentials are masked before any format sees them, and
// the text format renders them as key=value pairs.

/** Header names whose values never reach a log line, whatever an event carries. */
const secret = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);
const mask = '[redacted]';

// Nesting walked below the top level; anything deeper is replaced, never logged unmasked.
const MAX_DEPTH = 8;
const tooDeep = '[too deep]';

/**
 * A copy of `fields` with credential fields masked at any depth: nested objects and arrays (an event may
 * carry a `headers` map, or a list of them) are walked down to MAX_DEPTH levels, and an object or array
 * nested deeper (or a cycle) is replaced by "[too deep]". Events are rare, so a walk per event is cheap
 * enough.
 */
export function redact(fields: Record<string, unknown>): Record<string, unknown> {
  return redactObject(fields, 0);
}

function redactObject(fields: Record<string, unknown>, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) out[k] = secret.has(k.toLowerCase()) ? mask : redactValue(v, depth + 1);
  return out;
}

function redactValue(v: unknown, depth: number): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (depth > MAX_DEPTH) return tooDeep;
  if (Array.isArray(v)) return v.map((x) => redactValue(x, depth + 1));
  return redactObject(v as Record<string, unknown>, depth);
}

function value(v: unknown): string {
  if (typeof v === 'string') return /^[^\s"=\\]+$/.test(v) ? v : JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  try {
    return JSON.stringify(v);
  } catch {
    return JSON.stringify(String(v));
  }
}

/** `2024-05-01T12:00:00.000Z INFO listening listener=h1 port=7878` */
export function textEventLine(time: string, level: string, msg: string, fields: Record<string, unknown> | undefined): string {
  let line = time + ' ' + level.toUpperCase() + ' ' + msg;
  if (fields !== undefined) for (const [k, v] of Object.entries(fields)) line += ' ' + k + '=' + value(v);
  return line + '\n';
}
