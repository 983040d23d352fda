/**
 * Properties of the stale-sample cut-off (algorithms/stale-samples.ts) over random reconciles:
 * off, it changes nothing; on, a stale sample's value never matters and never scales down.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  EMPTY_HISTORY,
  Quantity,
  decide,
  parseHpaAnnotations,
  type DecideInput,
  type MetricFetch,
  type PodSnapshot,
} from '../../../algorithms/index.js';
import { NOW, TEST_CONFIG, cpuUtilization, decideInput, externalAverage, makeHpa, makePod } from './fixtures.js';

const MIN = 60_000;

interface Case {
  readonly min: number;
  readonly max: number;
  readonly current: number;
  readonly target: number;
  /** per pod: usage in millicores, age of its sample in ms */
  readonly samples: readonly (readonly [number, number])[];
  readonly maxAgeMs: number;
  readonly window: number;
  readonly firstReconcile: boolean;
}

const arbCase: fc.Arbitrary<Case> = fc
  .record({
    min: fc.integer({ min: 1, max: 5 }),
    extra: fc.integer({ min: 0, max: 30 }),
    current: fc.integer({ min: 1, max: 30 }),
    target: fc.integer({ min: 10, max: 100 }),
    samples: fc.array(fc.tuple(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: -MIN, max: 20 * MIN })), {
      minLength: 1,
      maxLength: 30,
    }),
    maxAgeMs: fc.integer({ min: 1, max: 15 }).map((m) => m * MIN),
    window: fc.constantFrom(0, 300),
    firstReconcile: fc.boolean(),
  })
  .map(({ min, extra, ...rest }) => ({ min, max: min + extra, ...rest }));

function podsOf(c: Case): PodSnapshot[] {
  return Array.from({ length: c.current }, (_, i) => makePod(i));
}

function cpuFetchOf(pods: readonly PodSnapshot[], c: Case, usage: (i: number, u: number) => number): MetricFetch {
  return {
    kind: 'resource',
    result: {
      ok: true,
      value: pods.map((p, i) => {
        const [u, age] = c.samples[i % c.samples.length] ?? [0, 0];
        return {
          pod: p.name,
          labels: p.labels,
          timestamp: NOW - age,
          windowSeconds: 30,
          containers: [{ name: 'app', usage: { cpu: Quantity.fromMilli(BigInt(usage(i, u))) } }],
        };
      }),
    },
  };
}

function inputOf(
  c: Case,
  usage: (i: number, u: number) => number = (_, u) => u,
  extra: MetricFetch[] = [],
): DecideInput {
  const pods = podsOf(c);
  const metrics =
    extra.length === 0 ? [cpuUtilization(c.target)] : [cpuUtilization(c.target), externalAverage('q', '10')];
  const hpa = makeHpa(metrics, { min: c.min, max: c.max, currentReplicas: c.current });
  return decideInput(hpa, pods, [cpuFetchOf(pods, c, usage), ...extra], c.current, {
    config: { ...TEST_CONFIG, downscaleStabilizationWindowSeconds: c.window },
    history: c.firstReconcile ? EMPTY_HISTORY : { ...EMPTY_HISTORY, recommendations: [] },
  });
}

const isStale = (c: Case, i: number): boolean => (c.samples[i % c.samples.length]?.[1] ?? 0) > c.maxAgeMs;
const on = (input: DecideInput, maxAgeMs: number): DecideInput => ({
  ...input,
  config: { ...input.config, metricsMaxAgeMs: maxAgeMs },
});

/** The decision as plain data (accessors included), for deep comparison. */
function plain(input: DecideInput): unknown {
  const d = decide(input);
  return { ...d, explanation: d.explanation, reason: d.reason, statusChanged: d.statusChanged };
}

describe('the stale-sample cut-off off', () => {
  it('leaves every decision as upstream makes it: no flag, flag 0, annotation "0" over any flag', () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const upstream = inputOf(c);
        const expected = plain(upstream);
        expect(plain(on(upstream, 0))).toEqual(expected);
        const zero = {
          ...on(upstream, c.maxAgeMs),
          annotations: parseHpaAnnotations({ 'hpa-ts.io/metrics-max-age': '0' }),
        };
        expect(plain(zero)).toEqual(
          plain({ ...upstream, annotations: parseHpaAnnotations({ 'hpa-ts.io/metrics-max-age': '0' }) }),
        );
        expect(plain(zero)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});

describe('the stale-sample cut-off on', () => {
  it('the value of a stale sample never changes the decision', () => {
    fc.assert(
      fc.property(arbCase, fc.integer({ min: 0, max: 5000 }), (c, other) => {
        const a = decide(on(inputOf(c), c.maxAgeMs));
        const b = decide(
          on(
            inputOf(c, (i, u) => (isStale(c, i) ? other : u)),
            c.maxAgeMs,
          ),
        );
        expect(b.rescale).toEqual(a.rescale);
        expect(b.status).toEqual(a.status);
        expect(b.staleSamples).toEqual(a.staleSamples);
      }),
      { numRuns: 300 },
    );
  });

  it('drops exactly the samples older than the max age, and stays within [minReplicas, maxReplicas]', () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const d = decide(on(inputOf(c), c.maxAgeMs));
        const stalePods = podsOf(c)
          .filter((_, i) => isStale(c, i))
          .map((p) => p.name);
        expect(d.staleSamples?.dropped.map((s) => s.pod)).toEqual(stalePods);
        const desired = d.rescale?.to ?? d.currentReplicas ?? c.current;
        expect(desired).toBeGreaterThanOrEqual(Math.min(c.min, c.current));
        expect(desired).toBeLessThanOrEqual(Math.max(c.max, c.current));
      }),
      { numRuns: 300 },
    );
  });

  it('never scales down when every per-pod sample is stale', () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const allStale = { ...c, samples: c.samples.map(([u, age]) => [u, c.maxAgeMs + 1 + Math.abs(age)] as const) };
        const d = decide(on(inputOf(allStale), c.maxAgeMs));
        // outside [minReplicas, maxReplicas] upstream rescales without reading metrics
        if (c.current >= c.min && c.current <= c.max) expect(d.rescale).toBeNull();
        expect(d.metrics[0]?.ok).toBe(c.current >= c.min && c.current <= c.max ? false : undefined);
      }),
      { numRuns: 300 },
    );
  });

  it('never scales down on a stale External sample, whatever the fresh CPU metric says', () => {
    fc.assert(
      fc.property(
        arbCase,
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 1, max: 60 }),
        (c, value, ageMin) => {
          const external: MetricFetch = {
            kind: 'external',
            result: {
              ok: true,
              value: [{ value: Quantity.fromMilli(BigInt(value)), timestamp: NOW - c.maxAgeMs - ageMin * MIN }],
            },
          };
          const d = decide(on(inputOf(c, undefined, [external]), c.maxAgeMs));
          if (c.current < c.min || c.current > c.max) return; // rescaled without reading metrics
          expect(d.metrics[1]?.ok).toBe(false);
          if (d.rescale !== null) expect(d.rescale.to).toBeGreaterThan(d.rescale.from);
        },
      ),
      { numRuns: 300 },
    );
  });
});
