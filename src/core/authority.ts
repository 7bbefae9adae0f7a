// The authority of a request (Host, :authority) as RFC 3986 §3.2 writes it for http and https, without
// the userinfo those schemes forbid (RFC 9110 §4.2.1, §4.2.4; RFC 9113 §8.3.1; RFC 9114 §4.3.1): only
// unreserved / pct-encoded / sub-delims / ":" / "[" / "]" octets. The value is forwarded to the origin
// as Host, so a space, a comma (two Host lines joined) or an "@" must not pass through. Every listener
// checks with this one table.
const AUTHORITY = new Uint8Array(256);
for (const c of "-._~%!$&'()*+,;=:[]0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") AUTHORITY[c.charCodeAt(0)] = 1;
// "," is a sub-delim, but a Host holding one is two hosts joined by a parser (RFC 9110 §5.3): refused.
AUTHORITY[0x2c] = 0;

/** Whether `value` may be a request's authority (empty included: the caller decides if it is required). */
export function isAuthority(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c > 0xff || AUTHORITY[c] === 0) return false;
  }
  return true;
}
