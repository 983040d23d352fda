/**
 * Compares the vendored corpus (test/conformance/cases) with another copy of it, by case id: the
 * cases the other copy has and ours lacks, and those whose content differs. `.ci/run` uses it when
 * ../shared/conformance exists, so a newer corpus is noticed and pulled in (docs/VENDORED.md).
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { findCaseFiles } from './runner.js';

/** Case id → the case's JSON text (canonical: parsed and printed again) and the file holding it. */
export function readCases(dir: string): Map<string, { readonly file: string; readonly json: string }> {
  const cases = new Map<string, { file: string; json: string }>();
  for (const file of findCaseFiles(dir)) {
    const rel = relative(dir, file);
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (!Array.isArray(parsed)) throw new Error(`${rel}: a case file must hold a JSON array of cases`);
    parsed.forEach((c: unknown, i) => {
      const id = typeof c === 'object' && c !== null && 'id' in c && typeof c.id === 'string' ? c.id : undefined;
      if (id === undefined) throw new Error(`${rel}[${i}]: a case without a string id`);
      cases.set(id, { file: rel, json: JSON.stringify(c) });
    });
  }
  return cases;
}

export interface CorpusDrift {
  /** ids the other corpus has and the vendored copy lacks */
  readonly missing: readonly string[];
  /** ids both have, with different content */
  readonly changed: readonly string[];
}

export function corpusDrift(vendoredDir: string, otherDir: string): CorpusDrift {
  const ours = readCases(vendoredDir);
  const theirs = readCases(otherDir);
  const missing: string[] = [];
  const changed: string[] = [];
  for (const [id, c] of theirs) {
    const mine = ours.get(id);
    if (mine === undefined) missing.push(`${id}  (${c.file})`);
    else if (mine.json !== c.json) changed.push(`${id}  (${c.file})`);
  }
  return { missing, changed };
}
