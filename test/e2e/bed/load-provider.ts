/**
 * Metrics for the suites driven by wall-clock time (hpa-ts as the only HPA controller, CRD mode):
 * per namespace a mutable load — totals shared by the running and ready pods the kubelet reports,
 * object and external values — served through the aggregated metrics APIs.
 */
import { formatInstant } from '../../../algorithms/index.js';
import type { Kubelet } from './kubelet.js';
import type { MetricsProvider, PodRef } from './metrics-api.js';
import { parseQuantityMilli } from './quantity.js';
import type { LabelMatcher } from './selectors.js';

export interface NamespaceLoad {
  /** total cpu (millicores) over ready pods; per container by share of the pod's cpu request */
  cpuMilli?: number;
  /**
   * cpu of the pods carrying these labels (the first entry whose labels a pod has), split over
   * them alone; `cpuMilli` is then split over the pods no entry matches. E.g. one Deployment's
   * pods busy and the other's idle in one namespace (pods by owner, docs/annotations.md).
   */
  cpuMilliWhere?: readonly { readonly labels: Readonly<Record<string, string>>; readonly cpuMilli: number }[];
  /** total memory (bytes) over running pods */
  memoryBytes?: number;
  /** pods metrics: name → total over ready pods (milli-units) */
  pods?: Record<string, number>;
  /** object metrics: `${resource}/${name}/${metric}` → milli-value */
  objects?: Record<string, number>;
  /** external metrics: name → series */
  external?: Record<string, { labels: Record<string, string>; milli: number }[]>;
  /** stamp every sample of the namespace this many seconds in the past (a stuck pipeline); 0 when absent */
  sampleAgeSeconds?: number;
}

export class LoadProvider implements MetricsProvider {
  readonly load = new Map<string, NamespaceLoad>();

  constructor(private readonly kubelet: Kubelet) {}

  set(namespace: string, load: NamespaceLoad): void {
    this.load.set(namespace, load);
  }

  pods(namespace: string): readonly PodRef[] {
    return this.kubelet.list(namespace).map((p) => ({ name: p.name, labels: p.labels }));
  }

  /** `total` split evenly over the running (or ready) pods of the namespace, `pod`'s part of it. */
  private share(
    listed: ReturnType<Kubelet['list']>,
    pod: string,
    total: number | undefined,
    onlyReady: boolean,
  ): number | undefined {
    const pods = listed.filter((p) => p.running && (!onlyReady || p.ready));
    const me = listed.find((p) => p.name === pod);
    if (me === undefined || !me.running || total === undefined) return undefined;
    if (onlyReady && !me.ready) return 0;
    return pods.length === 0 ? 0 : Math.floor(total / pods.length);
  }

  private sample(namespace: string): { timestamp: string; windowSeconds: number } {
    const age = this.load.get(namespace)?.sampleAgeSeconds ?? 0;
    return { timestamp: formatInstant(Date.now() - age * 1000), windowSeconds: 30 };
  }

  /** `me`'s part of the cpu of its group (cpuMilliWhere), or of cpuMilli over the pods of no group. */
  private cpuShare(
    l: NamespaceLoad,
    listed: ReturnType<Kubelet['list']>,
    me: ReturnType<Kubelet['list']>[number],
  ): number {
    const groups = l.cpuMilliWhere ?? [];
    const groupOf = (p: { labels: Readonly<Record<string, string>> }): number =>
      groups.findIndex((g) => Object.entries(g.labels).every(([k, v]) => p.labels[k] === v));
    const mine = groupOf(me);
    const peers = listed.filter((p) => groupOf(p) === mine);
    const total = mine < 0 ? (l.cpuMilli ?? 0) : (groups[mine]?.cpuMilli ?? 0);
    return this.share(peers, me.name, total, true) ?? 0;
  }

  podUsage(namespace: string, pod: string): ReturnType<MetricsProvider['podUsage']> {
    const l = this.load.get(namespace);
    const listed = this.kubelet.list(namespace);
    const me = listed.find((p) => p.name === pod);
    if (l === undefined || me === undefined || !me.running) return undefined;
    const cpu = this.cpuShare(l, listed, me);
    const mem = this.share(listed, pod, l.memoryBytes ?? 0, false) ?? 0;
    const reqs = me.containers.map((c) => parseQuantityMilli(c.requests.cpu ?? '0'));
    const sum = reqs.reduce((a, b) => a + b, 0) || me.containers.length;
    return {
      ...this.sample(namespace),
      containers: me.containers.map((c, i) => ({
        name: c.name,
        cpuMilli: Math.floor((cpu * (reqs[i] || 1)) / sum),
        memoryBytes: Math.floor(mem / me.containers.length),
      })),
    };
  }

  podMetric(
    namespace: string,
    pod: string,
    metric: string,
    _sel: LabelMatcher,
  ): ReturnType<MetricsProvider['podMetric']> {
    const total = this.load.get(namespace)?.pods?.[metric];
    const v = this.share(this.kubelet.list(namespace), pod, total, true);
    return v === undefined ? undefined : { ...this.sample(namespace), milli: v };
  }

  objectMetric(
    namespace: string,
    resource: string,
    name: string,
    metric: string,
    _sel: LabelMatcher,
  ): ReturnType<MetricsProvider['objectMetric']> {
    const v = this.load.get(namespace)?.objects?.[`${resource}/${name}/${metric}`];
    return v === undefined ? undefined : { ...this.sample(namespace), milli: v };
  }

  externalMetric(namespace: string, metric: string, sel: LabelMatcher): ReturnType<MetricsProvider['externalMetric']> {
    const items = this.load.get(namespace)?.external?.[metric];
    return items === undefined ? undefined : { ...this.sample(namespace), items: items.filter((it) => sel(it.labels)) };
  }
}
