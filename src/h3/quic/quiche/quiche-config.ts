// Builds the one quiche Config every connection of an engine is accepted with.
import type { QuicEngineOptions } from '../engine.js';
import { quiche, type QuicheConfig } from './binding.js';
import type { ResolvedOptions } from './engine-options.js';

/** quiche's receive limit for a UDP payload; peers send less (their path MTU), this only bounds it. */
const MAX_RECV_UDP_PAYLOAD = 1500;
/** CIDs the peer may have us store (RFC 9000 §5.1.1); 2 is the minimum, we never migrate. */
const ACTIVE_CID_LIMIT = 2;

export function buildConfig(o: QuicEngineOptions, r: ResolvedOptions): QuicheConfig {
  const config = quiche.Config.withBoringSslCtx(false, false, null, [o.key], [o.cert], null);
  config.setApplicationProtos([...o.alpn]);
  config.setMaxIdleTimeout(r.idleTimeoutMs);
  config.setMaxRecvUdpPayloadSize(MAX_RECV_UDP_PAYLOAD);
  config.setMaxSendUdpPayloadSize(r.maxUdpPayloadSize);
  config.setInitialMaxData(r.initialMaxData);
  config.setInitialMaxStreamDataBidiRemote(r.initialMaxStreamData);
  // Server-initiated bidirectional streams are never opened (HTTP/3 forbids them, RFC 9114 §6.1).
  config.setInitialMaxStreamDataBidiLocal(0);
  config.setInitialMaxStreamDataUni(r.initialMaxStreamDataUni);
  config.setInitialMaxStreamsBidi(r.maxStreamsBidi);
  config.setInitialMaxStreamsUni(r.maxStreamsUni);
  config.setMaxConnectionWindow(r.maxConnectionWindow);
  config.setActiveConnectionIdLimit(ACTIVE_CID_LIMIT);
  // Active migration would need extra CIDs and path validation we do not drive; NAT rebinding still works.
  config.setDisableActiveMigration(true);
  return config;
}
