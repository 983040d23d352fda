/**
 * Canonical quantity strings (spec §7.7, upstream `CanonicalizeBytes`) and Go's `math.Pow10`,
 * which `AsApproximateFloat64` multiplies by (§7.8).
 *
 * Where upstream has no suffix for a value, this follows newest upstream (kubernetes/kubernetes
 * #140459, merged 2026-08): a DecimalSI value whose canonical exponent is outside n…E (10^-9 …
 * 10^18), e.g. 10^21, is written in decimal-exponent form ("1e21", "100e-12") instead of the
 * older output that dropped the exponent and printed a wrong number ("1000E" → "1"); a BinarySI
 * value with more than six factors of 1024 is written the same way ("10e69" for 10^70).
 */
import { type QuantityFormat, absBig, divPow10AwayFromZero, digitCount, pow10n } from './quantity-model.js';

const DECIMAL_SI_SUFFIXES = ['n', 'u', 'm', '', 'k', 'M', 'G', 'T', 'P', 'E'] as const;
const BINARY_SI_SUFFIXES = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'] as const;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** The canonical string of unscaled × 10^exp10 in `format`. */
export function formatCanonical(unscaled: bigint, exp10: number, format: QuantityFormat): string {
  if (unscaled === 0n) return '0';
  if (format === 'BinarySI') return formatBinary(unscaled, exp10) ?? formatDecimal(unscaled, exp10, 'DecimalSI');
  return formatDecimal(unscaled, exp10, format);
}

/** Whether |unscaled × 10^exp10| < 1024. */
function belowKibi(unscaled: bigint, exp10: number): boolean {
  const magnitude = digitCount(unscaled) + exp10; // |value| ∈ [10^(magnitude−1), 10^magnitude)
  if (magnitude <= 3) return true;
  if (magnitude >= 5) return false;
  const a = absBig(unscaled);
  return exp10 >= 0 ? a * pow10n(exp10) < 1024n : a < 1024n * pow10n(-exp10);
}

function trailingZeroBits(n: bigint): number {
  let a = absBig(n);
  let count = 0;
  while ((a & 0xffffffffn) === 0n) {
    a >>= 32n;
    count += 32;
  }
  while ((a & 1n) === 0n) {
    a >>= 1n;
    count++;
  }
  return count;
}

/**
 * BinarySI form, or undefined when upstream prints the value as DecimalSI instead: below 1024 in
 * magnitude, or not a whole number (rounding it up would lose precision).
 */
function formatBinary(unscaled: bigint, exp10: number): string | undefined {
  if (belowKibi(unscaled, exp10)) return undefined;
  let whole: bigint;
  if (exp10 >= 0) {
    // 2-adic valuation ≥ 70 means at least seven factors of 1024: no binary suffix fits, and the
    // whole number may be huge, so go straight to the decimal-exponent fallback.
    if (trailingZeroBits(unscaled) + exp10 >= 70) return formatDecimal(unscaled, exp10, 'DecimalExponent');
    whole = unscaled * pow10n(exp10);
  } else {
    whole = divPow10AwayFromZero(unscaled, -exp10);
    if (whole * pow10n(-exp10) !== unscaled) return undefined;
  }
  let k = 0;
  while (k < BINARY_SI_SUFFIXES.length && absBig(whole) >= 1024n && (whole & 1023n) === 0n) {
    whole /= 1024n;
    k++;
  }
  if (k >= BINARY_SI_SUFFIXES.length) return formatDecimal(unscaled, exp10, 'DecimalExponent');
  return whole.toString() + BINARY_SI_SUFFIXES[k];
}

function decimalSuffix(exponent: number, format: QuantityFormat): string {
  if (format === 'DecimalSI' && exponent >= -9 && exponent <= 18) return DECIMAL_SI_SUFFIXES[exponent / 3 + 3];
  return exponent === 0 ? '' : `e${exponent}`;
}

/**
 * Decimal form: trailing zeros move into the exponent, then the exponent steps down to a multiple
 * of three (Go's sign-keeping remainder: −4 → ×100, −5 → ×10), then the suffix.
 */
function formatDecimal(unscaled: bigint, exp10: number, format: QuantityFormat): string {
  if (unscaled >= -MAX_SAFE && unscaled <= MAX_SAFE) {
    let m = Number(unscaled);
    let x = exp10;
    while (m % 10 === 0) {
      m /= 10;
      x++;
    }
    const r = ((x % 3) + 3) % 3;
    const f = r === 0 ? 1 : r === 1 ? 10 : 100;
    if (Math.abs(m) * f <= MAX_SAFE) return String(m * f) + decimalSuffix(x - r, format);
  }
  let m = unscaled;
  let x = exp10;
  while (m % 1000000000n === 0n) {
    m /= 1000000000n;
    x += 9;
  }
  while (m % 10n === 0n) {
    m /= 10n;
    x++;
  }
  const r = ((x % 3) + 3) % 3;
  if (r !== 0) m *= pow10n(r);
  return m.toString() + decimalSuffix(x - r, format);
}

// Go math.Pow10: 10^(32·i) × 10^j from two tables, 1 / … for negative n. Reproduced so that
// AsApproximateFloat64 rounds exactly as upstream (10^n for n > 22 is not exact in float64).
const POW10_UNITS = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
  1e21, 1e22, 1e23, 1e24, 1e25, 1e26, 1e27, 1e28, 1e29, 1e30, 1e31,
];
const POW10_POS32 = [1, 1e32, 1e64, 1e96, 1e128, 1e160, 1e192, 1e224, 1e256, 1e288];
const POW10_NEG32 = [1, 1e-32, 1e-64, 1e-96, 1e-128, 1e-160, 1e-192, 1e-224, 1e-256, 1e-288, 1e-320];

/** Go `math.Pow10(n)`: 0 below −323, +Inf above 308. */
export function goPow10(n: number): number {
  if (n >= 0 && n <= 308) return POW10_POS32[n >>> 5] * POW10_UNITS[n & 31];
  if (n < 0 && n >= -323) return POW10_NEG32[-n >>> 5] / POW10_UNITS[-n & 31];
  return n > 0 ? Number.POSITIVE_INFINITY : 0;
}
