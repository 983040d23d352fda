/**
 * Every relative link in README.md, CONTRIBUTING.md and docs/**\/*.md resolves to a file (and a
 * heading, when it names one) inside the repository.
 */
import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { anchorsOf, brokenLinks, documentationFiles, linksIn, slug } from './support/links.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Documents linked before they exist (none today; the last test keeps this list honest). */
const PENDING = new Set<string>([]);

describe('links in the documentation', () => {
  it("computes GitHub's anchors: lower case, punctuation and code marks dropped, repeats numbered", () => {
    expect(slug('`hpa-ts explain NS/NAME` — one decision, every step')).toBe(
      'hpa-ts-explain-nsname--one-decision-every-step',
    );
    expect(slug('0.3 Version matrix (what changed when)')).toBe('03-version-matrix-what-changed-when');
    expect(slug('The static metrics file (`--metrics-client=static`)')).toBe(
      'the-static-metrics-file---metrics-clientstatic',
    );
    expect([...anchorsOf('# A\n## Flags\n```\n# not a heading\n```\n### Flags\n')]).toEqual(['a', 'flags', 'flags-1']);
  });

  it('finds inline, reference and HTML links outside code, and leaves URLs alone', () => {
    const md = [
      'See [a](a.md#x), ![img](img/p.png) and <a href="b.md">b</a>.',
      '`[not](a-link.md)` and [web](https://example.com)',
      '```',
      '[in code](c.md)',
      '```',
      '[ref]: d/e.md#y',
    ].join('\n');
    expect(linksIn(md, 'docs/x.md').map((l) => [l.line, l.target])).toEqual([
      [1, 'a.md#x'],
      [1, 'img/p.png'],
      [1, 'b.md'],
      [6, 'd/e.md#y'],
    ]);
  });

  it('reports a missing file, a missing heading and a way out of the repository', () => {
    const links = [
      { from: 'README.md', line: 1, target: 'docs/nope.md' },
      { from: 'README.md', line: 2, target: 'CONTRIBUTING.md#no-such-heading' },
      { from: 'docs/README.md', line: 3, target: '../../elsewhere.md' },
      { from: 'docs/README.md', line: 4, target: '../CONTRIBUTING.md#layers' },
    ];
    expect(brokenLinks(ROOT, links).map((b) => [b.link.line, b.problem])).toEqual([
      [1, 'no such file: docs/nope.md'],
      [2, 'no heading #no-such-heading in CONTRIBUTING.md'],
      [3, 'points outside the repository'],
    ]);
  });

  it('every relative link of README.md, CONTRIBUTING.md and docs/ resolves inside the repository', () => {
    const files = documentationFiles(ROOT);
    expect(files).toEqual(expect.arrayContaining(['README.md', 'CONTRIBUTING.md', 'docs/README.md']));
    const links = files.flatMap((f) => linksIn(readFileSync(join(ROOT, f), 'utf8'), f));
    expect(links.length).toBeGreaterThan(50);
    expect(
      brokenLinks(ROOT, links, PENDING).map((b) => `${b.link.from}:${b.link.line} ${b.link.target}: ${b.problem}`),
    ).toEqual([]);
  });

  it('lists as pending only documents that do not exist yet', () => {
    expect([...PENDING].filter((p) => existsSync(join(ROOT, p)))).toEqual([]);
  });
});
