import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  EMPTY_HISTORY,
  decide,
  getMetricReplicas,
  corpusProfile,
  type HorizontalPodAutoscalerBehavior,
  type HpaHistory,
  type CalcContext,
} from '../../../algorithms/index.js';
import {
  NOW,
  cpuFetch,
  cpuUtilization,
  decideAndWrite,
  decideInput,
  makeHpa,
  podsAverage,
  podsFetch,
} from './fixtures.js';
import { arbBehavior, arbHistory as historyOf, podsOf as arbPods } from './arbitraries.js';

const arbHistory = historyOf({ maxReplicas: 200, recommendations: 20, events: 10 });

describe('decide() invariants', () => {
  it('keeps every scale write within [minReplicas, maxReplicas] while the target runs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 100 }),
        arbBehavior,
        arbHistory,
        (min, extra, usage, current, target, behavior, history) => {
          const max = min + extra;
          const pods = arbPods(current);
          const hpa = makeHpa([cpuUtilization(target)], { min, max, behavior, currentReplicas: current });
          const d = decide(decideInput(hpa, pods, [cpuFetch(pods, () => usage)], current, { history }));
          if (d.rescale !== null) {
            expect(d.rescale.to).toBeGreaterThanOrEqual(min);
            expect(d.rescale.to).toBeLessThanOrEqual(max);
          }
          return true;
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never writes a scale when the target has 0 replicas and minReplicas ≥ 1 (scaling disabled)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5000 }), (min, usage) => {
        const pods = arbPods(2);
        const hpa = makeHpa([cpuUtilization(50)], { min, max: 10 });
        const d = decide(decideInput(hpa, pods, [cpuFetch(pods, () => usage)], 0));
        return d.rescale === null && d.branch === 'disabled';
      }),
    );
  });

  it('leaves replicas alone when the usage ratio is within tolerance', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1000, max: 1_000_000 }),
        fc.double({ min: 0.9, max: 1.1, noNaN: true }),
        (n, targetMilli, ratio) => {
          const pods = arbPods(n);
          const value = Math.round(targetMilli * ratio);
          const realRatio = value / targetMilli;
          fc.pre(realRatio >= 0.9 && realRatio <= 1.1);
          const ctx: CalcContext = {
            pods,
            tolerances: { down: 0.1, up: 0.1, comparison: 'perDirection' },
            groupSettings: {
              cpuInitializationPeriodMs: 300_000,
              delayOfInitialReadinessStatusMs: 30_000,
              ignoreSucceededPods: false,
            },
            profile: corpusProfile(),
            now: NOW,
          };
          const fetch = podsFetch(pods, () => value);
          if (fetch.kind !== 'pods') return false;
          const r = getMetricReplicas(ctx, n, BigInt(targetMilli), 'qps', fetch.result);
          return r.ok && r.value.replicas === n;
        },
      ),
    );
  });

  it('never proposes fewer replicas for more load, other inputs equal', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 20, maxLength: 20 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 90 }),
        fc.subarray([0, 1, 2, 3, 4, 5]),
        arbBehavior,
        arbHistory,
        (current, usages, factor, target, missing, behavior, history) => {
          const pods = arbPods(current);
          const metricPods = pods.filter((_, i) => !missing.includes(i));
          const hpa = makeHpa([cpuUtilization(target)], { min: 1, max: 1000, behavior, currentReplicas: current });
          const low = decideAndWrite(
            decideInput(hpa, pods, [cpuFetch(metricPods, (i) => usages[i])], current, { history }),
          ).decision;
          const high = decideAndWrite(
            decideInput(hpa, pods, [cpuFetch(metricPods, (i) => usages[i] * factor)], current, { history }),
          ).decision;
          return high.status.desiredReplicas >= low.status.desiredReplicas;
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never scales down below the highest recommendation inside the stabilization window', () => {
    fc.assert(
      fc.property(
        arbHistory,
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 3000 }),
        arbBehavior,
        (history, current, usage, behavior) => {
          const pods = arbPods(current);
          const hpa = makeHpa([cpuUtilization(50)], { min: 1, max: 1000, behavior, currentReplicas: current });
          const d = decide(decideInput(hpa, pods, [cpuFetch(pods, () => usage)], current, { history }));
          if (d.rescale === null || d.rescale.to >= current || d.normalization === null) return true;
          const windowS = behavior === null ? 300 : (behavior.scaleDown?.stabilizationWindowSeconds ?? 300);
          const recs = history.recommendations ?? [{ replicas: current, time: NOW }];
          const inWindow = recs.filter((r) =>
            behavior === null ? r.time >= NOW - windowS * 1000 : r.time > NOW - windowS * 1000,
          );
          const highest = Math.max(d.normalization.prenormalized, ...inWindow.map((r) => r.replicas));
          return d.rescale.to >= Math.min(current, highest);
        },
      ),
      { numRuns: 500 },
    );
  });
});

/** Replays a load sequence through decide(), applying each rescale, and returns the replica timeline. */
function simulate(
  behavior: HorizontalPodAutoscalerBehavior,
  loads: readonly number[],
  stepS: number,
): { time: number; replicas: number }[] {
  let replicas = 1;
  let history: HpaHistory = EMPTY_HISTORY;
  const timeline = [{ time: NOW, replicas }];
  loads.forEach((load, step) => {
    const now = NOW + (step + 1) * stepS * 1000;
    const pods = arbPods(replicas);
    const hpa = makeHpa([podsAverage('qps', '10')], { min: 1, max: 500, behavior, currentReplicas: replicas });
    const written = decideAndWrite(
      decideInput(hpa, pods, [podsFetch(pods, () => Math.round((load * 1000) / replicas))], replicas, { history, now }),
    );
    const d = written.decision;
    history = written.history;
    if (d.rescale !== null) {
      replicas = d.rescale.to;
      timeline.push({ time: now, replicas });
    }
  });
  return timeline;
}

function replicasAt(timeline: readonly { time: number; replicas: number }[], t: number): number {
  let r = timeline[0].replicas;
  for (const e of timeline) if (e.time <= t) r = e.replicas;
  return r;
}

describe('behavior policies over time', () => {
  const arbPolicy = fc.record({
    type: fc.constantFrom('Pods' as const, 'Percent' as const),
    value: fc.integer({ min: 1, max: 200 }),
    periodSeconds: fc.integer({ min: 15, max: 300 }),
  });
  const arbLoads = fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 5, maxLength: 60 });

  it('never scales up more than the policies allow within any period window', () => {
    fc.assert(
      fc.property(
        fc.array(arbPolicy, { minLength: 1, maxLength: 3 }),
        arbLoads,
        fc.integer({ min: 5, max: 60 }),
        (policies, loads, stepS) => {
          const behavior: HorizontalPodAutoscalerBehavior = {
            scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies },
            scaleDown: {
              stabilizationWindowSeconds: 0,
              selectPolicy: 'Disabled',
              policies: [{ type: 'Pods', value: 1, periodSeconds: 15 }],
            },
          };
          const timeline = simulate(behavior, loads, stepS);
          for (const e of timeline.slice(1)) {
            const allowed = Math.max(
              ...policies.map((p) => {
                const start = replicasAt(timeline, e.time - p.periodSeconds * 1000);
                return p.type === 'Pods' ? start + p.value : Math.ceil(start * (1 + p.value / 100));
              }),
            );
            if (e.replicas > Math.max(allowed, replicasAt(timeline, e.time - 1))) return false;
          }
          return true;
        },
      ),
      { numRuns: 120 },
    );
  });

  it('never scales down more than the policies allow within any period window', () => {
    fc.assert(
      fc.property(
        fc.array(arbPolicy, { minLength: 1, maxLength: 3 }),
        arbLoads,
        fc.integer({ min: 5, max: 60 }),
        (policies, loads, stepS) => {
          const behavior: HorizontalPodAutoscalerBehavior = {
            scaleUp: {
              stabilizationWindowSeconds: 0,
              selectPolicy: 'Max',
              policies: [{ type: 'Percent', value: 1000, periodSeconds: 15 }],
            },
            scaleDown: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies },
          };
          const timeline = simulate(behavior, [5000, 5000, 5000, ...loads], stepS);
          for (const [i, e] of timeline.entries()) {
            if (i === 0 || e.replicas >= timeline[i - 1].replicas) continue;
            const floor = Math.min(
              ...policies.map((p) => {
                const start = replicasAt(timeline, e.time - p.periodSeconds * 1000);
                return p.type === 'Pods' ? start - p.value : Math.trunc(start * (1 - p.value / 100));
              }),
            );
            if (e.replicas < Math.min(floor, replicasAt(timeline, e.time - 1))) return false;
          }
          return true;
        },
      ),
      { numRuns: 120 },
    );
  });
});
