// Octets → JS string, one char per octet (latin1), as field names and values are decoded.
// Measured on Node 20: for the short strings typical of headers a char loop beats any call into
// Buffer#toString (whose fixed cost is a few hundred ns). The loop stops at 12 octets: V8 builds
// longer concatenations as ropes (ConsString, 13+ chars) that are flattened again on first read.
// Both read the bytes where they are: no copy, and no Buffer view unless the caller has one.

const SHORT = 13;

/** `bytes[start..end)` as a latin1 string; `view`, when given, is a Buffer over the same bytes. */
export function latin1(bytes: Uint8Array, start: number, end: number, view: Buffer | null): string {
  if (end - start < SHORT) {
    let text = '';
    for (let i = start; i < end; i++) text += String.fromCharCode(bytes[i]);
    return text;
  }
  return (view ?? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)).toString('latin1', start, end);
}
