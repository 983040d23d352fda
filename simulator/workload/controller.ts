/**
 * The workload model: what kube-controller-manager's deployment, replicaset and statefulset
 * controllers and a kubelet do to the store, driven by store watches and the shared Clock.
 * Watch events only mark objects dirty; one coalesced pass (a microtask later) reconciles them,
 * so a burst of writes (kubectl apply, an HPA rescale) costs one pass, and nothing polls.
 */
import type { Clock } from '../../transport/clock.js';
import { Resources, type ObjectStore, type WatchEvent, type WatchHandle } from '../apiserver/index.js';
import { jsonEqual } from '../apiserver/json.js';
import type { GroupVersionResource, KubeObject } from '../apiserver/types.js';
import { seededRandom } from '../clock.js';
import { BURST_REPLICAS, type WorkloadContext } from './context.js';
import { reconcileDeployment } from './deployment.js';
import { Kubelet, storeStatusWriter } from './kubelet.js';
import { TemplateHashes } from './names.js';
import { annotationsOf, controllerUid } from './pods.js';
import { reconcileReplicaSet } from './replicaset.js';
import { reconcileStatefulSet } from './statefulset.js';

export interface WorkloadControllerOptions {
  readonly store: ObjectStore;
  readonly clock: Clock;
  /** names of pods; default seeded, so runs are reproducible */
  readonly random?: () => number;
  /** stretches pod start-up delays (scenario faults) */
  readonly startupFactor?: (pod: KubeObject, now: number) => number;
  readonly defaults?: { readonly startupSeconds?: number; readonly readinessSeconds?: number };
}

type Kind = 'deployments' | 'replicasets' | 'statefulsets';

function onlyStatusChanged(a: KubeObject, b: KubeObject): boolean {
  const ma = a.metadata;
  const mb = b.metadata;
  return (
    ma.generation !== undefined &&
    ma.generation === mb.generation &&
    ma.deletionTimestamp === mb.deletionTimestamp &&
    jsonEqual(ma.labels ?? {}, mb.labels ?? {}) &&
    jsonEqual(ma.annotations ?? {}, mb.annotations ?? {}) &&
    jsonEqual(ma.ownerReferences ?? [], mb.ownerReferences ?? [])
  );
}

function keyOf(obj: KubeObject): string {
  return `${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;
}

/** Live objects by their controller owner's uid. */
class OwnerIndex {
  private readonly byOwner = new Map<string, Map<string, KubeObject>>();
  private readonly ownerOf = new Map<string, string>();

  put(obj: KubeObject): void {
    const k = keyOf(obj);
    const prev = this.ownerOf.get(k);
    const owner = controllerUid(obj);
    if (prev !== undefined && prev !== owner) this.byOwner.get(prev)?.delete(k);
    if (owner === undefined) {
      this.ownerOf.delete(k);
      return;
    }
    this.ownerOf.set(k, owner);
    let m = this.byOwner.get(owner);
    if (m === undefined) this.byOwner.set(owner, (m = new Map()));
    m.set(k, obj);
  }

  remove(obj: KubeObject): void {
    const k = keyOf(obj);
    const owner = this.ownerOf.get(k);
    if (owner === undefined) return;
    this.ownerOf.delete(k);
    const m = this.byOwner.get(owner);
    m?.delete(k);
    if (m?.size === 0) this.byOwner.delete(owner);
  }

  of(owner: string | undefined): readonly KubeObject[] {
    return owner === undefined ? [] : [...(this.byOwner.get(owner)?.values() ?? [])];
  }
}

export class WorkloadController {
  readonly kubelet: Kubelet;
  private readonly random: () => number;
  private readonly pods = new OwnerIndex();
  private readonly replicaSets = new OwnerIndex();
  /** every Deployment, ReplicaSet and StatefulSet by uid (owner look-ups) */
  private readonly byUid = new Map<string, { kind: Kind; obj: KubeObject }>();
  private readonly dirty: Record<Kind, Map<string, KubeObject>> = {
    deployments: new Map(),
    replicasets: new Map(),
    statefulsets: new Map(),
  };
  private readonly newPods = new Map<string, KubeObject>();
  private readonly hashes = new TemplateHashes();
  private watches: WatchHandle[] = [];
  private scheduled = false;
  private stopped = false;
  /** pods the workload controllers may still create in this turn (see refillLater) */
  private readonly budget = { left: BURST_REPLICAS };
  private refillPending = false;
  /** a flush is due in the next turn (markOwner of a pod status) */
  private turnPending = false;
  /** pending retryLater timers by object uid */
  private readonly retries = new Map<string, () => void>();

  constructor(private readonly opts: WorkloadControllerOptions) {
    this.random = opts.random ?? seededRandom(0x5eed);
    this.kubelet = new Kubelet({
      pods: storeStatusWriter(opts.store),
      clock: opts.clock,
      ownerAnnotations: (pod) => {
        const owner = controllerUid(pod);
        return owner === undefined ? undefined : annotationsOf(this.byUid.get(owner)?.obj);
      },
      ...(opts.startupFactor !== undefined ? { startupFactor: opts.startupFactor } : {}),
      ...(opts.defaults !== undefined ? { defaults: opts.defaults } : {}),
    });
  }

  start(): void {
    const { store } = this.opts;
    const watch = (gvr: GroupVersionResource, fn: (ev: WatchEvent) => void): void => {
      this.watches.push(store.watch(gvr, {}, fn));
    };
    watch(Resources.deployments, (ev) => this.onWorkload('deployments', ev));
    watch(Resources.replicaSets, (ev) => {
      if (ev.type === 'DELETED') this.replicaSets.remove(ev.object);
      else if (ev.type !== 'BOOKMARK') this.replicaSets.put(ev.object);
      this.onWorkload('replicasets', ev);
      this.markOwner(ev.object);
    });
    watch(Resources.statefulSets, (ev) => this.onWorkload('statefulsets', ev));
    watch(Resources.pods, (ev) => this.onPod(ev));
  }

  stop(): void {
    this.stopped = true;
    for (const cancel of this.retries.values()) cancel();
    this.retries.clear();
    for (const w of this.watches) w.stop();
    this.watches = [];
    this.kubelet.stop();
  }

  private onWorkload(kind: Kind, ev: WatchEvent): void {
    if (ev.type === 'BOOKMARK') return;
    const uid = ev.object.metadata.uid;
    if (ev.type === 'DELETED') {
      if (uid !== undefined) this.byUid.delete(uid);
      this.hashes.forget(uid);
      this.dirty[kind].delete(keyOf(ev.object));
      return;
    }
    const previous = uid === undefined ? undefined : this.byUid.get(uid)?.obj;
    if (uid !== undefined) this.byUid.set(uid, { kind, obj: ev.object });
    // A status-only write (ours, mostly) needs no reconcile of the object itself; its owner is
    // told separately (markOwner) because owners aggregate their dependents' status.
    if (ev.type === 'MODIFIED' && previous !== undefined && onlyStatusChanged(previous, ev.object)) return;
    this.dirty[kind].set(keyOf(ev.object), ev.object);
    this.schedule();
  }

  private onPod(ev: WatchEvent): void {
    if (ev.type === 'BOOKMARK') return;
    if (ev.type === 'DELETED') {
      this.pods.remove(ev.object);
      this.kubelet.forget(ev.object);
      this.newPods.delete(keyOf(ev.object));
    } else {
      this.pods.put(ev.object);
      if (ev.type === 'ADDED') this.newPods.set(keyOf(ev.object), ev.object);
    }
    // A pod's status (the kubelet's timers, many firing in one turn) is told to its owner once per
    // turn: a ReplicaSet's status costs O(its pods), so once per pod would be O(pods²).
    this.markOwner(ev.object, ev.type === 'MODIFIED');
  }

  /** The controller owner of `obj` has to look again (its pods or ReplicaSets changed). */
  private markOwner(obj: KubeObject, nextTurn = false): void {
    const owner = controllerUid(obj);
    const entry = owner === undefined ? undefined : this.byUid.get(owner);
    if (entry === undefined) return;
    this.dirty[entry.kind].set(keyOf(entry.obj), entry.obj);
    if (!nextTurn) this.schedule();
    else if (!this.turnPending) {
      this.turnPending = true;
      this.opts.clock.setTimer(0, () => {
        this.turnPending = false;
        this.schedule();
      });
    }
  }

  private schedule(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    queueMicrotask(() => this.flush());
  }

  /** Reconciles everything dirty until nothing is (each pass may dirty owners again). */
  private flush(): void {
    this.scheduled = false;
    if (this.stopped) return;
    const ctx: WorkloadContext = {
      store: this.opts.store,
      now: this.opts.clock.now(),
      random: this.random,
      hashes: this.hashes,
      owned: (uid, resource) => (resource === 'pods' ? this.pods : this.replicaSets).of(uid),
      budget: this.budget,
      retryLater: (obj, delayMs) => this.retryLater(obj, delayMs),
    };
    for (let pass = 0; pass < 20; pass++) {
      const pods = [...this.newPods.values()];
      this.newPods.clear();
      for (const pod of pods) this.kubelet.observe(this.latest(pod));
      const work = (['deployments', 'replicasets', 'statefulsets'] as const).flatMap((kind) => {
        const items = [...this.dirty[kind].values()].map((obj) => ({ kind, obj }));
        this.dirty[kind].clear();
        return items;
      });
      if (work.length === 0 && pods.length === 0) {
        this.refillLater();
        return;
      }
      for (const { kind, obj } of work) {
        const current = obj.metadata.uid === undefined ? undefined : this.byUid.get(obj.metadata.uid)?.obj;
        if (current === undefined) continue;
        if (kind === 'deployments') reconcileDeployment(ctx, current);
        else if (kind === 'replicasets') reconcileReplicaSet(ctx, current);
        else reconcileStatefulSet(ctx, current);
      }
    }
    // still dirty after many passes: carry on in the next turn (a timer, so I/O and signals run)
    this.refillLater();
    this.opts.clock.setTimer(0, () => this.schedule());
  }

  /**
   * The burst is per turn of the event loop, not per flush: flushes chain as microtasks, so a
   * budget per flush would let one turn create every pod. A timer refills it.
   */
  private refillLater(): void {
    if (this.refillPending || this.budget.left === BURST_REPLICAS) return;
    this.refillPending = true;
    this.opts.clock.setTimer(0, () => {
      this.refillPending = false;
      this.budget.left = BURST_REPLICAS;
    });
  }

  /** Marks `obj` dirty again after `delayMs` (once per object however often asked). */
  private retryLater(obj: KubeObject, delayMs: number): void {
    const uid = obj.metadata.uid;
    if (uid === undefined || this.retries.has(uid)) return;
    const cancel = this.opts.clock.setTimer(delayMs, () => {
      this.retries.delete(uid);
      this.budget.left = BURST_REPLICAS; // a new turn
      const entry = this.byUid.get(uid);
      if (entry === undefined) return;
      this.dirty[entry.kind].set(keyOf(entry.obj), entry.obj);
      this.schedule();
    });
    this.retries.set(uid, cancel);
  }

  private latest(pod: KubeObject): KubeObject {
    return this.pods.of(controllerUid(pod)).find((p) => keyOf(p) === keyOf(pod)) ?? pod;
  }
}
