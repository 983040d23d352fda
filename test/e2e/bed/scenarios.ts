/**
 * The scenario generator of the side-by-side suites (fast-check, seeded, reproducible): an HPA
 * (metric types and targets, min/max, behavior), the containers of its pods, a load trace per
 * metric and the pods' readiness patterns. `fc.sample(arb, {seed})` gives the same scenarios for
 * the same seed; the suites print the seed and take HPA_TS_E2E_SEED to replay a run.
 *
 * Time-based fields are chosen so that no boundary falls on a sync: with sync period P, every
 * stabilizationWindowSeconds and policy periodSeconds is an odd multiple of P/2 (P = 4 s: 2, 6,
 * 10, 14 s) — a window edge then lies half a period away from any sync of either controller.
 */
import fc from 'fast-check';
import type { ContainerSpec, PodPattern, Signal } from './load.js';
import type { LockstepScenario } from './lockstep.js';

export type MetricKindName =
  | 'cpu-utilization'
  | 'cpu-average-value'
  | 'memory-utilization'
  | 'memory-average-value'
  | 'container-cpu-utilization'
  | 'pods'
  | 'object-value'
  | 'object-average-value'
  | 'external-value'
  | 'external-average-value';

export interface MetricChoice {
  readonly kind: MetricKindName;
  /** target per pod (or total for Value) in the metric's unit; utilization in percent */
  readonly target: number;
  /** load trace as multiples of one pod's target (per-pod metrics) or of the target (Value) */
  readonly levels: readonly number[];
}

export interface GeneratedScenario {
  readonly id: number;
  readonly lockstep: LockstepScenario;
  readonly hpa: Record<string, unknown>;
  readonly metrics: readonly MetricChoice[];
}

export interface GeneratorOptions {
  readonly periodMs: number;
  readonly epochs: number;
  /** metric kinds to draw from (the Prometheus suite restricts them to what its rules serve) */
  readonly kinds: readonly MetricKindName[];
}

const MIB = 1024 * 1024;

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

/** Piecewise-constant levels over the epochs, sometimes exactly on a replica boundary (tolerance edges). */
function arbLevels(epochs: number, max: number): fc.Arbitrary<number[]> {
  const level = fc.oneof(
    fc.integer({ min: 0, max: Math.round(max * 10) }).map((n) => n / 10),
    fc.integer({ min: 1, max: Math.max(1, Math.round(max)) }).map((n) => n * 1.1),
    fc.integer({ min: 0, max: Math.round(max) }),
  );
  return fc.array(fc.tuple(level, fc.integer({ min: 1, max: 4 })), { minLength: 2, maxLength: 8 }).map((steps) => {
    const out: number[] = [];
    while (out.length <= epochs)
      for (const [v, n] of steps) for (let i = 0; i < n && out.length <= epochs; i++) out.push(v);
    return out;
  });
}

function arbMetric(kind: MetricKindName, epochs: number, maxReplicas: number): fc.Arbitrary<MetricChoice> {
  const target = kind.endsWith('utilization')
    ? fc.integer({ min: 20, max: 120 })
    : kind === 'cpu-average-value'
      ? fc.integer({ min: 50, max: 400 })
      : kind === 'memory-average-value'
        ? fc.integer({ min: 64, max: 512 }).map((m) => m * MIB)
        : fc.integer({ min: 1, max: 200 }).map((n) => n * 500);
  return fc.record({ kind: fc.constant(kind), target, levels: arbLevels(epochs, maxReplicas * 1.3) });
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

function metricSpec(m: MetricChoice, name: string, namespace: string): Record<string, unknown> {
  const utilization = { type: 'Utilization', averageUtilization: m.target };
  switch (m.kind) {
    case 'cpu-utilization':
      return { type: 'Resource', resource: { name: 'cpu', target: utilization } };
    case 'cpu-average-value':
      return {
        type: 'Resource',
        resource: { name: 'cpu', target: { type: 'AverageValue', averageValue: `${m.target}m` } },
      };
    case 'memory-utilization':
      return { type: 'Resource', resource: { name: 'memory', target: utilization } };
    case 'memory-average-value':
      return {
        type: 'Resource',
        resource: { name: 'memory', target: { type: 'AverageValue', averageValue: String(m.target) } },
      };
    case 'container-cpu-utilization':
      return { type: 'ContainerResource', containerResource: { name: 'cpu', container: 'app', target: utilization } };
    case 'pods':
      return {
        type: 'Pods',
        pods: { metric: { name: 'http_requests_qps' }, target: { type: 'AverageValue', averageValue: `${m.target}m` } },
      };
    case 'object-value':
    case 'object-average-value':
      return {
        type: 'Object',
        object: {
          metric: { name: 'requests_per_second' },
          describedObject: { apiVersion: 'apps/v1', kind: 'Deployment', name },
          target:
            m.kind === 'object-value'
              ? { type: 'Value', value: `${m.target}m` }
              : { type: 'AverageValue', averageValue: `${m.target}m` },
        },
      };
    case 'external-value':
    case 'external-average-value':
      return {
        type: 'External',
        external: {
          metric: { name: 'queue_messages_cnt', selector: { matchLabels: { scenario: namespace } } },
          target:
            m.kind === 'external-value'
              ? { type: 'Value', value: `${m.target}m` }
              : { type: 'AverageValue', averageValue: `${m.target}m` },
        },
      };
  }
}

const CPU_REQUEST = 200;
const MEMORY_REQUEST = 256 * MIB;

/** Load signals of one metric: per-pod totals are levels × (one pod's target). */
function signalsOf(
  m: MetricChoice,
  containers: readonly ContainerSpec[],
  name: string,
  namespace: string,
  replicasHint: number,
): Signal[] {
  const podCpuRequest = containers.reduce((a, c) => a + c.cpuRequestMilli, 0);
  const podMemRequest = containers.reduce((a, c) => a + c.memoryRequestBytes, 0);
  switch (m.kind) {
    case 'cpu-utilization':
      return [
        {
          kind: 'cpu',
          total: m.levels.map((l) => Math.round((l * m.target * podCpuRequest) / 100)),
          idle: Math.round(podCpuRequest * 0.05),
        },
      ];
    case 'container-cpu-utilization': {
      const app = containers[0];
      // the app container carries `share` of the pod's cpu: scale so the levels are in app-container targets
      return [
        {
          kind: 'cpu',
          total: m.levels.map((l) => Math.round((l * m.target * app.cpuRequestMilli) / 100 / app.share)),
          idle: Math.round(podCpuRequest * 0.05),
        },
      ];
    }
    case 'cpu-average-value':
      return [{ kind: 'cpu', total: m.levels.map((l) => Math.round(l * m.target)), idle: 5 }];
    case 'memory-utilization':
      return [
        {
          kind: 'memory',
          total: m.levels.map((l) => Math.round((l * m.target * podMemRequest) / 100)),
          idle: 32 * MIB,
        },
      ];
    case 'memory-average-value':
      return [{ kind: 'memory', total: m.levels.map((l) => Math.round(l * m.target)), idle: 32 * MIB }];
    case 'pods':
      return [
        {
          kind: 'pods',
          metric: 'http_requests_qps',
          total: m.levels.map((l) => Math.round(l * m.target)),
          idle: 0,
          labels: {},
        },
      ];
    case 'object-value':
      return [
        {
          kind: 'object',
          metric: 'requests_per_second',
          resource: 'deployments.apps',
          name,
          values: m.levels.map((l) => Math.round((l * m.target) / Math.max(1, replicasHint))),
          labels: {},
        },
      ];
    case 'object-average-value':
      return [
        {
          kind: 'object',
          metric: 'requests_per_second',
          resource: 'deployments.apps',
          name,
          values: m.levels.map((l) => Math.round(l * m.target)),
          labels: {},
        },
      ];
    case 'external-value':
      return [
        {
          kind: 'external',
          metric: 'queue_messages_cnt',
          values: m.levels.map((l) => [Math.round((l * m.target) / Math.max(1, replicasHint))]),
          labels: [{ scenario: namespace }],
        },
      ];
    case 'external-average-value':
      // two series: the HPA sums what the selector matches
      return [
        {
          kind: 'external',
          metric: 'queue_messages_cnt',
          values: m.levels.map((l) => [Math.round((l * m.target) / 2), Math.round((l * m.target) / 2)]),
          labels: [
            { scenario: namespace, shard: 'a' },
            { scenario: namespace, shard: 'b' },
          ],
        },
      ];
  }
}

/** `count` scenarios for namespaces `${prefix}-NNN`. */
export function generateScenarios(
  seed: number,
  count: number,
  prefix: string,
  o: GeneratorOptions,
): GeneratedScenario[] {
  const offsets = halfPeriodOffsets(o.periodMs, 4);
  const windows = [0, ...offsets];
  const periods = offsets;
  const arb = fc
    .record({
      minReplicas: fc.integer({ min: 1, max: 3 }),
      span: fc.integer({ min: 1, max: 8 }),
      initial: fc.integer({ min: 0, max: 10 }),
      kinds: fc.uniqueArray(fc.constantFrom(...o.kinds), {
        minLength: 1,
        maxLength: 2,
        selector: (k) => k.split('-')[0],
      }),
      twoContainers: fc.boolean(),
      patterns: fc.array(arbPattern, { minLength: 1, maxLength: 4 }),
      behavior: fc.option(
        fc.record({
          scaleUp: fc.option(arbRules(periods, windows), { nil: undefined }),
          scaleDown: fc.option(arbRules(periods, windows), { nil: undefined }),
        }),
        { nil: undefined, freq: 3 },
      ),
      metricSeeds: fc.array(fc.integer(), { minLength: 2, maxLength: 2 }),
    })
    .chain((r) => {
      const max = Math.min(10, r.minReplicas + r.span);
      return fc.tuple(fc.constant(r), fc.tuple(...r.kinds.map((k) => arbMetric(k, o.epochs, max))));
    });
  return fc.sample(arb, { seed, numRuns: count }).map(([r, metrics], id) => {
    const namespace = `${prefix}-${String(id).padStart(3, '0')}`;
    const name = 'app';
    const maxReplicas = Math.min(10, r.minReplicas + r.span);
    const containers: ContainerSpec[] =
      r.twoContainers || metrics.some((m) => m.kind === 'container-cpu-utilization')
        ? [
            { name: 'app', cpuRequestMilli: CPU_REQUEST, memoryRequestBytes: MEMORY_REQUEST, share: 0.75 },
            { name: 'sidecar', cpuRequestMilli: 100, memoryRequestBytes: 64 * MIB, share: 0.25 },
          ]
        : [{ name: 'app', cpuRequestMilli: CPU_REQUEST, memoryRequestBytes: MEMORY_REQUEST, share: 1 }];
    const initialReplicas = Math.max(r.minReplicas, Math.min(maxReplicas, r.initial));
    const behavior =
      r.behavior === undefined
        ? undefined
        : Object.fromEntries(Object.entries(r.behavior).filter(([, v]) => v !== undefined));
    const hpa = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name, namespace },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
        minReplicas: r.minReplicas,
        maxReplicas,
        metrics: metrics.map((m) => metricSpec(m, name, namespace)),
        ...(behavior !== undefined ? { behavior } : {}),
      },
    };
    const signals = metrics.flatMap((m) => signalsOf(m, containers, name, namespace, initialReplicas));
    return {
      id,
      metrics,
      hpa,
      lockstep: { namespace, name, initialReplicas, containers, signals, patterns: r.patterns, epochs: o.epochs },
    };
  });
}

export const ALL_KINDS: readonly MetricKindName[] = [
  'cpu-utilization',
  'cpu-average-value',
  'memory-utilization',
  'memory-average-value',
  'container-cpu-utilization',
  'pods',
  'object-value',
  'object-average-value',
  'external-value',
  'external-average-value',
];
