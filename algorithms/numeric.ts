/** Integer conversions with Go's semantics where the HPA relies on them. */

export const MAX_INT32 = 2147483647;
export const MIN_INT32 = -2147483648;
export const MAX_INT64 = 9223372036854775807n;
export const MIN_INT64 = -9223372036854775808n;

/**
 * int32(math.Ceil(x)) as the newest upstream does it: saturating at MaxInt32 instead of the
 * platform-defined wrap (amd64 gives MinInt32) of a plain conversion.
 */
export function ceilToInt32(x: number, saturate = true): number {
  return toInt32(Math.ceil(x), saturate);
}

/** int32(x) for an already integral or truncatable float: Go truncates toward zero. */
export function toInt32(x: number, saturate = true): number {
  if (Number.isNaN(x)) return MIN_INT32;
  const t = Math.trunc(x);
  if (t > MAX_INT32) return saturate ? MAX_INT32 : MIN_INT32;
  if (t < MIN_INT32) return MIN_INT32;
  return t;
}

/** float64(int64) — round to nearest, ties to even, as the conversion instruction does. */
export function toFloat(x: bigint): number {
  return Number(x);
}

/** Wraps a bigint into the int64 range as Go's arithmetic does on overflow. */
export function wrapInt64(x: bigint): bigint {
  return BigInt.asIntN(64, x);
}

/** int64(float64) for values produced by ceil(): exact for integral floats, saturating outside the range. */
export function floatToInt64(x: number): bigint {
  if (Number.isNaN(x)) return MIN_INT64;
  if (x >= 9223372036854775808) return MAX_INT64;
  if (x < -9223372036854775808) return MIN_INT64;
  return BigInt(Math.trunc(x));
}

/**
 * int64(x) as a plain Go conversion on amd64 (no saturation): NaN, ±Inf and values outside the
 * range give MinInt64, the instruction's "integer indefinite" value.
 */
export function floatToInt64Amd64(x: number): bigint {
  if (Number.isNaN(x) || x >= 9223372036854775808 || x < -9223372036854775808) return MIN_INT64;
  return BigInt(Math.trunc(x));
}
