import type { HorizontalPodAutoscalerStatus } from './api-types.js';
import { Quantity } from './quantity.js';
import { parseInstant } from './time.js';

const QUANTITY_KEYS = new Set(['value', 'averageValue']);
const TIME_KEYS = new Set(['lastScaleTime', 'lastTransitionTime']);

function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null || v === '' || v === 0 || v === false) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.values(v as Record<string, unknown>).every(isEmpty);
  return false;
}

function sameQuantity(a: unknown, b: unknown): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return semanticEqual(a, b, '');
  const qa = Quantity.tryParse(a);
  const qb = Quantity.tryParse(b);
  if (!qa.ok || !qb.ok) return a === b;
  return qa.value.equals(qb.value);
}

function sameTime(a: unknown, b: unknown): boolean {
  if (isEmpty(a) && isEmpty(b)) return true;
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  return Math.floor(parseInstant(a) / 1000) === Math.floor(parseInstant(b) / 1000);
}

/**
 * apimachinery's semantic deep-equal as the HPA status write uses it (R3.9.3): quantities by
 * value, times by instant, nil equal to empty, an absent field equal to its zero value.
 */
export function semanticEqual(a: unknown, b: unknown, key = ''): boolean {
  if (QUANTITY_KEYS.has(key)) return isEmpty(a) && isEmpty(b) ? true : sameQuantity(a, b);
  if (TIME_KEYS.has(key)) return sameTime(a, b);
  if (isEmpty(a) && isEmpty(b)) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => semanticEqual(x, b[i], ''));
  }
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    const ra = a as Record<string, unknown>;
    const rb = b as Record<string, unknown>;
    for (const k in ra) if (!semanticEqual(ra[k], rb[k], k)) return false;
    for (const k in rb) if (!(k in ra) && !semanticEqual(undefined, rb[k], k)) return false;
    return true;
  }
  return a === b;
}

export function statusEqual(
  a: HorizontalPodAutoscalerStatus | null | undefined,
  b: HorizontalPodAutoscalerStatus | null | undefined,
): boolean {
  return semanticEqual(a ?? {}, b ?? {});
}
