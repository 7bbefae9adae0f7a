// The Dockerfile as a list of stages with just what the packaging tests reason about: base image,
// WORKDIR, COPY steps, ENV, EXPOSE, USER, CMD/ENTRYPOINT. Parsing (continuations, quoting, flags, exec
// form) is dockerfile-ast's, the parser behind the VS Code Docker language server; this file only folds
// its instructions into stages.
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { DockerfileParser, type Copy, type Env, type From, type Instruction, type JSONInstruction } from 'dockerfile-ast';
import { repoRoot } from './repo.js';

export interface CopyStep {
  /** Stage name (or index) of COPY --from; undefined = the build context. */
  from: string | undefined;
  sources: string[];
  /** Absolute destination inside the stage (relative destinations resolved against WORKDIR). */
  dest: string;
  /** The destination ended in "/": files land inside it under their own names. */
  destIsDir: boolean;
}

export interface Stage {
  name: string | undefined;
  image: string;
  platform: string | undefined;
  /** WORKDIR at the end of the stage; "/" when never set. */
  workdir: string;
  env: Record<string, string>;
  copies: CopyStep[];
  /** RUN commands as written (shell form text or exec-form argv joined by spaces). */
  runs: string[];
  expose: string[];
  user: string | undefined;
  /** Exec form as an argv; shell form as ["/bin/sh", "-c", text]. */
  cmd: string[] | undefined;
  entrypoint: string[] | undefined;
}

export const dockerfilePath = posix.join(repoRoot, 'Dockerfile');
export const dockerignorePath = posix.join(repoRoot, '.dockerignore');

export function loadDockerfile(path = dockerfilePath): Stage[] {
  return parseDockerfile(readFileSync(path, 'utf8'));
}

export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  for (const ins of DockerfileParser.parse(text).getInstructions()) {
    const keyword = ins.getKeyword();
    if (keyword === 'FROM') {
      stages.push(newStage(ins as From));
      continue;
    }
    const stage = stages.at(-1);
    if (stage === undefined) continue; // ARG before the first FROM
    apply(stage, keyword, ins);
  }
  return stages;
}

function newStage(from: From): Stage {
  return {
    name: from.getBuildStage() ?? undefined,
    image: from.getImage() ?? '',
    platform: from.getPlatformFlag()?.getValue() ?? undefined,
    workdir: '/',
    env: {},
    copies: [],
    runs: [],
    expose: [],
    user: undefined,
    cmd: undefined,
    entrypoint: undefined,
  };
}

function apply(stage: Stage, keyword: string, ins: Instruction): void {
  const args = ins.getArguments().map((a) => a.getValue());
  switch (keyword) {
    case 'WORKDIR':
      stage.workdir = posix.resolve(stage.workdir, args.join(' '));
      break;
    case 'ENV':
      for (const p of (ins as Env).getProperties()) stage.env[p.getName()] = p.getValue() ?? '';
      break;
    case 'COPY':
    case 'ADD':
      stage.copies.push(copyStep(stage, ins as Copy));
      break;
    case 'RUN':
      stage.runs.push(argv(ins as JSONInstruction).join(' '));
      break;
    case 'EXPOSE':
      stage.expose.push(...args);
      break;
    case 'USER':
      stage.user = args.join(' ');
      break;
    case 'CMD':
      stage.cmd = argv(ins as JSONInstruction);
      break;
    case 'ENTRYPOINT':
      stage.entrypoint = argv(ins as JSONInstruction);
      break;
  }
}

function copyStep(stage: Stage, copy: Copy): CopyStep {
  const paths = copy.getArguments().map((a) => a.getValue());
  const dest = paths.pop() ?? '';
  return {
    from: copy.getFromFlag()?.getValue() ?? undefined,
    sources: paths,
    dest: posix.resolve(stage.workdir, dest),
    destIsDir: dest.endsWith('/') || paths.length > 1,
  };
}

function argv(ins: JSONInstruction): string[] {
  const json = ins.getJSONStrings().map((s) => s.getJSONValue());
  return json.length > 0 ? json : ['/bin/sh', '-c', ins.getArgumentsContent() ?? ''];
}

/** The stage a COPY --from names: by name, or by index as Docker allows. */
export function stageNamed(stages: Stage[], ref: string): Stage | undefined {
  return stages.find((s) => s.name === ref) ?? (/^\d+$/.test(ref) ? stages[Number(ref)] : undefined);
}
