/**
 * bin/container-entrypoint.sh, the image's entrypoint: the heap limit it derives from the
 * container's memory limit (max(64, min(limit × 3/4, limit − 128)) MiB), from fake cgroup files
 * (HPA_TS_CGROUP_ROOT) and a fake `node` that prints what it was started with.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT } from './support/manifests.js';

const ENTRYPOINT = join(ROOT, 'bin', 'container-entrypoint.sh');
const dir = mkdtempSync(join(tmpdir(), 'hpa-ts-entrypoint-'));
const fakeBin = join(dir, 'bin');
mkdirSync(fakeBin);
writeFileSync(join(fakeBin, 'node'), '#!/bin/sh\nprintf "NODE_OPTIONS=%s\\n" "$NODE_OPTIONS"\nprintf "%s\\n" "$@"\n');
chmodSync(join(fakeBin, 'node'), 0o755);
let cases = 0;

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MiB = 1048576;

/** Runs the entrypoint (under POSIX sh) over a cgroup folder holding `files`; what node got. */
function start(files: Record<string, string>, nodeOptions?: string): { nodeOptions: string; args: string[] } {
  const root = join(dir, `cgroup-${cases++}`);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), `${text}\n`);
  }
  mkdirSync(root, { recursive: true });
  const env: Record<string, string> = {
    PATH: `${fakeBin}:${process.env.PATH ?? ''}`,
    HPA_TS_CGROUP_ROOT: root,
    ...(nodeOptions === undefined ? {} : { NODE_OPTIONS: nodeOptions }),
  };
  const r = spawnSync('sh', [ENTRYPOINT, 'run', '--log-format', 'text'], { env, encoding: 'utf8', timeout: 10_000 });
  expect([r.status, r.stderr]).toEqual([0, '']);
  const [first = '', ...args] = r.stdout.trimEnd().split('\n');
  return { nodeOptions: first.replace(/^NODE_OPTIONS=/, ''), args };
}

const v2 = (bytes: number | string): Record<string, string> => ({ 'memory.max': String(bytes) });

describe('the container entrypoint', () => {
  it.each([
    ['512 MiB', 512 * MiB, 384],
    ['2 GiB: a quarter', 2048 * MiB, 1536],
    ['256 MiB: 128 MiB kept', 256 * MiB, 128],
    ['160 MiB: never below 64', 160 * MiB, 64],
    ['64 MiB', 64 * MiB, 64],
  ])('derives --max-old-space-size from a cgroup v2 limit of %s', (_name, bytes, heap) => {
    expect(start(v2(bytes)).nodeOptions).toBe(`--max-old-space-size=${heap}`);
  });

  it('reads cgroup v1 (memory/memory.limit_in_bytes) where there is no memory.max', () => {
    expect(start({ 'memory/memory.limit_in_bytes': String(1024 * MiB) }).nodeOptions).toBe('--max-old-space-size=768');
  });

  it('sets nothing without a limit: cgroup v2 "max", cgroup v1 "unlimited", or no cgroup files', () => {
    expect(start(v2('max')).nodeOptions).toBe('');
    expect(start({ 'memory/memory.limit_in_bytes': '9223372036854771712' }).nodeOptions).toBe('');
    expect(start({}).nodeOptions).toBe('');
  });

  it('keeps the other NODE_OPTIONS, and a --max-old-space-size already there wins', () => {
    expect(start(v2(512 * MiB), '--max-semi-space-size=2').nodeOptions).toBe(
      '--max-semi-space-size=2 --max-old-space-size=384',
    );
    expect(start(v2(512 * MiB), '--max-semi-space-size=2 --max-old-space-size=200').nodeOptions).toBe(
      '--max-semi-space-size=2 --max-old-space-size=200',
    );
  });

  it('starts the compiled CLI with the arguments it was given', () => {
    expect(start(v2(512 * MiB)).args).toEqual([
      `${join(ROOT, 'bin')}/../dist/app/main.js`,
      'run',
      '--log-format',
      'text',
    ]);
  });
});
