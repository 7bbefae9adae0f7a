// A closed HTTP/2 session's idle timer, which node leaves running. node arms it from the server's
// setTimeout() (RWS_CONFIG_IDLE_TIMEOUT_MS, 120 s by default), and its closeSession() means to clear it
// with session.setTimeout(0), but marks the session destroyed first, and setTimeout() does nothing on a
// destroyed session (lib/internal/http2/core.js closeSession, lib/internal/stream_base_commons.js
// setStreamTimeout; Node 20.20 and 24.22 alike). The pending timer holds the whole session object (its
// callback is bound to it) until it fires: every closed connection stayed in memory for the idle timeout.
// A client that opens and closes connections in a loop grew the server by ~2.4 KiB of heap per
// connection (6000 sessions held 20 s after they closed, in a heap snapshot; with the attacks of
// test/exhaustion/h2-rapid-reset, Node 24's RSS grew past 300 MiB). The timer is reachable only through
// node's internal `timeout` symbol property, hence the lookup; were node to rename it, nothing is
// cleared and the session is held until its timer fires, as before.
import type { ServerHttp2Session } from 'node:http2';

let timeoutKey: symbol | undefined | null;

function keyOf(session: ServerHttp2Session): symbol | undefined {
  if (timeoutKey === undefined) timeoutKey = Object.getOwnPropertySymbols(session).find((s) => s.description === 'timeout') ?? null;
  return timeoutKey ?? undefined;
}

/** At the session's 'close': clears the idle timer node left armed, releasing the session. */
export function releaseIdleTimer(session: ServerHttp2Session): void {
  const key = keyOf(session);
  if (key === undefined) return;
  const timer = (session as unknown as Record<symbol, unknown>)[key];
  if (timer !== null && typeof timer === 'object') clearTimeout(timer as NodeJS.Timeout);
}
