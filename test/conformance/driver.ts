// The one interface every conformance driver implements, so a case is written once and runs over every
// listener and client. A driver is one client configuration against one server: plain HTTP/1.1, HTTP/1.1
// over TLS, HTTP/2, HTTP/3; through undici, curl, or whatever a new listener needs.

export type WireProtocol = 'h1' | 'h2' | 'h3';

export interface DriverRequest {
  readonly method: string;
  /** The request target exactly as it must go on the wire (origin-form or absolute-form, not normalised). */
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: Buffer;
}

export interface DriverResponse {
  readonly status: number;
  /** Lower-case names; a repeated field's values joined with ', '. */
  readonly headers: Record<string, string>;
  /** The body as received: no content decoding. */
  readonly body: Buffer;
}

export interface Driver {
  readonly name: string;
  readonly protocol: WireProtocol;
  /** The exchange runs over TLS (https): HSTS and Alt-Svc apply. */
  readonly secure: boolean;
  request(r: DriverRequest): Promise<DriverResponse>;
  close(): Promise<void>;
}

/**
 * Thrown by a driver for a request its client cannot make at all (a target its URL parser refuses,
 * say): the suite skips that case for that driver with this reason instead of failing it. Only for
 * limits of the client, never for an answer the client did get.
 */
export class ClientLimitation extends Error {}

/** Where the server under test listens (127.0.0.1). */
export interface ServerPorts {
  readonly h1: number;
  readonly tls: number;
  /** UDP port of the HTTP/3 listener, when the server runs one. */
  readonly h3: number | undefined;
}

/** Makes drivers of one kind; `unavailable` says why this machine or server cannot run it (→ skip). */
export interface DriverFactory {
  readonly name: string;
  readonly protocol: WireProtocol;
  readonly secure: boolean;
  unavailable(ports: ServerPorts): string | undefined;
  create(ports: ServerPorts): Promise<Driver>;
}

/** Joins repeated fields and lower-cases names, the shape DriverResponse promises. */
export function headerRecord(entries: Iterable<readonly [string, string | string[] | undefined]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of entries) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    const v = Array.isArray(value) ? value.join(', ') : value;
    out[key] = out[key] === undefined ? v : `${out[key]}, ${v}`;
  }
  return out;
}
