/**
 * The JSONPath subset of CRD additionalPrinterColumns and scale paths (`.spec.replicas`,
 * `.status.conditions[?(@.type=="Ready")].status`, `.spec.items[0]`, `.spec.items[*].name`).
 */
import { isObject } from '../json.js';

type Step =
  | { readonly kind: 'field'; readonly name: string }
  | { readonly kind: 'index'; readonly index: number }
  | { readonly kind: 'all' }
  | { readonly kind: 'filter'; readonly path: readonly string[]; readonly value: string };

export function parseJsonPath(path: string): Step[] | undefined {
  let p = path.trim();
  if (p.startsWith('{') && p.endsWith('}')) p = p.slice(1, -1);
  if (p.startsWith('$')) p = p.slice(1);
  const steps: Step[] = [];
  let i = 0;
  while (i < p.length) {
    if (p[i] === '.') {
      i++;
      let name = '';
      while (i < p.length && p[i] !== '.' && p[i] !== '[') name += p[i++];
      if (name === '') return undefined;
      steps.push({ kind: 'field', name });
    } else if (p[i] === '[') {
      const end = p.indexOf(']', i);
      if (end === -1) return undefined;
      const inner = p.slice(i + 1, end).trim();
      i = end + 1;
      if (inner === '*') steps.push({ kind: 'all' });
      else if (/^\d+$/.test(inner)) steps.push({ kind: 'index', index: Number(inner) });
      else if (/^'[^']*'$|^"[^"]*"$/.test(inner)) steps.push({ kind: 'field', name: inner.slice(1, -1) });
      else {
        const m = /^\?\(@((?:\.[A-Za-z0-9_-]+)+)\s*==\s*(?:"([^"]*)"|'([^']*)'|([^)\s]+))\)$/.exec(inner);
        if (m === null) return undefined;
        steps.push({ kind: 'filter', path: m[1].slice(1).split('.'), value: m[2] ?? m[3] ?? m[4] });
      }
    } else {
      return undefined;
    }
  }
  return steps;
}

/** All values the path selects (empty when nothing matches). */
export function evalJsonPath(obj: unknown, steps: readonly Step[]): unknown[] {
  let cur: unknown[] = [obj];
  for (const s of steps) {
    const next: unknown[] = [];
    for (const v of cur) {
      switch (s.kind) {
        case 'field':
          if (isObject(v) && v[s.name] !== undefined) next.push(v[s.name]);
          break;
        case 'index':
          if (Array.isArray(v) && s.index < v.length) next.push(v[s.index]);
          break;
        case 'all':
          if (Array.isArray(v)) next.push(...v);
          else if (isObject(v)) next.push(...Object.values(v));
          break;
        case 'filter':
          if (Array.isArray(v)) {
            for (const item of v) {
              let x: unknown = item;
              for (const k of s.path) x = isObject(x) ? x[k] : undefined;
              if (x !== undefined && String(x) === s.value) next.push(item);
            }
          }
          break;
      }
    }
    cur = next;
  }
  return cur;
}

/** A dotted field path (`.spec.replicas` → ['spec','replicas']) for scale subresource paths. */
export function fieldPath(path: string): string[] {
  return path
    .replace(/^\./, '')
    .split('.')
    .filter((s) => s !== '');
}
