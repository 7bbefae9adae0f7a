// Rebuilds the final image stage's file tree without Docker: a temp folder stands for the image's "/",
// and every COPY of the final stage is carried out into it. What a COPY --from=<build stage> reads is
// taken from this checkout, which is what the build stage holds after its own COPYs, `npm ci`,
// `npm run build` and `npm prune --omit=dev`, with two differences handled here:
//   - node_modules/ is replaced by the lockfile's non-dev packages, as `npm prune --omit=dev` leaves it;
//   - only paths the build stage really has may be read: its context COPYs (which .dockerignore must let
//     through) and the outputs of its RUN steps (listed in buildOutputs).
import { cpSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import ignore from '@balena/dockerignore';
import { dockerignorePath, stageNamed, type CopyStep, type Stage } from './dockerfile-model.js';
import { repoRoot } from './repo.js';

/** What the build stage's RUN steps create, and the context input each one needs in the stage. */
export const buildOutputs = [
  { path: 'node_modules', needs: 'package-lock.json', by: 'npm ci' },
  { path: 'dist/src', needs: 'src', by: 'npm run build' },
] as const;

/** Whether the build context (.dockerignore applied) contains this checkout-relative path. */
export function inContext(rel: string): boolean {
  // .default: the package is CommonJS with a self-referencing default (types and runtime agree on it).
  contextRules ??= ignore.default().add(readFileSync(dockerignorePath, 'utf8').split('\n'));
  return !contextRules.ignores(rel);
}
let contextRules: ReturnType<typeof ignore.default> | undefined;

/** Carries out the final stage's COPYs into root; returns the final stage. */
export function materializeFinalStage(stages: Stage[], root: string): Stage {
  const final = stages.at(-1)!;
  for (const step of final.copies) {
    for (const source of step.sources) {
      const from = step.from === undefined ? undefined : stageNamed(stages, step.from);
      if (step.from !== undefined && from === undefined) throw new Error(`COPY --from=${step.from}: no such stage`);
      copyInto(root, step, source, from);
    }
  }
  return final;
}

function copyInto(root: string, step: CopyStep, source: string, from: Stage | undefined): void {
  const rel = from === undefined ? contextPath(source) : buildStagePath(from, source);
  const dest = posix.join(root, step.destIsDir ? posix.join(step.dest, posix.basename(rel)) : step.dest);
  if (rel === 'node_modules') {
    copyProductionModules(dest);
    return;
  }
  const host = posix.join(repoRoot, rel);
  if (!existsSync(host)) throw new Error(`COPY source ${source} is ${host}, which does not exist (run npm run build)`);
  const dirSource = statSync(host).isDirectory();
  mkdirSync(dirSource ? dest : posix.dirname(dest), { recursive: true });
  cpSync(host, dest, { recursive: true });
}

function contextPath(source: string): string {
  const rel = normalize(source);
  if (!inContext(rel)) throw new Error(`COPY ${source}: excluded from the build context by .dockerignore`);
  return rel;
}

function normalize(path: string): string {
  return posix.normalize(path).replace(/^\.?\/+|\/+$/g, '');
}

// A path the build stage holds, as a checkout-relative path: under its WORKDIR, and either put there by
// a context COPY to the same relative place or made by one of its RUN steps.
function buildStagePath(stage: Stage, source: string): string {
  const rel = posix.relative(stage.workdir, posix.resolve('/', source));
  if (rel.startsWith('..')) throw new Error(`COPY --from source ${source} is outside the build stage's WORKDIR ${stage.workdir}`);
  const inputs = contextInputs(stage);
  const within = (outer: string): boolean => rel === outer || rel.startsWith(outer + '/');
  const output = buildOutputs.find((o) => within(o.path));
  if (!inputs.some(within) && !(output !== undefined && inputs.includes(output.needs))) {
    throw new Error(`COPY --from source ${source}: the build stage neither copies it from the context nor builds it`);
  }
  return rel;
}

/** Context paths a stage copies to the same place under its WORKDIR (so checkout path = stage path). */
function contextInputs(stage: Stage): string[] {
  const found: string[] = [];
  for (const c of stage.copies) {
    if (c.from !== undefined) continue;
    for (const s of c.sources.map(normalize)) {
      const dest = posix.relative(stage.workdir, c.destIsDir ? posix.join(c.dest, posix.basename(s)) : c.dest);
      if (dest === s && inContext(s)) found.push(s);
    }
  }
  return found;
}

/**
 * node_modules/ paths of what `npm ci` then `npm prune --omit=dev` leave, read from package-lock.json as
 * the build stage reads it: every package the lockfile does not mark dev-only. Optional packages for
 * other platforms are in the lockfile but not installed here, as in the image.
 */
export function productionPackages(): string[] {
  const lock = JSON.parse(readFileSync(posix.join(repoRoot, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean; optional?: boolean; link?: boolean }>;
  };
  return Object.entries(lock.packages)
    .filter(([path, p]) => path.startsWith('node_modules/') && p.dev !== true && p.link !== true)
    .filter(([path, p]) => p.optional !== true || existsSync(posix.join(repoRoot, path)))
    .map(([path]) => path);
}

function copyProductionModules(dest: string): void {
  for (const pkg of productionPackages()) {
    const host = posix.join(repoRoot, pkg);
    if (!existsSync(host)) throw new Error(`${pkg} is in package-lock.json but not installed: run npm ci`);
    const nested = posix.join(host, 'node_modules');
    // Nested node_modules hold packages of their own lockfile entries, copied (or not) on their own.
    cpSync(host, posix.join(dest, posix.relative('node_modules', pkg)), { recursive: true, filter: (src) => src !== nested });
  }
}
