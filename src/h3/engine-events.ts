// Turns the QUIC engine's events into the observer's bounded metric labels (rws_quic_* series) and logs.
import type { Observer } from '../core/observer.js';
import type { QuicEngineEvent } from './quic/engine.js';
import { codeName } from './wire/error-codes.js';

// RFC 9000 §20.1 transport error codes worth naming; others appear as hex.
const transportNames: Record<number, string> = {
  0x0: 'NO_ERROR', 0x1: 'INTERNAL_ERROR', 0x2: 'CONNECTION_REFUSED', 0x3: 'FLOW_CONTROL_ERROR',
  0x4: 'STREAM_LIMIT_ERROR', 0x5: 'STREAM_STATE_ERROR', 0x6: 'FINAL_SIZE_ERROR', 0x7: 'FRAME_ENCODING_ERROR',
  0x8: 'TRANSPORT_PARAMETER_ERROR', 0x9: 'CONNECTION_ID_LIMIT_ERROR', 0xa: 'PROTOCOL_VIOLATION',
  0xb: 'INVALID_TOKEN', 0xd: 'CRYPTO_BUFFER_EXCEEDED', 0xe: 'KEY_UPDATE_ERROR', 0xf: 'AEAD_LIMIT_REACHED',
};

export function engineEventsTo(observer: Observer): (e: QuicEngineEvent) => void {
  return (e) => {
    switch (e.type) {
      case 'handshake':
        return observer.quicEvent('handshake');
      case 'retry_sent':
        return observer.quicEvent('retry_sent');
      case 'packet_dropped':
        return observer.quicEvent('packet_dropped', e.reason);
      case 'connection_closed': {
        const label = e.idleTimeout ? 'IDLE_TIMEOUT' : e.appError ? codeName(e.code) : (transportNames[e.code] ?? `0x${e.code.toString(16)}`);
        return observer.quicEvent('connection_closed', label);
      }
      case 'limit_exceeded':
        return observer.event('warn', 'QUIC connection closed: limit exceeded', { limit: e.limit });
      case 'handler_error':
        return observer.event('error', 'HTTP/3 handler error', { err: String((e.error as Error)?.stack ?? e.error) });
      default:
        return undefined;
    }
  };
}
