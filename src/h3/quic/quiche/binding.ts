// Loads quiche 0.18's napi binding from @matrixai/quic-linux-x64 and types the part of it this driver
// uses (the package ships no type declarations). Only this file names the package.
// Binding conventions, verified against 2.0.9: quiche's `Done` comes back as `null` from send,
// streamRecv and streamSend; other quiche errors are thrown as Error objects whose message is the
// Rust Debug form, e.g. 'StreamReset(99)', 'StreamStopped(77)', 'InvalidStreamState(0)'.
import { createRequire } from 'node:module';

export interface HostPort {
  host: string;
  port: number;
}

export interface RecvInfo {
  from: HostPort;
  to: HostPort;
}

export interface SendInfo {
  from: HostPort;
  to: HostPort;
}

export interface ConnectionError {
  isApp: boolean;
  errorCode: number;
}

export interface QuicheStats {
  /** Packets received and processed (not those dropped undecrypted). */
  recv: number;
  recvBytes: number;
  sentBytes: number;
}

export interface QuicheConfig {
  setApplicationProtos(protos: string[]): void;
  setMaxIdleTimeout(ms: number): void;
  setMaxRecvUdpPayloadSize(n: number): void;
  setMaxSendUdpPayloadSize(n: number): void;
  setInitialMaxData(n: number): void;
  setInitialMaxStreamDataBidiLocal(n: number): void;
  setInitialMaxStreamDataBidiRemote(n: number): void;
  setInitialMaxStreamDataUni(n: number): void;
  setInitialMaxStreamsBidi(n: number): void;
  setInitialMaxStreamsUni(n: number): void;
  setActiveConnectionIdLimit(n: number): void;
  setDisableActiveMigration(v: boolean): void;
  setMaxConnectionWindow(n: number): void;
  /** Applies to connections accepted afterwards (quiche copies the transport parameters at accept). */
  setStatelessResetToken(token: bigint | null): void;
  grease(v: boolean): void;
}

export interface QuicheConnection {
  sendAckEliciting(): void;
  recv(data: Uint8Array, info: RecvInfo): number;
  send(out: Uint8Array): [number, SendInfo] | null;
  streamRecv(id: number, out: Uint8Array): [number, boolean] | null;
  streamSend(id: number, data: Uint8Array, fin: boolean): number | null;
  streamShutdown(id: number, direction: number, code: number): void;
  streamCapacity(id: number): number;
  streamReadable(id: number): boolean;
  /** ~18 µs per call in this binding (napi iterator): use isReadable()/streamReadable() first. */
  readable(): Iterable<number>;
  isReadable(): boolean;
  peerStreamsLeftUni(): number;
  timeout(): number | null;
  onTimeout(): void;
  close(app: boolean, code: number, reason: Uint8Array): void;
  serverName(): string | null;
  isEstablished(): boolean;
  isDraining(): boolean;
  isClosed(): boolean;
  isTimedOut(): boolean;
  peerError(): ConnectionError | null;
  localError(): ConnectionError | null;
  stats(): QuicheStats;
}

export interface QuicheBinding {
  Config: {
    withBoringSslCtx(
      verifyPeer: boolean,
      verifyAllowFail: boolean,
      ca: Uint8Array | null,
      keys: Uint8Array[],
      certs: Uint8Array[],
      sigalgs: string | null,
    ): QuicheConfig;
  };
  Connection: {
    accept(scid: Uint8Array, odcid: Uint8Array | null, local: HostPort, peer: HostPort, config: QuicheConfig): QuicheConnection;
  };
  /** Writes a Version Negotiation packet answering (client scid, client dcid) into out; returns its length. */
  negotiateVersion(scid: Uint8Array, dcid: Uint8Array, out: Uint8Array): number;
  /** Writes a Retry packet (RFC 9000 §17.2.5) into out; returns its length. */
  retry(scid: Uint8Array, dcid: Uint8Array, newScid: Uint8Array, token: Uint8Array, version: number, out: Uint8Array): number;
  versionIsSupported(version: number): boolean;
  Shutdown: { Read: number; Write: number };
  MAX_CONN_ID_LEN: number;
}

export const quiche = createRequire(import.meta.url)('@matrixai/quic-linux-x64') as QuicheBinding;

/** The application error code inside 'StreamReset(99)' / 'StreamStopped(77)', or -1 for any other error. */
export function streamErrorCode(err: unknown, kind: 'StreamReset' | 'StreamStopped'): number {
  const msg = err instanceof Error ? err.message : String(err);
  if (!msg.startsWith(kind + '(')) return -1;
  const code = Number(msg.slice(kind.length + 1, -1));
  return Number.isFinite(code) ? code : -1;
}
