import { describe, expect, it } from '@jest/globals';
import { parseGoDurationMs, parseGoDurationNanos } from '../../../algorithms/index.js';

describe('Go durations (time.ParseDuration)', () => {
  it('accepts the whole grammar: sign, fractions, every unit, a bare 0', () => {
    expect(parseGoDurationMs('15s')).toEqual({ ok: true, value: 15_000 });
    expect(parseGoDurationMs('1m30s')).toEqual({ ok: true, value: 90_000 });
    expect(parseGoDurationMs('1.5h')).toEqual({ ok: true, value: 5_400_000 });
    expect(parseGoDurationMs('.5s')).toEqual({ ok: true, value: 500 });
    expect(parseGoDurationMs('5.s')).toEqual({ ok: true, value: 5000 });
    expect(parseGoDurationMs('-1s')).toEqual({ ok: true, value: -1000 });
    expect(parseGoDurationMs('+2ms')).toEqual({ ok: true, value: 2 });
    expect(parseGoDurationMs('1500us')).toEqual({ ok: true, value: 1.5 });
    expect(parseGoDurationMs('1500µs')).toEqual({ ok: true, value: 1.5 });
    expect(parseGoDurationMs('1500μs')).toEqual({ ok: true, value: 1.5 });
    expect(parseGoDurationMs('2000000ns')).toEqual({ ok: true, value: 2 });
    expect(parseGoDurationMs('0')).toEqual({ ok: true, value: 0 });
    expect(parseGoDurationMs('-0')).toEqual({ ok: true, value: 0 });
  });

  it('rejects a bare number of seconds, as Go does', () => {
    expect(parseGoDurationMs('15')).toMatchObject({
      ok: false,
      error: { code: 'InvalidDuration', message: 'time: missing unit in duration "15"' },
    });
  });

  it('rejects other units, spaces and overflow with Go’s wording', () => {
    expect(parseGoDurationMs('1d')).toMatchObject({ ok: false, error: { code: 'InvalidDuration' } });
    expect(parseGoDurationMs(' 1s')).toMatchObject({ ok: false, error: { code: 'InvalidDuration' } });
    expect(parseGoDurationMs('1s ')).toMatchObject({ ok: false, error: { code: 'InvalidDuration' } });
    expect(parseGoDurationNanos('9223372036854775808ns')).toMatchObject({
      ok: false,
      error: { message: 'time: invalid duration "9223372036854775808ns"' },
    });
  });

  it('checks an inclusive range and names it as written', () => {
    const range = { min: '1s', max: '24h' };
    expect(parseGoDurationMs('1s', range)).toEqual({ ok: true, value: 1000 });
    expect(parseGoDurationMs('24h', range)).toEqual({ ok: true, value: 86_400_000 });
    expect(parseGoDurationMs('1000h', range)).toEqual({
      ok: false,
      error: {
        code: 'DurationOutOfRange',
        text: '1000h',
        range,
        message: '1000h is out of range: must be between 1s and 24h',
      },
    });
    expect(parseGoDurationMs('999ms', range)).toMatchObject({ ok: false, error: { code: 'DurationOutOfRange' } });
    expect(parseGoDurationMs('-1s', range)).toMatchObject({ ok: false, error: { code: 'DurationOutOfRange' } });
  });
});
