import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { Quantity, type QuantityFormat, canonicalQuantityString } from '../../algorithms/quantity.js';

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

const arbFormat = fc.constantFrom<QuantityFormat>('DecimalSI', 'BinarySI', 'DecimalExponent');

/** An exact value u × 10^e that a parse could produce: no finer than nano. */
const arbParts = fc.record({
  unscaled: fc.oneof(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.bigInt({ min: -5000n, max: 5000n })),
  exp10: fc.integer({ min: -9, max: 24 }),
  format: arbFormat,
});

/** BinarySI values above 2^63 − 1 are capped on parse, so they cannot round-trip. */
function roundTrips(p: { unscaled: bigint; exp10: number; format: QuantityFormat }): boolean {
  if (p.format !== 'BinarySI') return true;
  const magnitude = (p.unscaled < 0n ? -p.unscaled : p.unscaled) * 10n ** BigInt(Math.max(p.exp10, 0));
  return magnitude <= INT64_MAX;
}

/** Quantity-looking text from the grammar of §7.2, with the suffixes people write. */
const arbText = fc
  .record({
    sign: fc.constantFrom('', '-', '+'),
    int: fc.stringMatching(/^[0-9]{0,22}$/),
    frac: fc.option(fc.stringMatching(/^[0-9]{0,12}$/), { nil: undefined }),
    suffix: fc.oneof(
      fc.constantFrom('', 'n', 'u', 'm', 'k', 'M', 'G', 'T', 'P', 'E', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'),
      fc.integer({ min: -30, max: 30 }).map((e) => `e${e}`),
      fc.integer({ min: -30, max: 30 }).map((e) => `E${e >= 0 ? '+' : ''}${e}`),
    ),
  })
  .filter((t) => t.int.length > 0 || (t.frac !== undefined && t.frac.length > 0))
  .map((t) => `${t.sign}${t.int}${t.frac === undefined ? '' : `.${t.frac}`}${t.suffix}`);

/** Exact rational comparison of u1 × 10^e1 and u2 × 10^e2. */
function exactCmp(u1: bigint, e1: number, u2: bigint, e2: number): number {
  const m = Math.min(e1, e2);
  const a = u1 * 10n ** BigInt(e1 - m);
  const b = u2 * 10n ** BigInt(e2 - m);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Reference rounding: u × 10^e in units of 10^target, away from zero, saturated to int64. */
function refScaled(u: bigint, e: number, target: number): bigint {
  let r: bigint;
  if (e >= target) r = u * 10n ** BigInt(e - target);
  else {
    const d = 10n ** BigInt(target - e);
    r = u / d;
    if (r * d !== u) r += u < 0n ? -1n : 1n;
  }
  return r > INT64_MAX ? INT64_MAX : r < INT64_MIN ? INT64_MIN : r;
}

describe('quantity properties', () => {
  it('parse(format(q)) has the value of q', () => {
    fc.assert(
      fc.property(arbParts.filter(roundTrips), (p) => {
        const quantity = Quantity.fromScaled(p.unscaled, p.exp10, p.format);
        expect(Quantity.parse(quantity.toString()).cmp(quantity)).toBe(0);
      }),
      { numRuns: 2000 },
    );
  });

  it('a decimal canonical string parses to the same canonical string', () => {
    fc.assert(
      fc.property(
        arbParts.filter((p) => p.format !== 'BinarySI'),
        (p) => {
          const canonical = Quantity.fromScaled(p.unscaled, p.exp10, p.format).toString();
          expect(Quantity.parse(canonical).toString()).toBe(canonical);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('a BinarySI canonical string is a fixed point after one re-parse', () => {
    // A whole BinarySI value without a binary suffix prints as a plain integer ("10000"), which
    // parses as DecimalSI and then prints as "10k": upstream behaves the same way.
    fc.assert(
      fc.property(
        arbParts.filter((p) => p.format === 'BinarySI' && roundTrips(p)),
        (p) => {
          const once = canonicalQuantityString(Quantity.fromScaled(p.unscaled, p.exp10, p.format).toString());
          expect(canonicalQuantityString(once)).toBe(once);
        },
      ),
      { numRuns: 2000 },
    );
    expect(Quantity.fromValue(10000n, 'BinarySI').toString()).toBe('10000');
    expect(canonicalQuantityString('10000')).toBe('10k');
  });

  it('canonicalising parsable text reaches a fixed point and keeps the parsed value', () => {
    fc.assert(
      fc.property(arbText, (text) => {
        const parsed = Quantity.parse(text);
        const once = canonicalQuantityString(text);
        const twice = canonicalQuantityString(once);
        expect(canonicalQuantityString(twice)).toBe(twice);
        if (parsed.format !== 'BinarySI') expect(twice).toBe(once);
        expect(Quantity.parse(once).cmp(parsed)).toBe(0);
        expect(Quantity.parse(twice).cmp(parsed)).toBe(0);
      }),
      { numRuns: 3000 },
    );
  });

  it('cmp agrees with exact rational comparison', () => {
    const arb = fc.record({
      u1: fc.bigInt({ min: -(10n ** 25n), max: 10n ** 25n }),
      e1: fc.integer({ min: -20, max: 20 }),
      u2: fc.bigInt({ min: -(10n ** 25n), max: 10n ** 25n }),
      e2: fc.integer({ min: -20, max: 20 }),
    });
    fc.assert(
      fc.property(arb, ({ u1, e1, u2, e2 }) => {
        const a = Quantity.fromScaled(u1, e1);
        const b = Quantity.fromScaled(u2, e2);
        expect(a.cmp(b)).toBe(exactCmp(u1, e1, u2, e2));
        expect(b.cmp(a)).toBe(exactCmp(u2, e2, u1, e1));
      }),
      { numRuns: 3000 },
    );
    // values that differ only far to the right of the digits
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 20n }), fc.integer({ min: 0, max: 20 }), (u, k) => {
        const a = Quantity.fromScaled(u * 10n ** BigInt(k), -k);
        expect(a.cmp(Quantity.fromScaled(u, 0))).toBe(0);
        expect(Quantity.fromScaled(u * 10n ** BigInt(k) + 1n, -k).cmp(Quantity.fromScaled(u, 0))).toBe(1);
      }),
    );
  });

  it('milliValue of fromMilli(x) is x', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: INT64_MIN, max: INT64_MAX }), arbFormat, (x, format) => {
        expect(Quantity.fromMilli(x, format).milliValue()).toBe(x);
      }),
      { numRuns: 2000 },
    );
  });

  it('milliValue and value round the exact value away from zero', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 22n), max: 10n ** 22n }), fc.integer({ min: -15, max: 8 }), (u, e) => {
        const quantity = Quantity.fromScaled(u, e);
        expect(quantity.milliValue()).toBe(refScaled(u, e, -3));
        expect(quantity.value()).toBe(refScaled(u, e, 0));
      }),
      { numRuns: 3000 },
    );
  });

  it('milliValue of parsed text agrees with the exact value of the canonical string', () => {
    fc.assert(
      fc.property(arbText, (text) => {
        const parsed = Quantity.parse(text);
        const canonical = Quantity.parse(parsed.toString());
        expect(canonical.milliValue()).toBe(parsed.milliValue());
        expect(parsed.sign()).toBe(parsed.isZero() ? 0 : parsed.milliValue() < 0n ? -1 : 1);
      }),
      { numRuns: 2000 },
    );
  });

  it('the float of a canonical milli string is milli × 0.001 (§7.8)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 999_999 }).filter((n) => n % 10 !== 0),
        (n) => {
          expect(Quantity.parse(`${n}m`).asApproximateFloat64()).toBe(n * (1 / 1000));
        },
      ),
    );
  });
});
