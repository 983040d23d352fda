/**
 * The workload of `npm run bench:vs-kcm`: N HPAs, 100 per namespace, each on its own Deployment
 * of 10 pods, metrics at exactly their target so that at steady state neither controller scales
 * or rewrites a status (what is measured is the cost of keeping the period, not of scaling).
 * A third of the HPAs per metric type: Resource memory Utilization, a Pods metric, an Object
 * metric on the Deployment. The pods are created directly with a Running and Ready status (no
 * scheduler, no kubelet: nothing changes them afterwards), so the API server holds exactly the
 * objects a real cluster of that size would give both controllers to read.
 */
import { formatInstant } from '../../../algorithms/index.js';
import type { Kube, KubeObject } from '../../e2e/bed/kube.js';
import type { MetricsProvider, PodRef } from '../../e2e/bed/metrics-api.js';
import type { Stack } from '../../e2e/bed/stack.js';

export const HPAS_PER_NAMESPACE = 100;
export const PODS_PER_HPA = 10;
const MEMORY_REQUEST_BYTES = 100 * 1024 * 1024;

export const namespaceOf = (i: number): string => `bench-${Math.floor(i / HPAS_PER_NAMESPACE)}`;
export const workloadOf = (i: number): string => `w-${i}`;

type MetricKind = 'memory' | 'pods' | 'object';
const kindOf = (i: number): MetricKind => (['memory', 'pods', 'object'] as const)[i % 3];

function metricSpec(i: number): unknown {
  switch (kindOf(i)) {
    case 'memory':
      return {
        type: 'Resource',
        resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 50 } },
      };
    case 'pods':
      return { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '10' } } };
    case 'object':
      return {
        type: 'Object',
        object: {
          describedObject: { apiVersion: 'apps/v1', kind: 'Deployment', name: workloadOf(i) },
          metric: { name: 'rps' },
          target: { type: 'Value', value: '100' },
        },
      };
  }
}

function objectsOf(i: number): { deployment: KubeObject; pods: KubeObject[]; hpa: KubeObject } {
  const name = workloadOf(i);
  const namespace = namespaceOf(i);
  const labels = { app: name };
  const container = { name: 'app', image: 'bench', resources: { requests: { cpu: '100m', memory: '100Mi' } } };
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      replicas: PODS_PER_HPA,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [container] } },
    },
  } as KubeObject;
  const pods = Array.from({ length: PODS_PER_HPA }, (_, k) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `${name}-${k}`, namespace, labels },
    spec: { containers: [container] },
  })) as KubeObject[];
  const hpa = {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name, namespace },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      minReplicas: 1,
      maxReplicas: 20,
      metrics: [metricSpec(i)],
    },
  } as KubeObject;
  return { deployment, pods, hpa };
}

/** Running and Ready for long (both controllers ignore Pending pods and, for cpu, recently started ones). */
const LONG_AGO = '2026-01-01T00:00:00Z';
const RUNNING = {
  status: {
    phase: 'Running',
    startTime: LONG_AGO,
    conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: LONG_AGO }],
  },
};

/** Runs `work` over `items` with at most `width` in flight. */
async function inParallel<T>(items: readonly T[], width: number, work: (t: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: width }, lane));
}

/** Creates HPAs `from` … `to − 1` with their namespaces, Deployments and pods. */
export async function createWorkload(stack: Stack, from: number, to: number): Promise<void> {
  const kube: Kube = stack.kube;
  const namespaces = new Set<string>();
  for (let i = from; i < to; i++) namespaces.add(namespaceOf(i));
  for (const ns of namespaces) await stack.createNamespace(ns);
  const indexes = Array.from({ length: to - from }, (_, k) => from + k);
  await inParallel(indexes, 16, async (i) => {
    const o = objectsOf(i);
    const ns = namespaceOf(i);
    await kube.create(`/apis/apps/v1/namespaces/${ns}/deployments`, o.deployment);
    for (const p of o.pods) {
      await kube.create(`/api/v1/namespaces/${ns}/pods`, p);
      await kube.mergePatch(`/api/v1/namespaces/${ns}/pods/${p.metadata.name}/status`, RUNNING);
    }
    await kube.create(`/apis/autoscaling/v2/namespaces/${ns}/horizontalpodautoscalers`, o.hpa);
  });
}

/** Every metric at its target: memory at 50 % of the request, qps 10 per pod, rps 100 per Deployment. */
export class AtTargetMetrics implements MetricsProvider {
  /** HPAs created so far */
  hpas = 0;

  private indexOf(podOrWorkload: string): number {
    return Number(/^w-(\d+)/.exec(podOrWorkload)?.[1] ?? -1);
  }

  private sample(): { timestamp: string; windowSeconds: number } {
    return { timestamp: formatInstant(Date.now()), windowSeconds: 30 };
  }

  pods(namespace: string): readonly PodRef[] {
    const first = Number(namespace.slice('bench-'.length)) * HPAS_PER_NAMESPACE;
    const out: PodRef[] = [];
    for (let i = first; i < Math.min(first + HPAS_PER_NAMESPACE, this.hpas); i++)
      for (let k = 0; k < PODS_PER_HPA; k++)
        out.push({ name: `${workloadOf(i)}-${k}`, labels: { app: workloadOf(i) } });
    return out;
  }

  podUsage(_namespace: string, pod: string): ReturnType<MetricsProvider['podUsage']> {
    if (this.indexOf(pod) < 0) return undefined;
    return { ...this.sample(), containers: [{ name: 'app', cpuMilli: 50, memoryBytes: MEMORY_REQUEST_BYTES / 2 }] };
  }

  podMetric(_namespace: string, pod: string, metric: string): ReturnType<MetricsProvider['podMetric']> {
    return metric === 'qps' && this.indexOf(pod) >= 0 ? { ...this.sample(), milli: 10_000 } : undefined;
  }

  objectMetric(
    _namespace: string,
    resource: string,
    name: string,
    metric: string,
  ): ReturnType<MetricsProvider['objectMetric']> {
    return resource === 'deployments.apps' && metric === 'rps' && this.indexOf(name) >= 0
      ? { ...this.sample(), milli: 100_000 }
      : undefined;
  }

  externalMetric(): ReturnType<MetricsProvider['externalMetric']> {
    return undefined;
  }
}
