// Value parsers for configuration options. Each returns the parsed value or throws a plain Error whose
// message says what is wrong; load-config turns it into a ConfigError naming the variable.
import { statSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';

export function port(value: string, allowZero = true): number {
  if (!/^\d{1,5}$/.test(value)) throw new Error('not a port number');
  const n = Number(value);
  if (n > 65535 || (!allowZero && n === 0)) throw new Error(`port out of range (${allowZero ? 0 : 1}-65535)`);
  return n;
}

export function integer(min: number, max: number) {
  return (value: string): number => {
    const n = wholeNumber(value);
    if (n < min || n > max) throw new Error(`out of range (${min}-${max})`);
    return n;
  };
}

/** 0 (the feature is off) or a whole number in min..max. */
export function offOrInteger(min: number, max: number) {
  return (value: string): number => {
    const n = wholeNumber(value);
    if (n !== 0 && (n < min || n > max)) throw new Error(`out of range (0 for off, or ${min}-${max})`);
    return n;
  };
}

function wholeNumber(value: string): number {
  if (!/^\d+$/.test(value)) throw new Error('not a whole number');
  return Number(value);
}

export function onOff(value: string): boolean {
  const v = value.toLowerCase();
  if (v === 'on' || v === 'true' || v === '1' || v === 'yes') return true;
  if (v === 'off' || v === 'false' || v === '0' || v === 'no') return false;
  throw new Error('expected on or off');
}

export function oneOf<T extends string>(...allowed: T[]) {
  return (value: string): T => {
    if (!(allowed as string[]).includes(value)) throw new Error(`expected one of ${allowed.join(', ')}`);
    return value as T;
  };
}

export function ipAddress(value: string): string {
  if (isIP(value) === 0) throw new Error('not an IPv4 or IPv6 address');
  return value;
}

export function readablePem(value: string): string {
  let data: Buffer;
  try {
    data = readFileSync(value);
  } catch (e) {
    throw new Error(`cannot read file (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (!data.includes('-----BEGIN ')) throw new Error('not a PEM file');
  return value;
}

export function directory(value: string): string {
  let ok = false;
  try {
    ok = statSync(value).isDirectory();
  } catch {
    throw new Error('does not exist');
  }
  if (!ok) throw new Error('not a directory');
  return value;
}

export function upstreamUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error('not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme must be http or https');
  if (url.username || url.password) throw new Error('credentials in the URL are not supported');
  if (url.search || url.hash) throw new Error('query and fragment are not allowed');
  return url;
}

export function originList(value: string): string[] | '*' {
  if (value.trim() === '*') return '*';
  const list = value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (list.length === 0) throw new Error('empty list');
  for (const o of list) {
    let u: URL;
    try {
      u = new URL(o);
    } catch {
      throw new Error(`${o} is not an origin`);
    }
    if (u.origin !== o) throw new Error(`${o} is not an origin (scheme://host[:port])`);
  }
  return list;
}

// Header values go on the wire as-is, on every protocol: a field value is visible ASCII, spaces and
// tabs (RFC 9110 §5.5; obs-text is obsolete and node:http refuses anything above U+00FF at the first
// response). Refused here, where the variable can be named, rather than on a request.
export function headerValue(value: string): string {
  const bad = /[^\t\x20-\x7e]/.exec(value);
  if (bad !== null) {
    const code = bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    throw new Error(`U+${code} is not allowed in a header value (visible ASCII, spaces and tabs only)`);
  }
  return value.trim();
}
