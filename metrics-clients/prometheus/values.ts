/**
 * Prometheus sample values → Kubernetes quantities, as the adapter converts them:
 * `resource.NewMilliQuantity(int64(value*1000.0), …)` — a float64 product truncated toward zero
 * ("0.066" → 66m, "1000.133" → 1000133m). NaN and ±Inf have no such conversion (Go's int64 of them
 * is platform garbage, adapter issue #280), so they are reported, except where the adapter
 * deliberately substitutes 0 (NaN in custom metrics; NaN and negatives in resource metrics).
 */
import { Quantity, type QuantityFormat } from '../../algorithms/index.js';
import type { PromSample } from './http-api.js';

const LIMIT = 2 ** 63;

/** int64(v * 1000.0), or undefined when v is NaN, infinite or beyond int64 once scaled. */
export function milliOf(v: number): bigint | undefined {
  const scaled = v * 1000.0;
  if (!Number.isFinite(scaled) || scaled >= LIMIT || scaled < -LIMIT) return undefined;
  return BigInt(Math.trunc(scaled));
}

export function quantityOf(v: number, format: QuantityFormat = 'DecimalSI'): Quantity | undefined {
  const milli = milliOf(v);
  return milli === undefined ? undefined : Quantity.fromMilli(milli, format);
}

/** MatchValuesToNames: resource label value → sample (later samples win). */
export function matchByLabel(samples: readonly PromSample[], label: string): Map<string, PromSample> {
  const out = new Map<string, PromSample>();
  for (const s of samples) out.set(s.labels[label] ?? '', s);
  return out;
}

export function describeLabels(labels: Readonly<Record<string, string>>): string {
  return `{${Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ')}}`;
}
