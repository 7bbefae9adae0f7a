// The pieces the core composes. Each is a plain function of a CoreRequest, so it can be tested alone.
import type { CoreRequest, CoreResponse, Tunnel } from './contract.js';

export interface StaticHandler {
  /** The response for a file (or directory index) under the root; null when no file maps to the path. */
  serve(req: CoreRequest): Promise<CoreResponse | null>;
  /** The 404 response: the root's 404.html when present, a short text otherwise. */
  notFound(req: CoreRequest): Promise<CoreResponse>;
}

export interface ProxyHandler {
  /** Forwards the request to the origin; failures become 502/504 responses, never rejections. */
  forward(req: CoreRequest): Promise<CoreResponse>;
  /**
   * Offers a WebSocket opening handshake (RFC 6455 §4.1) to the origin: a Tunnel when it switches
   * protocols (101), its own answer otherwise, 502/504 when it cannot be reached; never rejects.
   */
  tunnel(req: CoreRequest): Promise<CoreResponse | Tunnel>;
  /** true when the origin answers (any HTTP status); used by the optional readiness gate. */
  probe(): Promise<boolean>;
  close(): Promise<void>;
}

/** Adds CORS headers to a response, or answers a preflight; off when no origins are configured. */
export interface CorsPolicy {
  preflight(req: CoreRequest): CoreResponse | null;
  apply(req: CoreRequest, res: CoreResponse): void;
}
