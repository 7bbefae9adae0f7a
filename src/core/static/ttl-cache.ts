// A small time-bounded memo of async lookups (file metadata), keyed by string. The promise itself is
// stored, so concurrent requests for one path share one set of fs calls. Entries live `ttlMs`: a file
// changed or added on disk is seen at most that late. Bounded: past `max` entries the oldest goes first
// (Map keeps insertion order), so a flood of distinct random paths cannot grow memory.
// Hand-written: a dozen lines, where an LRU package would add features (and allocations) not needed.
export class TtlCache<V> {
  readonly #entries = new Map<string, { readonly at: number; readonly value: Promise<V> }>();
  readonly #ttlMs: number;
  readonly #max: number;

  constructor(ttlMs: number, max: number) {
    this.#ttlMs = ttlMs;
    this.#max = max;
  }

  get(key: string, load: () => Promise<V>): Promise<V> {
    const now = performance.now();
    const hit = this.#entries.get(key);
    if (hit !== undefined && now - hit.at < this.#ttlMs) return hit.value;
    if (hit !== undefined) this.#entries.delete(key);
    else if (this.#entries.size >= this.#max) this.#entries.delete(this.#entries.keys().next().value!);
    const value = load();
    const entry = { at: now, value };
    this.#entries.set(key, entry);
    // A failed lookup (an unexpected fs error) is not remembered.
    value.catch(() => {
      if (this.#entries.get(key) === entry) this.#entries.delete(key);
    });
    return value;
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }
}
