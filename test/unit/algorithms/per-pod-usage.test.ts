/**
 * The per-pod value Object and External AverageValue metrics report (R1.9.2): the newest
 * upstream source guards against MaxInt64 and 0 replicas; released versions up to 1.37 guard
 * External against MaxInt64 only (from 1.34) and Object not at all, so a target at 0 replicas
 * divides by zero. Found by the release matrix: kube-controller-manager 1.33.13, 1.34.4 and
 * 1.35.4 report averageValue "-9223372036854775808m" there.
 */
import { describe, expect, it } from '@jest/globals';
import { MAX_INT64, MIN_INT64, floatToInt64Amd64 } from '../../../algorithms/numeric.js';
import { profileForVersion } from '../../../algorithms/profile.js';
import { Quantity } from '../../../algorithms/quantity.js';
import type { CalcContext } from '../../../algorithms/replica-calc.js';
import {
  getExternalPerPodMetricReplicas,
  getObjectPerPodMetricReplicas,
  perPodUsage,
} from '../../../algorithms/replica-calc-values.js';

function ctx(minor: number): CalcContext {
  const profile = profileForVersion(minor);
  return {
    pods: [],
    tolerances: { down: 0.1, up: 0.1, comparison: profile.toleranceComparison },
    groupSettings: { cpuInitializationPeriodMs: 0, delayOfInitialReadinessStatusMs: 0, ignoreSucceededPods: false },
    profile,
    now: 0,
  };
}

const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'app' };

function objectAt(minor: number, statusReplicas: number, value: string): bigint | undefined {
  const fetched = { ok: true as const, value: [{ value: Quantity.parse(value), timestamp: 0, windowSeconds: 60 }] };
  const r = getObjectPerPodMetricReplicas(ctx(minor), statusReplicas, 1000n, 'rps', ref, 'default', fetched);
  return r.ok ? r.value.rawValue : undefined;
}

function externalAt(minor: number, statusReplicas: number, value: string): bigint | undefined {
  const fetched = { ok: true as const, value: [{ value: Quantity.parse(value), timestamp: 0 }] };
  const r = getExternalPerPodMetricReplicas(ctx(minor), statusReplicas, 1000n, 'default/queue', fetched);
  return r.ok ? r.value.rawValue : undefined;
}

describe('perPodUsage', () => {
  it('newest: MaxInt64 first, then 0 replicas gives 0, else ceil(usage / replicas)', () => {
    expect(perPodUsage(MAX_INT64, 0)).toBe(MAX_INT64);
    expect(perPodUsage(5000n, 0)).toBe(0n);
    expect(perPodUsage(5001n, 2)).toBe(2501n);
  });

  it('up to 1.34: division by zero converts ±Inf and NaN to MinInt64 as Go does on amd64', () => {
    expect(perPodUsage(5000n, 0, 'none')).toBe(MIN_INT64);
    expect(perPodUsage(0n, 0, 'none')).toBe(MIN_INT64);
    expect(perPodUsage(-5000n, 0, 'maxOnly')).toBe(MIN_INT64);
    expect(perPodUsage(MAX_INT64, 0, 'maxOnly')).toBe(MAX_INT64);
    expect(perPodUsage(MAX_INT64, 1, 'none')).toBe(MIN_INT64);
    expect(perPodUsage(5001n, 2, 'none')).toBe(2501n);
  });

  it('follows the emulated release for Object and External at 0 replicas', () => {
    for (const minor of [33, 34, 35, 36, 37]) {
      expect(objectAt(minor, 0, '5')).toBe(MIN_INT64);
      expect(externalAt(minor, 0, '5')).toBe(MIN_INT64);
      expect(objectAt(minor, 2, '5')).toBe(2500n);
    }
    // MaxInt64 is kept by External's guard from 1.34; 1.33 converts 2^63 as Go does on amd64
    expect(externalAt(34, 1, '9223372036854775807m')).toBe(MAX_INT64);
    expect(externalAt(33, 1, '9223372036854775807m')).toBe(MIN_INT64);
  });
});

describe('floatToInt64Amd64', () => {
  it('gives the integer indefinite value for NaN, infinities and out-of-range values', () => {
    for (const x of [NaN, Infinity, -Infinity, 2 ** 63, -(2 ** 64)]) expect(floatToInt64Amd64(x)).toBe(MIN_INT64);
    expect(floatToInt64Amd64(-(2 ** 63))).toBe(MIN_INT64);
    expect(floatToInt64Amd64(42.9)).toBe(42n);
    expect(floatToInt64Amd64(-42.9)).toBe(-42n);
  });
});
