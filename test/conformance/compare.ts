import { Quantity, formatInstant, parseInstant, type Instant } from '../../algorithms/index.js';
import type { Json } from './convert.js';

/** One difference between what upstream asserts and what hpa-ts did. */
export interface Mismatch {
  readonly path: string;
  readonly expected: unknown;
  readonly actual: unknown;
}

export function expectEqual(path: string, expected: Json | undefined, actual: unknown): Mismatch[] {
  return JSON.stringify(expected ?? null) === JSON.stringify(actual ?? null) ? [] : [{ path, expected, actual }];
}

export function expectSet(path: string, expected: Json | undefined, actual: readonly string[]): Mismatch[] {
  const e = Array.isArray(expected) ? expected.map(String).sort() : [];
  const a = [...actual].sort();
  return JSON.stringify(e) === JSON.stringify(a) ? [] : [{ path, expected: e, actual: a }];
}

/** Quantities compare by exact value in milli-units ("1" equals "1000m"). */
export function expectQuantity(path: string, expected: Json | undefined, actual: Quantity): Mismatch[] {
  if (typeof expected !== 'string' && typeof expected !== 'number')
    return [{ path, expected, actual: actual.toString() }];
  return Quantity.parse(expected).milliValue() === actual.milliValue()
    ? []
    : [{ path, expected, actual: actual.toString() }];
}

export function expectInstant(path: string, expected: Json, actual: Instant): Mismatch[] {
  if (typeof expected !== 'string') return [{ path, expected, actual: formatInstant(actual) }];
  return parseInstant(expected) === actual ? [] : [{ path, expected, actual: formatInstant(actual) }];
}

/**
 * `error` is a lowercase substring of the message. Where upstream states its message
 * (`upstreamError`), hpa-ts aims at the same text: exact or substring, case-sensitive.
 */
export function expectError(expected: Json, actual: string | null, upstream: Json | undefined): Mismatch[] {
  if (actual === null) return [{ path: 'error', expected, actual: 'no error' }];
  const out: Mismatch[] = [];
  if (typeof expected === 'string' && !actual.toLowerCase().includes(expected))
    out.push({ path: 'error', expected, actual });
  if (upstream !== null && upstream !== undefined && typeof upstream === 'object' && !Array.isArray(upstream)) {
    const msg = upstream.message;
    if (typeof msg === 'string') {
      const match = upstream.match === 'exact' ? actual === msg : actual.includes(msg);
      if (!match) out.push({ path: `error (upstream ${String(upstream.match)})`, expected: msg, actual });
    }
  }
  return out;
}
