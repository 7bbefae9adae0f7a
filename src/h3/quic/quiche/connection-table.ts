// Connection IDs -> connection. Keys are the CID bytes as a latin1 string (one byte per char: cheap to
// make from a datagram with latin1Slice, and a fast Map key). A connection is reachable through its
// server CID (the 20 random bytes it was accepted with) and, until its handshake completes, through the
// client's original DCID, which the client keeps using for Initial retransmissions before it has seen
// our first packet (RFC 9000 §7.2). We never issue further CIDs (active migration is disabled), so
// there is nothing else to map.

export interface TableEntry {
  /** Every key this connection is reachable through. */
  readonly keys: string[];
}

export function cidKey(cid: Uint8Array): string {
  return Buffer.from(cid.buffer, cid.byteOffset, cid.length).toString('latin1');
}

export class ConnectionTable<C extends TableEntry> {
  private readonly byCid = new Map<string, C>();
  private readonly conns = new Set<C>();

  /** Connections, each once. */
  get size(): number {
    return this.conns.size;
  }

  get(key: string): C | undefined {
    return this.byCid.get(key);
  }

  add(conn: C, key: string): void {
    this.conns.add(conn);
    this.byCid.set(key, conn);
    conn.keys.push(key);
  }

  /** Drops one alias (the original DCID once the handshake is done). */
  removeKey(conn: C, key: string): void {
    if (this.byCid.get(key) === conn) this.byCid.delete(key);
    const i = conn.keys.indexOf(key);
    if (i >= 0) conn.keys.splice(i, 1);
  }

  remove(conn: C): void {
    for (const key of conn.keys) if (this.byCid.get(key) === conn) this.byCid.delete(key);
    this.conns.delete(conn);
  }

  values(): IterableIterator<C> {
    return this.conns.values();
  }
}
