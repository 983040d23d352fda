/**
 * Every rule id a code comment cites (§3.1, R3.9.4, V15, "typescript-stack.md §1.4") resolves to a
 * heading, rule or version-matrix row of a document in this repository (docs/spec, docs/notes).
 */
import { describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import {
  anchorsOf,
  citationsIn,
  commentsOf,
  loadDocuments,
  resolves,
  sourceFiles,
  unresolvedIn,
  type Unresolved,
} from './support/rule-ids.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCANNED = ['algorithms', 'metrics-clients', 'controller', 'simulator', 'app', 'transport', 'test'];

/** Ids known not to resolve yet (none today); a stale entry fails, so the list stays honest. */
const PENDING: readonly { readonly file: string; readonly id: string }[] = [];

describe('rule ids in comments', () => {
  const docs = loadDocuments(`${ROOT}docs`);

  it('finds comments, not strings or regular expressions that look like them', () => {
    const src = [
      '/** Clamp (R3.4.3). */',
      "const a = '// §9.9 in a string';",
      'const re = /\\/\\/ R9.9.9/;',
      'const t = `${a} /* V99 */`;',
      'f(a, /* V15 */ re); // §3.1',
      '// R1.1.1 at the end',
    ].join('\n');
    expect(commentsOf(src, 'x.ts').map((c) => [c.line, c.text])).toEqual([
      [1, '/** Clamp (R3.4.3). */'],
      [5, '/* V15 */'],
      [5, '// §3.1'],
      [6, '// R1.1.1 at the end'],
    ]);
  });

  it('reads a § id after a note name (and the ids listed after it) as a section of that note', () => {
    expect(citationsIn('// keep-alive (typescript-stack.md §1.4, §1.6); see §3.1 and V15, R3.9.4')).toEqual([
      { id: '§1.4', lineOffset: 1, document: 'typescript-stack' },
      { id: '§1.6', lineOffset: 1, document: 'typescript-stack' },
      { id: '§3.1', lineOffset: 1, document: 'spec' },
      { id: 'V15', lineOffset: 1, document: 'spec' },
      { id: 'R3.9.4', lineOffset: 1, document: 'spec' },
    ]);
    expect(citationsIn('/* notes/upstream-and-peers.md §1.1, spec §0.3 */').map((c) => c.document)).toEqual([
      'upstream-and-peers',
      'spec',
    ]);
    expect(citationsIn('// (notes §1.8)')).toEqual([{ id: '§1.8', lineOffset: 1, document: 'unnamed note' }]);
  });

  it('resolves against numbered headings, **R…** rules and version-matrix rows', () => {
    const doc = anchorsOf(
      ['## 3. Flow', '### 3.4 Normalization', '* **R3.4.1 Stabilization** …', '| V2 | tolerance | … |'].join('\n'),
    );
    const all = { spec: doc, 'typescript-stack': doc, 'kubectl-wire': doc, 'upstream-and-peers': doc };
    const ok = (text: string): boolean[] => citationsIn(text).map((c) => resolves(c, all));
    expect(ok('§3 §3.4 R3.4.1 V2')).toEqual([true, true, true, true]);
    expect(ok('§3.5 R3.4 R3.4.2 V3 (notes §3.4)')).toEqual([false, false, false, false, false]);
  });

  it('every id cited in algorithms/, metrics-clients/, controller/, simulator/, app/, transport/ and test/ resolves', () => {
    const files = sourceFiles(ROOT, SCANNED);
    expect(files.length).toBeGreaterThan(100);
    const pending = (u: Unresolved): boolean => PENDING.some((p) => p.file === u.file && p.id === u.id);
    const unresolved = unresolvedIn(ROOT, files, docs);
    const report = unresolved
      .filter((u) => !pending(u))
      .map((u) => `${u.file}:${u.line} ${u.id} (${u.document === 'spec' ? 'docs/spec/HPA-SEMANTICS.md' : u.document})`);
    expect(report).toEqual([]);
    const stale = PENDING.filter((p) => !unresolved.some((u) => u.file === p.file && u.id === p.id));
    expect(stale).toEqual([]);
  });
});
