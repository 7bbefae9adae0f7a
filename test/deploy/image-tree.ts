// Rebuilds the final image stage's file tree without Docker: a temp folder stands for the image's "/",
// and every COPY of the final stage is carried out into it. What a COPY --from=<build stage> reads is
// taken from this checkout, which is what the build stage holds after its own COPYs, `npm ci`,
// `npm run build` and `npm prune --omit=dev`, with two differences handled here:
//   - node_modules/ is replaced by the production closure (npm ls --omit=dev), as the prune leaves it;
//   - only paths the build stage really has may be read: its context COPYs (which .dockerignore must let
//     through) and the outputs of its RUN steps (listed in buildOutputs).
import { spawnSync } from 'node:child_process';
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
  const rules = readFileSync(dockerignorePath, 'utf8').split('\n');
  // .default: the package is CommonJS with a self-referencing default (types and runtime agree on it).
  return !ignore.default().add(rules).ignores(rel);
}

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

/** The dependency closure of package.json "dependencies", laid out as npm installed it. */
export function productionPackages(): string[] {
  // npm ls exits 1 on extraneous packages (another engineer's uncommitted install) but still lists.
  const out = spawnSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: repoRoot, encoding: 'utf8' });
  if (out.error) throw out.error;
  const prefix = posix.join(repoRoot, 'node_modules') + '/';
  return out.stdout.split('\n').filter((l) => l.startsWith(prefix)).map((l) => l.slice(repoRoot.length + 1));
}

function copyProductionModules(dest: string): void {
  for (const pkg of productionPackages()) {
    const host = posix.join(repoRoot, pkg);
    const nested = posix.join(host, 'node_modules');
    // Nested node_modules are listed on their own when they hold production packages.
    cpSync(host, posix.join(dest, posix.relative('node_modules', pkg)), { recursive: true, filter: (src) => src !== nested });
  }
}
