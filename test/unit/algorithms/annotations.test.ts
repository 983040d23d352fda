import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  AnnotationErrorCode,
  HpaAnnotation,
  NO_HPA_ANNOTATIONS,
  parseHpaAnnotations,
  parsePausedAnnotation,
  parsePausedReplicasAnnotation,
  parseSyncPeriodAnnotation,
  pauseOf,
} from '../../../algorithms/index.js';

const CODES = new Set<string>(Object.values(AnnotationErrorCode));

describe('hpa-ts.io/paused', () => {
  it('takes the strict booleans of the flags, in any case', () => {
    for (const [text, value] of [
      ['true', true],
      ['TRUE', true],
      ['1', true],
      ['false', false],
      ['False', false],
      ['0', false],
    ] as const)
      expect(parsePausedAnnotation(text)).toEqual({ ok: true, value });
  });

  it('rejects anything else with InvalidBool, naming the annotation and the value', () => {
    expect(parsePausedAnnotation('yes')).toEqual({
      ok: false,
      error: {
        code: 'InvalidBool',
        annotation: 'hpa-ts.io/paused',
        value: 'yes',
        message: 'hpa-ts.io/paused: "yes" is not a boolean (expected true, false, 1 or 0); ignored',
      },
    });
    for (const text of ['', ' true', 'on', 't'])
      expect(parsePausedAnnotation(text)).toMatchObject({ ok: false, error: { code: 'InvalidBool' } });
  });
});

describe('hpa-ts.io/paused-replicas', () => {
  it('takes a non-negative int32 in decimal digits', () => {
    expect(parsePausedReplicasAnnotation('0')).toEqual({ ok: true, value: 0 });
    expect(parsePausedReplicasAnnotation('3')).toEqual({ ok: true, value: 3 });
    expect(parsePausedReplicasAnnotation('2147483647')).toEqual({ ok: true, value: 2147483647 });
  });

  it('rejects signs, fractions and blanks (InvalidInt) and counts above int32 (IntOutOfRange)', () => {
    for (const text of ['-1', '+3', '1.5', ' 3', '', '3e2', 'three'])
      expect(parsePausedReplicasAnnotation(text)).toMatchObject({ ok: false, error: { code: 'InvalidInt' } });
    expect(parsePausedReplicasAnnotation('2147483648')).toMatchObject({
      ok: false,
      error: {
        code: 'IntOutOfRange',
        message: 'hpa-ts.io/paused-replicas: "2147483648" is out of range: must be 0 … 2147483647; ignored',
      },
    });
  });
});

describe('hpa-ts.io/sync-period', () => {
  it('takes a Go duration from 1s to 1h, in milliseconds', () => {
    expect(parseSyncPeriodAnnotation('30s')).toEqual({ ok: true, value: 30_000 });
    expect(parseSyncPeriodAnnotation('1m30s')).toEqual({ ok: true, value: 90_000 });
    expect(parseSyncPeriodAnnotation('1s')).toEqual({ ok: true, value: 1_000 });
    expect(parseSyncPeriodAnnotation('1h')).toEqual({ ok: true, value: 3_600_000 });
  });

  it('rejects values outside 1s … 1h with DurationOutOfRange', () => {
    for (const text of ['999ms', '0', '1h0m1s', '-30s'])
      expect(parseSyncPeriodAnnotation(text)).toMatchObject({ ok: false, error: { code: 'DurationOutOfRange' } });
    expect(parseSyncPeriodAnnotation('2h')).toMatchObject({
      error: { message: 'hpa-ts.io/sync-period: "2h" is out of range: must be between 1s and 1h; ignored' },
    });
  });

  it("rejects what is not a Go duration with InvalidDuration, quoting Go's error", () => {
    expect(parseSyncPeriodAnnotation('30')).toMatchObject({
      ok: false,
      error: {
        code: 'InvalidDuration',
        message:
          'hpa-ts.io/sync-period: "30" is not a Go duration (time: missing unit in duration "30"; expected e.g. 30s or 2m, between 1s and 1h); ignored',
      },
    });
    expect(parseSyncPeriodAnnotation('1d')).toMatchObject({ ok: false, error: { code: 'InvalidDuration' } });
  });
});

describe('parseHpaAnnotations', () => {
  it('gives the shared empty value when no hpa-ts annotation is set', () => {
    expect(parseHpaAnnotations(undefined)).toBe(NO_HPA_ANNOTATIONS);
    expect(parseHpaAnnotations({ 'kubectl.kubernetes.io/last-applied-configuration': '{}' })).toBe(NO_HPA_ANNOTATIONS);
  });

  it('treats an invalid annotation as absent and lists it, keeping the valid ones', () => {
    expect(
      parseHpaAnnotations({
        [HpaAnnotation.paused]: 'maybe',
        [HpaAnnotation.pausedReplicas]: '4',
        [HpaAnnotation.syncPeriod]: '2h',
      }),
    ).toMatchObject({
      paused: false,
      pausedReplicas: 4,
      syncPeriodMs: null,
      errors: [
        { code: 'InvalidBool', annotation: 'hpa-ts.io/paused', value: 'maybe' },
        { code: 'DurationOutOfRange', annotation: 'hpa-ts.io/sync-period', value: '2h' },
      ],
    });
  });

  it('lets paused-replicas win over paused, and paused "false" is no pause', () => {
    const both = parseHpaAnnotations({ [HpaAnnotation.paused]: 'true', [HpaAnnotation.pausedReplicas]: '2' });
    expect(pauseOf(both)).toEqual({ annotation: 'hpa-ts.io/paused-replicas', replicas: 2 });
    expect(pauseOf(parseHpaAnnotations({ [HpaAnnotation.paused]: 'true' }))).toEqual({
      annotation: 'hpa-ts.io/paused',
      replicas: null,
    });
    expect(pauseOf(parseHpaAnnotations({ [HpaAnnotation.paused]: 'false' }))).toBeNull();
  });

  it('turns any string of any annotation into a typed value or a typed error, never throwing', () => {
    const arbText = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.constantFrom('true', 'FALSE', '1', '0', '30s', '1h', '2147483647', '2147483648', '1e3', '-0', '0x10'),
      fc.integer().map(String),
      fc.tuple(fc.nat(5000), fc.constantFrom('ns', 'us', 'µs', 'ms', 's', 'm', 'h')).map(([n, u]) => `${n}${u}`),
    );
    fc.assert(
      fc.property(
        fc.option(arbText, { nil: undefined }),
        fc.option(arbText, { nil: undefined }),
        fc.option(arbText, { nil: undefined }),
        (paused, replicas, period) => {
          const raw: Record<string, string> = {};
          if (paused !== undefined) raw[HpaAnnotation.paused] = paused;
          if (replicas !== undefined) raw[HpaAnnotation.pausedReplicas] = replicas;
          if (period !== undefined) raw[HpaAnnotation.syncPeriod] = period;
          const a = parseHpaAnnotations(raw);
          expect(typeof a.paused).toBe('boolean');
          if (a.pausedReplicas !== null) {
            expect(Number.isInteger(a.pausedReplicas)).toBe(true);
            expect(a.pausedReplicas).toBeGreaterThanOrEqual(0);
            expect(a.pausedReplicas).toBeLessThanOrEqual(2147483647);
          }
          if (a.syncPeriodMs !== null) {
            expect(a.syncPeriodMs).toBeGreaterThanOrEqual(1000);
            expect(a.syncPeriodMs).toBeLessThanOrEqual(3_600_000);
          }
          for (const e of a.errors) {
            expect(CODES.has(e.code)).toBe(true);
            expect(e.value).toBe(raw[e.annotation]);
            expect(e.message.startsWith(`${e.annotation}: ${JSON.stringify(e.value)} `)).toBe(true);
          }
          // each present annotation is either applied or listed as an error, never both
          const rejected = new Set(a.errors.map((e) => e.annotation));
          if (replicas !== undefined)
            expect(rejected.has(HpaAnnotation.pausedReplicas)).toBe(a.pausedReplicas === null);
          if (period !== undefined) expect(rejected.has(HpaAnnotation.syncPeriod)).toBe(a.syncPeriodMs === null);
        },
      ),
      { numRuns: 500 },
    );
  });
});
