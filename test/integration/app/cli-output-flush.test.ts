/**
 * Output through a pipe is whole: process.exit right after a large write used to drop what the
 * reader had not taken yet (`hpa-ts simulate FILE -o json | jq` got the first 64 KiB).
 */
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { ROOT } from './cli-process.js';

/** stdout of `hpa-ts ARGS` through a pipe, read until the pipe closes, and the exit code. */
function throughPipe(args: readonly string[]): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'app/main.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, NODE_OPTIONS: '', KUBECONFIG: '' },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const chunks: Buffer[] = [];
  child.stdout.on('data', (d: Buffer) => chunks.push(d));
  return new Promise((resolve) =>
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(chunks).toString('utf8') })),
  );
}

describe('the CLI through a pipe', () => {
  it('simulate -o json writes all of a document larger than a pipe buffer', async () => {
    const r = await throughPipe([
      'simulate',
      'examples/seed-002-cpu-memory.yaml',
      '-o',
      'json',
      '--svg',
      join(tmpdir(), 'hpa-ts-flush.svg'),
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBeGreaterThan(3 * 65_536);
    expect(() => JSON.parse(r.stdout) as unknown).not.toThrow();
  }, 60_000);
});
