/**
 * What the fuzzers feed: valid objects of each kind with a few values replaced, deleted or
 * retyped (so inputs get past the first check), arbitrary JSON, and arbitrary text.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';

const NASTY: readonly unknown[] = [
  null,
  '',
  0,
  -1,
  1.5,
  2 ** 31,
  2 ** 53 + 1,
  1e308,
  -1e308,
  'NaN',
  '+Inf',
  '-Inf',
  '1e309',
  '-5',
  '0.0000001',
  '9999999999999999999999Ei',
  '1Ki',
  '100m',
  '-100m',
  '15s',
  '-1s',
  '999999999h',
  true,
  'true',
  [],
  {},
  'x'.repeat(10_000),
  '\u0000',
  '__proto__',
  JSON.parse('{"__proto__": {"polluted": 1}, "constructor": 1, "toString": 2}') as unknown,
];

const leaf: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...NASTY),
  fc.jsonValue({ maxDepth: 2 }),
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.double(),
);

function paths(v: unknown, p: readonly string[] = [], out: string[][] = []): string[][] {
  if (p.length > 0) out.push([...p]);
  if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) paths(x, [...p, k], out);
  return out;
}

type Mutation = { readonly path: readonly string[]; readonly op: 'set' | 'delete'; readonly value: unknown };

/**
 * A fresh copy of a mutation's value: NASTY's shared `{}` and `[]` set at two paths would let a
 * later mutation write through one into the other (a circle JSON cannot encode). Copied through
 * JSON, as a decoded body would be: structuredClone would turn an own `__proto__` key into a
 * prototype, which no JSON or YAML decoder does.
 */
function copied(value: unknown): unknown {
  return typeof value === 'object' && value !== null ? (JSON.parse(JSON.stringify(value)) as unknown) : value;
}

function apply(valid: unknown, muts: readonly Mutation[]): unknown {
  const copy = structuredClone(valid) as Record<string, unknown>;
  for (const m of muts) {
    let cur: Record<string, unknown> | undefined = copy;
    for (const k of m.path.slice(0, -1)) {
      const next: unknown = cur?.[k];
      cur = typeof next === 'object' && next !== null ? (next as Record<string, unknown>) : undefined;
    }
    if (cur === undefined) continue;
    const last = m.path[m.path.length - 1];
    // a deleted array element is spliced out: JSON has no holes
    if (m.op === 'delete' && Array.isArray(cur)) cur.splice(Number(last), 1);
    else if (m.op === 'delete') delete cur[last];
    else cur[last] = copied(m.value);
  }
  return copy;
}

/** `valid` with one to three of its values replaced by something nasty, or deleted. */
export function mutated(valid: unknown): fc.Arbitrary<unknown> {
  const ps = paths(valid);
  const mutation: fc.Arbitrary<Mutation> = fc.record({
    path: fc.constantFrom(...ps),
    op: fc.constantFrom('set' as const, 'set' as const, 'set' as const, 'delete' as const),
    value: leaf,
  });
  return fc.array(mutation, { minLength: 1, maxLength: 3 }).map((muts) => apply(valid, muts));
}

/** Any of: the valid object mutated, arbitrary JSON, and (as text) anything. */
export function objectInput(valid: unknown): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 6, arbitrary: mutated(valid) }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }) });
}

/** JSON text of objectInput, plus arbitrary and truncated text. */
export function bodyInput(valid: unknown): fc.Arbitrary<string> {
  const text = JSON.stringify(valid);
  return fc.oneof(
    { weight: 6, arbitrary: objectInput(valid).map((v) => JSON.stringify(v) ?? 'undefined') },
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
    { weight: 1, arbitrary: fc.nat({ max: text.length }).map((n) => text.slice(0, n)) },
  );
}

/** YAML text of objectInput, plus arbitrary text. */
export function yamlInput(valid: unknown): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: objectInput(valid).map((v) => stringify(v)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 300 }) },
    { weight: 1, arbitrary: fc.constantFrom('a: &a [*a]', 'a: !!binary xyz', '---\n---\n', 'x: [', '{"a":1', '\t- a') },
  );
}

export const VALID_HPA = {
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'web', namespace: 'default', resourceVersion: '7', generation: 1 },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
    minReplicas: 1,
    maxReplicas: 10,
    metrics: [
      { type: 'External', external: { metric: { name: 'q' }, target: { type: 'AverageValue', averageValue: '30' } } },
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } },
      {
        type: 'Object',
        object: {
          describedObject: { apiVersion: 'v1', kind: 'Service', name: 's' },
          metric: { name: 'rps', selector: { matchLabels: { a: 'b' } } },
          target: { type: 'Value', value: '10' },
        },
      },
      { type: 'Pods', pods: { metric: { name: 'p' }, target: { type: 'AverageValue', averageValue: '1' } } },
    ],
    behavior: {
      scaleUp: {
        stabilizationWindowSeconds: 0,
        selectPolicy: 'Max',
        policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
      },
      scaleDown: {
        stabilizationWindowSeconds: 300,
        tolerance: '0.05',
        policies: [{ type: 'Pods', value: 4, periodSeconds: 60 }],
      },
    },
  },
  status: {
    currentReplicas: 3,
    desiredReplicas: 3,
    conditions: [
      { type: 'AbleToScale', status: 'True', lastTransitionTime: '2025-01-01T00:00:00Z', reason: 'ReadyForNewScale' },
    ],
  },
};

export const VALID_EXTERNAL = {
  kind: 'ExternalMetricValueList',
  apiVersion: 'external.metrics.k8s.io/v1beta1',
  metadata: {},
  items: [{ metricName: 'q', metricLabels: { a: 'b' }, timestamp: '2025-01-01T00:00:00Z', window: 60, value: '66m' }],
};

export const VALID_CUSTOM = {
  kind: 'MetricValueList',
  apiVersion: 'custom.metrics.k8s.io/v1beta2',
  metadata: {},
  items: [
    {
      describedObject: { kind: 'Pod', namespace: 'default', name: 'p1', apiVersion: '/v1' },
      metric: { name: 'm', selector: {} },
      timestamp: '2025-01-01T00:00:00Z',
      windowSeconds: 60,
      value: '66m',
    },
  ],
};

export const VALID_PODMETRICS = {
  kind: 'PodMetricsList',
  apiVersion: 'metrics.k8s.io/v1beta1',
  metadata: {},
  items: [
    {
      metadata: { name: 'p', namespace: 'default', labels: { a: 'b' } },
      timestamp: '2025-01-01T00:00:00Z',
      window: '30s',
      containers: [{ name: 'c', usage: { cpu: '1m', memory: '10Mi' } }],
    },
  ],
};

export const VALID_PROM = {
  status: 'success',
  data: {
    resultType: 'vector',
    result: [{ metric: { namespace: 'default', pod: 'p1' }, value: [1695018199.504, '0.066'] }],
  },
};

export const VALID_ADAPTER = {
  rules: [
    {
      seriesQuery: '{__name__=~"^http_requests.*_total$",namespace!="",pod!=""}',
      seriesFilters: [{ isNot: '^x$' }],
      resources: { overrides: { namespace: { resource: 'namespace' }, pod: { resource: 'pod' } } },
      name: { matches: '(.*)_total', as: '${1}_qps' },
      metricsQuery: 'sum(rate(<<.Series>>{<<.LabelMatchers>>}[30s])) by (<<.GroupBy>>)',
    },
  ],
  externalRules: [
    {
      seriesQuery: '{__name__="queue_depth"}',
      resources: { namespaced: false },
      metricsQuery: 'max(<<.Series>>{<<.LabelMatchers>>})',
    },
  ],
  resourceRules: {
    cpu: {
      containerQuery: 'sum(rate(container_cpu_usage_seconds_total{<<.LabelMatchers>>}[3m])) by (<<.GroupBy>>)',
      nodeQuery: 'sum(rate(node_cpu_seconds_total{<<.LabelMatchers>>}[3m])) by (<<.GroupBy>>)',
      resources: { overrides: { namespace: { resource: 'namespace' }, pod: { resource: 'pod' } } },
      containerLabel: 'container',
    },
    window: '3m',
  },
};

export const VALID_KUBECONFIG = {
  apiVersion: 'v1',
  kind: 'Config',
  'current-context': 'c',
  clusters: [{ name: 'k', cluster: { server: 'https://127.0.0.1:6443', 'insecure-skip-tls-verify': true } }],
  contexts: [{ name: 'c', context: { cluster: 'k', user: 'u', namespace: 'default' } }],
  users: [{ name: 'u', user: { token: 'abc' } }],
};
