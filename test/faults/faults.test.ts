/**
 * A small seeded run of the fault suite (`npm run test:faults` runs the full one), and proof that
 * each invariant check can fail: a synthetic history that breaks it is caught.
 */
import { describe, expect, it } from '@jest/globals';
import { runFuzz } from './fuzz.js';
import { Invariant, InvariantChecker, type Observation } from './invariants.js';
import { runRounds } from './rounds.js';

describe('the fault suite, seeded and small', () => {
  it('injects faults of every kind and sees no violation, crash or hang', async () => {
    const r = await runRounds({ seed: 20261207, rounds: 6, hpas: 6 });
    expect(r.checker.violations).toEqual([]);
    expect(r.faultsInjected).toBeGreaterThan(100);
    expect(r.byKind.size).toBe(21);
    expect(r.checker.checks).toBeGreaterThan(1000);
  });

  it('fuzzes every parser without a crash, a hang or a wrong value', async () => {
    const s = await runFuzz({ seed: 20261207, runs: 700 });
    expect(s.samples).toEqual([]);
    expect(s.inputs).toBe(700);
    expect(s.perTarget.size).toBe(7);
  });
});

const at = 60_000;
const VIOLATING: readonly [Invariant, Observation][] = [
  [Invariant.Bounds, { kind: 'replicas', at, key: 'd/a', min: 2, max: 5, replicas: 6 }],
  [Invariant.Bounds, { kind: 'replicas', at, key: 'd/a', min: 2, max: 5, replicas: 1 }],
  [Invariant.NoScaleDownOnFailedMetrics, { kind: 'scale-write', at, key: 'd/a', from: 4, to: 3, metricsFailed: true }],
  [Invariant.NoWriteWhenUnchanged, { kind: 'scale-write', at, key: 'd/a', from: 4, to: 4, metricsFailed: false }],
  [Invariant.NoWriteWhenUnchanged, { kind: 'status-write', at, key: 'd/a', unchanged: true }],
  [Invariant.Converges, converged({ lastHealthyAt: undefined })],
  [Invariant.Converges, converged({ lastHealthyAt: 10_000 })],
  [Invariant.Converges, converged({ scalingActive: 'False' })],
  [Invariant.Converges, converged({ statusDesiredReplicas: 3 })],
  [Invariant.Converges, converged({ at: 50_001 })],
  [Invariant.NoCrash, { kind: 'crash', at, detail: 'TypeError: x is undefined' }],
  [Invariant.NoHang, step({ realMs: 40_000 })],
  [Invariant.NoHang, step({ oldestInFlightMs: 600_000 })],
];

function converged(o: Partial<Extract<Observation, { kind: 'converged' }>>): Observation {
  return {
    kind: 'converged',
    at: 40_000,
    key: 'd/a',
    clearedAt: 20_000,
    syncPeriodMs: 15_000,
    lastHealthyAt: 35_000,
    scalingActive: 'True',
    statusDesiredReplicas: 4,
    scaleReplicas: 4,
    ...o,
  } as Observation;
}

function step(o: Partial<Extract<Observation, { kind: 'step' }>>): Observation {
  return {
    kind: 'step',
    at,
    realMs: 3,
    realBoundMs: 30_000,
    oldestInFlightMs: 0,
    inFlightBoundMs: 120_000,
    ...o,
  } as Observation;
}

describe('the invariant checker', () => {
  it('passes a history that keeps every invariant', () => {
    const c = new InvariantChecker();
    c.observe({ kind: 'replicas', at, key: 'd/a', min: 2, max: 5, replicas: 5 });
    c.observe({ kind: 'scale-write', at, key: 'd/a', from: 4, to: 3, metricsFailed: false });
    c.observe({ kind: 'scale-write', at, key: 'd/a', from: 3, to: 4, metricsFailed: true });
    c.observe({ kind: 'status-write', at, key: 'd/a', unchanged: false });
    c.observe(converged({}));
    c.observe(step({}));
    expect(c.violations).toEqual([]);
    expect(c.checks).toBe(6);
  });

  it.each(VIOLATING.map(([inv, o], i) => [i, inv, o] as const))('catches violating history %i (%s)', (_i, inv, o) => {
    const c = new InvariantChecker();
    c.observe(o);
    expect(c.violations.map((v) => v.invariant)).toEqual([inv]);
    expect(c.crashes + c.hangs + c.invariantViolations).toBe(1);
  });
});
