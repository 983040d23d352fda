/**
 * A cluster for controller integration tests: the simulator's API server over real HTTP, with
 * pods written directly (no workload model needed) and metrics.k8s.io / custom.metrics.k8s.io
 * groups answering from a mutable table — so each test sets exactly the usage it needs.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { KubeConfig } from '@kubernetes/client-node';
import { Resources, startApiServer, type ApiServerHandle } from '../../../simulator/apiserver/index.js';
import { EMBEDDED_RUN_FLAGS, runSettingsFromFlags, type RunFlags } from '../../../app/settings.js';
import { startController, type RunningController, loadKubeConfig } from '../../../app/start.js';
import { silentLogger } from '../../../controller/logging.js';
import type { ReconcileOutcome } from '../../../controller/reconciler.js';

export const DEPLOYMENTS = { group: 'apps', version: 'v1', resource: 'deployments' } as const;
export const PODS = { group: '', version: 'v1', resource: 'pods' } as const;
export const HPAS = { group: 'autoscaling', version: 'v2', resource: 'horizontalpodautoscalers' } as const;
export const EVENTS = { group: '', version: 'v1', resource: 'events' } as const;

/** hpa-ts's own HPA kind (CRD mode, docs/crd.md) */
export const CRD_HPAS = {
  group: 'autoscaling.hpa-ts.io',
  version: 'v1',
  resource: 'horizontalpodautoscalers',
} as const;
const CRD_FILE = fileURLToPath(
  new URL('../../../manifests/crd/horizontalpodautoscalers.autoscaling.hpa-ts.io.yaml', import.meta.url),
);

/** Installs the shipped CRD of CRD_HPAS. */
export function installHpaCrd(sim: Sim): void {
  sim.server.store.create(Resources.customResourceDefinitions, undefined, parse(readFileSync(CRD_FILE, 'utf8')));
}

export interface Sim {
  readonly server: ApiServerHandle;
  readonly kubeconfigPath: string;
  /** pod name → cpu usage in millicores (metrics.k8s.io) */
  readonly cpu: Map<string, number>;
  /** `${metric}/${pod}` → value in milli-units (custom.metrics.k8s.io pods metrics) */
  readonly custom: Map<string, number>;
  /** make the metrics APIs answer 503 */
  metricsDown: boolean;
  close(): Promise<void>;
}

/** `port`: a fixed port, e.g. to restart a server where a controller expects it */
export async function startSim(opts: { readonly port?: number } = {}): Promise<Sim> {
  const server = await startApiServer({ port: opts.port ?? 0 });
  const dir = mkdtempSync(join(tmpdir(), 'hpa-ts-it-'));
  const kubeconfigPath = join(dir, 'kubeconfig');
  writeFileSync(kubeconfigPath, server.kubeconfig());
  const sim: Sim = {
    server,
    kubeconfigPath,
    cpu: new Map(),
    custom: new Map(),
    metricsDown: false,
    close: () => server.close(),
  };
  const unavailable = {
    status: 503,
    body: {
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason: 'ServiceUnavailable',
      code: 503,
      message: 'the server is currently unable to handle the request',
    },
  };
  server.registerApiGroup({
    group: 'metrics.k8s.io',
    versions: [
      {
        version: 'v1beta1',
        resources: [{ name: 'pods', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] }],
      },
    ],
    handle: (req) => {
      if (sim.metricsDown) return unavailable;
      const ns = req.segments[1];
      const pods = server.store.list(PODS, {
        namespace: ns,
        labelSelector: req.query.get('labelSelector') ?? '',
      }).items;
      const items = pods
        .filter((p) => sim.cpu.has(p.metadata.name ?? ''))
        .map((p) => ({
          metadata: { name: p.metadata.name, namespace: ns, labels: p.metadata.labels ?? {} },
          timestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
          window: '30s',
          containers: [{ name: 'app', usage: { cpu: `${sim.cpu.get(p.metadata.name ?? '') ?? 0}m`, memory: '100Mi' } }],
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
      if (sim.metricsDown) return unavailable;
      // namespaces/{ns}/pods/*/{metric}
      const [, ns, , , metric] = req.segments;
      const pods = server.store.list(PODS, {
        namespace: ns,
        labelSelector: req.query.get('labelSelector') ?? '',
      }).items;
      const items = pods
        .filter((p) => sim.custom.has(`${metric}/${p.metadata.name}`))
        .map((p) => ({
          describedObject: { kind: 'Pod', namespace: ns, name: p.metadata.name, apiVersion: '/v1' },
          metric: { name: metric, selector: null },
          timestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
          value: `${sim.custom.get(`${metric}/${p.metadata.name}`) ?? 0}m`,
        }));
      return {
        status: 200,
        body: { kind: 'MetricValueList', apiVersion: 'custom.metrics.k8s.io/v1beta2', metadata: {}, items },
      };
    },
  });
  return sim;
}

export function deployment(name: string, replicas: number, cpuRequest = '100m'): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [{ name: 'app', image: 'nginx', resources: { requests: { cpu: cpuRequest, memory: '300Mi' } } }],
        },
      },
    },
  };
}

/** A Running, Ready pod started long ago (outside the cpu initialization period). */
export function createReadyPod(sim: Sim, app: string, name: string, cpuRequest = '100m'): void {
  sim.server.store.create(PODS, 'default', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { app } },
    spec: {
      containers: [{ name: 'app', image: 'nginx', resources: { requests: { cpu: cpuRequest, memory: '300Mi' } } }],
    },
  });
  const pod = sim.server.store.get(PODS, 'default', name);
  const longAgo = '2020-01-01T00:00:00Z';
  sim.server.store.updateStatus(PODS, 'default', name, {
    ...pod,
    status: {
      phase: 'Running',
      startTime: longAgo,
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: longAgo }],
    },
  });
}

/** Ready pods `${app}-${from}` … `${app}-${to - 1}` (see createReadyPod), each using `cpuMilli` millicores. */
export function addBusyPods(sim: Sim, app: string, from: number, to: number, cpuMilli: number): void {
  for (let i = from; i < to; i++) {
    createReadyPod(sim, app, `${app}-${i}`);
    sim.cpu.set(`${app}-${i}`, cpuMilli);
  }
}

/** The Deployment `name` with `replicas` ready pods of 100m requests, each using `cpuMilli` millicores. */
export function busyDeployment(sim: Sim, name: string, replicas: number, cpuMilli: number): void {
  sim.server.store.create(DEPLOYMENTS, 'default', deployment(name, replicas));
  addBusyPods(sim, name, 0, replicas, cpuMilli);
}

export function hpa(name: string, spec: Record<string, unknown>): Record<string, unknown> {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name, namespace: 'default' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      minReplicas: 1,
      maxReplicas: 10,
      ...spec,
    },
  };
}

export const cpuMetric = (utilization: number): Record<string, unknown> => ({
  type: 'Resource',
  resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: utilization } },
});

export const FAST_FLAGS: RunFlags = {
  ...EMBEDDED_RUN_FLAGS,
  horizontalPodAutoscalerSyncPeriod: '300ms',
  leaderElectLeaseDuration: '2s',
  leaderElectRenewDeadline: '1500ms',
  leaderElectRetryPeriod: '300ms',
  leaderElectResourceNamespace: 'default',
  errorBackoffBase: '100ms',
};

export async function startCtl(
  sim: Sim,
  flags: Partial<RunFlags> = {},
  onOutcome?: (o: ReconcileOutcome) => void,
): Promise<RunningController> {
  const settings = runSettingsFromFlags({ ...FAST_FLAGS, ...flags });
  const kubeConfig: KubeConfig = await loadKubeConfig(sim.kubeconfigPath);
  return startController(
    settings,
    { metricsClient: 'apiserver' },
    { kubeConfig, log: silentLogger(), defaultMetrics: false, ...(onOutcome ? { onOutcome } : {}) },
  );
}

export async function waitFor<T>(what: string, fn: () => T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function replicasOf(sim: Sim, name: string): number {
  const d = sim.server.store.get(DEPLOYMENTS, 'default', name) as { spec?: { replicas?: number } };
  return d.spec?.replicas ?? 0;
}

export function hpaStatus(
  sim: Sim,
  name: string,
): {
  desiredReplicas?: number;
  conditions?: { type: string; status: string; reason: string; message: string }[];
  currentMetrics?: unknown[];
} {
  const h = sim.server.store.get(HPAS, 'default', name) as { status?: Record<string, unknown> };
  return (h.status ?? {}) as ReturnType<typeof hpaStatus>;
}

export function condition(
  sim: Sim,
  name: string,
  type: string,
): { status: string; reason: string; message: string } | undefined {
  return hpaStatus(sim, name).conditions?.find((c) => c.type === type);
}

export function writes(
  sim: Sim,
): readonly { verb: string; resource?: string; subresource?: string; userAgent?: string }[] {
  return sim.server.requests.filter((r) =>
    ['create', 'update', 'patch', 'delete', 'deletecollection'].includes(r.verb),
  );
}
