import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { Quantity, QuantityError, type QuantityFormat, canonicalQuantityString } from '../../algorithms/quantity.js';
import { goPow10 } from '../../algorithms/quantity-format.js';

const q = (text: string | number): Quantity => Quantity.parse(text);
const INT64_MAX = 9223372036854775807n;

describe('canonical strings (§7.7 table)', () => {
  it.each([
    ['1.5', '1500m'],
    ['1500m', '1500m'],
    ['0.066', '66m'],
    ['66m', '66m'],
    ['2000m', '2'],
    ['2000', '2k'],
    ['0.1m', '100u'],
    ['1.5e3', '1500'],
    ['12e6', '12e6'],
    ['-1.5', '-1500m'],
    ['1024Mi', '1Gi'],
    ['1.5Gi', '1536Mi'],
    ['0.5Ki', '512'],
  ])('%s prints as %s', (input, canonical) => {
    expect(q(input).toString()).toBe(canonical);
    expect(canonicalQuantityString(input)).toBe(canonical);
  });

  it('keeps the DecimalExponent format of "1.5e3" while printing 1500', () => {
    expect(q('1.5e3').format).toBe('DecimalExponent');
  });

  it.each([
    [66n, 'DecimalSI', '66m'],
    [50000n, 'DecimalSI', '50'],
    [2000000n, 'DecimalSI', '2k'],
    [0n, 'DecimalSI', '0'],
    [-250n, 'DecimalSI', '-250m'],
    [524288000n, 'BinarySI', '512Ki'],
    [1000n, 'BinarySI', '1'],
    [1000000n, 'BinarySI', '1k'],
    [1500n, 'BinarySI', '1500m'],
    [1025000n, 'BinarySI', '1025'],
    [1025500n, 'BinarySI', '1025500m'],
    // upstream TestMilliNewSet
    [1n, 'DecimalSI', '1m'],
    [1234000n, 'DecimalSI', '1234'],
    [1024n, 'BinarySI', '1024m'],
    [1048576n, 'BinarySI', '1048576m'],
  ] as const)('milli %s in %s prints as %s', (milli, format, canonical) => {
    const quantity = Quantity.fromMilli(milli, format);
    expect(quantity.toString()).toBe(canonical);
    expect(quantity.format).toBe(format);
    expect(quantity.toJSON()).toBe(canonical);
  });

  it.each([
    [1n, 'DecimalSI', '1'],
    [1000n, 'DecimalSI', '1k'],
    [1234000n, 'DecimalSI', '1234k'],
    [1024n, 'BinarySI', '1Ki'],
    [1048576n, 'BinarySI', '1Mi'],
    [1000000n, 'DecimalExponent', '1e6'],
  ] as const)('value %s in %s prints as %s (TestNewSet) and parses back', (value, format, canonical) => {
    expect(Quantity.fromValue(value, format).toString()).toBe(canonical);
    expect(q(canonical).value()).toBe(value);
  });

  it.each([
    [1n, -9, '1n'],
    [1000n, -9, '1u'],
    [1n, -6, '1u'],
    [1000n, -6, '1m'],
    [1n, -3, '1m'],
    [1000n, -3, '1'],
    [1n, 0, '1'],
    [0n, -9, '0'],
    [0n, 0, '0'],
  ])('scaled %s × 10^%s prints as %s (TestNewScaledSet)', (unscaled, exp10, canonical) => {
    expect(Quantity.fromScaled(unscaled, exp10).toString()).toBe(canonical);
  });
});

describe('canonical strings of exact values (upstream TestQuantityString)', () => {
  it.each([
    [1073741824n, 0, 'BinarySI', '1Gi', '1024Mi'],
    [314572800n, 0, 'BinarySI', '300Mi', '307200Ki'],
    [6144n, 0, 'BinarySI', '6Ki', ''],
    [1074815565824n, 0, 'BinarySI', '1001Gi', '1025024Mi'],
    [1099511627776n, 0, 'BinarySI', '1Ti', '1024Gi'],
    [5n, 0, 'BinarySI', '5', '5000m'],
    [500n, -3, 'BinarySI', '500m', '0.5'],
    [1n, 9, 'DecimalSI', '1G', '1000M'],
    [1000n, 6, 'DecimalSI', '1G', '0.001T'],
    [1000000n, 3, 'DecimalSI', '1G', ''],
    [1000000000n, 0, 'DecimalSI', '1G', ''],
    [1n, -3, 'DecimalSI', '1m', '1000u'],
    [80n, -3, 'DecimalSI', '80m', ''],
    [1080n, -3, 'DecimalSI', '1080m', '1.08'],
    [108n, -2, 'DecimalSI', '1080m', '1080000000n'],
    [10800n, -4, 'DecimalSI', '1080m', ''],
    [300n, 6, 'DecimalSI', '300M', ''],
    [1n, 12, 'DecimalSI', '1T', ''],
    [1n, 18, 'DecimalSI', '1E', ''],
    [1234567n, 6, 'DecimalSI', '1234567M', ''],
    [1234567n, -3, 'BinarySI', '1234567m', ''],
    [3n, 3, 'DecimalSI', '3k', ''],
    [1025n, 0, 'BinarySI', '1025', ''],
    [1n, 9, 'DecimalExponent', '1e9', '.001e12'],
    [1n, -3, 'DecimalExponent', '1e-3', '0.001e0'],
    [1n, -9, 'DecimalExponent', '1e-9', '1000e-12'],
    [80n, -3, 'DecimalExponent', '80e-3', ''],
    [300n, 6, 'DecimalExponent', '300e6', ''],
    [1n, 12, 'DecimalExponent', '1e12', ''],
    [1n, 3, 'DecimalExponent', '1e3', ''],
    [3n, 3, 'DecimalExponent', '3e3', ''],
    [1n, -9, 'DecimalSI', '1n', ''],
    [80n, -9, 'DecimalSI', '80n', ''],
    [1080n, -9, 'DecimalSI', '1080n', ''],
    [108n, -8, 'DecimalSI', '1080n', ''],
    [10800n, -10, 'DecimalSI', '1080n', ''],
    [1n, -6, 'DecimalSI', '1u', ''],
    [80n, -6, 'DecimalSI', '80u', ''],
    [1080n, -6, 'DecimalSI', '1080u', ''],
  ] as const)('%s × 10^%s %s → %s (alternate %s)', (unscaled, exp10, format, canonical, alternate) => {
    const quantity = Quantity.fromScaled(unscaled, exp10, format);
    expect(quantity.toString()).toBe(canonical);
    expect(Quantity.fromScaled(-unscaled, exp10, format).toString()).toBe(`-${canonical}`);
    expect(q(canonical).toString()).toBe(canonical); // canonical text is kept on parse
    if (alternate !== '') expect(q(alternate).toString()).toBe(canonical);
  });

  it('prints zero as "0" in every format', () => {
    for (const format of ['DecimalSI', 'BinarySI', 'DecimalExponent'] as const) {
      expect(Quantity.fromScaled(0n, 0, format).toString()).toBe('0');
      expect(Quantity.fromScaled(0n, 7, format).toString()).toBe('0');
    }
    expect(q('00').toString()).toBe('0');
  });

  it('writes DecimalSI beyond E and below n in exponent form, as newest upstream does (#140459)', () => {
    expect(Quantity.fromScaled(1n, 21).toString()).toBe('1e21');
    expect(Quantity.fromScaled(5n, 21).toString()).toBe('5e21');
    expect(Quantity.fromScaled(1n, 24).toString()).toBe('1e24');
    expect(Quantity.fromScaled(1n, -12).toString()).toBe('1e-12');
    expect(Quantity.fromScaled(1n, -10).toString()).toBe('100e-12');
    expect(q('1000E').toString()).toBe('1e21');
    expect(q('5000E').toString()).toBe('5e21');
    expect(q('1000000000000000000000').toString()).toBe('1e21');
    expect(q('1e21').equals(q('1000E'))).toBe(true);
  });

  it('writes BinarySI past Ei in decimal form (#140459) and keeps small ones plain', () => {
    expect(Quantity.fromScaled(1n, 70, 'BinarySI').toString()).toBe('10e69');
    expect(Quantity.fromScaled(2n, 70, 'BinarySI').toString()).toBe('20e69');
    expect(Quantity.fromScaled(1n, 72, 'BinarySI').toString()).toBe('1e72');
    expect(Quantity.fromValue(1n << 70n, 'BinarySI').toString()).toBe('1180591620717411303424');
    expect(Quantity.fromValue(1n << 63n, 'BinarySI').toString()).toBe('8Ei');
    expect(Quantity.fromValue(2000n, 'BinarySI').toString()).toBe('2000');
    expect(Quantity.fromValue(-2000n, 'BinarySI').toString()).toBe('-2000');
  });
});

describe('parsing (upstream TestQuantityParse)', () => {
  const table: readonly (readonly [string, bigint, number, QuantityFormat])[] = [
    ['0', 0n, 0, 'DecimalSI'],
    ['0n', 0n, 0, 'DecimalSI'],
    ['0u', 0n, 0, 'DecimalSI'],
    ['0m', 0n, 0, 'DecimalSI'],
    ['0Ki', 0n, 0, 'BinarySI'],
    ['0k', 0n, 0, 'DecimalSI'],
    ['0Mi', 0n, 0, 'BinarySI'],
    ['0M', 0n, 0, 'DecimalSI'],
    ['0Gi', 0n, 0, 'BinarySI'],
    ['0G', 0n, 0, 'DecimalSI'],
    ['0Ti', 0n, 0, 'BinarySI'],
    ['0T', 0n, 0, 'DecimalSI'],
    ['1', 1n, 0, 'DecimalSI'],
    ['1Ki', 1024n, 0, 'BinarySI'],
    ['8Ki', 8n * 1024n, 0, 'BinarySI'],
    ['7Mi', 7n * 1024n ** 2n, 0, 'BinarySI'],
    ['6Gi', 6n * 1024n ** 3n, 0, 'BinarySI'],
    ['5Ti', 5n * 1024n ** 4n, 0, 'BinarySI'],
    ['4Pi', 4n * 1024n ** 5n, 0, 'BinarySI'],
    ['3Ei', 3n * 1024n ** 6n, 0, 'BinarySI'],
    ['10Ti', 10n * 1024n ** 4n, 0, 'BinarySI'],
    ['100Ti', 100n * 1024n ** 4n, 0, 'BinarySI'],
    ['5n', 5n, -9, 'DecimalSI'],
    ['4u', 4n, -6, 'DecimalSI'],
    ['3m', 3n, -3, 'DecimalSI'],
    ['9', 9n, 0, 'DecimalSI'],
    ['8k', 8n, 3, 'DecimalSI'],
    ['50k', 5n, 4, 'DecimalSI'],
    ['7M', 7n, 6, 'DecimalSI'],
    ['6G', 6n, 9, 'DecimalSI'],
    ['5T', 5n, 12, 'DecimalSI'],
    ['40T', 4n, 13, 'DecimalSI'],
    ['300T', 3n, 14, 'DecimalSI'],
    ['2P', 2n, 15, 'DecimalSI'],
    ['1E', 1n, 18, 'DecimalSI'],
    ['1E-3', 1n, -3, 'DecimalExponent'],
    ['1e3', 1n, 3, 'DecimalExponent'],
    ['1E6', 1n, 6, 'DecimalExponent'],
    ['1e9', 1n, 9, 'DecimalExponent'],
    ['1E12', 1n, 12, 'DecimalExponent'],
    ['1e15', 1n, 15, 'DecimalExponent'],
    ['1E18', 1n, 18, 'DecimalExponent'],
    ['1e14', 1n, 14, 'DecimalExponent'],
    ['1e13', 1n, 13, 'DecimalExponent'],
    ['100.035k', 100035n, 0, 'DecimalSI'],
    ['0.001', 1n, -3, 'DecimalSI'],
    ['0.0005k', 5n, -1, 'DecimalSI'],
    ['0.005', 5n, -3, 'DecimalSI'],
    ['0.05', 5n, -2, 'DecimalSI'],
    ['0.5', 5n, -1, 'DecimalSI'],
    ['0.00050k', 5n, -1, 'DecimalSI'],
    ['0.00500', 5n, -3, 'DecimalSI'],
    ['0.05000', 5n, -2, 'DecimalSI'],
    ['0.50000', 5n, -1, 'DecimalSI'],
    ['0.5e0', 5n, -1, 'DecimalExponent'],
    ['0.5e-1', 5n, -2, 'DecimalExponent'],
    ['0.5e-2', 5n, -3, 'DecimalExponent'],
    ['10.035M', 10035n, 3, 'DecimalSI'],
    ['1.2e3', 12n, 2, 'DecimalExponent'],
    ['1.3E+6', 13n, 5, 'DecimalExponent'],
    ['1.40e9', 14n, 8, 'DecimalExponent'],
    ['1.53E12', 153n, 10, 'DecimalExponent'],
    ['1.6e15', 16n, 14, 'DecimalExponent'],
    ['1.7E18', 17n, 17, 'DecimalExponent'],
    ['9.01', 901n, -2, 'DecimalSI'],
    ['8.1k', 81n, 2, 'DecimalSI'],
    ['7.123456M', 7123456n, 0, 'DecimalSI'],
    ['6.987654321G', 6987654321n, 0, 'DecimalSI'],
    ['5.444T', 5444n, 9, 'DecimalSI'],
    ['40.1T', 401n, 11, 'DecimalSI'],
    ['300.2T', 3002n, 11, 'DecimalSI'],
    ['2.5P', 25n, 14, 'DecimalSI'],
    ['1.01E', 101n, 16, 'DecimalSI'],
    // things that saturate or round
    ['3.001n', 4n, -9, 'DecimalSI'],
    ['1.1E-9', 2n, -9, 'DecimalExponent'],
    ['0.0000000001', 1n, -9, 'DecimalSI'],
    ['0.0000000005', 1n, -9, 'DecimalSI'],
    ['0.00000000050', 1n, -9, 'DecimalSI'],
    ['0.5e-9', 1n, -9, 'DecimalExponent'],
    ['0.9n', 1n, -9, 'DecimalSI'],
    ['0.00000012345', 124n, -9, 'DecimalSI'],
    ['0.00000012354', 124n, -9, 'DecimalSI'],
    ['9Ei', INT64_MAX, 0, 'BinarySI'],
    ['9223372036854775807Ki', INT64_MAX, 0, 'BinarySI'],
    ['12E', 12n, 18, 'DecimalSI'],
    // fractional binary
    ['100.035Ki', 10243584n, -2, 'BinarySI'],
    ['0.5Mi', 524288n, 0, 'BinarySI'],
    ['0.05Gi', 536870912n, -1, 'BinarySI'],
    ['0.025Ti', 274877906944n, -1, 'BinarySI'],
    // "things written by trolls"
    ['0.000000000001Ki', 2n, -9, 'DecimalSI'],
    ['.001', 1n, -3, 'DecimalSI'],
    ['.0001k', 100n, -3, 'DecimalSI'],
    ['1.', 1n, 0, 'DecimalSI'],
    ['1.G', 1n, 9, 'DecimalSI'],
  ];

  it.each(table)('%s = %s × 10^%s in %s, also with "-" and "+"', (input, unscaled, exp10, format) => {
    const expected = Quantity.fromScaled(unscaled, exp10);
    const parsed = q(input);
    expect(parsed.cmp(expected)).toBe(0);
    expect(parsed.format).toBe(format);
    const negative = q(`-${input}`);
    expect(negative.cmp(Quantity.fromScaled(-unscaled, exp10))).toBe(0);
    expect(negative.format).toBe(format);
    const plus = q(`+${input}`);
    expect(plus.cmp(expected)).toBe(0);
    expect(plus.format).toBe(format);
  });

  it.each([
    '',
    '1.1.M',
    '1+1.0M',
    '0.1mi',
    '0.1am',
    'aoeu',
    '.5i',
    '1i',
    '-3.01i',
    '-3.01e-',
    '1e4294967297',
    'K',
    '1K',
    '1KiB',
    '1e',
    '1 000',
    '12 Mi',
    '-.e-10',
    'e-10',
  ])('rejects %j', (input) => {
    expect(() => q(input)).toThrow(QuantityError);
  });

  it('accepts what upstream\'s scanner accepts as zero: "m", "Ki", "-", ".", "E"', () => {
    for (const text of ['m', 'Ki', '-', '+', '.', '-.', 'E', '000', '-0']) {
      expect(q(text).isZero()).toBe(true);
      expect(q(text).toString()).toBe('0');
    }
    expect(q('Ki').format).toBe('BinarySI');
  });

  it('treats "E" as exa and "E3"/"e3" as an exponent', () => {
    expect(q('1E').value()).toBe(10n ** 18n);
    expect(q('1E').format).toBe('DecimalSI');
    expect(q('1E3').value()).toBe(1000n);
    expect(q('1E3').format).toBe('DecimalExponent');
    expect(q('1e3').value()).toBe(1000n);
    expect(q('1Ei').value()).toBe(1n << 60n);
  });

  it('accepts exponents within ±(2^31 − 1) and rejects the rest as out of range', () => {
    expect(q('1e2147483647').toString()).toBe('10e2147483646');
    expect(q('1E-2147483647').toString()).toBe('1e-9'); // rounded up to nano
    for (const text of ['1e2147483648', '1E-2147483648', '1e4294967297', '1e9223372036854775808']) {
      expect(() => q(text)).toThrow(expect.objectContaining({ reason: 'range' }));
    }
  });

  it.each([
    ['-999999999999999999.1', '-999999999999999999100m'],
    ['999999999999999999.0', '999999999999999999'],
    ['9999999999999999999.1', '9999999999999999999100m'],
    ['1000000000000000000', '1E'],
    ['-1000000000000000000', '-1E'],
    ['1.0E', '1E'],
    ['9999999999999999999000m', '9999999999999999999'],
    ['1.0000000000000000001E', '1000000000000000000100m'],
    ['1.000000000000000001E', '1000000000000000001'],
    ['10000000000000000000', '10E'],
    ['-10000000000000000000000m', '-10E'],
    ['10.0000000000000000001E', '10000000000000000000100m'],
    ['9223372036854775807.1', '9223372036854775807100m'],
    ['-9223372036854775808000m', '-9223372036854775808'],
  ])('prints the 18–20 digit value %s as %s (TestParseQuantity)', (input, canonical) => {
    expect(q(input).toString()).toBe(canonical);
  });

  it('re-emits canonical decimal input verbatim, sign and all (§7.3)', () => {
    for (const text of [
      '100m',
      '12e6',
      '1e3',
      '1E3',
      '1e+3',
      '+100m',
      '0010m',
      '1.G',
      '1.',
      '-1Ki',
      '1Gi',
      '100Mi',
      '01Ki',
      '1.Ki',
    ]) {
      expect(q(text).toString()).toBe(text);
    }
  });

  it('recomputes non-canonical input (§7.3)', () => {
    expect(q('1.5').toString()).toBe('1500m');
    expect(q('2000m').toString()).toBe('2');
    expect(q('0.066').toString()).toBe('66m');
    expect(q('.5').toString()).toBe('500m');
    expect(q('1.0').toString()).toBe('1');
    expect(q('1024Mi').toString()).toBe('1Gi');
    expect(q('512Mi').toString()).toBe('512Mi'); // recomputed, same spelling
    expect(q('+1Pi').toString()).toBe('1Pi'); // Pi never takes the fast path, so its text is not kept
  });

  it.each([
    ['1Ki', '1Ki'],
    ['1Mi', '1Mi'],
    ['1Gi', '1Gi'],
    ['1024Mi', '1Gi'],
    ['1000M', '1G'],
    ['.001Ki', '1024m'],
    ['.000001Ki', '1024u'],
    ['.000000001Ki', '1024n'],
    ['.000000000001Ki', '2n'],
  ])('parses %s and emits %s, negated too (TestQuantityParseEmit)', (input, canonical) => {
    expect(q(input).toString()).toBe(canonical);
    expect(q(`-${input}`).toString()).toBe(`-${canonical}`);
  });

  it('switches BinarySI values strictly between 0 and 1 to DecimalSI and caps BinarySI at 2^63 − 1', () => {
    expect(q('0.0001Ki').format).toBe('DecimalSI');
    expect(q('0.0001Ki').toString()).toBe('102400u');
    expect(q('1Ki').format).toBe('BinarySI');
    expect(q('-9Ei').value()).toBe(-INT64_MAX);
    expect(q('10000000000000000000').value()).toBe(INT64_MAX); // decimal: not capped, value() saturates
    expect(q('10000000000000000000').toString()).toBe('10E');
  });
});

describe('integer accessors (§7.6)', () => {
  it.each([
    ['1.5m', 2n],
    ['-1.5m', -2n],
    ['100n', 1n],
    ['12345678n', 13n],
    ['250m', 250n],
    ['1', 1000n],
    ['0', 0n],
    ['1.5Gi', 1610612736000n],
  ])('milliValue(%s) = %s', (input, milli) => {
    expect(q(input).milliValue()).toBe(milli);
  });

  it.each([
    // upstream TestNegativeValueRoundsAwayFromZero
    ['-.484785E-7466', -1n, -1n],
    ['.484785E-7466', 1n, 1n],
    ['-.484785E-1', -1n, -49n],
    ['.484785E-1', 1n, 49n],
    ['-0.0005', -1n, -1n],
    ['0.0005', 1n, 1n],
    ['-1500m', -2n, -1500n],
    ['1500m', 2n, 1500n],
    ['-9.5000000001Gi', -10200547329n, -10200547328108n],
    ['9.5000000001Gi', 10200547329n, 10200547328108n],
    ['-1', -1n, -1000n],
    ['1', 1n, 1000n],
    ['0', 0n, 0n],
  ])('%s: value() %s, milliValue() %s — away from zero in both forms', (input, value, milli) => {
    expect(q(input).value()).toBe(value);
    expect(q(input).milliValue()).toBe(milli);
  });

  it('saturates beyond int64', () => {
    expect(q('1E').milliValue()).toBe(INT64_MAX);
    expect(q('-1E').milliValue()).toBe(-INT64_MAX - 1n);
    expect(q('1e2147483647').value()).toBe(INT64_MAX);
    expect(q('9Ei').milliValue()).toBe(INT64_MAX);
  });

  it.each([
    [-9, -3, 1n],
    [-9, 0, 1n],
    [-6, -3, 1n],
    [-6, 0, 1n],
    [-3, -3, 1n],
    [-3, 0, 1n],
    [0, -3, 1000n],
    [0, 0, 1n],
    [2, 0, 100n],
    [2, -3, 100000n],
  ])('1 × 10^%s in units of 10^%s is %s (TestScaledValue)', (from, to, expected) => {
    const quantity = Quantity.fromScaled(1n, from);
    expect(to === -3 ? quantity.milliValue() : quantity.value()).toBe(expected);
  });

  it('milliValue of fromMilli(x) is x, fromValue(x).value() is x', () => {
    for (const x of [0n, 1n, -1n, 999n, INT64_MAX, -INT64_MAX - 1n]) {
      expect(Quantity.fromMilli(x).milliValue()).toBe(x);
      expect(Quantity.fromValue(x).value()).toBe(x);
    }
  });
});

describe('comparison (§7.5)', () => {
  it.each([
    ['0', '0', 0],
    ['100m', '50m', 1],
    ['50m', '100m', -1],
    ['10000T', '100Gi', 1],
    ['1', '1000m', 0],
    ['1', '1e0', 0],
    ['1Ki', '1024', 0],
    ['-1', '1m', -1],
    ['-1', '-2', 1],
    ['1e-9', '1n', 0],
    ['999m', '1', -1],
  ])('cmp(%s, %s) = %s', (a, b, expected) => {
    expect(q(a).cmp(q(b))).toBe(expected);
    expect(q(b).cmp(q(a))).toBe(-expected || 0);
    expect(q(a).equals(q(b))).toBe(expected === 0);
  });

  it.each([
    [901n, -2, 901n, -2, 0],
    [90n, -1, 901n, -2, -1],
    [901n, -2, 900n, -2, 1],
    [0n, 1, 0n, -1, 0],
    [800n, -3, 1n, 0, -1],
    [800n, -3, 79n, -2, 1],
    [INT64_MAX, 0, 1n, -1, 1],
    [INT64_MAX, 1, 1n, 0, 1],
    [INT64_MAX, -16, 1n, 3, -1],
    [-INT64_MAX - 1n, 0, 0n, 0, -1],
    [-INT64_MAX - 1n, -18, -1n, 0, -1],
    [-INT64_MAX - 1n, -19, -1n, 0, 1],
    [10n ** 18n, -17, 1n, 1, 0],
    [10n ** 18n, -17, -10n, 0, 1],
    [-(10n ** 18n), -17, -10n, 0, 0],
    [10n ** 18n + 1n, -17, 1n, 1, 1],
    [10n ** 18n - 1n, -17, 1n, 1, -1],
  ])('%s×10^%s vs %s×10^%s → %s (TestQuantityCmpInt64AndDec)', (u1, e1, u2, e2, expected) => {
    const a = Quantity.fromScaled(u1, e1);
    const b = Quantity.fromScaled(u2, e2);
    expect(a.cmp(b)).toBe(expected);
    expect(b.cmp(a)).toBe(-expected || 0);
  });

  it('reports the sign of the value', () => {
    expect(q('-1m').sign()).toBe(-1);
    expect(q('0Ki').sign()).toBe(0);
    expect(q('0Ki').isZero()).toBe(true);
    expect(q('1n').sign()).toBe(1);
  });
});

describe('asApproximateFloat64 (§7.8)', () => {
  it('multiplies the parsed mantissa by Pow10 of the parsed exponent', () => {
    expect(q('50m').asApproximateFloat64()).toBe(0.05);
    expect(q('10m').asApproximateFloat64()).toBe(0.01);
    expect(q('300m').asApproximateFloat64()).toBe(0.3);
    expect(q('0.3').asApproximateFloat64()).toBe(3 * (1 / 10)); // 0.30000000000000004
    expect(q('0.3').asApproximateFloat64()).not.toBe(0.3);
    expect(q('900m').asApproximateFloat64()).toBe(0.9);
  });

  it.each([
    ['2Ki', 2048],
    ['1.1Ki', 1126.4],
    ['1Mi', 1048576],
    ['2Gi', 2147483648],
  ])('%s → %s (TestStringQuantityAsApproximateFloat64)', (input, expected) => {
    expect(q(input).asApproximateFloat64()).toBe(expected);
  });

  it.each([
    [0n, 0, 0],
    [0n, 500, 0],
    [0n, -500, 0],
    [1n, 0, 1],
    [1024n, 0, 1024],
    [7340032n, 1, 73400320],
    [7340032n, 4, 73400320000],
    [7340032n, 8, 734003200000000],
    [7340032n, -1, 7340032 * goPow10(-1)],
    [7340032n, -8, 7340032 / 100000000],
    [INT64_MAX, 0, Number(INT64_MAX)], // float64(math.MaxInt64)
    [12n, 18, 1.2e19],
    [12n, 500, Number.POSITIVE_INFINITY],
    [-12n, 500, Number.NEGATIVE_INFINITY],
  ])('%s × 10^%s → %s (TestQuantityAsApproximateFloat64)', (unscaled, exp10, expected) => {
    for (const format of ['DecimalSI', 'BinarySI', 'DecimalExponent'] as const) {
      const value = Quantity.fromScaled(unscaled, exp10, format).asApproximateFloat64();
      if (unscaled === 0n) expect(value === 0 || Number.isNaN(value)).toBe(true);
      else expect(value).toBe(expected);
    }
  });

  it('reproduces Go math.Pow10, which is not correctly rounded above 10^22', () => {
    expect(goPow10(0)).toBe(1);
    expect(goPow10(-1)).toBe(0.1);
    expect(goPow10(-3)).toBe(1 / 1000);
    expect(goPow10(22)).toBe(1e22);
    expect(goPow10(40)).toBe(1e32 * 1e8);
    expect(goPow10(309)).toBe(Number.POSITIVE_INFINITY);
    expect(goPow10(-324)).toBe(0);
    expect(goPow10(-320)).toBe(1e-320);
  });
});

describe('QuantityError and the decoder-like entry points', () => {
  it('names the text and the problem in the message', () => {
    expect(() => q('12Q')).toThrow('quantity "12Q": unknown suffix "Q"');
    expect(() => q('')).toThrow('quantity "": expected a number with an optional suffix (e.g. "100m", "1.5Gi")');
    expect(() => q('1KiB')).toThrow('quantity "1KiB": unknown suffix "KiB"');
    expect(() => q('0.1mi')).toThrow('quantity "0.1mi": unknown suffix "mi"');
  });

  it.each([
    ['12Q', 'suffix'],
    ['0.1mi', 'suffix'],
    ['1e', 'suffix'],
    ['', 'format'],
    ['aoeu', 'format'],
    ['1.1.M', 'format'],
    ['1 000', 'format'],
    ['1e4294967297', 'range'],
  ])('classifies %j as a %s error', (input, reason) => {
    const result = Quantity.tryParse(input);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toBeInstanceOf(QuantityError);
      expect(result.error.reason).toBe(reason);
      expect(result.error.text).toBe(input);
    }
  });

  it('returns non-string, non-number input as a format error', () => {
    for (const input of [null, undefined, true, {}, ['1'], 1n]) {
      const result = Quantity.tryParse(input);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.reason).toBe('format');
    }
  });

  it('trims surrounding whitespace like the JSON decoder (TestJSONWhitespace)', () => {
    expect(q(' 1').toString()).toBe('1');
    expect(q('1 ').toString()).toBe('1');
    expect(q(' -1').toString()).toBe('-1');
    expect(q('\t100m\n').toString()).toBe('100m');
    expect(q('\u00a0250m\u3000').toString()).toBe('250m');
  });

  it('parses numbers like their plain decimal text', () => {
    expect(q(250).toString()).toBe('250');
    expect(q(0.05).toString()).toBe('50m');
    expect(q(0.05).asApproximateFloat64()).toBe(5 * (1 / 100));
    expect(q(1.5).toString()).toBe('1500m');
    expect(q(-0).toString()).toBe('0');
    expect(q(1e21).toString()).toBe('1e21');
    expect(q(1.5e-7).toString()).toBe('150n');
    expect(q(10).format).toBe('DecimalSI');
    expect(() => q(Number.NaN)).toThrow(QuantityError);
    expect(() => q(Number.POSITIVE_INFINITY)).toThrow(QuantityError);
  });

  it('rejects a non-integer or out-of-range constructor exponent', () => {
    expect(() => Quantity.fromScaled(1n, 1.5)).toThrow(QuantityError);
    expect(() => Quantity.fromScaled(1n, 2 ** 31)).toThrow(QuantityError);
  });
});

interface BuildQuantityCase {
  readonly id: string;
  readonly input: { readonly resourceName: string; readonly rawProposalMilli: number };
  readonly expect: { readonly quantity: string; readonly format: QuantityFormat };
}

describe('conformance: behavior/TestBuildQuantity through Quantity', () => {
  const cases = JSON.parse(
    readFileSync(new URL('../conformance/cases/behavior/TestBuildQuantity.json', import.meta.url), 'utf8'),
  ) as BuildQuantityCase[];

  it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const raw = BigInt(c.input.rawProposalMilli);
    const built =
      c.input.resourceName === 'memory'
        ? Quantity.fromValue(raw / 1000n, 'BinarySI')
        : Quantity.fromMilli(raw, 'DecimalSI');
    expect(built.format).toBe(c.expect.format);
    expect(built.toString()).toBe(c.expect.quantity);
    expect(built.equals(q(c.expect.quantity))).toBe(true);
  });
});
