// A conformance case: one behaviour, checked through any Driver. Cases only speak DriverRequest and
// DriverResponse, so they hold for every listener and client alike.
import assert from 'node:assert/strict';
import type { Driver, DriverResponse, ServerPorts, WireProtocol } from './driver.js';
import type { Site } from './site.js';

export interface CaseContext {
  readonly site: Site;
  readonly ports: ServerPorts;
}

export interface Case {
  readonly name: string;
  /** Runs only on these protocols (e.g. absolute-form targets exist in HTTP/1.1 only). */
  readonly only?: readonly WireProtocol[] | undefined;
  run(d: Driver, ctx: CaseContext): Promise<void>;
}

export function get(d: Driver, path: string, headers?: Record<string, string>): Promise<DriverResponse> {
  return d.request({ method: 'GET', path, headers });
}

export function head(d: Driver, path: string, headers?: Record<string, string>): Promise<DriverResponse> {
  return d.request({ method: 'HEAD', path, headers });
}

/** Status check with the body in the message, which is what one wants to see when it fails. */
export function expectStatus(res: DriverResponse, status: number | number[]): void {
  const ok = Array.isArray(status) ? status.includes(res.status) : res.status === status;
  assert.ok(ok, `status ${res.status}, expected ${String(status)}; body: ${res.body.toString('latin1').slice(0, 200)}`);
}

/** A 200 whose body is exactly the fixture file `rel`. */
export async function expectFile(res: DriverResponse, ctx: CaseContext, rel: string): Promise<void> {
  expectStatus(res, 200);
  assert.deepEqual(res.body, await ctx.site.file(rel));
}

/** Whether a comma-separated header lists `token` (case-insensitive). */
export function lists(value: string | undefined, token: string): boolean {
  return (value ?? '').split(',').some((v) => v.trim().toLowerCase() === token.toLowerCase());
}
