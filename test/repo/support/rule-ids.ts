/**
 * Rule ids cited in code comments, and where they resolve: `§n[.m…]` to a numbered heading of the
 * spec (docs/spec/HPA-SEMANTICS.md) or of the note the comment names just before it
 * ("typescript-stack.md §1.4, §1.6" → docs/notes/typescript-stack.md), `Rn.m[.k]` to a `**R…**`
 * rule of the spec and `Vn` to a row of the spec's version matrix (§0.3).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

export interface Comment {
  /** 1-based line of the comment's first character */
  readonly line: number;
  readonly text: string;
}

/** Every `//` and `/* … *\/` comment of a TypeScript or JavaScript source, strings and regexes aside. */
export function commentsOf(source: string, fileName: string): Comment[] {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true);
  const byPos = new Map<number, Comment>();
  const visit = (node: ts.Node): void => {
    if (node.kind >= ts.SyntaxKind.FirstJSDocNode && node.kind <= ts.SyntaxKind.LastJSDocNode) return;
    const children = node.getChildren(sf);
    // Comments live in the trivia around tokens: those on a token's own line after it are its
    // trailing comments, the rest lead the next token (the end-of-file token included).
    if (children.length === 0) {
      const ranges = [
        ...(ts.getLeadingCommentRanges(source, node.pos) ?? []),
        ...(ts.getTrailingCommentRanges(source, node.end) ?? []),
      ];
      for (const r of ranges) {
        if (!byPos.has(r.pos))
          byPos.set(r.pos, {
            line: sf.getLineAndCharacterOfPosition(r.pos).line + 1,
            text: source.slice(r.pos, r.end),
          });
      }
    }
    for (const c of children) visit(c);
  };
  visit(sf);
  return [...byPos.entries()].sort((a, b) => a[0] - b[0]).map(([, c]) => c);
}

/** The notes a comment may name before a § id; anything else is the spec. */
export const NOTES = ['typescript-stack', 'kubectl-wire', 'upstream-and-peers'] as const;
export type Note = (typeof NOTES)[number];

export interface Citation {
  /** as written: §3.1, R3.9.4, V15 */
  readonly id: string;
  /** 1-based line inside the comment */
  readonly lineOffset: number;
  /** where it must resolve */
  readonly document: 'spec' | Note | 'unnamed note';
}

const ID = /§\s?(\d+(?:\.\d+)*)|\bR(\d+(?:\.\d+)+)\b|\bV(\d+)\b/g;
/** the text before a § id ends with a note's name, possibly followed by other § ids of the same list */
const NOTE_BEFORE = new RegExp(
  `(?:(${NOTES.join('|')})(?:\\.md)?|\\b(notes))\\s*(?:§\\s?\\d+(?:\\.\\d+)*\\s*(?:,|and|&|–)\\s*)*$`,
);

export function citationsIn(comment: string): Citation[] {
  const out: Citation[] = [];
  for (const m of comment.matchAll(ID)) {
    const lineOffset = comment.slice(0, m.index).split('\n').length;
    if (m[1] !== undefined) {
      const before = NOTE_BEFORE.exec(comment.slice(0, m.index));
      const document =
        before?.[1] !== undefined ? (before[1] as Note) : before?.[2] !== undefined ? 'unnamed note' : 'spec';
      out.push({ id: `§${m[1]}`, lineOffset, document });
    } else {
      out.push({ id: m[0], lineOffset, document: 'spec' });
    }
  }
  return out;
}

/** The ids a document defines. */
export interface Anchors {
  readonly sections: ReadonlySet<string>;
  readonly rules: ReadonlySet<string>;
  readonly versions: ReadonlySet<string>;
}

export function anchorsOf(markdown: string): Anchors {
  return {
    sections: new Set([...markdown.matchAll(/^#{1,6}\s+(\d+(?:\.\d+)*)\.?\s/gm)].map((m) => m[1])),
    rules: new Set([...markdown.matchAll(/\*\*R(\d+(?:\.\d+)+)\b/g)].map((m) => `R${m[1]}`)),
    versions: new Set([...markdown.matchAll(/^\|\s*(V\d+)\s*\|/gm)].map((m) => m[1])),
  };
}

export type Documents = Readonly<Record<'spec' | Note, Anchors>>;

export function loadDocuments(docsDir: string): Documents {
  const read = (p: string): Anchors => anchorsOf(readFileSync(join(docsDir, p), 'utf8'));
  return {
    spec: read('spec/HPA-SEMANTICS.md'),
    'typescript-stack': read('notes/typescript-stack.md'),
    'kubectl-wire': read('notes/kubectl-wire.md'),
    'upstream-and-peers': read('notes/upstream-and-peers.md'),
  };
}

export function resolves(c: Citation, docs: Documents): boolean {
  if (c.document === 'unnamed note') return false;
  const d = docs[c.document];
  if (c.id.startsWith('§')) return d.sections.has(c.id.slice(1));
  if (c.id.startsWith('R')) return d.rules.has(c.id);
  return d.versions.has(c.id);
}

export interface Unresolved {
  readonly file: string;
  readonly line: number;
  readonly id: string;
  readonly document: Citation['document'];
}

/** Source files under `dirs` (relative to root; missing ones skipped), node_modules and data aside. */
export function sourceFiles(root: string, dirs: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(root, rel)).sort()) {
      if (name === 'node_modules' || name === 'dist') continue;
      const p = `${rel}/${name}`;
      if (statSync(join(root, p)).isDirectory()) walk(p);
      else if (/\.(ts|mts|cts|js|mjs|cjs)$/.test(name)) out.push(p);
    }
  };
  for (const d of dirs) if (existsSync(join(root, d))) walk(d);
  return out;
}

export function unresolvedIn(root: string, files: readonly string[], docs: Documents): Unresolved[] {
  const out: Unresolved[] = [];
  for (const file of files) {
    for (const comment of commentsOf(readFileSync(join(root, file), 'utf8'), file)) {
      for (const c of citationsIn(comment.text)) {
        if (!resolves(c, docs))
          out.push({ file, line: comment.line + c.lineOffset - 1, id: c.id, document: c.document });
      }
    }
  }
  return out;
}
