/**
 * Quantity text → exact parts (spec §7.2, §7.3), following upstream `ParseQuantity` and its scanner
 * `parseQuantityString` rule by rule, including its quirks:
 * - the number part may be empty or lack digits on either side of the dot: `"1."`, `".5"`, `"1.G"`,
 *   and even `"m"`, `"Ki"`, `"-"`, `"."` parse (as zero) — upstream defaults a missing integer part
 *   to "0";
 * - `"E"` alone is exa, `"E3"`/`"e3"` is an exponent; `"K"`, `"KiB"`, `"e"` are not suffixes;
 * - values are rounded away from zero to a multiple of 10^-9, only BinarySI is capped at
 *   2^63 − 1, and a BinarySI value strictly between 0 and 1 becomes DecimalSI;
 * - the int64 fast path keeps the input text as the canonical string when it already is canonical
 *   (`"100m"`, `"+100m"`, `"1Gi"`, `"0010m"`, `"1.G"`), and only that path does.
 * One scan over char codes; no regular expressions, no global caches.
 */
import {
  BINARY_SI_MAX,
  FORMAT_DETAIL,
  MAX_EXPONENT,
  QuantityError,
  type QuantityFormat,
  type QuantityParts,
  digitCount,
  divPow10AwayFromZero,
  pow10n,
} from './quantity-model.js';

const PLUS = 43;
const MINUS = 45;
const DOT = 46;
const ZERO = 48;
const NINE = 57;
const LOWER_I = 105;

const ZERO_PARTS: QuantityParts = { unscaled: 0n, exp10: 0, format: 'DecimalSI', bigExp10: undefined, text: '0' };

function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE;
}

/** The characters upstream's scanner accepts in a suffix before an optional signed integer. */
function isSuffixLetter(c: number): boolean {
  switch (c) {
    case 101: // e
    case 69: // E
    case 105: // i
    case 110: // n
    case 117: // u
    case 109: // m
    case 107: // k
    case 75: // K
    case 77: // M
    case 71: // G
    case 84: // T
    case 80: // P
      return true;
    default:
      return false;
  }
}

/** Decimal SI suffix of one character → exponent, or NaN. */
function decimalSuffixExponent(c: number): number {
  switch (c) {
    case 110:
      return -9; // n
    case 117:
      return -6; // u
    case 109:
      return -3; // m
    case 107:
      return 3; // k
    case 77:
      return 6; // M
    case 71:
      return 9; // G
    case 84:
      return 12; // T
    case 80:
      return 15; // P
    case 69:
      return 18; // E
    default:
      return Number.NaN;
  }
}

/** First letter of a binary suffix `?i` → power of two, or NaN. */
function binarySuffixExponent(c: number): number {
  switch (c) {
    case 75:
      return 10; // Ki
    case 77:
      return 20; // Mi
    case 71:
      return 30; // Gi
    case 84:
      return 40; // Ti
    case 80:
      return 50; // Pi
    case 69:
      return 60; // Ei
    default:
      return Number.NaN;
  }
}

function isAsciiLetters(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) | 0x20;
    if (c < 97 || c > 122) return false;
  }
  return true;
}

/** Digits [start, end) of `str` as a bigint (the empty range is 0). */
function digitsToBigInt(str: string, start: number, end: number): bigint {
  if (end - start <= 15) {
    let v = 0;
    for (let i = start; i < end; i++) v = v * 10 + (str.charCodeAt(i) - ZERO);
    return BigInt(v);
  }
  return BigInt(str.slice(start, end));
}

/** Integer part then fraction digits, as one bigint. */
function mantissa(str: string, intStart: number, intEnd: number, fracStart: number, fracEnd: number): bigint {
  const total = intEnd - intStart + (fracEnd - fracStart);
  if (total <= 15) {
    let v = 0;
    for (let i = intStart; i < intEnd; i++) v = v * 10 + (str.charCodeAt(i) - ZERO);
    for (let i = fracStart; i < fracEnd; i++) v = v * 10 + (str.charCodeAt(i) - ZERO);
    return BigInt(v);
  }
  return BigInt(str.slice(intStart, intEnd) + str.slice(fracStart, fracEnd));
}

/** Whether integer digits followed by fraction digits end in "000" (upstream checks the joined string). */
function endsWithThreeZeros(
  str: string,
  intStart: number,
  intEnd: number,
  fracStart: number,
  fracEnd: number,
): boolean {
  let needed = 3;
  for (let i = fracEnd - 1; i >= fracStart && needed > 0; i--, needed--) {
    if (str.charCodeAt(i) !== ZERO) return false;
  }
  for (let i = intEnd - 1; i >= intStart && needed > 0; i--, needed--) {
    if (str.charCodeAt(i) !== ZERO) return false;
  }
  return needed === 0;
}

/**
 * The decimal exponent after `e`/`E` (Go strconv.ParseInt rules: optional sign, at least one
 * digit). Returns NaN when it is not an integer; throws `range` beyond ±MaxInt32.
 */
function parseExponent(str: string, start: number, original: string): number {
  const n = str.length;
  let i = start;
  let negative = false;
  const c = str.charCodeAt(i);
  if (c === PLUS || c === MINUS) {
    negative = c === MINUS;
    i++;
  }
  if (i >= n) return Number.NaN;
  for (let j = i; j < n; j++) if (!isDigit(str.charCodeAt(j))) return Number.NaN;
  while (i < n - 1 && str.charCodeAt(i) === ZERO) i++;
  if (n - i > 10 || Number(str.slice(i)) > MAX_EXPONENT) {
    throw new QuantityError(
      original,
      'range',
      `exponent ${str.slice(start)} is out of range (at most ±${MAX_EXPONENT})`,
    );
  }
  const value = Number(str.slice(i));
  return negative ? -value : value;
}

/**
 * Parses `str` (already trimmed) the way upstream `ParseQuantity` does. `original` is the text
 * named in errors.
 */
export function parseQuantityText(str: string, original: string = str): QuantityParts {
  const n = str.length;
  if (n === 0) throw new QuantityError(original, 'format', FORMAT_DETAIL);
  if (str === '0') return ZERO_PARTS;

  // Sign, leading zeros, integer digits, optional fraction.
  let pos = 0;
  let negative = false;
  const first = str.charCodeAt(0);
  if (first === MINUS) {
    negative = true;
    pos = 1;
  } else if (first === PLUS) {
    pos = 1;
  }
  const signEnd = pos;
  while (pos < n && str.charCodeAt(pos) === ZERO) pos++;
  const intStart = pos;
  while (pos < n && isDigit(str.charCodeAt(pos))) pos++;
  const intEnd = pos;
  let fracStart = pos;
  let fracEnd = pos;
  if (pos < n && str.charCodeAt(pos) === DOT) {
    pos++;
    fracStart = pos;
    while (pos < n && isDigit(str.charCodeAt(pos))) pos++;
    fracEnd = pos;
  }
  const numberEnd = pos;
  const hasDigit = intEnd > signEnd || fracEnd > fracStart;

  // Suffix: letters from the suffix alphabet, then an optional signed integer, then the end.
  while (pos < n && isSuffixLetter(str.charCodeAt(pos))) pos++;
  if (pos < n) {
    const c = str.charCodeAt(pos);
    if (c === PLUS || c === MINUS) pos++;
  }
  while (pos < n && isDigit(str.charCodeAt(pos))) pos++;
  if (pos < n) {
    const tail = str.slice(numberEnd);
    if (hasDigit && isAsciiLetters(tail))
      throw new QuantityError(original, 'suffix', `unknown suffix ${JSON.stringify(tail)}`);
    throw new QuantityError(original, 'format', FORMAT_DETAIL);
  }

  let base = 10;
  let exponent = 0;
  let format: QuantityFormat = 'DecimalSI';
  const suffixLength = n - numberEnd;
  if (suffixLength === 1) {
    exponent = decimalSuffixExponent(str.charCodeAt(numberEnd));
  } else if (suffixLength > 1) {
    const c0 = str.charCodeAt(numberEnd);
    exponent = suffixLength === 2 && str.charCodeAt(numberEnd + 1) === LOWER_I ? binarySuffixExponent(c0) : Number.NaN;
    if (!Number.isNaN(exponent)) {
      base = 2;
      format = 'BinarySI';
    } else if (c0 === 101 || c0 === 69) {
      exponent = parseExponent(str, numberEnd + 1, original);
      format = 'DecimalExponent';
    }
  }
  if (Number.isNaN(exponent)) {
    throw new QuantityError(original, 'suffix', `unknown suffix ${JSON.stringify(str.slice(numberEnd))}`);
  }

  const numLength = intEnd > intStart ? intEnd - intStart : 1; // upstream defaults "" to "0"
  const denomLength = fracEnd - fracStart;

  // int64 fast path (upstream keeps int64Amount{value, scale} and may keep the text).
  if (base === 10) {
    const scale = exponent - denomLength;
    if (18 - (numLength + denomLength) >= 0 && scale >= -9) {
      const value = mantissa(str, intStart, intEnd, fracStart, fracEnd);
      const keep =
        scale % 3 === 0 && intEnd > intStart && !endsWithThreeZeros(str, intStart, intEnd, fracStart, fracEnd);
      return {
        unscaled: negative ? -value : value,
        exp10: scale,
        format,
        bigExp10: undefined,
        text: keep ? str : undefined,
      };
    }
  } else if (denomLength === 0 && 14 - numLength - (3 * exponent) / 10 >= 0) {
    const value = digitsToBigInt(str, intStart, intEnd);
    const shifted = value << BigInt(exponent);
    const keep = (value & 7n) !== 0n;
    return {
      unscaled: negative ? -shifted : shifted,
      exp10: 0,
      format,
      bigExp10: undefined,
      text: keep ? str : undefined,
    };
  }

  // Arbitrary-precision path (upstream inf.Dec).
  if (!hasDigit) throw new QuantityError(original, 'format', FORMAT_DETAIL);
  let amount = mantissa(str, intStart, intEnd, fracStart, fracEnd);
  let exp10: number;
  if (base === 2) {
    amount <<= BigInt(exponent);
    exp10 = -denomLength;
  } else {
    exp10 = exponent - denomLength;
  }
  let bigExp10 = exp10;
  if (amount !== 0n) {
    // Round up to the nano unit: "if you want some resources, you should get some resources".
    if (exp10 < -9) {
      amount = divPow10AwayFromZero(amount, -9 - exp10);
      exp10 = -9;
    }
    bigExp10 = -9;
    if (format === 'BinarySI') {
      if (exceedsBinaryMax(amount, exp10)) {
        amount = BINARY_SI_MAX;
        exp10 = 0;
        bigExp10 = 0;
      } else if (exp10 < 0 && amount < pow10n(-exp10)) {
        format = 'DecimalSI'; // 0 < value < 1: "this avoids rounding and hopefully confusion"
      }
    }
  }
  return { unscaled: negative ? -amount : amount, exp10, format, bigExp10, text: undefined };
}

/** Whether amount × 10^exp10 (amount > 0, exp10 ≥ −9) is above 2^63 − 1. */
function exceedsBinaryMax(amount: bigint, exp10: number): boolean {
  if (exp10 >= 0) {
    if (digitCount(amount) + exp10 > 19) return true;
    return amount * pow10n(exp10) > BINARY_SI_MAX;
  }
  return amount > BINARY_SI_MAX * pow10n(-exp10);
}

/** Go's unicode.IsSpace, which strings.TrimSpace (the JSON decoder's trim) uses. */
function isGoSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0x85) return false;
  return (
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

/** strings.TrimSpace: the JSON decoder trims a quantity before parsing it. */
export function trimGoSpace(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isGoSpace(s.charCodeAt(start))) start++;
  while (end > start && isGoSpace(s.charCodeAt(end - 1))) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

/**
 * A JSON/YAML number as plain decimal text (no exponent), so that `0.05` parses like `"0.05"`
 * and `1e21` like `"1000000000000000000000"`. Returns undefined for NaN and ±Infinity.
 */
export function numberToDecimalText(value: number): string | undefined {
  if (!Number.isFinite(value)) return undefined;
  if (value === 0) return '0';
  const s = String(value);
  const e = s.indexOf('e');
  if (e < 0) return s;
  const negative = s.startsWith('-');
  const mant = s.slice(negative ? 1 : 0, e);
  const exp = Number(s.slice(e + 1));
  const dot = mant.indexOf('.');
  const digits = dot < 0 ? mant : mant.slice(0, dot) + mant.slice(dot + 1);
  const point = (dot < 0 ? mant.length : dot) + exp;
  let out: string;
  if (point <= 0) out = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return negative ? `-${out}` : out;
}
