// A memory cgroup with a limit, for starting node the way a pod with that limit starts it (node sizes
// V8's heap from the limit). cgroup v2 (memory.max in a child of the root) or v1 (the memory
// controller's own hierarchy); needs write access, which root has on the CI machine. Used by
// test/deploy/young-generation.test.ts and bench/shared-core.ts.
import { existsSync, mkdirSync, rmdirSync, writeFileSync } from 'node:fs';

export interface MemoryCgroup {
  /** Write a pid here to move that process into the cgroup. */
  readonly procs: string;
  /** Removes the cgroup; every process in it must have exited. */
  remove(): void;
}

/** A cgroup named `name` limited to `limitBytes`, or why there cannot be one here. */
export function memoryCgroup(name: string, limitBytes: number): MemoryCgroup | string {
  const candidates = [
    { dir: `/sys/fs/cgroup/${name}`, file: 'memory.max', needs: '/sys/fs/cgroup/cgroup.controllers' },
    { dir: `/sys/fs/cgroup/memory/${name}`, file: 'memory.limit_in_bytes', needs: '/sys/fs/cgroup/memory/memory.limit_in_bytes' },
  ];
  for (const c of candidates) {
    if (!existsSync(c.needs)) continue;
    try {
      mkdirSync(c.dir, { recursive: true });
      writeFileSync(`${c.dir}/${c.file}`, String(limitBytes));
      return { procs: `${c.dir}/cgroup.procs`, remove: () => rmdirSync(c.dir) };
    } catch (e) {
      return `cannot make a memory cgroup here (${(e as Error).message})`;
    }
  }
  return 'no cgroup memory controller mounted';
}

/** A Kubernetes memory quantity in Mi or Gi, in bytes. */
export function memoryBytes(quantity: string): number {
  const m = /^(\d+)(Mi|Gi)$/.exec(quantity);
  if (!m) throw new Error(`memory quantity ${quantity}: expected Mi or Gi`);
  return Number(m[1]) * 2 ** (m[2] === 'Mi' ? 20 : 30);
}

/**
 * argv prefix that moves the started process into the cgroup before it becomes the command that
 * follows (a shell writes its own pid, then execs the rest of argv).
 */
export function inCgroup(cgroup: MemoryCgroup): string[] {
  return ['sh', '-c', `echo $$ > ${cgroup.procs} && exec "$0" "$@"`];
}
