/** Builders for decide() inputs shared by unit, property tests and benchmarks. */
import {
  EMPTY_HISTORY,
  Quantity,
  corpusProfile,
  decide,
  historyAfter,
  profileForVersion,
  settleRescale,
  type ControllerConfig,
  type DecideInput,
  type Decision,
  type HorizontalPodAutoscaler,
  type HorizontalPodAutoscalerBehavior,
  type HpaHistory,
  type MetricFetch,
  type MetricSpec,
  type PodSnapshot,
  type Profile,
} from '../../../algorithms/index.js';

export const NOW = Date.parse('2025-01-01T00:00:00Z');
export const LONG_AGO = Date.parse('2024-12-01T00:00:00Z');

export const TEST_CONFIG: ControllerConfig = {
  tolerance: 0.1,
  downscaleStabilizationWindowSeconds: 300,
  cpuInitializationPeriodSeconds: 300,
  delayOfInitialReadinessStatusSeconds: 30,
  scaleUpLimitFactor: 2,
  scaleUpLimitMinimum: 4,
};

export function makePod(i: number, opts: Partial<PodSnapshot> & { cpuRequest?: string } = {}): PodSnapshot {
  const request = Quantity.parse(opts.cpuRequest ?? '1000m');
  return {
    name: `web-${i}`,
    namespace: 'default',
    labels: { app: 'web' },
    phase: 'Running',
    ready: 'True',
    readyTransitionTime: LONG_AGO,
    startTime: LONG_AGO,
    deletionTimestamp: null,
    containers: [{ name: 'app', requests: { cpu: request, memory: Quantity.parse('256Mi') } }],
    initContainers: [],
    ...opts,
  };
}

export function makeHpa(
  metrics: readonly MetricSpec[],
  opts: {
    min?: number;
    max?: number;
    behavior?: HorizontalPodAutoscalerBehavior | null;
    currentReplicas?: number;
  } = {},
): HorizontalPodAutoscaler {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web', namespace: 'default', uid: 'uid-web', resourceVersion: '1' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: opts.min ?? 1,
      maxReplicas: opts.max ?? 100,
      metrics,
      behavior: opts.behavior ?? null,
    },
    status: { currentReplicas: opts.currentReplicas ?? 0, desiredReplicas: opts.currentReplicas ?? 0 },
  };
}

export const cpuUtilization = (target: number): MetricSpec => ({
  type: 'Resource',
  resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: target } },
});

export const podsAverage = (name: string, target: string): MetricSpec => ({
  type: 'Pods',
  pods: { metric: { name }, target: { type: 'AverageValue', averageValue: target } },
});

export const externalAverage = (name: string, target: string): MetricSpec => ({
  type: 'External',
  external: { metric: { name }, target: { type: 'AverageValue', averageValue: target } },
});

export function cpuFetch(
  pods: readonly PodSnapshot[],
  usageMilli: (i: number) => number,
  timestamp = NOW,
): MetricFetch {
  return {
    kind: 'resource',
    result: {
      ok: true,
      value: pods.map((p, i) => ({
        pod: p.name,
        labels: p.labels,
        timestamp,
        windowSeconds: 30,
        containers: [{ name: 'app', usage: { cpu: Quantity.fromMilli(BigInt(usageMilli(i))) } }],
      })),
    },
  };
}

export function podsFetch(pods: readonly PodSnapshot[], valueMilli: (i: number) => number): MetricFetch {
  return {
    kind: 'pods',
    result: {
      ok: true,
      value: pods.map((p, i) => ({
        pod: p.name,
        value: Quantity.fromMilli(BigInt(valueMilli(i))),
        timestamp: NOW,
        windowSeconds: 60,
      })),
    },
  };
}

export function externalFetch(valuesMilli: readonly number[]): MetricFetch {
  return {
    kind: 'external',
    result: { ok: true, value: valuesMilli.map((v) => ({ value: Quantity.fromMilli(BigInt(v)), timestamp: NOW })) },
  };
}

/** The external metrics API does not serve queue_depth. */
export const externalFailure: MetricFetch = {
  kind: 'external',
  result: {
    ok: false,
    error: {
      kind: 'NotFound',
      api: 'external',
      path: '/apis/external.metrics.k8s.io/v1beta1/namespaces/default/queue_depth',
      status: 404,
      message: 'the server could not find the metric queue_depth for external metrics',
    },
  },
};

export function decideInput(
  hpa: HorizontalPodAutoscaler,
  pods: readonly PodSnapshot[],
  metrics: readonly MetricFetch[],
  current: number,
  opts: { history?: HpaHistory; profile?: Profile; now?: number; config?: ControllerConfig } = {},
): DecideInput {
  return {
    hpa,
    scale: {
      ok: true,
      value: {
        metadata: { name: 'web', namespace: 'default', resourceVersion: '7' },
        spec: { replicas: current },
        status: { replicas: current, selector: 'app=web' },
      },
    },
    pods,
    metrics,
    selectors: [],
    history: opts.history ?? EMPTY_HISTORY,
    config: opts.config ?? TEST_CONFIG,
    profile: opts.profile ?? profileForVersion(37),
    now: opts.now ?? NOW,
  };
}

export { corpusProfile };

/**
 * One reconcile as the controller completes it when its scale write, if any, succeeds: the final
 * decision and the history it keeps.
 */
export function decideAndWrite(input: DecideInput): { decision: Decision; history: HpaHistory } {
  const decision = settleRescale(decide(input), { kind: 'written' }, input.now);
  return { decision, history: historyAfter(decision, { now: input.now }) };
}
