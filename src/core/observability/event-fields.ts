// Fields of lifecycle and operational events: credentials are masked before any format sees them, and
// the text format renders them as key=value pairs.

/** Header names whose values never reach a log line, whatever an event carries. */
const secret = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);
const mask = '[redacted]';

/**
 * A copy of `fields` with credential headers masked, at the top level and inside nested objects (an
 * event may carry a `headers` map). Events are rare, so a walk per event is cheap enough.
 */
export function redact(fields: Record<string, unknown>, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (secret.has(k.toLowerCase())) out[k] = mask;
    else if (depth < 3 && v !== null && typeof v === 'object' && !Array.isArray(v)) out[k] = redact(v as Record<string, unknown>, depth + 1);
    else out[k] = v;
  }
  return out;
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
