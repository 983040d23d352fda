/**
 * The three metrics APIs as aggregated API groups of the simulated API server, answering with the
 * wire shapes of metrics-server and prometheus-adapter (spec HPA-SEMANTICS §6): PodMetricsList
 * (cpu in n, memory in Ki, window "15s"), MetricValueList in custom.metrics.k8s.io v1beta2 and
 * v1beta1 (`describedObject.apiVersion: "/v1"` for pods, as in the seed's answer), and
 * ExternalMetricValueList. Errors are metav1.Status bodies.
 */
import { Selector, formatGoDuration, formatInstant, parseSelector } from '../../algorithms/index.js';
import type {
  AggregatedApiRequest,
  AggregatedApiResponse,
  AggregatedGroup,
  DiscoveryResource,
} from '../apiserver/index.js';
import { cpuQuantity, memoryQuantity } from './quantities.js';
import type { MetricsFailure, MetricsService, ObjectValue } from './service.js';

function status(f: MetricsFailure): AggregatedApiResponse {
  return {
    status: f.status,
    body: {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: f.message,
      reason: f.reason,
      code: f.status,
    },
  };
}

const notFound = (): AggregatedApiResponse =>
  status({ status: 404, reason: 'NotFound', message: 'the server could not find the requested resource' });

function selector(req: AggregatedApiRequest, param: string): Selector | AggregatedApiResponse {
  const text = req.query.get(param) ?? '';
  if (text === '') return Selector.everything();
  const r = parseSelector(text);
  return r.ok
    ? r.value
    : status({ status: 400, reason: 'BadRequest', message: `unable to parse requirement: ${r.error.message}` });
}

function isResponse(v: Selector | AggregatedApiResponse): v is AggregatedApiResponse {
  return !(v instanceof Selector);
}

// ------------------------------------------------------------------ metrics.k8s.io

const RESOURCE_DISCOVERY: readonly DiscoveryResource[] = [
  { name: 'nodes', singularName: '', namespaced: false, kind: 'NodeMetrics', verbs: ['get', 'list'] },
  { name: 'pods', singularName: '', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] },
];

export function resourceMetricsGroup(service: MetricsService, now: () => number): AggregatedGroup {
  return {
    group: 'metrics.k8s.io',
    versions: [{ version: 'v1beta1', resources: RESOURCE_DISCOVERY }],
    handle(req) {
      const s = req.segments;
      let namespace: string | undefined;
      let name: string | undefined;
      if (s.length === 1 && s[0] === 'pods') namespace = undefined;
      else if (s.length >= 3 && s[0] === 'namespaces' && s[2] === 'pods' && s.length <= 4) {
        namespace = s[1];
        name = s[3];
      } else if (s[0] === 'nodes') {
        return {
          status: 200,
          body: { kind: 'NodeMetricsList', apiVersion: 'metrics.k8s.io/v1beta1', metadata: {}, items: [] },
        };
      } else return notFound();
      const sel = selector(req, 'labelSelector');
      if (isResponse(sel)) return sel;
      const r = service.podMetrics(namespace, sel);
      if (!r.ok) return status(r.error);
      const items = r.value
        .filter((p) => name === undefined || p.name === name)
        .map((p) => ({
          metadata: { name: p.name, namespace: p.namespace, creationTimestamp: formatInstant(now()), labels: p.labels },
          timestamp: formatInstant(p.timestamp),
          window: formatGoDuration(p.windowMs / 1000),
          containers: p.containers.map((c) => ({
            name: c.name,
            usage: { cpu: cpuQuantity(c.cpu).toString(), memory: memoryQuantity(c.memoryBytes).toString() },
          })),
        }));
      if (name !== undefined) {
        return items.length === 0
          ? status({
              status: 404,
              reason: 'NotFound',
              message: `podmetrics.metrics.k8s.io "${namespace ?? ''}/${name}" not found`,
            })
          : { status: 200, body: { kind: 'PodMetrics', apiVersion: 'metrics.k8s.io/v1beta1', ...items[0] } };
      }
      return {
        status: 200,
        body: { kind: 'PodMetricsList', apiVersion: 'metrics.k8s.io/v1beta1', metadata: {}, items },
      };
    },
  };
}

// ------------------------------------------------------------------ custom.metrics.k8s.io

function metricItem(version: string, v: ObjectValue, metric: string): Record<string, unknown> {
  const describedObject = {
    kind: v.describedObject.kind,
    ...(v.describedObject.namespace !== undefined ? { namespace: v.describedObject.namespace } : {}),
    name: v.describedObject.name,
    apiVersion: v.describedObject.apiVersion,
  };
  const timestamp = formatInstant(v.timestamp);
  if (version === 'v1beta1') {
    return { describedObject, metricName: metric, timestamp, value: v.value.toString(), selector: null };
  }
  return { describedObject, metric: { name: metric, selector: null }, timestamp, value: v.value.toString() };
}

async function customHandler(service: MetricsService, req: AggregatedApiRequest): Promise<AggregatedApiResponse> {
  const s = req.segments;
  const metricSel = selector(req, 'metricLabelSelector');
  if (isResponse(metricSel)) return metricSel;
  const list = (items: readonly ObjectValue[], metric: string): AggregatedApiResponse => ({
    status: 200,
    body: {
      kind: 'MetricValueList',
      apiVersion: `custom.metrics.k8s.io/${req.version}`,
      metadata:
        req.version === 'v1beta1'
          ? {
              selfLink: `/apis/custom.metrics.k8s.io/${req.version}/${s.map((x) => (x === '*' ? '%2A' : encodeURIComponent(x))).join('/')}`,
            }
          : {},
      items: items.map((v) => metricItem(req.version, v, metric)),
    },
  });
  if (s.length === 4 && s[0] === 'namespaces' && s[2] === 'metrics') {
    const r = await service.objectsMetric(undefined, s[3], { group: '', resource: 'namespaces' }, [s[1]], metricSel);
    return r.ok ? list(r.value, s[3]) : status(r.error);
  }
  let namespace: string | undefined;
  let rest: readonly string[];
  if (s.length === 5 && s[0] === 'namespaces') {
    namespace = s[1];
    rest = s.slice(2);
  } else if (s.length === 3) rest = s;
  else return notFound();
  const [qualified, name, metric] = rest;
  const dot = qualified.indexOf('.');
  const resource =
    dot < 0
      ? { group: '', resource: qualified }
      : { group: qualified.slice(dot + 1), resource: qualified.slice(0, dot) };
  if (name === '*') {
    const podSel = selector(req, 'labelSelector');
    if (isResponse(podSel)) return podSel;
    if (resource.resource === 'pods' && resource.group === '' && namespace !== undefined) {
      const r = await service.podsMetric(namespace, metric, podSel, metricSel);
      if (!r.ok) return status(r.error);
      return list(
        r.value.map((v) => ({
          describedObject: { kind: 'Pod', namespace: v.namespace, name: v.pod, apiVersion: '/v1' },
          value: v.value,
          timestamp: v.timestamp,
        })),
        metric,
      );
    }
    return notFound();
  }
  const r = await service.objectsMetric(namespace, metric, resource, [name], metricSel);
  if (!r.ok) return status(r.error);
  if (r.value.length === 0) {
    return status({
      status: 404,
      reason: 'NotFound',
      message: `the server could not find the metric ${metric} for ${qualified} ${name}`,
    });
  }
  return list(r.value, metric);
}

/** The group with a snapshot of its discovery list; re-register it when the list changes (discovery is cached). */
export function customMetricsGroup(service: MetricsService, resources: readonly DiscoveryResource[]): AggregatedGroup {
  const versions = ['v1beta2', 'v1beta1'].map((version) => ({ version, resources }));
  return { group: 'custom.metrics.k8s.io', versions, handle: (req) => customHandler(service, req) };
}

// ------------------------------------------------------------------ external.metrics.k8s.io

export function externalMetricsGroup(
  service: MetricsService,
  resources: readonly DiscoveryResource[],
): AggregatedGroup {
  return {
    group: 'external.metrics.k8s.io',
    versions: [{ version: 'v1beta1', resources }],
    async handle(req) {
      const s = req.segments;
      if (s.length !== 3 || s[0] !== 'namespaces') return notFound();
      const sel = selector(req, 'labelSelector');
      if (isResponse(sel)) return sel;
      const r = await service.externalMetric(s[1], s[2], sel);
      if (!r.ok) return status(r.error);
      return {
        status: 200,
        body: {
          kind: 'ExternalMetricValueList',
          apiVersion: 'external.metrics.k8s.io/v1beta1',
          metadata: {},
          items: r.value.map((v) => ({
            metricName: s[2],
            metricLabels: v.labels,
            timestamp: formatInstant(v.timestamp),
            value: v.value.toString(),
          })),
        },
      };
    },
  };
}
