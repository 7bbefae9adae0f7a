// deploy/k8s/*.yaml as plain objects, with the few look-ups the manifest tests share: a resource by kind,
// a container port by name or number, the pod's containers.
import { readdirSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { repoRoot } from './repo.js';

export const k8sDir = posix.join(repoRoot, 'deploy', 'k8s');

// Loosely typed on purpose: the tests assert the shape they rely on, field by field.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Obj = Record<string, any>;

export interface Manifest {
  file: string;
  doc: Obj;
}

export function loadManifests(dir = k8sDir): Manifest[] {
  const out: Manifest[] = [];
  for (const file of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    for (const d of parseAllDocuments(readFileSync(posix.join(dir, file), 'utf8'))) {
      if (d.errors.length > 0) throw new Error(`${file}: ${d.errors.map((e) => e.message).join('; ')}`);
      const doc = d.toJS() as Obj | null;
      if (doc !== null) out.push({ file, doc });
    }
  }
  return out;
}

/** The Deployment's container memory limit, as written ("512Mi"). */
export function podMemoryLimit(manifests: Manifest[] = loadManifests()): string {
  return String(only(manifests, 'Deployment').spec.template.spec.containers[0].resources.limits.memory);
}

/** The one resource of a kind (and name, when given); throws when there is none or several. */
export function only(manifests: Manifest[], kind: string, name?: string): Obj {
  const hits = manifests.filter((m) => m.doc.kind === kind && (name === undefined || m.doc.metadata?.name === name));
  if (hits.length !== 1) throw new Error(`expected one ${kind}${name ? ` ${name}` : ''}, found ${hits.length}`);
  return hits[0]!.doc;
}

export interface ContainerPort {
  name?: string;
  containerPort: number;
  protocol?: string;
}

/** A Service targetPort or probe port (name or number) resolved to the container's port number. */
export function resolvePort(container: Obj, port: string | number, protocol = 'TCP'): number | undefined {
  const ports = (container.ports ?? []) as ContainerPort[];
  const hit = ports.find((p) => (typeof port === 'number' ? p.containerPort === port : p.name === port) && (p.protocol ?? 'TCP') === protocol);
  return hit?.containerPort;
}

/** Whether every label of selector is on labels. */
export function selects(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (selector === undefined || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}
