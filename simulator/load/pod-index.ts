/** Pods of the load model by namespace and label, and small helpers over pod data. */
import type { Selector } from '../../algorithms/index.js';
import type { PodLoad } from './types.js';

/** 0–1023 KiB from the pod's name (stable across runs). */
export function jitterKiB(name: string): number {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) >>> 0;
  return h % 1024;
}

export function sameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  if (a === b) return true;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => a[k] === b[k]);
}

/**
 * Pods by namespace and by label=value, so that a selector (`app=web`, what every scale target
 * has) finds its pods without scanning the namespace — the metrics APIs are asked once per HPA
 * per sync.
 */
export class PodIndex {
  private readonly byNamespace = new Map<string, Set<PodLoad>>();
  private readonly byLabel = new Map<string, Set<PodLoad>>();

  private static key(ns: string, k: string, v: string): string {
    return `${ns}\u0000${k}\u0000${v}`;
  }

  private static addTo(m: Map<string, Set<PodLoad>>, key: string, p: PodLoad): void {
    let s = m.get(key);
    if (s === undefined) m.set(key, (s = new Set()));
    s.add(p);
  }

  private static removeFrom(m: Map<string, Set<PodLoad>>, key: string, p: PodLoad): void {
    const s = m.get(key);
    s?.delete(p);
    if (s?.size === 0) m.delete(key);
  }

  add(p: PodLoad): void {
    PodIndex.addTo(this.byNamespace, p.namespace, p);
    for (const [k, v] of Object.entries(p.labels)) PodIndex.addTo(this.byLabel, PodIndex.key(p.namespace, k, v), p);
  }

  remove(p: PodLoad): void {
    PodIndex.removeFrom(this.byNamespace, p.namespace, p);
    for (const [k, v] of Object.entries(p.labels))
      PodIndex.removeFrom(this.byLabel, PodIndex.key(p.namespace, k, v), p);
  }

  matching(namespace: string, selector: Selector): PodLoad[] {
    let candidates: Set<PodLoad> | undefined = this.byNamespace.get(namespace);
    if (candidates === undefined) return [];
    for (const r of selector.requirements) {
      if (!(r.operator === '=' || r.operator === '==' || (r.operator === 'in' && r.values.length === 1))) continue;
      const s = this.byLabel.get(PodIndex.key(namespace, r.key, r.values[0] ?? ''));
      if (s === undefined) return [];
      if (s.size < candidates.size) candidates = s;
    }
    const out: PodLoad[] = [];
    for (const p of candidates) if (selector.matches(p.labels)) out.push(p);
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}
