import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { runBehaviorCase } from './behavior-cases.js';
import { runControllerCase } from './controller-cases.js';
import type { Mismatch } from './compare.js';
import { CaseError, obj, type Json, type JsonObject } from './convert.js';
import { runReplicaCalcCase } from './replica-calc-cases.js';

export interface CaseResult {
  readonly id: string;
  readonly file: string;
  readonly mismatches: readonly Mismatch[];
  /** a case the runner could not run (unknown key, unsupported kind, malformed input) */
  readonly error?: string;
}

export function findCaseFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findCaseFiles(p));
    else if (name.endsWith('.json')) out.push(p);
  }
  return out;
}

/** The family of a case: its id prefix (`behavior/…`, `controller/…`, `replica-calc/…`). */
function runOne(c: JsonObject): Mismatch[] {
  const id = typeof c.id === 'string' ? c.id : '';
  const family = id.split('/')[0];
  switch (family) {
    case 'behavior':
      return runBehaviorCase(c);
    case 'controller':
      return runControllerCase(c);
    case 'replica-calc':
      return runReplicaCalcCase(c);
    default:
      throw new CaseError(`unsupported case kind "${family}" (id ${JSON.stringify(id)})`);
  }
}

export function runCorpus(dir: string): CaseResult[] {
  const results: CaseResult[] = [];
  const seen = new Set<string>();
  for (const file of findCaseFiles(dir)) {
    const rel = relative(dir, file);
    let cases: Json;
    try {
      cases = JSON.parse(readFileSync(file, 'utf8')) as Json;
    } catch (e) {
      results.push({ id: rel, file: rel, mismatches: [], error: `unreadable JSON: ${(e as Error).message}` });
      continue;
    }
    if (!Array.isArray(cases)) {
      results.push({ id: rel, file: rel, mismatches: [], error: 'a case file must hold a JSON array of cases' });
      continue;
    }
    cases.forEach((raw, i) => {
      let id = `${rel}[${i}]`;
      try {
        const c = obj(raw, id);
        if (typeof c.id === 'string') id = c.id;
        if (seen.has(id)) throw new CaseError(`duplicate case id ${id}`);
        seen.add(id);
        results.push({ id, file: rel, mismatches: runOne(c) });
      } catch (e) {
        const msg = e instanceof CaseError ? e.message : `${(e as Error).name}: ${(e as Error).message}`;
        results.push({ id, file: rel, mismatches: [], error: msg });
      }
    });
  }
  return results;
}

export function failed(r: CaseResult): boolean {
  return r.error !== undefined || r.mismatches.length > 0;
}

export function formatFailure(r: CaseResult): string {
  const lines = [`FAIL ${r.id}  (${r.file})`];
  if (r.error !== undefined) lines.push(`  error: ${r.error}`);
  for (const m of r.mismatches) {
    lines.push(`  ${m.path}:`);
    lines.push(`    - expected ${JSON.stringify(m.expected)}`);
    lines.push(
      `    + actual   ${JSON.stringify(m.actual, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`,
    );
  }
  return lines.join('\n');
}
