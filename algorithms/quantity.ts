/**
 * Kubernetes `resource.Quantity` (spec §7), exact: a bigint mantissa and a power of ten, never a
 * float, printed as Kubernetes prints it (`"1500m"`, `"512Ki"`). Parsing lives in
 * quantity-parse.ts, printing in quantity-format.ts; this is the face the other modules use.
 *
 * Upstream holds a value either in an int64 fast form or in an arbitrary-precision form, and two
 * results depend on which: `asApproximateFloat64` (§7.8) multiplies the form's own mantissa and
 * exponent, and only the fast path keeps already-canonical input text. Both are reproduced.
 */
import { type Result, err, ok } from './result.js';
import { MAX_INT64, MIN_INT64 } from './numeric.js';
import { formatCanonical, goPow10 } from './quantity-format.js';
import {
  FORMAT_DETAIL,
  MAX_EXPONENT,
  QuantityError,
  type QuantityFormat,
  type QuantityParts,
  digitCount,
  divPow10AwayFromZero,
  pow10n,
  saturateInt64,
} from './quantity-model.js';
import { numberToDecimalText, parseQuantityText, trimGoSpace } from './quantity-parse.js';

export { QuantityError, type QuantityErrorReason, type QuantityFormat } from './quantity-model.js';

export class Quantity {
  /** Remembered from the suffix or given at construction; decides the canonical spelling only. */
  readonly format: QuantityFormat;
  private readonly unscaled: bigint;
  private readonly exp10: number;
  /** Exponent of upstream's arbitrary-precision form, or undefined for its int64 fast form. */
  private readonly bigExp10: number | undefined;
  /** Canonical string: the retained input text, or computed on first use. */
  private text: string | undefined;
  private milli: bigint | undefined;

  private constructor(parts: QuantityParts) {
    this.format = parts.format;
    this.unscaled = parts.unscaled;
    this.exp10 = parts.exp10;
    this.bigExp10 = parts.bigExp10;
    this.text = parts.text;
  }

  /**
   * Parses a quantity as the API server's JSON decoder does: surrounding whitespace is trimmed
   * (Go strings.TrimSpace), and a number (a bare JSON/YAML number) parses like its plain decimal
   * text (`0.05` like `"0.05"`). Throws `QuantityError`.
   */
  static parse(text: string | number): Quantity {
    if (typeof text === 'string') return new Quantity(parseQuantityText(trimGoSpace(text), text));
    if (typeof text === 'number') {
      const decimal = numberToDecimalText(text);
      if (decimal === undefined) throw new QuantityError(String(text), 'format', FORMAT_DETAIL);
      return new Quantity(parseQuantityText(decimal));
    }
    throw new QuantityError(String(text), 'format', 'expected a string or a number');
  }

  /** `parse` returning the error as a value; anything but a string or a number is a format error. */
  static tryParse(text: unknown): Result<Quantity, QuantityError> {
    if (typeof text !== 'string' && typeof text !== 'number') {
      return err(new QuantityError(describe(text), 'format', 'expected a string or a number'));
    }
    try {
      return ok(Quantity.parse(text));
    } catch (e) {
      if (e instanceof QuantityError) return err(e);
      throw e;
    }
  }

  /** milli × 10^-3 (upstream NewMilliQuantity; metric values and targets travel as milli). */
  static fromMilli(milli: bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
    return Quantity.fromScaled(milli, -3, format);
  }

  /** value × 10^0 (upstream NewQuantity). */
  static fromValue(value: bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
    return Quantity.fromScaled(value, 0, format);
  }

  /**
   * unscaled × 10^exp10 (upstream NewScaledQuantity, with a format). Not rounded to nano: like
   * upstream, only parsing rounds. A mantissa outside int64 (which upstream's constructors cannot
   * take) is held in the arbitrary-precision form. Throws `QuantityError` (`range`) for an
   * exponent that is not an integer within ±(2^31 − 1).
   */
  static fromScaled(unscaled: bigint, exp10: number, format: QuantityFormat = 'DecimalSI'): Quantity {
    if (!Number.isInteger(exp10) || Math.abs(exp10) > MAX_EXPONENT) {
      throw new QuantityError(
        `${unscaled}e${exp10}`,
        'range',
        `exponent ${exp10} is out of range (at most ±${MAX_EXPONENT})`,
      );
    }
    const big = unscaled > MAX_INT64 || unscaled < MIN_INT64;
    return new Quantity({ unscaled, exp10, format, bigExp10: big ? exp10 : undefined, text: undefined });
  }

  /**
   * value × 1000 as an integer (upstream MilliValue). Fractions round away from zero: "1.5m" → 2,
   * "-1.5m" → −2, "100n" → 1. Newest upstream (issue #110653) rounds away from zero in both its forms;
   * older releases rounded its arbitrary-precision form toward +∞ (so −1.5 milli became −1 there,
   * and a tiny negative value could even become +1) — not reproduced. Results beyond int64
   * saturate at ±(2^63 − 1) / −2^63 (upstream's fast form saturates; its other form wraps).
   */
  milliValue(): bigint {
    // Quantities are immutable and the decision reads each sample's value several times.
    return (this.milli ??= this.scaledValue(-3));
  }

  /** The value as an integer, rounded like `milliValue` (upstream Value). */
  value(): bigint {
    return this.scaledValue(0);
  }

  private scaledValue(targetExp10: number): bigint {
    const u = this.unscaled;
    if (u === 0n) return 0n;
    const shift = this.exp10 - targetExp10;
    if (shift === 0) return this.bigExp10 === undefined ? u : saturateInt64(u); // the fast form fits int64
    if (shift > 0) {
      if (shift > 19) return u < 0n ? MIN_INT64 : MAX_INT64; // |u| ≥ 1, and 10^20 is beyond int64
      return saturateInt64(u * pow10n(shift));
    }
    return saturateInt64(divPow10AwayFromZero(u, -shift));
  }

  sign(): -1 | 0 | 1 {
    return this.unscaled > 0n ? 1 : this.unscaled < 0n ? -1 : 0;
  }

  isZero(): boolean {
    return this.unscaled === 0n;
  }

  /** Compares values only: format and text are ignored ("1" = "1000m" = "1e0"). */
  cmp(other: Quantity): -1 | 0 | 1 {
    let a = this.unscaled;
    let b = other.unscaled;
    if (this.exp10 !== other.exp10) {
      const sa = this.sign();
      const sb = other.sign();
      if (sa !== sb) return sa < sb ? -1 : 1;
      if (sa === 0) return 0;
      // |value| ∈ [10^(m−1), 10^m) with m = digits + exponent: different m decide without aligning.
      const ma = digitCount(a) + this.exp10;
      const mb = digitCount(b) + other.exp10;
      if (ma !== mb) return ma > mb ? sa : sa === 1 ? -1 : 1;
      // Same magnitude: the exponents differ by less than the digit counts, so aligning is cheap.
      if (this.exp10 > other.exp10) a *= pow10n(this.exp10 - other.exp10);
      else b *= pow10n(other.exp10 - this.exp10);
    }
    return a < b ? -1 : a > b ? 1 : 0;
  }

  equals(other: Quantity): boolean {
    return this.cmp(other) === 0;
  }

  /** Canonical string (§7.7), or the input text when upstream keeps it (§7.3): "+100m" stays. */
  toString(): string {
    if (this.text === undefined) this.text = formatCanonical(this.unscaled, this.exp10, this.format);
    return this.text;
  }

  toJSON(): string {
    return this.toString();
  }

  /**
   * float64(mantissa) × Pow10(exponent) of the form upstream holds (§7.8): "50m" → 50 × 0.001,
   * "0.3" → 3 × 0.1 = 0.30000000000000004, "300m" → 0.3. Beyond float64 → ±Infinity.
   */
  asApproximateFloat64(): number {
    let base: number;
    let exponent: number;
    if (this.bigExp10 === undefined) {
      base = Number(this.unscaled);
      exponent = this.exp10;
    } else {
      exponent = this.bigExp10;
      const shift = this.exp10 - exponent;
      const u = this.unscaled;
      if (u === 0n || shift === 0) base = Number(u);
      else if (digitCount(u) + shift > 330) base = u < 0n ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
      else base = Number(u * pow10n(shift));
    }
    if (exponent === 0) return base;
    return base * goPow10(exponent);
  }
}

/** Parses and prints canonically (what the API server stores); throws `QuantityError`. */
export function canonicalQuantityString(text: string | number): string {
  return Quantity.parse(text).toString();
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'bigint') return `${value}n`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
