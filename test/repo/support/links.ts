/**
 * Relative links of the repository's Markdown: every one must name a file or folder inside the
 * repository and, when it gives one, a heading of the target (GitHub's anchors).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';

export interface Link {
  /** repository-relative path of the Markdown file holding the link */
  readonly from: string;
  readonly line: number;
  readonly target: string;
}

/** The text outside fenced code blocks and inline code, line by line (code is not Markdown). */
function proseLines(markdown: string): string[] {
  let fence: string | undefined;
  return markdown.split('\n').map((line) => {
    const m = /^\s*(`{3,}|~{3,})/.exec(line);
    if (m !== null) {
      if (fence === undefined) fence = m[1][0];
      else if (m[1][0] === fence) fence = undefined;
      return '';
    }
    return fence !== undefined ? '' : line.replace(/`[^`]*`/g, '');
  });
}

const INLINE = /!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g;
const REFERENCE = /^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/;
const HREF = /<a\s[^>]*href="([^"]+)"/g;

/** Links that point inside the repository (no scheme, not protocol-relative). */
export function linksIn(markdown: string, from: string): Link[] {
  const out: Link[] = [];
  proseLines(markdown).forEach((text, i) => {
    const targets = [
      ...[...text.matchAll(INLINE)].map((m) => m[1]),
      ...[...text.matchAll(HREF)].map((m) => m[1]),
      ...(REFERENCE.exec(text)?.slice(1, 2) ?? []),
    ];
    for (const target of targets) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) continue;
      out.push({ from, line: i + 1, target });
    }
  });
  return out;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/[`*]/g, '');
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** Every anchor of a Markdown document, with GitHub's -1, -2 … for repeated headings. */
export function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  let fence = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(`{3,}|~{3,})/.test(line)) fence = !fence;
    const m = fence ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (m === null) continue;
    const base = slug(m[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

export interface Broken {
  readonly link: Link;
  readonly problem: string;
}

/**
 * Checks links against the files under `root`. A target listed in `pending` (repository-relative)
 * may be missing: another change creates it; once it exists, links into it are checked too.
 */
export function brokenLinks(root: string, links: readonly Link[], pending: ReadonlySet<string> = new Set()): Broken[] {
  const out: Broken[] = [];
  for (const link of links) {
    const [rawPath, anchor] = link.target.split('#', 2) as [string, string | undefined];
    const path = decodeURIComponent(rawPath);
    const rel = path === '' ? link.from : normalize(join(dirname(link.from), path));
    if (rel === '..' || rel.startsWith(`..${sep}`)) {
      out.push({ link, problem: 'points outside the repository' });
      continue;
    }
    const abs = join(root, rel);
    if (!existsSync(abs)) {
      if (!pending.has(rel.split(sep).join('/'))) out.push({ link, problem: `no such file: ${rel}` });
      continue;
    }
    if (anchor === undefined || anchor === '') continue;
    if (statSync(abs).isDirectory() || !rel.endsWith('.md')) {
      out.push({ link, problem: `an anchor into ${rel}, which is not a Markdown file` });
      continue;
    }
    if (!anchorsOf(readFileSync(abs, 'utf8')).has(anchor))
      out.push({ link, problem: `no heading #${anchor} in ${rel}` });
  }
  return out;
}

/** README.md, CONTRIBUTING.md and every Markdown file under docs/, repository-relative. */
export function documentationFiles(root: string): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(join(root, dir))
      .sort()
      .flatMap((name) => {
        const p = `${dir}/${name}`;
        return statSync(join(root, p)).isDirectory() ? walk(p) : name.endsWith('.md') ? [p] : [];
      });
  return [...['README.md', 'CONTRIBUTING.md'].filter((f) => existsSync(join(root, f))), ...walk('docs')].map((f) =>
    relative(root, join(root, f)),
  );
}
