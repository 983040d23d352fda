/** Parsing hpa-ts.io/fallback-replicas, -failure-threshold and -behavior (annotations.ts). */
import { describe, expect, it } from '@jest/globals';
import { parseHpaAnnotations } from '../../../algorithms/index.js';

describe('parsing hpa-ts.io/fallback-*', () => {
  it('turns fallback on with fallback-replicas alone: threshold 3, behavior static', () => {
    expect(parseHpaAnnotations({ 'hpa-ts.io/fallback-replicas': '6' })).toMatchObject({
      fallback: { replicas: 6, failureThreshold: 3, behavior: 'static' },
      errors: [],
    });
    expect(
      parseHpaAnnotations({ 'hpa-ts.io/fallback-failure-threshold': '2', 'hpa-ts.io/fallback-behavior': 'static' }),
    ).toMatchObject({ fallback: null, errors: [] });
  });

  it('takes KEDA’s behaviors spelled exactly, and int32 counts', () => {
    expect(
      parseHpaAnnotations({
        'hpa-ts.io/fallback-replicas': '2147483647',
        'hpa-ts.io/fallback-failure-threshold': '1',
        'hpa-ts.io/fallback-behavior': 'currentReplicasIfLower',
      }).fallback,
    ).toEqual({ replicas: 2147483647, failureThreshold: 1, behavior: 'currentReplicasIfLower' });
    for (const b of ['Static', 'currentreplicasifhigher', 'currentReplicas', ' static', ''])
      expect(
        parseHpaAnnotations({ 'hpa-ts.io/fallback-replicas': '2', 'hpa-ts.io/fallback-behavior': b }),
      ).toMatchObject({ fallback: null, errors: [{ code: 'InvalidEnum', annotation: 'hpa-ts.io/fallback-behavior' }] });
  });

  it('rejects a count that is not a non-negative int32 (fallback stays off) and a threshold below 1', () => {
    for (const v of ['-1', '1.5', 'six', '2147483648'])
      expect(parseHpaAnnotations({ 'hpa-ts.io/fallback-replicas': v })).toMatchObject({
        fallback: null,
        errors: [{ annotation: 'hpa-ts.io/fallback-replicas', value: v }],
      });
    expect(
      parseHpaAnnotations({ 'hpa-ts.io/fallback-replicas': '2', 'hpa-ts.io/fallback-failure-threshold': '0' }),
    ).toMatchObject({
      fallback: { failureThreshold: 3 },
      errors: [{ code: 'IntOutOfRange', annotation: 'hpa-ts.io/fallback-failure-threshold' }],
    });
  });
});
