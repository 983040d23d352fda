/**
 * The Dockerfile read without a container engine: its instructions (continuation lines joined,
 * comments dropped), its stages, and the .dockerignore patterns, as the tests of the image use them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './manifests.js';

export interface Instruction {
  readonly line: number;
  readonly op: string;
  readonly args: string;
}

/** Dockerfile instructions with continuation lines joined and comments dropped. */
export function instructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let l = lines[i];
    if (/^\s*(#|$)/.test(l)) continue;
    while (l.endsWith('\\') && i + 1 < lines.length) l = `${l.slice(0, -1)} ${lines[++i].trim()}`;
    const m = /^\s*([A-Za-z]+)\s+(.*)$/.exec(l);
    if (m !== null) out.push({ line: start + 1, op: m[1].toUpperCase(), args: m[2].trim() });
  }
  return out;
}

/** The repository's Dockerfile, split into stages (each starts with its FROM). */
export function dockerfileStages(): Instruction[][] {
  const stages: Instruction[][] = [];
  for (const ins of instructions(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'))) {
    if (ins.op === 'FROM') stages.push([]);
    stages[stages.length - 1]?.push(ins);
  }
  return stages;
}

/** The .dockerignore's patterns (comments and blank lines dropped). */
export function dockerignore(): string[] {
  return readFileSync(join(ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

/**
 * Whether a path of the build context (relative, `/`-separated) is excluded, as the builders read
 * the patterns: Go's filepath.Match per segment, `**` for any number of segments, a pattern also
 * excluding everything below what it matches. (No `!` exceptions: the file has none.)
 */
export function ignoredBy(patterns: readonly string[], path: string): boolean {
  const toRegex = (p: string): RegExp => {
    const body = p
      .replace(/^\/+/, '')
      .split('/')
      .map((seg) =>
        seg === '**'
          ? '(?:.*)'
          : seg
              .replace(/[.+^${}()|[\]\\]/g, '\\$&')
              .replace(/\*/g, '[^/]*')
              .replace(/\?/g, '[^/]'),
      )
      .join('/')
      .replace(/\(\?:\.\*\)\//g, '(?:.*/)?');
    return new RegExp(`^${body}(?:/.*)?$`);
  };
  return patterns.some((p) => toRegex(p).test(path));
}
