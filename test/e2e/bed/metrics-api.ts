/**
 * The metrics APIs as an aggregated API server over TLS — metrics.k8s.io/v1beta1 (PodMetrics),
 * custom.metrics.k8s.io/v1beta2 + v1beta1 (pods, objects, namespace metrics) and
 * external.metrics.k8s.io/v1beta1 — answering from a MetricsProvider (the bed's load model).
 * kube-apiserver reaches it through APIService objects (ExternalName Service → localhost) and
 * authenticates itself with the front-proxy client cert; the end user (kube-controller-manager's
 * HPA controller, hpa-ts, kubectl) arrives in X-Remote-User, which the provider may observe.
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { clientCertServing, listen } from './listen.js';
import { parseLabelSelector, type LabelMatcher } from './selectors.js';

export interface PodRef {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly creationTimestamp?: string;
}

export interface Sample {
  /** RFC 3339 */
  readonly timestamp: string;
  readonly windowSeconds: number;
}

export interface ContainerUsage {
  readonly name: string;
  readonly cpuMilli: number;
  readonly memoryBytes: number;
}

export type MetricsApi = 'resource' | 'custom' | 'external';

export interface MetricsRequestInfo {
  readonly user: string;
  readonly api: MetricsApi;
  readonly namespace: string;
  readonly path: string;
}

export interface MetricsProvider {
  /** the pods of a namespace that answers may include */
  pods(namespace: string): readonly PodRef[];
  podUsage(namespace: string, pod: string): (Sample & { containers: readonly ContainerUsage[] }) | undefined;
  podMetric(
    namespace: string,
    pod: string,
    metric: string,
    metricSelector: LabelMatcher,
  ): (Sample & { milli: number }) | undefined;
  /** `resource` is the group-qualified plural of the path (deployments.apps, services, namespaces) */
  objectMetric(
    namespace: string,
    resource: string,
    name: string,
    metric: string,
    metricSelector: LabelMatcher,
  ): (Sample & { milli: number }) | undefined;
  externalMetric(
    namespace: string,
    metric: string,
    selector: LabelMatcher,
  ): (Sample & { items: readonly { labels: Record<string, string>; milli: number }[] }) | undefined;
  /** every metrics request, before it is answered (the lock-step driver watches kcm's) */
  observe?(info: MetricsRequestInfo): void;
}

export const GROUPS = {
  resource: { group: 'metrics.k8s.io', versions: ['v1beta1'] },
  custom: { group: 'custom.metrics.k8s.io', versions: ['v1beta2', 'v1beta1'] },
  external: { group: 'external.metrics.k8s.io', versions: ['v1beta1'] },
} as const;

/** Kubernetes quantity text of a milli-value: "1500m", "2", "0". */
export function milliQuantity(milli: number): string {
  const m = Math.round(milli);
  return m % 1000 === 0 ? String(m / 1000) : `${m}m`;
}

function status(res: ServerResponse, code: number, reason: string, message: string): void {
  send(res, code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
}

function send(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function resourceList(groupVersion: string): unknown {
  const resources: unknown[] = [];
  if (groupVersion.startsWith('metrics.k8s.io/')) {
    resources.push({ name: 'pods', singularName: '', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] });
    resources.push({ name: 'nodes', singularName: '', namespaced: false, kind: 'NodeMetrics', verbs: ['get', 'list'] });
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources };
}

function apiGroup(g: { group: string; versions: readonly string[] }): unknown {
  const versions = g.versions.map((v) => ({ groupVersion: `${g.group}/${v}`, version: v }));
  return { kind: 'APIGroup', apiVersion: 'v1', name: g.group, versions, preferredVersion: versions[0] };
}

export interface MetricsApiServer {
  readonly port: number;
  readonly requests: { count: number };
  close(): Promise<void>;
}

export async function startMetricsApi(opts: {
  cert: string;
  key: string;
  frontProxyCa: string;
  provider: MetricsProvider;
}): Promise<MetricsApiServer> {
  const counter = { count: 0 };
  const server: Server = createServer(clientCertServing(opts), (req, res) => {
    counter.count++;
    try {
      handle(req, res, opts.provider);
    } catch (e) {
      status(res, 500, 'InternalError', (e as Error).stack ?? String(e));
    }
  });
  const listening = await listen(server);
  return { port: listening.port, requests: counter, close: listening.close };
}

function userOf(req: IncomingMessage): string {
  const sock = req.socket as TLSSocket;
  const fromProxy = sock.authorized && (sock.getPeerCertificate()?.subject?.CN ?? '') === 'front-proxy-client';
  const u = req.headers['x-remote-user'];
  return fromProxy && typeof u === 'string' ? u : 'anonymous';
}

function handle(req: IncomingMessage, res: ServerResponse, p: MetricsProvider): void {
  const url = new URL(req.url ?? '/', 'https://localhost');
  const path = url.pathname;
  if (path === '/healthz' || path === '/readyz' || path === '/livez') {
    res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
    return;
  }
  if (path === '/apis' || path === '/apis/') {
    send(res, 200, { kind: 'APIGroupList', apiVersion: 'v1', groups: Object.values(GROUPS).map(apiGroup) });
    return;
  }
  const seg = path
    .split('/')
    .filter((s) => s !== '')
    .map(decodeURIComponent);
  if (seg[0] !== 'apis' || seg.length < 2) {
    status(res, 404, 'NotFound', `the server could not find the requested resource (${path})`);
    return;
  }
  const group = Object.values(GROUPS).find((g) => g.group === seg[1]);
  if (group === undefined) {
    status(res, 404, 'NotFound', `no group ${seg[1]}`);
    return;
  }
  if (seg.length === 2) {
    send(res, 200, apiGroup(group));
    return;
  }
  const version = seg[2];
  if (!(group.versions as readonly string[]).includes(version)) {
    status(res, 404, 'NotFound', `no version ${version}`);
    return;
  }
  if (seg.length === 3) {
    send(res, 200, resourceList(`${group.group}/${version}`));
    return;
  }
  const call: ApiCall = { res, p, rest: seg.slice(3), q: url.searchParams, user: userOf(req), path, version };
  if (group.group === GROUPS.resource.group) return resourceMetrics(call);
  if (group.group === GROUPS.custom.group) return customMetrics(call);
  return externalMetrics(call);
}

/** One request to a metrics API, past the group and version: `rest` are the path segments after them. */
interface ApiCall {
  readonly res: ServerResponse;
  readonly p: MetricsProvider;
  readonly rest: string[];
  readonly q: URLSearchParams;
  readonly user: string;
  readonly path: string;
  readonly version: string;
}

function podMetrics(p: MetricsProvider, ns: string, pod: PodRef): unknown {
  const u = p.podUsage(ns, pod.name);
  if (u === undefined) return undefined;
  return {
    metadata: { name: pod.name, namespace: ns, labels: pod.labels, creationTimestamp: u.timestamp },
    timestamp: u.timestamp,
    window: `${u.windowSeconds}s`,
    containers: u.containers.map((c) => ({
      name: c.name,
      usage: { cpu: milliQuantity(c.cpuMilli), memory: String(Math.round(c.memoryBytes)) },
    })),
  };
}

function resourceMetrics({ res, p, rest, q, user, path }: ApiCall): void {
  if (rest[0] === 'nodes') {
    send(res, 200, { kind: 'NodeMetricsList', apiVersion: 'metrics.k8s.io/v1beta1', metadata: {}, items: [] });
    return;
  }
  if (rest[0] !== 'namespaces' || rest[2] !== 'pods') {
    status(res, 404, 'NotFound', `not found: ${path}`);
    return;
  }
  const ns = rest[1];
  p.observe?.({ user, api: 'resource', namespace: ns, path });
  if (rest.length === 4) {
    const pod = p.pods(ns).find((x) => x.name === rest[3]);
    const m = pod === undefined ? undefined : podMetrics(p, ns, pod);
    if (m === undefined) status(res, 404, 'NotFound', `podmetrics.metrics.k8s.io "${rest[3]}" not found`);
    else send(res, 200, { kind: 'PodMetrics', apiVersion: 'metrics.k8s.io/v1beta1', ...(m as object) });
    return;
  }
  const sel = parseLabelSelector(q.get('labelSelector'));
  const items = p
    .pods(ns)
    .filter((pod) => sel(pod.labels))
    .map((pod) => podMetrics(p, ns, pod))
    .filter((x) => x !== undefined);
  send(res, 200, { kind: 'PodMetricsList', apiVersion: 'metrics.k8s.io/v1beta1', metadata: {}, items });
}

interface DescribedValue {
  readonly describedObject: { kind: string; namespace?: string; name: string; apiVersion: string };
  readonly metric: string;
  readonly selectorText: string | null;
  readonly s: Sample & { milli: number };
}

function metricValue(v: DescribedValue, version: string): unknown {
  if (version === 'v1beta1') {
    return {
      describedObject: v.describedObject,
      metricName: v.metric,
      timestamp: v.s.timestamp,
      windowSeconds: v.s.windowSeconds,
      value: milliQuantity(v.s.milli),
      selector: null,
    };
  }
  return {
    describedObject: v.describedObject,
    metric: { name: v.metric, selector: null },
    timestamp: v.s.timestamp,
    windowSeconds: v.s.windowSeconds,
    value: milliQuantity(v.s.milli),
  };
}

const KIND_OF: Readonly<Record<string, { kind: string; apiVersion: string }>> = {
  pods: { kind: 'Pod', apiVersion: '/v1' },
  services: { kind: 'Service', apiVersion: '/v1' },
  namespaces: { kind: 'Namespace', apiVersion: '/v1' },
  'deployments.apps': { kind: 'Deployment', apiVersion: 'apps/v1' },
  'ingresses.networking.k8s.io': { kind: 'Ingress', apiVersion: 'networking.k8s.io/v1' },
  configmaps: { kind: 'ConfigMap', apiVersion: '/v1' },
};

function customMetrics({ res, p, rest, q, user, path, version }: ApiCall): void {
  // namespaces/{ns}/pods/{*|name}/{metric} · namespaces/{ns}/metrics/{metric} · namespaces/{ns}/{resource}/{name}/{metric}
  if (rest[0] !== 'namespaces' || rest.length < 4) {
    status(res, 404, 'NotFound', `not found: ${path}`);
    return;
  }
  const ns = rest[1];
  p.observe?.({ user, api: 'custom', namespace: ns, path });
  const metricSel = parseLabelSelector(q.get('metricLabelSelector'));
  const list = (items: DescribedValue[]): void =>
    send(res, 200, {
      kind: 'MetricValueList',
      apiVersion: `custom.metrics.k8s.io/${version}`,
      metadata: {},
      items: items.map((v) => metricValue(v, version)),
    });
  const notFound = (metric: string): void =>
    status(res, 404, 'NotFound', `the server could not find the metric ${metric} for ${rest[2]}`);
  if (rest[2] === 'metrics' && rest.length === 4) {
    const s = p.objectMetric(ns, 'namespaces', ns, rest[3], metricSel);
    if (s === undefined) notFound(rest[3]);
    else
      list([
        { describedObject: { kind: 'Namespace', name: ns, apiVersion: '/v1' }, metric: rest[3], selectorText: null, s },
      ]);
    return;
  }
  if (rest.length !== 5) {
    status(res, 404, 'NotFound', `not found: ${path}`);
    return;
  }
  const [, , resource, name, metric] = rest;
  if (resource === 'pods') {
    const podSel = parseLabelSelector(q.get('labelSelector'));
    const pods = p.pods(ns).filter((pod) => (name === '*' ? podSel(pod.labels) : pod.name === name));
    const items: DescribedValue[] = [];
    for (const pod of pods) {
      const s = p.podMetric(ns, pod.name, metric, metricSel);
      if (s !== undefined)
        items.push({
          describedObject: { kind: 'Pod', namespace: ns, name: pod.name, apiVersion: '/v1' },
          metric,
          selectorText: null,
          s,
        });
    }
    if (items.length === 0 && name !== '*') notFound(metric);
    else list(items);
    return;
  }
  const s = p.objectMetric(ns, resource, name, metric, metricSel);
  if (s === undefined) {
    notFound(metric);
    return;
  }
  const k = KIND_OF[resource] ?? { kind: resource, apiVersion: '' };
  list([
    { describedObject: { kind: k.kind, namespace: ns, name, apiVersion: k.apiVersion }, metric, selectorText: null, s },
  ]);
}

function externalMetrics({ res, p, rest, q, user, path }: ApiCall): void {
  if (rest[0] !== 'namespaces' || rest.length !== 3) {
    status(res, 404, 'NotFound', `not found: ${path}`);
    return;
  }
  const [, ns, metric] = rest;
  p.observe?.({ user, api: 'external', namespace: ns, path });
  const r = p.externalMetric(ns, metric, parseLabelSelector(q.get('labelSelector')));
  if (r === undefined) {
    status(
      res,
      404,
      'NotFound',
      `the server could not find the requested resource (get ${metric}.external.metrics.k8s.io)`,
    );
    return;
  }
  send(res, 200, {
    kind: 'ExternalMetricValueList',
    apiVersion: 'external.metrics.k8s.io/v1beta1',
    metadata: {},
    items: r.items.map((it) => ({
      metricName: metric,
      metricLabels: it.labels,
      timestamp: r.timestamp,
      window: r.windowSeconds,
      value: milliQuantity(it.milli),
    })),
  });
}
