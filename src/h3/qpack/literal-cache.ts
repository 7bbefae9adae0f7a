// The string literals one connection's field sections decoded to, by their encoded octets. With no
// dynamic table (decoder.ts says why) a client sends the same literals on every request (its
// :authority, user-agent, accept...), and each was Huffman-decoded into a new string every time:
// ~1500 instructions per Huffman literal, four per h3load request (callgrind). A repeat now costs a
// byte comparison and returns the string built the first time. Hand-written with the rest of QPACK.
//
// One cache per connection, as a QPACK dynamic table would be: compression state shared across
// connections lets one client learn by timing what another sent (RFC 9204 §7.1, probing dynamic
// table state). Bounded: SLOTS direct-mapped slots of at most MAX_OCTETS encoded octets, ~4 KiB per
// connection; a literal that is longer, or that collides, is simply decoded again.

const SLOTS = 32;
const MAX_OCTETS = 128;

export class LiteralCache {
  readonly #octets = new Uint8Array(SLOTS * MAX_OCTETS);
  /** Per slot: encoded length × 2 + the Huffman flag; -1 while empty. */
  readonly #keys = new Int32Array(SLOTS).fill(-1);
  readonly #texts: string[] = new Array<string>(SLOTS).fill('');

  /** The string `block[start..stop)` decoded to before, or undefined. */
  get(block: Uint8Array, start: number, stop: number, huffman: boolean): string | undefined {
    const length = stop - start;
    if (length > MAX_OCTETS || length === 0) return undefined;
    const slot = slotOf(block, start, stop);
    if (this.#keys[slot] !== length * 2 + (huffman ? 1 : 0)) return undefined;
    const octets = this.#octets;
    const base = slot * MAX_OCTETS - start;
    for (let i = start; i < stop; i++) if (octets[base + i] !== block[i]) return undefined;
    return this.#texts[slot];
  }

  /** Remembers that `block[start..stop)` decodes to `text` (replacing the slot's previous literal). */
  set(block: Uint8Array, start: number, stop: number, huffman: boolean, text: string): void {
    const length = stop - start;
    if (length > MAX_OCTETS || length === 0) return;
    const slot = slotOf(block, start, stop);
    const octets = this.#octets;
    const base = slot * MAX_OCTETS - start;
    for (let i = start; i < stop; i++) octets[base + i] = block[i]!;
    this.#keys[slot] = length * 2 + (huffman ? 1 : 0);
    this.#texts[slot] = text;
  }
}

// Length and three octets: literals of one request differ in at least one of them almost always.
function slotOf(block: Uint8Array, start: number, stop: number): number {
  const length = stop - start;
  return (length * 7 + block[start]! * 3 + block[start + (length >> 1)]! * 5 + block[stop - 1]!) & (SLOTS - 1);
}
