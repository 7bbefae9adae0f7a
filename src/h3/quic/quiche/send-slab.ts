// Output buffers for quiche's send(). node:dgram does not copy: when the kernel cannot take a datagram
// at once (uv_udp_try_send fails) libuv queues the caller's memory until the send completes, so a
// buffer handed to socket.send() must never be rewritten. Allocating a Buffer per datagram is safe but
// costly; instead each datagram gets a fresh, never-reused region of a large slab, and a full slab is
// replaced (pending sends keep the old one alive through their request objects).

const SLAB_BYTES = 256 * 1024;

export class SendSlab {
  private slab = Buffer.allocUnsafe(SLAB_BYTES);
  private offset = 0;

  constructor(private readonly maxDatagram: number) {}

  /** A region of maxDatagram bytes nothing else references; call commit() with what was used. */
  region(): Buffer {
    if (this.offset + this.maxDatagram > SLAB_BYTES) {
      this.slab = Buffer.allocUnsafe(SLAB_BYTES);
      this.offset = 0;
    }
    return this.slab.subarray(this.offset, this.offset + this.maxDatagram);
  }

  /** Marks `used` bytes of the last region as handed to the socket (8-byte aligned for the next one). */
  commit(used: number): void {
    this.offset += (used + 7) & ~7;
  }
}
