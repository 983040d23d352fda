/**
 * The bed for the suites in which hpa-ts acts (it writes scales and statuses): real Deployments
 * (kube-controller-manager's deployment and replicaset controllers), the node-less kubelet, the
 * metrics APIs served from a wall-clock load, and hpa-ts as the real CLI in a child process with
 * the ServiceAccount and RBAC of a manifests/ overlay.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { forbiddenRequests, REPO_ROOT, startHpaTsProcess, type HpaTsProcess } from './hpa-ts.js';
import type { KubeObject, WatchHandle } from './kube.js';
import { Kubelet } from './kubelet.js';
import { LoadProvider } from './load-provider.js';
import { GROUPS, startMetricsApi, type MetricsApiServer, type MetricsProvider } from './metrics-api.js';
import { servingCert } from './pki.js';
import { installOverlayIdentity, type OverlayIdentity } from './rbac.js';
import { METRICS_SERVICE } from './side-by-side.js';
import { Stack, type StackOptions } from './stack.js';

export class SoloBed {
  kubelet!: Kubelet;
  provider!: LoadProvider;
  metricsApi?: MetricsApiServer;
  hpaTs?: HpaTsProcess;
  identity?: OverlayIdentity;
  /** spec.replicas values each Deployment went through, in order (from a watch) */
  readonly replicaHistory = new Map<string, number[]>();
  private depWatch?: WatchHandle;

  private constructor(readonly stack: Stack) {}

  static async start(opts: Omit<StackOptions, 'workloadControllers'>): Promise<SoloBed> {
    const stack = await Stack.start({ ...opts, workloadControllers: true });
    const bed = new SoloBed(stack);
    try {
      bed.kubelet = new Kubelet(stack.kube, { startDelayMs: 300, readyDelayMs: 700 });
      await bed.kubelet.start();
      bed.provider = new LoadProvider(bed.kubelet);
      bed.metricsApi = await serveMetricsApis(stack, bed.provider);
      bed.depWatch = stack.kube.watch('/apis/apps/v1/deployments', (type, d) => {
        if (type === 'DELETED') return;
        const key = `${d.metadata.namespace}/${d.metadata.name}`;
        const h = bed.replicaHistory.get(key) ?? [];
        const r = d.spec?.replicas as number;
        if (h[h.length - 1] !== r) h.push(r);
        bed.replicaHistory.set(key, h);
      });
    } catch (e) {
      await bed.stop();
      throw e;
    }
    return bed;
  }

  /** hpa-ts (the CLI) with the overlay's ServiceAccount; leader election in the overlay's namespace. */
  async startHpaTs(overlay: string, extra: { hpaSource?: 'builtin' | 'crd' } = {}): Promise<void> {
    this.identity = await installOverlayIdentity(this.stack, overlay);
    this.hpaTs = await startHpaTsProcess(this.stack, {
      kubeconfig: this.identity.kubeconfig,
      leaseNamespace: this.identity.namespace,
      logName: `hpa-ts-${overlay}`,
      ...(extra.hpaSource !== undefined ? { hpaSource: extra.hpaSource } : {}),
    });
  }

  /** 403s hpa-ts got from the API server (its own counter hpa_ts_api_requests_total{code="403"}). */
  async forbidden(): Promise<{ total: number; lines: string[] }> {
    if (this.hpaTs === undefined) return { total: 0, lines: [] };
    return forbiddenRequests(await this.hpaTs.metrics());
  }

  replicas(namespace: string, name: string): number[] {
    return this.replicaHistory.get(`${namespace}/${name}`) ?? [];
  }

  async stop(): Promise<void> {
    this.depWatch?.stop();
    this.kubelet?.stop();
    await this.hpaTs?.stop().catch(() => undefined);
    await this.metricsApi?.close();
    await this.stack.stop();
  }
}

/** The metrics APIs (resource, custom, external) served from `provider`, registered as APIServices and available. */
export async function serveMetricsApis(stack: Stack, provider: MetricsProvider): Promise<MetricsApiServer> {
  const cert = servingCert(stack.pki, 'metrics-api', [`${METRICS_SERVICE.name}.${METRICS_SERVICE.namespace}.svc`]);
  const api = await startMetricsApi({ ...cert, frontProxyCa: stack.pki.frontProxyCaCert, provider });
  const svc = { ...METRICS_SERVICE, port: api.port };
  for (const g of Object.values(GROUPS))
    for (const [i, v] of g.versions.entries())
      await stack.registerApiService(g.group, v, svc, stack.pki.caCert, 200 - i * 50);
  for (const g of Object.values(GROUPS))
    for (const v of g.versions) await stack.waitApiServiceAvailable(`${v}.${g.group}`);
  return api;
}

/** A manifest from manifests/examples, with its namespace set (and its apiVersion, optionally). */
export function example(path: string, namespace: string, patch: (o: KubeObject) => KubeObject = (o) => o): KubeObject {
  const o = parse(readFileSync(join(REPO_ROOT, 'manifests', 'examples', path), 'utf8')) as KubeObject;
  return patch({ ...o, metadata: { ...o.metadata, namespace } });
}

/** A Deployment whose pods the kubelet will run; containers with cpu/memory requests. */
export function deployment(
  namespace: string,
  name: string,
  replicas: number,
  containers: { name: string; cpu: string; memory: string }[],
  labels: Record<string, string> = { app: name },
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: containers.map((c) => ({
            name: c.name,
            image: 'registry.invalid/e2e/app:1',
            resources: { requests: { cpu: c.cpu, memory: c.memory } },
          })),
        },
      },
    },
  };
}

export function collectionPath(o: KubeObject): string {
  const [group, version] = (o.apiVersion ?? 'v1').includes('/')
    ? (o.apiVersion ?? '').split('/')
    : ['', o.apiVersion ?? 'v1'];
  const plural: Record<string, string> = {
    Deployment: 'deployments',
    HorizontalPodAutoscaler: 'horizontalpodautoscalers',
    Service: 'services',
    Ingress: 'ingresses',
  };
  const base = group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
  return `${base}/namespaces/${o.metadata.namespace}/${plural[o.kind ?? ''] ?? `${(o.kind ?? '').toLowerCase()}s`}`;
}
