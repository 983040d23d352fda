/**
 * A node-less kubelet for the suites where kube-controller-manager's Deployment and ReplicaSet
 * controllers create the pods: it watches pods through the API and, after the configured delays,
 * writes their status — Running with a startTime, then Ready — so that the HPA controllers see
 * pods start and become ready. It keeps the pods in a cache for the metrics provider.
 */
import type { Kube, KubeObject, WatchHandle } from './kube.js';

export interface KubeletOptions {
  /** pending → running (ms after the pod appears) */
  readonly startDelayMs: number;
  /** running → ready */
  readonly readyDelayMs: number;
  /** only pods of namespaces with this prefix (undefined: all but kube-*) */
  readonly namespacePrefix?: string;
}

export interface CachedPod {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly containers: readonly { name: string; requests: Record<string, string> }[];
  readonly running: boolean;
  readonly ready: boolean;
  readonly deleting: boolean;
}

function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export class Kubelet {
  private readonly pods = new Map<string, CachedPod>();
  private readonly timers = new Map<string, NodeJS.Timeout[]>();
  private watch?: WatchHandle;
  readonly errors: string[] = [];

  constructor(
    private readonly kube: Kube,
    private readonly opts: KubeletOptions,
  ) {}

  start(): Promise<void> {
    return new Promise((resolve) => {
      this.watch = this.kube.watch('/api/v1/pods', (type, pod) => this.onPod(type, pod), resolve);
    });
  }

  private wanted(ns: string): boolean {
    return this.opts.namespacePrefix !== undefined ? ns.startsWith(this.opts.namespacePrefix) : !ns.startsWith('kube-');
  }

  private onPod(type: 'ADDED' | 'MODIFIED' | 'DELETED', pod: KubeObject): void {
    const ns = pod.metadata.namespace ?? '';
    if (!this.wanted(ns)) return;
    const key = `${ns}/${pod.metadata.name}`;
    if (type === 'DELETED') {
      this.pods.delete(key);
      for (const t of this.timers.get(key) ?? []) clearTimeout(t);
      this.timers.delete(key);
      return;
    }
    const conds = (pod.status?.conditions ?? []) as { type: string; status: string }[];
    const cached: CachedPod = {
      namespace: ns,
      name: pod.metadata.name,
      labels: pod.metadata.labels ?? {},
      containers: (
        (pod.spec?.containers ?? []) as { name: string; resources?: { requests?: Record<string, string> } }[]
      ).map((c) => ({ name: c.name, requests: c.resources?.requests ?? {} })),
      running: pod.status?.phase === 'Running',
      ready: conds.some((c) => c.type === 'Ready' && c.status === 'True'),
      deleting: pod.metadata.deletionTimestamp !== undefined,
    };
    this.pods.set(key, cached);
    if (type === 'ADDED' && !cached.running && !this.timers.has(key)) {
      const created = new Date();
      this.timers.set(key, [
        setTimeout(() => void this.write(pod, created, false), this.opts.startDelayMs),
        setTimeout(() => void this.write(pod, created, true), this.opts.startDelayMs + this.opts.readyDelayMs),
      ]);
    }
  }

  private async write(pod: KubeObject, created: Date, ready: boolean): Promise<void> {
    const ns = pod.metadata.namespace ?? '';
    if (!this.pods.has(`${ns}/${pod.metadata.name}`)) return;
    const now = rfc3339(new Date());
    const r = ready ? 'True' : 'False';
    const status = {
      phase: 'Running',
      startTime: rfc3339(created),
      conditions: [
        { type: 'PodScheduled', status: 'True', lastTransitionTime: rfc3339(created) },
        { type: 'Initialized', status: 'True', lastTransitionTime: rfc3339(created) },
        { type: 'ContainersReady', status: r, lastTransitionTime: now },
        { type: 'Ready', status: r, lastTransitionTime: now },
      ],
      containerStatuses: ((pod.spec?.containers ?? []) as { name: string; image: string }[]).map((c) => ({
        name: c.name,
        image: c.image,
        imageID: '',
        ready,
        restartCount: 0,
        started: true,
        state: { running: { startedAt: rfc3339(created) } },
      })),
    };
    const res = await this.kube.raw(
      'PATCH',
      `/api/v1/namespaces/${ns}/pods/${pod.metadata.name}/status`,
      { status },
      'application/merge-patch+json',
    );
    if (res.status !== 200 && res.status !== 404)
      this.errors.push(`pod ${ns}/${pod.metadata.name} status: HTTP ${res.status} ${res.text.slice(0, 200)}`);
  }

  /** Live pods of a namespace (not being deleted). */
  list(namespace: string): CachedPod[] {
    return [...this.pods.values()].filter((p) => p.namespace === namespace && !p.deleting);
  }

  stop(): void {
    this.watch?.stop();
    for (const ts of this.timers.values()) for (const t of ts) clearTimeout(t);
    this.timers.clear();
  }
}
