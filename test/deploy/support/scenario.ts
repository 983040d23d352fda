/**
 * The real controller (app/start.ts startController, configured from an overlay's own
 * Deployment args) against the simulator's API server, with a small scenario that makes it
 * exercise every call it can make, and every request recorded:
 *
 *   namespace shop: Deployments web, api, worker, queue (1 replica, 2 Ready pods each, cpu
 *   requests 100m) and HPAs on them — web: cpu 50% (usage 100m → 2 pods × 100 % / 50 % = 4:
 *   scale up to 4, a fixed point), api: Pods metric, counting its pods by owner
 *   (hpa-ts.io/pod-selection: owner-references: its pods belong to ReplicaSet api-1 of Deployment
 *   api, so the controller lists ReplicaSets),
 *   worker: Object metric (of the Deployment itself), queue: External metric — plus ghost,
 *   whose target does not exist (FailedGetScale every sync → a repeated event → PATCH);
 *   the first HPA status write answers 409 Conflict (→ the controller GETs the HPA and retries);
 *   shadow mode: a status write "by the built-in controller" on web, to be compared.
 *
 * Metrics come from metrics.k8s.io / custom.metrics.k8s.io / external.metrics.k8s.io groups
 * registered on the simulator, or (prometheus-direct) from a fake Prometheus with the overlay's
 * adapter rules file — the same file its ConfigMap mounts.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import {
  startApiServer,
  Resources,
  type ApiServerHandle,
  type RecordedRequest,
} from '../../../simulator/apiserver/index.js';
import { EMBEDDED_RUN_FLAGS, runSettingsFromFlags, type RunFlags } from '../../../app/settings.js';
import { startController, CRD_RESOURCE, type RunningController } from '../../../app/start.js';
import { silentLogger } from '../../../controller/logging.js';
import type { MetricsFlags } from '../../../metrics-clients/index.js';
import { MANIFESTS, overlayFlags, readYaml, type OverlayName } from './manifests.js';
import { ownedThroughReplicaSet } from './owners.js';
import { SCRAPER_TOKEN, scrape, serveReviews } from './reviews.js';
import { freePorts } from '../../e2e/bed/ports.js';

export type Mode = 'write' | 'crd' | 'shadow' | 'dry-run' | 'prometheus';

/** The controller mode each overlay deploys (servicemonitor is builtin plus a ServiceMonitor). */
export const MODE_OF: Readonly<Record<OverlayName, Mode>> = {
  builtin: 'write',
  crd: 'crd',
  shadow: 'shadow',
  'dry-run': 'dry-run',
  'prometheus-direct': 'prometheus',
  servicemonitor: 'write',
};

const NS = 'shop';
const APPS = ['web', 'api', 'worker', 'queue'] as const;
const CRD_GVR = { group: CRD_RESOURCE.group, version: CRD_RESOURCE.version, resource: CRD_RESOURCE.plural };

export interface ScenarioRun {
  readonly overlay: OverlayName;
  readonly mode: Mode;
  readonly requests: readonly RecordedRequest[];
  readonly shadowComparisons: number;
  /** replicas of Deployment web at the end */
  readonly webReplicas: number;
}

/** Timing for a test (fast syncs, short leases) on top of the overlay's flags, which decide the mode. */
const TEST_FLAGS: Partial<RunFlags> = {
  horizontalPodAutoscalerSyncPeriod: '300ms',
  errorBackoffBase: '100ms',
  leaderElectLeaseDuration: '2s',
  leaderElectRenewDeadline: '1500ms',
  leaderElectRetryPeriod: '300ms',
  // what POD_NAMESPACE gives the Deployment (the downward API's metadata.namespace)
  leaderElectResourceNamespace: 'hpa-ts',
  bindAddress: '127.0.0.1:0',
  secureBindAddress: '127.0.0.1',
  logLevel: 'silent',
};

/** `hpa-ts run`'s own defaults (what the Deployment's args start from). */
const RUN_DEFAULTS: RunFlags = { ...EMBEDDED_RUN_FLAGS, leaderElect: true, bindAddress: ':8080', logLevel: 'info' };

function hpaObject(
  mode: Mode,
  name: string,
  target: string,
  metrics: unknown[],
  annotations?: Record<string, string>,
): Record<string, unknown> {
  const apiVersion = mode === 'crd' ? `${CRD_RESOURCE.group}/${CRD_RESOURCE.version}` : 'autoscaling/v2';
  return {
    apiVersion,
    kind: 'HorizontalPodAutoscaler',
    metadata: { name, namespace: NS, ...(annotations === undefined ? {} : { annotations }) },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target },
      minReplicas: 1,
      maxReplicas: 10,
      metrics,
    },
  };
}

const cpu = { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } };
const podsMetric = (name: string): unknown => ({
  type: 'Pods',
  pods: { metric: { name }, target: { type: 'AverageValue', averageValue: '10' } },
});
const objectMetric = {
  type: 'Object',
  object: {
    describedObject: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'worker' },
    metric: { name: 'requests-per-second' },
    target: { type: 'Value', value: '100' },
  },
};
const externalMetric = {
  type: 'External',
  external: { metric: { name: 'queue_messages' }, target: { type: 'AverageValue', averageValue: '30' } },
};

const BY_OWNER = { 'hpa-ts.io/pod-selection': 'owner-references' };

function populate(server: ApiServerHandle, mode: Mode): void {
  const store = server.store;
  for (const ns of ['hpa-ts', NS]) store.create(Resources.namespaces, undefined, { metadata: { name: ns } });
  const longAgo = '2020-01-01T00:00:00Z';
  for (const app of APPS) {
    store.create(Resources.deployments, NS, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: app, namespace: NS },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app } },
        template: {
          metadata: { labels: { app } },
          spec: { containers: [{ name: 'app', image: 'nginx', resources: { requests: { cpu: '100m' } } }] },
        },
      },
    });
    const owners = app === 'api' ? ownedThroughReplicaSet(store, NS, app) : {};
    for (const i of [0, 1]) {
      const name = `${app}-${i}`;
      store.create(Resources.pods, NS, {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace: NS, labels: { app }, ...owners },
        spec: { containers: [{ name: 'app', image: 'nginx', resources: { requests: { cpu: '100m' } } }] },
      });
      const pod = store.get(Resources.pods, NS, name);
      store.updateStatus(Resources.pods, NS, name, {
        ...pod,
        status: {
          phase: 'Running',
          startTime: longAgo,
          conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: longAgo }],
        },
      });
    }
  }
  let gvr: typeof CRD_GVR | typeof Resources.horizontalPodAutoscalers = Resources.horizontalPodAutoscalers;
  if (mode === 'crd') {
    const crd = readYaml(join(MANIFESTS, 'crd', 'horizontalpodautoscalers.autoscaling.hpa-ts.io.yaml'))[0];
    store.create(Resources.customResourceDefinitions, undefined, crd);
    gvr = CRD_GVR;
  }
  const hpas =
    mode === 'prometheus'
      ? [hpaObject(mode, 'api', 'api', [podsMetric('http_requests_qps')], BY_OWNER)]
      : [
          hpaObject(mode, 'web', 'web', [cpu]),
          hpaObject(mode, 'api', 'api', [podsMetric('http_requests_qps')], BY_OWNER),
          hpaObject(mode, 'worker', 'worker', [objectMetric]),
          hpaObject(mode, 'queue', 'queue', [externalMetric]),
        ];
  hpas.push(hpaObject(mode, 'ghost', 'ghost', [cpu]));
  for (const h of hpas) store.create(gvr, NS, h);
}

const now = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

/** metrics.k8s.io, custom.metrics.k8s.io and external.metrics.k8s.io, answering for every pod of shop. */
function registerMetricsApis(server: ApiServerHandle): void {
  const podsOf = (ns: string, selector: string): { metadata: { name: string; labels?: Record<string, string> } }[] =>
    server.store.list(Resources.pods, { namespace: ns, labelSelector: selector }).items as never;
  server.registerApiGroup({
    group: 'metrics.k8s.io',
    versions: [
      {
        version: 'v1beta1',
        resources: [{ name: 'pods', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] }],
      },
    ],
    handle: (req) => {
      const ns = req.segments[1];
      const items = podsOf(ns, req.query.get('labelSelector') ?? '').map((p) => ({
        metadata: { name: p.metadata.name, namespace: ns, labels: p.metadata.labels ?? {} },
        timestamp: now(),
        window: '30s',
        // Time runs for real and the run lasts until every call was seen, so how many syncs it
        // spans depends on the machine's load. Every sync must therefore decide the same: at 100 %
        // of their request web's two pods ask for 4 replicas from 1 and from 4 alike. (At 200 %
        // they asked for 8, capped at 4 by the scale-up limit from 1 — and a second sync before
        // the run ended scaled 4 → 8.)
        containers: [{ name: 'app', usage: { cpu: '100m', memory: '100Mi' } }],
      }));
      return {
        status: 200,
        body: { kind: 'PodMetricsList', apiVersion: 'metrics.k8s.io/v1beta1', metadata: {}, items },
      };
    },
  });
  server.registerApiGroup({
    group: 'custom.metrics.k8s.io',
    versions: [
      {
        version: 'v1beta2',
        resources: [{ name: 'pods/http_requests_qps', namespaced: true, kind: 'MetricValueList', verbs: ['get'] }],
      },
    ],
    handle: (req) => {
      // namespaces/{ns}/pods/*/{metric} or namespaces/{ns}/{resource}/{name}/{metric}
      const [, ns, resource, name, metric] = req.segments;
      const item = (kind: string, apiVersion: string, objName: string): unknown => ({
        describedObject: { kind, namespace: ns, name: objName, apiVersion },
        metric: { name: metric, selector: null },
        timestamp: now(),
        value: '20',
      });
      const items =
        resource === 'pods' && name === '*'
          ? podsOf(ns, req.query.get('labelSelector') ?? '').map((p) => item('Pod', '/v1', p.metadata.name))
          : [item('Deployment', 'apps/v1', name)];
      return {
        status: 200,
        body: { kind: 'MetricValueList', apiVersion: 'custom.metrics.k8s.io/v1beta2', metadata: {}, items },
      };
    },
  });
  server.registerApiGroup({
    group: 'external.metrics.k8s.io',
    versions: [
      {
        version: 'v1beta1',
        resources: [{ name: 'queue_messages', namespaced: true, kind: 'ExternalMetricValueList', verbs: ['list'] }],
      },
    ],
    handle: (req) => ({
      status: 200,
      body: {
        kind: 'ExternalMetricValueList',
        apiVersion: 'external.metrics.k8s.io/v1beta1',
        metadata: {},
        items: [{ metricName: req.segments[2], metricLabels: {}, timestamp: now(), value: '90' }],
      },
    }),
  });
}

/** A Prometheus answering series discovery and instant queries for the api pods. */
async function startFakePrometheus(): Promise<{ url: string; queries: string[]; close(): Promise<void> }> {
  const queries: string[] = [];
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const reply = (data: unknown): void => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ status: 'success', data }));
    };
    const read = (cb: (params: URLSearchParams) => void): void => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => cb(req.method === 'POST' ? new URLSearchParams(body) : u.searchParams));
    };
    if (u.pathname === '/api/v1/series') {
      return read(() =>
        reply(
          ['api-0', 'api-1'].map((pod) => ({
            __name__: 'http_requests_total',
            kubernetes_namespace: NS,
            kubernetes_pod: pod,
          })),
        ),
      );
    }
    if (u.pathname === '/api/v1/query') {
      return read((p) => {
        queries.push(p.get('query') ?? '');
        const t = Date.now() / 1000;
        reply({
          resultType: 'vector',
          result: ['api-0', 'api-1'].map((pod) => ({ metric: { kubernetes_pod: pod }, value: [t, '20'] })),
        });
      });
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    queries,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** What a mode's run must have done before it counts as having exercised the controller. */
function done(mode: Mode, reqs: readonly RecordedRequest[], shadowComparisons: number): boolean {
  const seen = (f: (r: RecordedRequest) => boolean): boolean => reqs.some(f);
  const lease = (verb: string): boolean => seen((r) => r.resource === 'leases' && r.verb === verb);
  const scaleGets = new Set(reqs.filter((r) => r.subresource === 'scale' && r.verb === 'get').map((r) => r.name));
  const base =
    lease('create') &&
    lease('get') &&
    lease('update') &&
    seen((r) => r.resource === 'pods' && r.verb === 'watch') &&
    seen((r) => r.resource === 'horizontalpodautoscalers' && r.verb === 'watch') &&
    scaleGets.has('api') &&
    scaleGets.has('ghost') &&
    seen((r) => r.resource === 'replicasets' && r.verb === 'list');
  if (!base) return false;
  const metricsApis =
    mode === 'prometheus' ||
    (seen((r) => r.apiGroup === 'metrics.k8s.io' && r.verb === 'list') &&
      seen((r) => r.apiGroup === 'custom.metrics.k8s.io' && r.name === '*') &&
      seen((r) => r.apiGroup === 'custom.metrics.k8s.io' && r.resource === 'deployments.apps') &&
      seen((r) => r.apiGroup === 'external.metrics.k8s.io'));
  if (!metricsApis) return false;
  if (mode === 'shadow') return shadowComparisons > 0;
  if (mode === 'dry-run') return true;
  return (
    seen((r) => r.subresource === 'scale' && r.verb === 'update' && r.status === 200) &&
    seen((r) => r.subresource === 'status' && r.verb === 'update' && r.status === 200) &&
    seen((r) => r.resource === 'horizontalpodautoscalers' && r.subresource === '' && r.verb === 'get') &&
    seen((r) => r.resource === 'events' && r.verb === 'create') &&
    seen((r) => r.resource === 'events' && r.verb === 'patch')
  );
}

/** Runs the controller as `overlay` deploys it until the scenario is exercised (or `timeoutMs`), then stops it. */
export async function runScenario(overlay: OverlayName, timeoutMs = 45_000): Promise<ScenarioRun> {
  const mode = MODE_OF[overlay];
  const server = await startApiServer({ port: 0 });
  const prometheus = mode === 'prometheus' ? await startFakePrometheus() : undefined;
  let running: RunningController | undefined;
  try {
    populate(server, mode);
    if (mode !== 'prometheus') registerMetricsApis(server);
    serveReviews(server);
    server.faults.failNext(1, { method: 'PUT', subresource: 'status' }, { status: 409, reason: 'Conflict' });
    const fromEnv = overlayFlags(overlay);
    // the overlay's secure port (10257) on a free one: the overlays run side by side
    const [securePort] = await freePorts(1);
    const flags = { ...RUN_DEFAULTS, ...fromEnv, ...TEST_FLAGS, securePort } as RunFlags;
    const metricsFlags: MetricsFlags = {
      ...(fromEnv.metricsClient !== undefined ? { metricsClient: fromEnv.metricsClient } : {}),
      ...(prometheus !== undefined
        ? {
            prometheusUrl: prometheus.url,
            // the file the overlay's ConfigMap is generated from, i.e. what the pod mounts
            adapterConfig: join(MANIFESTS, 'overlays', overlay, 'adapter-rules.yaml'),
          }
        : {}),
    };
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromString(server.kubeconfig());
    server.clearRequests();
    running = await startController(runSettingsFromFlags(flags), metricsFlags, {
      kubeConfig,
      log: silentLogger(),
      defaultMetrics: false,
    });
    if (mode === 'shadow') {
      // the built-in controller's sync of web, as the informer sees it
      const hpa = server.store.get(Resources.horizontalPodAutoscalers, NS, 'web');
      server.store.updateStatus(Resources.horizontalPodAutoscalers, NS, 'web', {
        ...hpa,
        status: {
          currentReplicas: 1,
          desiredReplicas: 4,
          conditions: [
            { type: 'AbleToScale', status: 'True', reason: 'SucceededRescale', lastTransitionTime: now() },
            { type: 'ScalingActive', status: 'True', reason: 'ValidMetricFound', lastTransitionTime: now() },
            { type: 'ScalingLimited', status: 'False', reason: 'DesiredWithinRange', lastTransitionTime: now() },
          ],
        },
      });
    }
    const deadline = Date.now() + timeoutMs;
    const comparisons = (): number =>
      running?.shadow === undefined ? 0 : running.shadow.agreed + running.shadow.disagreed;
    while (!done(mode, server.requests, comparisons()) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    const shadowComparisons = comparisons();
    // a scrape as Prometheus makes it: the controller reviews the token and the access
    const scraped = await scrape(securePort, '/metrics', SCRAPER_TOKEN);
    if (scraped.status !== 200) throw new Error(`secure port: ${scraped.status} ${scraped.body}`);
    await running.stop();
    running = undefined;
    const web = server.store.get(Resources.deployments, NS, 'web') as { spec?: { replicas?: number } };
    return { overlay, mode, requests: [...server.requests], shadowComparisons, webReplicas: web.spec?.replicas ?? 0 };
  } finally {
    await running?.stop();
    await prometheus?.close();
    await server.close();
  }
}
