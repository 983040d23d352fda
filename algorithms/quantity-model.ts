/**
 * Shared internals of `Quantity` (spec §7): the error type, the exact representation handed between
 * the parser, the formatter and the class, and the bigint helpers they use. No floats in here: every
 * value is `unscaled × 10^exp10` with a bigint mantissa.
 */
import { MAX_INT64, MIN_INT64 } from './numeric.js';

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

/**
 * Why a quantity was rejected: `format` — not a number with an optional suffix (upstream
 * ErrFormatWrong / ErrNumeric); `suffix` — a number followed by letters that are not a known
 * suffix ("0.1mi", "1e", and also "12Q", "1KiB", which upstream's scanner reports as
 * ErrFormatWrong); `range` — a decimal exponent outside ±(2^31 − 1), which newest upstream
 * rejects instead of truncating it to an unrelated int32.
 */
export type QuantityErrorReason = 'format' | 'suffix' | 'range';

/** A rejected quantity. `message` names the text, e.g. `quantity "12Q": unknown suffix "Q"`. */
export class QuantityError extends Error {
  readonly text: string;
  readonly reason: QuantityErrorReason;

  constructor(text: string, reason: QuantityErrorReason, detail: string) {
    super(`quantity ${JSON.stringify(text)}: ${detail}`);
    this.name = 'QuantityError';
    this.text = text;
    this.reason = reason;
  }
}

export const FORMAT_DETAIL = 'expected a number with an optional suffix (e.g. "100m", "1.5Gi")';

/**
 * A quantity as the parser or a constructor produced it.
 *
 * `unscaled × 10^exp10` is the exact value. Upstream keeps a value in one of two forms and two of
 * its results depend on which (§7.6, §7.8), so that is recorded too:
 * - `bigExp10 === undefined`: the int64 fast form, `int64Amount{value: unscaled, scale: exp10}`
 *   exactly as parsed ("50m" → (50, −3), "0.3" → (3, −1)).
 * - otherwise the arbitrary-precision form (inf.Dec); upstream holds the same value with exponent
 *   `bigExp10` (−9 after the nano rounding of a parse, 0 for the BinarySI cap). `unscaled`/`exp10`
 *   may then be a shorter spelling of the same value: for `"1e2000000000"`-like inputs the
 *   upstream spelling would not fit in memory.
 */
export interface QuantityParts {
  readonly unscaled: bigint;
  readonly exp10: number;
  readonly format: QuantityFormat;
  readonly bigExp10: number | undefined;
  /** The input text when upstream keeps it verbatim as the canonical string (§7.3). */
  readonly text: string | undefined;
}

/** Largest magnitude a BinarySI value may have after parsing (upstream `maxAllowed`). */
export const BINARY_SI_MAX = MAX_INT64;
/** Newest upstream accepts decimal exponents within ±MaxInt32 and rejects the rest. */
export const MAX_EXPONENT = 2147483647;

const POW10_TABLE: readonly bigint[] = (() => {
  const table: bigint[] = [];
  let p = 1n;
  for (let i = 0; i <= 40; i++) {
    table.push(p);
    p *= 10n;
  }
  return table;
})();

/** 10^k as a bigint, k ≥ 0. Callers bound k by the digits involved, so this never explodes. */
export function pow10n(k: number): bigint {
  return k < POW10_TABLE.length ? POW10_TABLE[k] : 10n ** BigInt(k);
}

export function absBig(n: bigint): bigint {
  return n < 0n ? -n : n;
}

/** Number of decimal digits of |n| (1 for 0). */
export function digitCount(n: bigint): number {
  const a = absBig(n);
  if (a < POW10_TABLE[15]) {
    let d = 1;
    while (d < 15 && a >= POW10_TABLE[d]) d++;
    return d;
  }
  return a.toString().length;
}

/** n / 10^k rounded away from zero (k ≥ 1); k larger than n's digit count gives ±1. */
export function divPow10AwayFromZero(n: bigint, k: number): bigint {
  if (n === 0n) return 0n;
  if (k > 18 && k > digitCount(n)) return n < 0n ? -1n : 1n;
  const d = pow10n(k);
  const q = n / d; // truncates toward zero
  if (q * d === n) return q;
  return n < 0n ? q - 1n : q + 1n;
}

/** Clamps to the int64 range, the way newest upstream saturates an overflowing scaled value. */
export function saturateInt64(n: bigint): bigint {
  if (n > MAX_INT64) return MAX_INT64;
  if (n < MIN_INT64) return MIN_INT64;
  return n;
}
