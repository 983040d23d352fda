/**
 * The simulator as a cluster you can use: the API server over HTTP, the workload and load models,
 * the three metrics APIs registered on it, and a Prometheus HTTP API on its own port — all on one
 * clock (real, or compressed with ScaledClock). `hpa-ts simulate --serve` and `npm start` run this.
 */
import type { Clock } from '../transport/clock.js';
import type { AdapterConfig } from '../metrics-clients/index.js';
import { startApiServer, type ApiServerHandle, type DiscoveryResource } from './apiserver/index.js';
import type { KubeconfigOptions } from './apiserver/index.js';
import type { QueueSpec, WorkloadLoadSpec } from './load/index.js';
import { customMetricsGroup, externalMetricsGroup, resourceMetricsGroup } from './metrics/apis.js';
import { startPrometheusServer, type PrometheusServerHandle } from './metrics/prometheus-http.js';
import type { ScrapeOptions } from './metrics/scrape.js';
import type { ObjectMetricSpec } from './metrics/service.js';
import { DEFAULT_MAX_PODS, Simulation } from './simulation.js';

export interface SimulatorServerOptions {
  readonly clock: Clock;
  readonly host?: string;
  /** API server port; 0 = any free port */
  readonly port?: number;
  /** Prometheus HTTP API port; 0 = any free port */
  readonly prometheusPort?: number;
  /** the Kubernetes release the API server behaves as (its minor; default the controller's default) */
  readonly release?: number;
  /** what /version reports exactly (default: the release, as apiserver/release.ts describes) */
  readonly version?: string;
  readonly workloads?: ReadonlyMap<string, WorkloadLoadSpec>;
  readonly queues?: readonly QueueSpec[];
  readonly objects?: readonly ObjectMetricSpec[];
  readonly adapterConfig?: AdapterConfig;
  readonly scrape?: Omit<ScrapeOptions, 'onScrape'>;
  readonly podDefaults?: { readonly startupSeconds?: number; readonly readinessSeconds?: number };
  readonly bookmarkIntervalMs?: number;
  /** pods the cluster holds at most (default DEFAULT_MAX_PODS); more are refused as by a quota */
  readonly maxPods?: number;
}

export interface SimulatorServer {
  readonly api: ApiServerHandle;
  readonly simulation: Simulation;
  readonly prometheus: PrometheusServerHandle;
  /** http://127.0.0.1:PORT of the API server */
  readonly url: string;
  kubeconfig(opts?: KubeconfigOptions): string;
  writeKubeconfig(path: string, opts?: KubeconfigOptions): Promise<void>;
  close(): Promise<void>;
}

const INGRESS_DISCOVERY: readonly DiscoveryResource[] = [
  {
    name: 'ingresses',
    singularName: 'ingress',
    namespaced: true,
    kind: 'Ingress',
    verbs: ['get', 'list'],
    shortNames: ['ing'],
  },
];

export async function startSimulatorServer(opts: SimulatorServerOptions): Promise<SimulatorServer> {
  const { clock } = opts;
  const api = await startApiServer({
    now: () => clock.now(),
    ...(opts.host !== undefined ? { host: opts.host } : {}),
    port: opts.port ?? 0,
    maxPods: opts.maxPods ?? DEFAULT_MAX_PODS,
    ...(opts.version !== undefined ? { version: opts.version } : {}),
    ...(opts.release !== undefined ? { release: opts.release } : {}),
    ...(opts.bookmarkIntervalMs !== undefined ? { bookmarkIntervalMs: opts.bookmarkIntervalMs } : {}),
  });
  let lastCustom = '';
  let lastExternal = '';
  let refreshing = false;
  // assigned below, once the simulation whose scrapes call it exists
  let refreshDiscovery: () => void = () => undefined;
  const simulation = new Simulation({
    store: api.store,
    clock,
    ...(opts.workloads !== undefined ? { workloads: opts.workloads } : {}),
    ...(opts.queues !== undefined ? { queues: opts.queues } : {}),
    ...(opts.objects !== undefined ? { objects: opts.objects } : {}),
    ...(opts.adapterConfig !== undefined ? { adapterConfig: opts.adapterConfig } : {}),
    ...(opts.scrape !== undefined ? { scrape: opts.scrape } : {}),
    ...(opts.podDefaults !== undefined ? { podDefaults: opts.podDefaults } : {}),
    onScrape: () => refreshDiscovery(),
  });
  await simulation.ready();
  const service = simulation.metrics;
  api.registerApiGroup(resourceMetricsGroup(service, () => clock.now()));
  // Discovery documents are cached by the server: re-register a group when its metric list changes.
  refreshDiscovery = () => {
    if (refreshing) return;
    refreshing = true;
    void Promise.all([service.customResources(), service.externalNames()]).then(([custom, external]) => {
      refreshing = false;
      const customList: DiscoveryResource[] = custom.map((r) => ({
        name: r.name,
        singularName: '',
        namespaced: r.namespaced,
        kind: 'MetricValueList',
        verbs: ['get'],
      }));
      const externalList: DiscoveryResource[] = external.map((n) => ({
        name: n,
        singularName: '',
        namespaced: true,
        kind: 'ExternalMetricValueList',
        verbs: ['get'],
      }));
      const c = JSON.stringify(customList);
      const e = JSON.stringify(externalList);
      if (c !== lastCustom) api.registerApiGroup(customMetricsGroup(service, customList));
      if (e !== lastExternal) api.registerApiGroup(externalMetricsGroup(service, externalList));
      lastCustom = c;
      lastExternal = e;
    });
  };
  api.registerApiGroup(customMetricsGroup(service, []));
  api.registerApiGroup(externalMetricsGroup(service, []));
  if ((opts.objects ?? []).some((o) => o.describedObject.kind === 'Ingress')) {
    // Only for kind → resource mapping of Object metrics on Ingresses; no Ingress objects are stored.
    api.registerApiGroup({
      group: 'networking.k8s.io',
      versions: [{ version: 'v1', resources: INGRESS_DISCOVERY }],
      handle: (req) =>
        req.segments[req.segments.length - 1] === 'ingresses' && req.method === 'GET'
          ? { status: 200, body: { kind: 'IngressList', apiVersion: 'networking.k8s.io/v1', metadata: {}, items: [] } }
          : {
              status: 405,
              body: {
                kind: 'Status',
                apiVersion: 'v1',
                metadata: {},
                status: 'Failure',
                reason: 'MethodNotAllowed',
                code: 405,
                message: 'the simulator serves Ingresses for discovery only',
              },
            },
    });
  }
  const prometheus = await startPrometheusServer(
    simulation.tsdb,
    () => clock.now(),
    opts.prometheusPort ?? 0,
    opts.host ?? '127.0.0.1',
  );
  simulation.start();
  return {
    api,
    simulation,
    prometheus,
    url: api.url,
    kubeconfig: (o) => api.kubeconfig(o),
    writeKubeconfig: (path, o) => api.writeKubeconfig(path, o),
    close: async () => {
      simulation.stop();
      await prometheus.close();
      await api.close();
    },
  };
}
