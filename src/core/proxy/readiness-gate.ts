// RWS_CONFIG_READY_REQUIRES_UPSTREAM: /readyz stays 503 until the origin has answered once. Once is
// enough: a pod that later turns unready whenever the origin hiccups would take every replica out of the
// Service together, turning an origin blip into a full outage.
import type { ProxyHandler } from '../handlers.js';
import type { Lifecycle } from '../lifecycle.js';

/** Starts probing every `intervalMs` until the origin answers; returns a function that stops it. */
export function gateReadinessOnUpstream(lifecycle: Lifecycle, proxy: Pick<ProxyHandler, 'probe'>, intervalMs = 500): () => void {
  let up = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  lifecycle.setReadinessGate(() => up);
  const attempt = async (): Promise<void> => {
    if (stopped) return;
    if (await proxy.probe()) {
      up = true;
      return;
    }
    if (stopped) return;
    // unref: a pending probe must never keep a stopping process alive.
    timer = setTimeout(() => void attempt(), intervalMs).unref();
  };
  void attempt();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
