/**
 * The layer rules (.dependency-cruiser.cjs, docs/ARCHITECTURE.md) bite: a file under controller/
 * that imports the simulator, statically or through `await import()`, makes the checker fail and
 * name the rule. The violating file is removed again whatever happens.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);
const BIN = `${ROOT}node_modules/.bin/depcruise`;
const written: string[] = [];

function violate(name: string, source: string): string {
  const file = `${ROOT}controller/${name}`;
  written.push(file);
  writeFileSync(file, source);
  return `controller/${name}`;
}

async function check(file: string): Promise<{ code: number; out: string }> {
  try {
    const r = await run(BIN, ['--config', '.dependency-cruiser.cjs', '--output-type', 'err', file], { cwd: ROOT });
    return { code: 0, out: r.stdout };
  } catch (e) {
    const r = e as { code: number; stdout: string };
    return { code: r.code, out: r.stdout };
  }
}

describe('layer rules', () => {
  afterEach(() => {
    for (const f of written.splice(0)) rmSync(f, { force: true });
  });

  it('pass on the tree as it is', async () => {
    const r = await check('controller');
    expect(r).toEqual({ code: 0, out: expect.stringContaining('no dependency violations found') });
  });

  it('fail on a static import of the simulator from controller/, naming the rule', async () => {
    const file = violate(
      'zz-layer-violation-static.ts',
      "import { Simulation } from '../simulator/index.js';\nexport const s = Simulation;\n",
    );
    const r = await check(file);
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('controller-imports-algorithms-transport-and-the-metrics-port');
    expect(r.out).toContain(`${file} → simulator/index.ts`);
  });

  it('fail on a dynamic import of the simulator from controller/, naming the rule', async () => {
    const file = violate(
      'zz-layer-violation-dynamic.ts',
      "export async function load(): Promise<unknown> {\n  return await import('../simulator/index.js');\n}\n",
    );
    const r = await check(file);
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('controller-imports-algorithms-transport-and-the-metrics-port');
    expect(r.out).toContain(`${file} → simulator/index.ts`);
  });
});
