/**
 * The scenario generator of the side-by-side suites (fast-check, seeded, reproducible): an HPA
 * (metric types and targets, min/max, behavior), the containers of its pods, a load trace per
 * metric and the pods' readiness patterns. `fc.sample(arb, {seed})` gives the same scenarios for
 * the same seed; the suites print the seed and take HPA_TS_E2E_SEED to replay a run.
 *
 * Time-based fields are chosen so that no boundary falls on a sync: with sync period P, every
 * stabilizationWindowSeconds and policy periodSeconds is an odd multiple of P/2 (P = 4 s: 2, 6,
 * 10, 14 s) — a window edge then lies half a period away from any sync of either controller.
 *
 * With `extended` (the metrics-APIs suite) it also draws what differs between releases or is
 * rare (features.ts counts the decisions that reach each): minReplicas 0 with an Object or
 * External metric and traces that fall to 0, a third, flaky External metric that is absent at
 * some epochs (several metrics with one failing), and External selectors that pick a subset of
 * the series. Per-HPA tolerance, selectPolicy Disabled/Min, ContainerResource, unready and missing
 * pods with old and new start times are drawn in every suite.
 */
import fc from 'fast-check';
import type { PodPattern } from './load.js';
import {
  buildScenario,
  MIB,
  type GeneratedScenario,
  type MetricChoice,
  type MetricKindName,
  type ScenarioChoice,
} from './scenario-build.js';

export { ALL_KINDS, type GeneratedScenario, type MetricChoice, type MetricKindName } from './scenario-build.js';

export interface GeneratorOptions {
  readonly periodMs: number;
  readonly epochs: number;
  /** metric kinds to draw from (the Prometheus suite restricts them to what its rules serve) */
  readonly kinds: readonly MetricKindName[];
  /** also draw scale to zero, a flaky third metric and External selector subsets (see above) */
  readonly extended?: boolean;
}

/** Name of the third, flaky External metric (absent at some epochs). */
export const FLAKY_METRIC = 'flaky_queue_cnt';

/** Odd multiples of P/2, in whole seconds (P = 4 s: 2, 6, 10, 14). */
function halfPeriodOffsets(periodMs: number, count: number): number[] {
  const half = periodMs / 2000;
  const out: number[] = [];
  for (let k = 1; out.length < count; k += 2) if (Number.isInteger(k * half)) out.push(k * half);
  return out;
}

const arbPattern: fc.Arbitrary<PodPattern> = fc.record({
  startDelay: fc.oneof(
    { weight: 3, arbitrary: fc.constant(0) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 2 }) },
  ),
  readyDelay: fc.oneof(
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 12, arbitrary: fc.integer({ min: 0, max: 3 }) },
  ),
  metricsDelay: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constant(1) }),
  oldStart: fc.boolean(),
  weight: fc.integer({ min: 1, max: 3 }),
});

/**
 * Piecewise-constant levels over the epochs, sometimes exactly on a replica boundary (tolerance
 * edges); `zeroWeight` > 0 adds runs of 0 (a workload that could scale to zero).
 */
function arbLevels(epochs: number, max: number, zeroWeight = 0): fc.Arbitrary<number[]> {
  const level = fc.oneof(
    { weight: 1, arbitrary: fc.integer({ min: 0, max: Math.round(max * 10) }).map((n) => n / 10) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: Math.max(1, Math.round(max)) }).map((n) => n * 1.1) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: Math.round(max) }) },
    ...(zeroWeight > 0 ? [{ weight: zeroWeight, arbitrary: fc.constant(0) }] : []),
  );
  return fc.array(fc.tuple(level, fc.integer({ min: 1, max: 4 })), { minLength: 2, maxLength: 8 }).map((steps) => {
    const out: number[] = [];
    while (out.length <= epochs)
      for (const [v, n] of steps) for (let i = 0; i < n && out.length <= epochs; i++) out.push(v);
    return out;
  });
}

function arbTarget(kind: MetricKindName): fc.Arbitrary<number> {
  if (kind.endsWith('utilization')) return fc.integer({ min: 20, max: 120 });
  if (kind === 'cpu-average-value') return fc.integer({ min: 50, max: 400 });
  if (kind === 'memory-average-value') return fc.integer({ min: 64, max: 512 }).map((m) => m * MIB);
  return fc.integer({ min: 1, max: 200 }).map((n) => n * 500);
}

interface MetricDraw {
  readonly epochs: number;
  readonly maxReplicas: number;
  /** runs of 0 in Object/External traces (scale-to-zero scenarios) */
  readonly zeroWeight: number;
  readonly extended: boolean;
}

function arbMetric(kind: MetricKindName, d: MetricDraw): fc.Arbitrary<MetricChoice> {
  const zeroable = kind.startsWith('object-') || kind.startsWith('external-');
  const base = fc.record({
    kind: fc.constant(kind),
    target: arbTarget(kind),
    levels: arbLevels(d.epochs, d.maxReplicas * 1.3, zeroable ? d.zeroWeight : 0),
  });
  if (!d.extended || !kind.startsWith('external-')) return base;
  return fc
    .tuple(base, fc.oneof({ weight: 2, arbitrary: fc.constant('labels' as const) }, fc.constant('subset' as const)))
    .map(([m, selector]) => (selector === 'labels' ? m : { ...m, selector }));
}

/** The third metric of a "one failing" scenario: an External metric absent at some epochs (at least one). */
function arbFlaky(d: MetricDraw): fc.Arbitrary<MetricChoice> {
  const epochs = Array.from({ length: d.epochs + 1 }, (_, e) => e);
  return fc.record({
    kind: fc.constantFrom<MetricKindName>('external-value', 'external-average-value'),
    name: fc.constant(FLAKY_METRIC),
    target: arbTarget('external-value'),
    levels: arbLevels(d.epochs, d.maxReplicas * 1.3),
    failEpochs: fc.subarray(epochs, { minLength: 1 }),
  });
}

function arbRules(periodSeconds: readonly number[], windows: readonly number[]): fc.Arbitrary<Record<string, unknown>> {
  const policy = fc.oneof(
    fc.record({
      type: fc.constant('Pods'),
      value: fc.integer({ min: 1, max: 4 }),
      periodSeconds: fc.constantFrom(...periodSeconds),
    }),
    fc.record({
      type: fc.constant('Percent'),
      value: fc.constantFrom(10, 50, 100, 200),
      periodSeconds: fc.constantFrom(...periodSeconds),
    }),
  );
  return fc
    .record(
      {
        stabilizationWindowSeconds: fc.constantFrom(...windows),
        selectPolicy: fc.oneof(
          { weight: 5, arbitrary: fc.constant('Max') },
          { weight: 3, arbitrary: fc.constant('Min') },
          { weight: 1, arbitrary: fc.constant('Disabled') },
        ),
        policies: fc.array(policy, { minLength: 1, maxLength: 2 }),
        tolerance: fc.constantFrom('0.05', '0.1', '0.2', '0'),
      },
      { requiredKeys: ['policies'] },
    )
    .map((r) => ({ ...r }));
}

const family = (k: MetricKindName): string => k.split('-')[0];

/** Kinds of a scale-to-zero scenario: at least one Object or External metric (the API server requires one). */
function withZeroCapableKind(kinds: readonly MetricKindName[], allowed: readonly MetricKindName[]): MetricKindName[] {
  if (kinds.some((k) => family(k) === 'object' || family(k) === 'external')) return [...kinds];
  const extra = allowed.find((k) => family(k) === 'external') ?? allowed.find((k) => family(k) === 'object');
  return extra === undefined ? [...kinds] : [...kinds.slice(0, 1), extra];
}

function arbChoice(o: GeneratorOptions): fc.Arbitrary<ScenarioChoice> {
  const offsets = halfPeriodOffsets(o.periodMs, 4);
  const windows = [0, ...offsets];
  const extended = o.extended === true;
  const canZero = extended && o.kinds.some((k) => family(k) === 'object' || family(k) === 'external');
  return fc
    .record({
      minReplicas: canZero
        ? fc.oneof({ weight: 1, arbitrary: fc.constant(0) }, { weight: 4, arbitrary: fc.integer({ min: 1, max: 3 }) })
        : fc.integer({ min: 1, max: 3 }),
      span: fc.integer({ min: 1, max: 8 }),
      initial: fc.integer({ min: 0, max: 10 }),
      kinds: fc.uniqueArray(fc.constantFrom(...o.kinds), { minLength: 1, maxLength: 2, selector: family }),
      flaky: extended
        ? fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) })
        : fc.constant(false),
      twoContainers: fc.boolean(),
      patterns: fc.array(arbPattern, { minLength: 1, maxLength: 4 }),
      behavior: fc.option(
        fc.record({
          scaleUp: fc.option(arbRules(offsets, windows), { nil: undefined }),
          scaleDown: fc.option(arbRules(offsets, windows), { nil: undefined }),
        }),
        { nil: undefined, freq: 3 },
      ),
    })
    .chain((r) => {
      const maxReplicas = Math.min(10, r.minReplicas + r.span);
      const kinds = r.minReplicas === 0 ? withZeroCapableKind(r.kinds, o.kinds) : r.kinds;
      const d: MetricDraw = { epochs: o.epochs, maxReplicas, zeroWeight: r.minReplicas === 0 ? 2 : 0, extended };
      const metrics = fc.tuple(...kinds.map((k) => arbMetric(k, d)), ...(r.flaky ? [arbFlaky(d)] : []));
      return metrics.map((ms): ScenarioChoice => {
        const behavior =
          r.behavior === undefined
            ? undefined
            : Object.fromEntries(Object.entries(r.behavior).filter(([, v]) => v !== undefined));
        return {
          minReplicas: r.minReplicas,
          maxReplicas,
          initialReplicas: Math.max(r.minReplicas, Math.min(maxReplicas, r.initial)),
          twoContainers: r.twoContainers,
          patterns: r.patterns,
          ...(behavior !== undefined ? { behavior } : {}),
          metrics: ms,
        };
      });
    });
}

/** `count` scenarios for namespaces `${prefix}-NNN`. */
export function generateScenarios(
  seed: number,
  count: number,
  prefix: string,
  o: GeneratorOptions,
): GeneratedScenario[] {
  return fc
    .sample(arbChoice(o), { seed, numRuns: count })
    .map((choice, id) => buildScenario(choice, id, `${prefix}-${String(id).padStart(3, '0')}`, o.epochs));
}
