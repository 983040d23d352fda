/**
 * Invariants of the unclamped recommendation (algorithms/unclamped.ts): minReplicas, maxReplicas
 * and behavior never change it, and reading it never changes the decision.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  decide,
  type DecideInput,
  type Decision,
  type HorizontalPodAutoscalerBehavior,
  type HpaHistory,
} from '../../../algorithms/index.js';
import { cpuFetch, cpuUtilization, decideInput, makeHpa, podsAverage, podsFetch } from './fixtures.js';
import { arbBehavior, arbHistory as historyOf, podsOf } from './arbitraries.js';

const arbHistory = historyOf({ maxReplicas: 80, recommendations: 8, events: 4 });

/** Limits that keep `current` in range (so the metrics path is taken): [min, max] ∋ current. */
const arbLimits = (
  current: number,
): fc.Arbitrary<{ min: number; max: number; behavior: HorizontalPodAutoscalerBehavior | null }> =>
  fc.record({
    min: fc.integer({ min: 1, max: current }),
    max: fc.integer({ min: current, max: current + 40 }),
    behavior: arbBehavior,
  });

/** The same metrics, pods, current count and history, under two sets of limits. */
const arbTwoLimits = fc
  .record({
    current: fc.integer({ min: 1, max: 30 }),
    usage: fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 1, maxLength: 30 }),
    target: fc.integer({ min: 1, max: 100 }),
    perPod: fc.option(fc.integer({ min: 0, max: 100_000 }), { nil: null }),
    history: arbHistory,
  })
  .chain((world) => fc.tuple(fc.constant(world), arbLimits(world.current), arbLimits(world.current)));

function inputFor(
  world: { current: number; usage: number[]; target: number; perPod: number | null; history: HpaHistory },
  limits: { min: number; max: number; behavior: HorizontalPodAutoscalerBehavior | null },
): DecideInput {
  const { current, usage, target, perPod, history } = world;
  const pods = podsOf(current);
  const specs = perPod === null ? [cpuUtilization(target)] : [cpuUtilization(target), podsAverage('requests', '10')];
  const fetches = [cpuFetch(pods, (i) => usage[i % usage.length] ?? 0)];
  if (perPod !== null) fetches.push(podsFetch(pods, () => perPod));
  const hpa = makeHpa(specs, { ...limits, currentReplicas: current });
  return { ...decideInput(hpa, pods, fetches, current), history };
}

/** What a decision decides, writes and shows (its derived fields included). */
function decided(d: Decision): unknown {
  return {
    branch: d.branch,
    metrics: d.metrics,
    metricDesiredReplicas: d.metricDesiredReplicas,
    normalization: d.normalization,
    rescale: d.rescale,
    status: d.status,
    statusChanged: d.statusChanged,
    events: d.events,
    history: d.history,
    error: d.error,
    monitor: d.monitor,
    explanation: d.explanation,
    reason: d.reason,
  };
}

describe('the unclamped recommendation', () => {
  it('is the same under any minReplicas, maxReplicas and behavior: the highest metric proposal', () => {
    fc.assert(
      fc.property(arbTwoLimits, ([world, a, b]) => {
        const da = decide(inputFor(world, a));
        const db = decide(inputFor(world, b));
        expect(da.branch).toBe('metrics');
        expect(db.branch).toBe('metrics');
        const proposals = da.metrics.flatMap((m) => (m.ok ? [m.proposal] : []));
        expect(da.unclamped.replicas).toBe(Math.max(...proposals));
        expect(db.unclamped.replicas).toBe(da.unclamped.replicas);
      }),
      { numRuns: 400 },
    );
  });

  it('ends where the decision goes, and the limits account for every difference', () => {
    fc.assert(
      fc.property(arbTwoLimits, ([world, a]) => {
        const d = decide(inputFor(world, a));
        const u = d.unclamped;
        if (u.replicas === null) throw new Error(`no recommendation on the metrics path: ${u.absent}`);
        expect(u.decided).toBe(d.rescale?.to ?? d.currentReplicas);
        if (u.limits.length === 0) expect(u.decided).toBe(u.replicas);
        else expect(u.limits.at(-1)?.replicas).toBe(u.decided);
        if (u.replicas > d.maxReplicas) expect(u.decided).toBeLessThanOrEqual(d.maxReplicas);
      }),
      { numRuns: 400 },
    );
  });

  it('leaves the decision as it is: the same fields read or not, and no field in the status upstream lacks', () => {
    fc.assert(
      fc.property(arbTwoLimits, ([world, a]) => {
        const input = inputFor(world, a);
        const read = decide(input);
        void read.unclamped;
        expect(decided(read)).toEqual(decided(decide(input)));
        expect(Object.keys(read.status)).not.toContain('unclampedReplicas');
      }),
      { numRuns: 300 },
    );
  });
});
