/**
 * The Dockerfile's steps, without a container engine: every stage in its own clean folder (its
 * filesystem root), its COPY steps copying from the build context as the builders do (.dockerignore
 * applied, `--from=` another stage's folder), its RUN steps run there with the stage's ENV — the
 * npm install and the TypeScript build for real — then the image's entrypoint from the runtime
 * stage's folder: production dependencies and compiled JavaScript only, which must run a scenario
 * and refuse a missing kubeconfig cleanly. The one step not run is the runtime stage's
 * `apt-get install tini` (a system package of the base image's OS; tini only forwards signals).
 * The node is the test's own, not the base image's (test/deploy/dockerfile.test.ts checks the tag).
 * npm works against a hard-linked copy of the npm cache, so the image's `npm cache clean` cleans
 * only that copy.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { dockerfileStages, dockerignore, ignoredBy, type Instruction } from './support/dockerfile.js';
import { ROOT } from './support/manifests.js';

interface Stage {
  readonly name: string;
  readonly root: string;
  workdir: string;
  readonly env: Record<string, string>;
  readonly ran: string[];
  readonly skipped: string[];
}

const patterns = dockerignore();

/** COPY from the build context: files and folders, what the .dockerignore excludes left out. */
function copyFromContext(src: string, dest: string): void {
  const from = join(ROOT, src);
  if (statSync(from).isDirectory()) {
    cpSync(from, dest, {
      recursive: true,
      filter: (p) => !ignoredBy(patterns, relative(ROOT, p).split('\\').join('/')),
    });
  } else {
    mkdirSync(dest.endsWith('/') ? dest : join(dest, '..'), { recursive: true });
    cpSync(from, dest.endsWith('/') ? join(dest, src.split('/').pop() ?? src) : dest);
  }
}

function inStage(stage: Stage, path: string): string {
  return isAbsolute(path) ? join(stage.root, path) : join(stage.root, stage.workdir, path);
}

function copy(stage: Stage, args: string, stages: ReadonlyMap<string, Stage>): void {
  const words = args.split(/\s+/);
  const from = words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
  const paths = words.filter((w) => !w.startsWith('--'));
  const dest = paths.pop() ?? '.';
  const many = paths.length > 1 || dest.endsWith('/');
  for (const src of paths) {
    const target = inStage(stage, dest) + (many && !dest.endsWith('/') ? '/' : '');
    if (from === undefined) copyFromContext(src, target);
    else cpSync(join(stages.get(from)?.root ?? '/nonexistent', src), target, { recursive: true });
  }
}

function run(stage: Stage, command: string, npmCache: string): void {
  if (/^apt-get\b/.test(command)) {
    stage.skipped.push(command);
    return;
  }
  const r = spawnSync('sh', ['-c', command], {
    cwd: inStage(stage, '.'),
    env: { ...process.env, ...stage.env, npm_config_cache: npmCache, npm_config_prefer_offline: 'true' },
    encoding: 'utf8',
    timeout: 600_000,
  });
  if (r.status !== 0)
    throw new Error(`RUN ${command} (stage ${stage.name}) exited ${r.status}:\n${r.stderr.slice(-3000)}`);
  stage.ran.push(command);
}

function build(dir: string, npmCache: string): Map<string, Stage> {
  const stages = new Map<string, Stage>();
  for (const instructions of dockerfileStages()) {
    const name = /\bAS\s+(\S+)$/i.exec(instructions[0].args)?.[1] ?? String(stages.size);
    const stage: Stage = { name, root: join(dir, name), workdir: '/', env: {}, ran: [], skipped: [] };
    mkdirSync(stage.root);
    for (const ins of instructions.slice(1)) step(stage, ins, stages, npmCache);
    stages.set(name, stage);
  }
  return stages;
}

function step(stage: Stage, ins: Instruction, stages: ReadonlyMap<string, Stage>, npmCache: string): void {
  if (ins.op === 'WORKDIR') {
    stage.workdir = ins.args;
    mkdirSync(inStage(stage, '.'), { recursive: true });
  } else if (ins.op === 'ENV') {
    for (const m of ins.args.matchAll(/(\w+)=(\S+)/g)) stage.env[m[1]] = m[2];
  } else if (ins.op === 'COPY') copy(stage, ins.args, stages);
  else if (ins.op === 'RUN') run(stage, ins.args, npmCache);
}

/** the entrypoint execs `node`: this one */
const nodeFirstOnPath = `${dirname(process.execPath)}:${process.env.PATH ?? ''}`;

describe('the Dockerfile, step by step in a clean folder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hpa-ts-image-'));
  let stages = new Map<string, Stage>();
  let runtime: Stage;
  let entry: string[];

  beforeAll(() => {
    const npmCache = join(dir, 'npm-cache');
    const userCache = execFileSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8' }).trim();
    // hard links: instant, and the image's `npm cache clean --force` removes only these
    if (existsSync(userCache)) execFileSync('cp', ['-al', userCache, npmCache]);
    stages = build(dir, npmCache);
    runtime = [...stages.values()].pop() as Stage;
    const instructions = dockerfileStages().pop() ?? [];
    entry = JSON.parse(instructions.find((i) => i.op === 'ENTRYPOINT')?.args ?? '[]') as string[];
  }, 900_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs every RUN step of the build stage: npm ci, then the TypeScript build', () => {
    const b = stages.get('build') as Stage;
    expect(b.ran).toEqual(['npm ci --ignore-scripts --no-audit --no-fund', 'npm run build']);
    expect(existsSync(join(b.root, 'src', 'dist', 'app', 'main.js'))).toBe(true);
  });

  it('leaves the runtime stage production dependencies, dist/ and bin/ only (tini aside)', () => {
    expect(runtime.skipped).toEqual([expect.stringMatching(/^apt-get update .*apt-get install .*tini/)]);
    const app = join(runtime.root, 'app');
    expect(readdirSync(app).sort()).toEqual(['bin', 'dist', 'node_modules', 'package-lock.json', 'package.json']);
    expect(existsSync(join(app, 'node_modules', 'typescript'))).toBe(false);
    expect(existsSync(join(app, 'node_modules', 'jest'))).toBe(false);
    expect(existsSync(join(app, 'node_modules', '@kubernetes', 'client-node'))).toBe(true);
    expect(readdirSync(join(app, 'dist'))).not.toContain('test');
  });

  it('starts: the entrypoint runs a scenario with the production dependencies only', () => {
    expect(entry.slice(0, 2)).toEqual(['/usr/bin/tini', '--']);
    const r = spawnSync(
      'sh',
      [
        join(runtime.root, entry[2]),
        'simulate',
        join(ROOT, 'examples', 'seed-000-demo.yaml'),
        '--svg',
        join(dir, 'chart.svg'),
      ],
      {
        cwd: join(runtime.root, 'app'),
        env: { ...process.env, ...runtime.env, NODE_OPTIONS: '', PATH: nodeFirstOnPath },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toMatch(/simulated 4m in .* wall: \d+ reconciles/);
  });

  it("starts `run` (the image's CMD) and refuses a missing kubeconfig with a one-line error", () => {
    const r = spawnSync(
      'sh',
      [join(runtime.root, entry[2]), 'run', '--kubeconfig', join(dir, 'missing'), '--log-format', 'text'],
      {
        cwd: join(runtime.root, 'app'),
        env: { ...process.env, ...runtime.env, NODE_OPTIONS: '', PATH: nodeFirstOnPath },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(r.status).toBe(1);
    expect(`${r.stdout}${r.stderr}`).toMatch(/cannot start: kubeconfig .*missing/);
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/\n\s+at /);
  });
});
