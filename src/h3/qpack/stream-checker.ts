// One checker per peer QPACK stream, whichever its kind: the shape src/h3/peer-uni-stream.ts uses.
// The rules live in instruction-streams.ts (no dynamic table in either direction).
import { DecoderStreamParser, EncoderStreamParser } from './instruction-streams.js';

export class QpackStreamChecker {
  private readonly parser: EncoderStreamParser | DecoderStreamParser;

  /** `encoder`: the peer's encoder stream (type 0x02); `decoder`: its decoder stream (type 0x03). */
  constructor(kind: 'encoder' | 'decoder') {
    this.parser = kind === 'encoder' ? new EncoderStreamParser() : new DecoderStreamParser();
  }

  /** Validates more stream bytes (not retained); throws H3Error on a forbidden instruction. */
  push(chunk: Uint8Array): void {
    this.parser.push(chunk);
  }

  /** The stream ended: always H3_CLOSED_CRITICAL_STREAM. */
  finish(): never {
    return this.parser.finish();
  }
}
