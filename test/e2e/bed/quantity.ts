/** Kubernetes quantity text → milli-units (the bed's own, for requests it reads back). */
export function parseQuantityMilli(text: string): number {
  const m = /^([+-]?\d+(?:\.\d+)?)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(text.trim());
  if (!m) throw new Error(`bad quantity ${text}`);
  const mult: Record<string, number> = {
    '': 1000,
    m: 1,
    k: 1e6,
    M: 1e9,
    G: 1e12,
    T: 1e15,
    Ki: 1024e3,
    Mi: 1024 ** 2 * 1e3,
    Gi: 1024 ** 3 * 1e3,
    Ti: 1024 ** 4 * 1e3,
  };
  return Math.round(Number(m[1]) * mult[m[2] ?? '']);
}
