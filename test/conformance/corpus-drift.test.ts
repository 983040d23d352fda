import { afterAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { corpusDrift, readCases } from './corpus-drift.js';

const VENDORED = fileURLToPath(new URL('./cases', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function corpus(files: Record<string, readonly object[]>): string {
  const dir = mkdtempSync(join(tmpdir(), 'hpa-ts-corpus-'));
  made.push(dir);
  for (const [file, cases] of Object.entries(files)) {
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), JSON.stringify(cases, null, 2));
  }
  return dir;
}

const a = { id: 'behavior/TestA/one', expect: { replicas: 1 } };
const b = { id: 'behavior/TestA/two', expect: { replicas: 2 } };

describe('the vendored conformance corpus against another copy', () => {
  it('holds the 216 public cases, each id once', () => {
    expect(readCases(VENDORED).size).toBe(216);
  });

  it('finds nothing when the other copy has the same cases, whatever their layout and spacing', () => {
    const ours = corpus({ 'behavior/TestA.json': [a, b] });
    const theirs = corpus({ 'behavior/A.json': [b], 'behavior/more/A.json': [a] });
    expect(corpusDrift(ours, theirs)).toEqual({ missing: [], changed: [] });
  });

  it('names the cases the other copy has and ours lacks, not the ones only ours has', () => {
    const ours = corpus({ 'behavior/TestA.json': [a] });
    const theirs = corpus({ 'behavior/TestA.json': [b] });
    expect(corpusDrift(ours, theirs)).toEqual({ missing: ['behavior/TestA/two  (behavior/TestA.json)'], changed: [] });
  });

  it('names a case whose content changed under the same id', () => {
    const ours = corpus({ 'behavior/TestA.json': [a] });
    const theirs = corpus({ 'behavior/TestA.json': [{ ...a, expect: { replicas: 3 } }] });
    expect(corpusDrift(ours, theirs)).toEqual({ missing: [], changed: ['behavior/TestA/one  (behavior/TestA.json)'] });
  });

  it('refuses a case without an id, naming the file and index', () => {
    const bad = corpus({ 'behavior/TestA.json': [a, { expect: {} }] });
    expect(() => readCases(bad)).toThrow('behavior/TestA.json[1]: a case without a string id');
  });

  it('the check script exits 1 and lists the missing case when the other copy is ahead', () => {
    const theirs = corpus({ 'behavior/TestNew.json': [{ id: 'behavior/TestNew/only-upstream' }] });
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'test/conformance/check-vendored.ts', theirs], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('missing from the vendored corpus: behavior/TestNew/only-upstream');
  });
});
