/**
 * A side-by-side scenario as plain data (`ScenarioChoice`: what the generator draws, what a
 * scenario file holds, what the report prints for replay) and how it becomes an HPA and the load
 * signals of the lock-step workload. Pure: the same choice always gives the same HPA and values.
 */
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

/** Which series an External metric's selector picks. */
export type ExternalSelector =
  /** matchLabels {scenario: <namespace>}: every series of the scenario */
  | 'labels'
  /** also matchExpressions `shard In (a, b)`: two of three series, the third a decoy */
  | 'subset';

export interface MetricChoice {
  readonly kind: MetricKindName;
  /** target per pod (or total for Value) in the metric's unit; utilization in percent */
  readonly target: number;
  /** load trace as multiples of one pod's target (per-pod metrics) or of the target (Value) */
  readonly levels: readonly number[];
  /** Object/External metric name (default requests_per_second / queue_messages_cnt) */
  readonly name?: string;
  /** External metrics: which series the selector picks (default 'labels') */
  readonly selector?: ExternalSelector;
  /** Object/External metrics: epochs at which the metric is absent (the metrics API answers 404) */
  readonly failEpochs?: readonly number[];
}

/** Everything that makes one scenario, as plain data. */
export interface ScenarioChoice {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly initialReplicas: number;
  /** an idle sidecar next to the app container (always, with a ContainerResource metric) */
  readonly twoContainers: boolean;
  /** pod n (in creation order) gets patterns[n % length] */
  readonly patterns: readonly PodPattern[];
  readonly behavior?: Readonly<Record<string, unknown>>;
  readonly metrics: readonly MetricChoice[];
}

export interface GeneratedScenario {
  readonly id: number;
  readonly lockstep: LockstepScenario;
  readonly hpa: Record<string, unknown>;
  readonly metrics: readonly MetricChoice[];
  /** what the scenario was built from (the report prints it so that it can be replayed) */
  readonly choice: ScenarioChoice;
}

export const MIB = 1024 * 1024;
const CPU_REQUEST = 200;
const MEMORY_REQUEST = 256 * MIB;
export const OBJECT_METRIC = 'requests_per_second';
export const EXTERNAL_METRIC = 'queue_messages_cnt';

function externalSelector(m: MetricChoice, namespace: string): Record<string, unknown> {
  const matchLabels = { scenario: namespace };
  return m.selector === 'subset'
    ? { matchLabels, matchExpressions: [{ key: 'shard', operator: 'In', values: ['a', 'b'] }] }
    : { matchLabels };
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
          metric: { name: m.name ?? OBJECT_METRIC },
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
          metric: { name: m.name ?? EXTERNAL_METRIC, selector: externalSelector(m, namespace) },
          target:
            m.kind === 'external-value'
              ? { type: 'Value', value: `${m.target}m` }
              : { type: 'AverageValue', averageValue: `${m.target}m` },
        },
      };
  }
}

/** `levels[e]`, or null (absent) at the metric's failing epochs. */
function withFailures(m: MetricChoice, values: readonly number[]): (number | null)[] {
  const fail = new Set(m.failEpochs ?? []);
  return values.map((v, e) => (fail.has(e) ? null : v));
}

/** The series of an External metric at one epoch: a total split over its shards (and a decoy for 'subset'). */
function externalSeries(m: MetricChoice, total: number): number[] {
  const half = [Math.round(total / 2), Math.round(total / 2)];
  if (m.selector === 'subset') return [...half, Math.round(7 * m.target)];
  return m.kind === 'external-average-value' ? half : [Math.round(total)];
}

function externalLabels(m: MetricChoice, namespace: string): Record<string, string>[] {
  const shards = m.selector === 'subset' ? ['a', 'b', 'z'] : m.kind === 'external-average-value' ? ['a', 'b'] : [];
  return shards.length === 0 ? [{ scenario: namespace }] : shards.map((shard) => ({ scenario: namespace, shard }));
}

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
  const perReplica = (l: number): number => Math.round((l * m.target) / Math.max(1, replicasHint));
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
    case 'object-average-value':
      return [
        {
          kind: 'object',
          metric: m.name ?? OBJECT_METRIC,
          resource: 'deployments.apps',
          name,
          values: withFailures(
            m,
            m.levels.map((l) => (m.kind === 'object-value' ? perReplica(l) : Math.round(l * m.target))),
          ),
          labels: {},
        },
      ];
    case 'external-value':
    case 'external-average-value':
      // Value: the total the HPA compares with the target; AverageValue: split over shards the HPA sums
      return [
        {
          kind: 'external',
          metric: m.name ?? EXTERNAL_METRIC,
          values: withFailures(
            m,
            m.levels.map((l) => (m.kind === 'external-value' ? perReplica(l) : Math.round(l * m.target))),
          ).map((total) => (total === null ? null : externalSeries(m, total))),
          labels: externalLabels(m, namespace),
        },
      ];
  }
}

function containersOf(c: ScenarioChoice): ContainerSpec[] {
  return c.twoContainers || c.metrics.some((m) => m.kind === 'container-cpu-utilization')
    ? [
        { name: 'app', cpuRequestMilli: CPU_REQUEST, memoryRequestBytes: MEMORY_REQUEST, share: 0.75 },
        { name: 'sidecar', cpuRequestMilli: 100, memoryRequestBytes: 64 * MIB, share: 0.25 },
      ]
    : [{ name: 'app', cpuRequestMilli: CPU_REQUEST, memoryRequestBytes: MEMORY_REQUEST, share: 1 }];
}

/** The HPA, the Deployment's containers and the load of one scenario, in namespace `namespace`. */
export function buildScenario(c: ScenarioChoice, id: number, namespace: string, epochs: number): GeneratedScenario {
  const name = 'app';
  const containers = containersOf(c);
  const hpa = {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name, namespace },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      minReplicas: c.minReplicas,
      maxReplicas: c.maxReplicas,
      metrics: c.metrics.map((m) => metricSpec(m, name, namespace)),
      ...(c.behavior !== undefined ? { behavior: c.behavior } : {}),
    },
  };
  const signals = c.metrics.flatMap((m) => signalsOf(m, containers, name, namespace, c.initialReplicas));
  return {
    id,
    metrics: c.metrics,
    hpa,
    choice: c,
    lockstep: {
      namespace,
      name,
      initialReplicas: c.initialReplicas,
      containers,
      signals,
      patterns: c.patterns,
      epochs,
    },
  };
}
