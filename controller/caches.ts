import type { HorizontalPodAutoscaler, PodSnapshot } from '../algorithms/index.js';
import type { PodLister } from '../metrics-clients/port.js';

export function hpaKey(hpa: HorizontalPodAutoscaler): string {
  return `${hpa.metadata.namespace ?? ''}/${hpa.metadata.name}`;
}

/** The informer cache of HPAs by "namespace/name". */
export class HpaCache {
  private readonly byKey = new Map<string, HorizontalPodAutoscaler>();

  get(key: string): HorizontalPodAutoscaler | undefined {
    return this.byKey.get(key);
  }

  set(hpa: HorizontalPodAutoscaler): void {
    this.byKey.set(hpaKey(hpa), hpa);
  }

  delete(key: string): void {
    this.byKey.delete(key);
  }

  keys(): IterableIterator<string> {
    return this.byKey.keys();
  }

  get size(): number {
    return this.byKey.size;
  }
}

/**
 * The informer cache of pods, indexed by namespace, so a reconcile lists its namespace's pods
 * without scanning the cluster (the decision applies the scale selector itself).
 */
export class PodCache {
  private readonly byNamespace = new Map<string, Map<string, PodSnapshot>>();
  /** per-namespace array snapshots, rebuilt lazily after a change */
  private readonly lists = new Map<string, readonly PodSnapshot[]>();

  inNamespace(namespace: string): readonly PodSnapshot[] {
    const cached = this.lists.get(namespace);
    if (cached !== undefined) return cached;
    const ns = this.byNamespace.get(namespace);
    const list = ns === undefined ? [] : [...ns.values()];
    this.lists.set(namespace, list);
    return list;
  }

  set(pod: PodSnapshot): void {
    let ns = this.byNamespace.get(pod.namespace);
    if (ns === undefined) {
      ns = new Map();
      this.byNamespace.set(pod.namespace, ns);
    }
    ns.set(pod.name, pod);
    this.lists.delete(pod.namespace);
  }

  delete(pod: Pick<PodSnapshot, 'namespace' | 'name'>): void {
    const ns = this.byNamespace.get(pod.namespace);
    if (ns?.delete(pod.name) === true) this.lists.delete(pod.namespace);
  }

  get size(): number {
    let n = 0;
    for (const ns of this.byNamespace.values()) n += ns.size;
    return n;
  }
}

/**
 * The metrics clients' pod lister over the controller's pod informer cache, as prometheus-adapter
 * lists pods from the API. `cache` is read at call time: the controller owning it is built after
 * the metrics client.
 */
export function cachedPodLister(cache: () => Pick<PodCache, 'inNamespace'> | undefined): PodLister {
  return (namespace, selector) =>
    Promise.resolve(
      (cache()?.inNamespace(namespace) ?? [])
        .filter((p) => selector.matches(p.labels))
        .map((p) => ({ name: p.name, labels: p.labels })),
    );
}
