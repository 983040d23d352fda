/**
 * The Dockerfile, checked without a Docker engine: dockerfilelint (npm; its exit code is the
 * number of issues, and no rule is ignored) and our own rules — multi-stage, bases pinned by tag,
 * no ADD, production dependencies only, compiled JavaScript, a numeric non-root USER, an init as
 * PID 1, exec-form ENTRYPOINT/CMD, no HEALTHCHECK — plus the .dockerignore, and that the code the
 * image runs imports only production dependencies (so `npm ci --omit=dev` is enough).
 */
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import { dockerfileStages, dockerignore, ignoredBy } from './support/dockerfile.js';
import { ROOT, relPath } from './support/manifests.js';

const stages = dockerfileStages();
const all = stages.flat();
const runtime = stages[stages.length - 1];

describe('the Dockerfile', () => {
  it('passes dockerfilelint with no issue (exit code = number of issues)', () => {
    const bin = join(ROOT, 'node_modules', 'dockerfilelint', 'bin', 'dockerfilelint');
    const r = spawnSync(process.execPath, [bin, '-o', 'json', join(ROOT, 'Dockerfile')], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    const report = JSON.parse(r.stdout) as { totalIssues: number; files: { issues: unknown[] }[] };
    expect(report.files[0].issues).toEqual([]);
    expect(r.status).toBe(0);
  });

  it('is multi-stage: a build stage compiles, the runtime stage copies only dist/ from it', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(stages[0][0].args).toMatch(/ AS build$/);
    const build = stages[0].filter((i) => i.op === 'RUN').map((i) => i.args);
    expect(build.some((a) => /^npm ci\b/.test(a))).toBe(true);
    expect(build).toContain('npm run build');
    expect(runtime.filter((i) => i.op === 'COPY' && i.args.includes('--from=')).map((i) => i.args)).toEqual([
      '--from=build /src/dist ./dist',
    ]);
  });

  it('pins every base image by tag (not latest); digests need the network, docs/deploy.md says to add them', () => {
    for (const from of all.filter((i) => i.op === 'FROM')) {
      const image = from.args.split(/\s+/)[0];
      expect(image).toMatch(/^[^:@\s]+:[^:@\s]+(@sha256:[0-9a-f]{64})?$/);
      expect(image).not.toMatch(/:latest\b/);
    }
  });

  it('uses COPY, never ADD', () => {
    expect(all.filter((i) => i.op === 'ADD')).toEqual([]);
  });

  it('installs production dependencies only in the runtime stage, without install scripts', () => {
    const installs = runtime.filter((i) => i.op === 'RUN' && /\bnpm (ci|install)\b/.test(i.args)).map((i) => i.args);
    expect(installs).toHaveLength(1);
    expect(installs[0]).toMatch(/^npm ci --omit=dev --ignore-scripts\b/);
  });

  it('runs as a numeric non-root user', () => {
    const users = runtime.filter((i) => i.op === 'USER');
    expect(users).toHaveLength(1);
    const [uid] = users[0].args.split(':');
    expect(uid).toMatch(/^\d+$/);
    expect(Number(uid)).toBeGreaterThan(0);
    // nothing after USER needs root
    expect(runtime.slice(runtime.indexOf(users[0])).filter((i) => i.op === 'RUN')).toEqual([]);
  });

  it('starts the entrypoint (which execs node) under tini, exec form, with `run` as the default command, and has no HEALTHCHECK', () => {
    const entry = runtime.filter((i) => i.op === 'ENTRYPOINT');
    expect(entry.map((i) => JSON.parse(i.args) as unknown)).toEqual([
      ['/usr/bin/tini', '--', '/app/bin/container-entrypoint.sh'],
    ]);
    expect(readFileSync(join(ROOT, 'bin', 'container-entrypoint.sh'), 'utf8')).toContain(
      'exec node "$here/../dist/app/main.js" "$@"',
    );
    // COPY keeps the mode: the entrypoint must be executable in the checkout
    expect(statSync(join(ROOT, 'bin', 'container-entrypoint.sh')).mode & 0o111).toBe(0o111);
    expect(runtime.filter((i) => i.op === 'CMD').map((i) => JSON.parse(i.args) as unknown)).toEqual([['run']]);
    expect(runtime.some((i) => i.op === 'RUN' && /apt-get install .*\btini\b/.test(i.args))).toBe(true);
    expect(all.filter((i) => i.op === 'HEALTHCHECK')).toEqual([]);
  });

  it('labels the image (OCI annotations)', () => {
    const labels = runtime
      .filter((i) => i.op === 'LABEL')
      .map((i) => i.args)
      .join(' ');
    for (const k of ['title', 'source', 'licenses', 'version'])
      expect(labels).toContain(`org.opencontainers.image.${k}=`);
  });

  it('copies the sources the build needs, which the .dockerignore does not exclude', () => {
    const ignore = dockerignore();
    for (const p of ['**/node_modules', 'dist', '.git', 'test', 'manifests', 'coverage']) expect(ignore).toContain(p);
    const copied = all
      .filter((i) => i.op === 'COPY' && !i.args.includes('--from='))
      .flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    for (const c of copied) expect([c, ignore.includes(c)]).toEqual([c, false]);
    expect(copied).toEqual(
      expect.arrayContaining([
        'package.json',
        'package-lock.json',
        'tsconfig.json',
        'tsconfig.build.json',
        'algorithms',
        'transport',
        'metrics-clients',
        'controller',
        'simulator',
        'app',
        'bin',
      ]),
    );
  });
});

/** The .ts sources below `dir` that tsconfig.build.json compiles (tests excluded). */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sourceFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

describe('the .dockerignore, read as the builders read it', () => {
  it('keeps out tests, docs, node_modules and build output at any depth, and keeps the sources', () => {
    const p = dockerignore();
    for (const path of [
      'test/unit/x.test.ts',
      'app/flags/values.test.ts',
      'controller/README.md',
      'node_modules/jest',
      'app/node_modules/x',
      'dist/app/main.js',
      '.git/HEAD',
    ])
      expect([path, ignoredBy(p, path)]).toEqual([path, true]);
    for (const path of [
      'app/main.ts',
      'controller/serving/secure-server.ts',
      'package.json',
      'bin/hpa-ts.js',
      'bin/container-entrypoint.sh',
      'bin/heap-limit.sh',
    ])
      expect([path, ignoredBy(p, path)]).toEqual([path, false]);
  });
});

describe('the code the image runs', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const tsconfig = JSON.parse(readFileSync(join(ROOT, 'tsconfig.build.json'), 'utf8')) as { include: string[] };

  it('imports only production dependencies and Node built-ins (npm ci --omit=dev is enough)', () => {
    const files = tsconfig.include.flatMap((dir) => sourceFiles(join(ROOT, dir))).map((f) => relPath(f));
    expect(files.length).toBeGreaterThan(50);
    const builtins = new Set(builtinModules);
    const missing = new Set<string>();
    for (const f of files) {
      const text = readFileSync(join(ROOT, f), 'utf8');
      for (const m of text.matchAll(
        /^\s*(?:import|export)\s+(type\s+)?[^'"]*?from\s+'([^'.][^']*)'|import\('([^'.][^']*)'\)/gm,
      )) {
        if (m[1] !== undefined) continue; // type-only: erased
        const spec = m[2] ?? m[3];
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
        if (spec.startsWith('node:') || builtins.has(name)) continue;
        if (pkg.dependencies[name] === undefined) missing.add(`${relPath(join(ROOT, f))}: ${spec}`);
      }
    }
    expect([...missing]).toEqual([]);
  });

  it('imports nothing outside the folders the image copies', () => {
    const outside = new Set<string>();
    let seen = 0;
    for (const f of tsconfig.include.flatMap((dir) => sourceFiles(join(ROOT, dir)))) {
      for (const m of readFileSync(f, 'utf8').matchAll(/(?:from\s+|import\()'(\.{1,2}\/[^']+)'/g)) {
        seen++;
        const target = relPath(join(dirname(f), m[1]));
        if (!tsconfig.include.some((dir) => target.startsWith(`${dir}/`))) outside.add(`${relPath(f)}: ${m[1]}`);
      }
    }
    expect(seen).toBeGreaterThan(100);
    expect([...outside]).toEqual([]);
  });
});
