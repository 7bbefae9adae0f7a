// A per-second budget for stateless replies (Version Negotiation, stateless reset): each is cheap, but
// answering every spoofed datagram would make the server a reflector for whoever floods it.
export class RateBudget {
  private windowStart = 0;
  private used = 0;

  constructor(private readonly perSecond: number) {}

  /** Takes one unit; false when this second's budget is spent. */
  take(now: number): boolean {
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.used = 0;
    }
    if (this.used >= this.perSecond) return false;
    this.used++;
    return true;
  }
}
