/**
 * A node-less kubelet for the suites where kube-controller-manager's Deployment and ReplicaSet
 * controllers create the pods: the simulator's kubelet model (simulator/workload/kubelet.ts) in
 * real time, fed by a pod watch through the API and writing each stage's status back with a merge
 * patch — Pending with a startTime at once, Running after the start delay, Ready after the ready
 * delay — so that the HPA controllers see pods start and become ready. It keeps the pods in a
 * cache for the metrics provider.
 */
import { realClock } from '../../../controller/clock.js';
import type { KubeObject as WireObject } from '../../../simulator/apiserver/types.js';
import { Kubelet as KubeletModel, StatusWrite, type PodStatusWriter } from '../../../simulator/workload/index.js';
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

/** The bed's objects are the API's JSON, as the simulator's are. */
function wire(pod: KubeObject): WireObject {
  return pod as unknown as WireObject;
}

export class Kubelet {
  private readonly pods = new Map<string, CachedPod>();
  private readonly model: KubeletModel;
  private watch?: WatchHandle;
  readonly errors: string[] = [];

  constructor(
    private readonly kube: Kube,
    private readonly opts: KubeletOptions,
  ) {
    this.model = new KubeletModel({
      pods: this.statusWriter(),
      clock: realClock,
      defaults: { startupSeconds: opts.startDelayMs / 1000, readinessSeconds: opts.readyDelayMs / 1000 },
    });
  }

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
      this.model.forget(wire(pod));
      return;
    }
    const conds = (pod.status?.conditions ?? []) as { type: string; status: string }[];
    this.pods.set(key, {
      namespace: ns,
      name: pod.metadata.name,
      labels: pod.metadata.labels ?? {},
      containers: (
        (pod.spec?.containers ?? []) as { name: string; resources?: { requests?: Record<string, string> } }[]
      ).map((c) => ({ name: c.name, requests: c.resources?.requests ?? {} })),
      running: pod.status?.phase === 'Running',
      ready: conds.some((c) => c.type === 'Ready' && c.status === 'True'),
      deleting: pod.metadata.deletionTimestamp !== undefined,
    });
    this.model.observe(wire(pod));
  }

  /** Status writes as merge patches of pods/status; the pod from the watch event is the one the status describes. */
  private statusWriter(): PodStatusWriter {
    return {
      write: async (pod, build) => {
        const ns = pod.metadata.namespace ?? '';
        const name = pod.metadata.name ?? '';
        let res: { status: number; text: string };
        try {
          res = await this.kube.raw(
            'PATCH',
            `/api/v1/namespaces/${ns}/pods/${name}/status`,
            { status: build(pod) },
            'application/merge-patch+json',
          );
        } catch (e) {
          res = { status: 0, text: (e as Error).message };
        }
        if (res.status === 404) return StatusWrite.Gone;
        if (res.status !== 200)
          this.errors.push(`pod ${ns}/${name} status: HTTP ${res.status} ${res.text.slice(0, 200)}`);
        return StatusWrite.Written;
      },
    };
  }

  /** Live pods of a namespace (not being deleted). */
  list(namespace: string): CachedPod[] {
    return [...this.pods.values()].filter((p) => p.namespace === namespace && !p.deleting);
  }

  stop(): void {
    this.watch?.stop();
    this.model.stop();
  }
}
