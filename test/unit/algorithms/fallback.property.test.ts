/**
 * hpa-ts.io/fallback-replicas over random reconciles (fast-check): without the annotation no
 * trace of it and upstream's decision; with it the scale never leaves [minReplicas, maxReplicas],
 * currentReplicasIfHigher never scales down, and metrics that work decide as upstream does.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  NO_HPA_ANNOTATIONS,
  decide,
  findCondition,
  parseHpaAnnotations,
  type DecideInput,
  type Decision,
  type MetricFetch,
} from '../../../algorithms/index.js';
import {
  cpuFetch,
  cpuUtilization,
  decideInput,
  externalAverage,
  externalFailure,
  externalFetch,
  makeHpa,
} from './fixtures.js';
import { arbBehavior, arbHistory as historyOf, podsOf } from './arbitraries.js';

const arbHistory = historyOf({ maxReplicas: 60, recommendations: 10, events: 5 });

/** Which metrics answer: both, the CPU one only (partial failure), or none. */
type Served = 'all' | 'cpu' | 'none';

/** A random reconcile of an HPA on CPU and an external queue, some of whose metrics may fail. */
const arbReconcile = fc
  .record({
    min: fc.integer({ min: 0, max: 10 }),
    extra: fc.integer({ min: 0, max: 30 }),
    current: fc.integer({ min: 0, max: 40 }),
    cpuMilli: fc.integer({ min: 0, max: 5000 }),
    queueMilli: fc.integer({ min: 0, max: 500_000 }),
    behavior: arbBehavior,
    history: arbHistory,
    served: fc.constantFrom<Served>('all', 'cpu', 'none'),
  })
  .map(({ min, extra, current, cpuMilli, queueMilli, behavior, history, served }) => {
    const max = Math.max(1, min + extra);
    const pods = podsOf(Math.max(1, current));
    const hpa = makeHpa([cpuUtilization(50), externalAverage('queue_depth', '10')], {
      min,
      max,
      behavior,
      currentReplicas: current,
    });
    const fetches: MetricFetch[] = [
      served === 'none' ? externalFailure : cpuFetch(pods, () => cpuMilli),
      served === 'all' ? externalFetch([queueMilli]) : externalFailure,
    ];
    return { input: decideInput(hpa, pods, fetches, current, { history }), served, current, min, max };
  });

const arbFallback = fc.record({
  'hpa-ts.io/fallback-replicas': fc.integer({ min: 0, max: 60 }).map(String),
  'hpa-ts.io/fallback-failure-threshold': fc.integer({ min: 1, max: 4 }).map(String),
  'hpa-ts.io/fallback-behavior': fc.constantFrom('static', 'currentReplicasIfHigher', 'currentReplicasIfLower'),
});
const arbPrior = fc.record({ consecutiveFailures: fc.integer({ min: 0, max: 8 }), active: fc.boolean() });

function withAnnotations(input: DecideInput, annotations: Record<string, string>): DecideInput {
  return { ...input, annotations: parseHpaAnnotations(annotations) };
}

/** The decision as plain data (accessors included), for deep comparison. */
function plain(d: Decision): unknown {
  return { ...d, explanation: d.explanation, reason: d.reason, statusChanged: d.statusChanged };
}

describe('without hpa-ts.io/fallback-replicas', () => {
  it('the decision is the one without the feature: no condition, no kept state, no outcome, whatever fails', () => {
    fc.assert(
      fc.property(arbReconcile, ({ input }) => {
        const upstream = decide(input);
        const expected = plain(upstream);
        expect(plain(decide({ ...input, annotations: NO_HPA_ANNOTATIONS }))).toEqual(expected);
        // the threshold and behavior alone do not turn it on
        const partial = decide(
          withAnnotations(input, {
            'hpa-ts.io/fallback-failure-threshold': '1',
            'hpa-ts.io/fallback-behavior': 'static',
          }),
        );
        expect(plain(partial)).toEqual(expected);
        expect(findCondition(upstream.status.conditions, 'Fallback')).toBeUndefined();
        expect(upstream.history).not.toHaveProperty('fallback');
        expect(upstream.fallback).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });
});

describe('with hpa-ts.io/fallback-replicas', () => {
  it('never plans a scale outside [minReplicas, maxReplicas] while the target runs, in or out of fallback', () => {
    fc.assert(
      fc.property(arbReconcile, arbFallback, arbPrior, ({ input, current, min, max }, annotations, prior) => {
        fc.pre(current >= Math.max(min, 1) && current <= max);
        const d = decide(withAnnotations({ ...input, history: { ...input.history, fallback: prior } }, annotations));
        if (d.rescale !== null) {
          expect(d.rescale.to).toBeGreaterThanOrEqual(min);
          expect(d.rescale.to).toBeLessThanOrEqual(max);
        }
        if (d.fallback !== undefined) {
          expect(d.fallback.replicas).toBeGreaterThanOrEqual(min);
          expect(d.fallback.replicas).toBeLessThanOrEqual(max);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('currentReplicasIfHigher never scales down on missing data', () => {
    fc.assert(
      fc.property(arbReconcile, arbFallback, arbPrior, ({ input, served, current, min, max }, annotations, prior) => {
        fc.pre(served === 'none' && current >= Math.max(min, 1) && current <= max);
        const a = { ...annotations, 'hpa-ts.io/fallback-behavior': 'currentReplicasIfHigher' };
        const d = decide(withAnnotations({ ...input, history: { ...input.history, fallback: prior } }, a));
        if (d.rescale !== null) expect(d.rescale.to).toBeGreaterThan(d.rescale.from);
      }),
      { numRuns: 500 },
    );
  });

  it('while every metric is computed, decides as upstream does (only the Fallback condition and the kept count differ)', () => {
    fc.assert(
      fc.property(arbReconcile, arbFallback, arbPrior, ({ input, served, current, min, max }, annotations, prior) => {
        fc.pre(served === 'all' && current >= Math.max(min, 1) && current <= max);
        const history = { ...input.history, fallback: prior };
        const upstream = decide({ ...input, history });
        const d = decide(withAnnotations({ ...input, history }, annotations));
        expect(d.rescale).toEqual(upstream.rescale);
        expect(d.status.desiredReplicas).toBe(upstream.status.desiredReplicas);
        expect(d.status.conditions?.filter((c) => c.type !== 'Fallback')).toEqual(upstream.status.conditions);
        expect(d.history).toEqual({ ...upstream.history, fallback: { consecutiveFailures: 0, active: false } });
        expect(findCondition(d.status.conditions, 'Fallback')?.status).toBe('False');
      }),
      { numRuns: 300 },
    );
  });
});
