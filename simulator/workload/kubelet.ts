/**
 * The kubelet's part of a pod's life, with time instead of containers: a new pod is accepted at
 * once (Pending, startTime set, containers ContainerCreating), Running after its start-up delay,
 * Ready after its readiness delay. Delays come from annotations (annotations.ts), may be
 * stretched by a fault hook, and are timers on the shared Clock — never a polling loop.
 *
 * The one kubelet model of the repository: the simulator writes statuses into its store
 * (storeStatusWriter); the e2e bed writes them to a real kube-apiserver over HTTP, in real time.
 */
import type { Clock } from '../../transport/clock.js';
import { Resources, isStoreError, type ObjectStore } from '../apiserver/index.js';
import { asObject, asString } from '../apiserver/json.js';
import type { KubeObject } from '../apiserver/types.js';
import { parseInstant } from '../../algorithms/index.js';
import { SimAnnotation, WORKLOAD_DEFAULTS, numberAnnotation } from './annotations.js';
import { PodStage, annotationsOf, podStatus, type PodTimes } from './pods.js';

/** What became of one status write. */
export const StatusWrite = {
  Written: 'Written',
  /** the pod no longer exists: the kubelet forgets it */
  Gone: 'Gone',
  /** a namesake with another uid stands in its place: nothing written, its own events will follow */
  Replaced: 'Replaced',
} as const;
export type StatusWrite = (typeof StatusWrite)[keyof typeof StatusWrite];

/** Where the kubelet writes pod statuses. */
export interface PodStatusWriter {
  /** Writes the status `build` makes of the pod as it is now; a writer over HTTP answers later. */
  write(pod: KubeObject, build: (current: KubeObject) => Record<string, unknown>): StatusWrite | Promise<StatusWrite>;
}

/** Statuses into the simulator's store, read back first so the status follows the pod as it is. */
export function storeStatusWriter(store: ObjectStore): PodStatusWriter {
  return {
    write(pod, build) {
      const ns = pod.metadata.namespace ?? '';
      const name = pod.metadata.name ?? '';
      try {
        const current = store.get(Resources.pods, ns, name);
        if (current.metadata.uid !== pod.metadata.uid) return StatusWrite.Replaced;
        store.updateStatus(Resources.pods, ns, name, { metadata: { name }, status: build(current) });
        return StatusWrite.Written;
      } catch (e) {
        if (isStoreError(e) && e.code === 404) return StatusWrite.Gone;
        throw e;
      }
    },
  };
}

export interface KubeletOptions {
  readonly pods: PodStatusWriter;
  readonly clock: Clock;
  /** annotations of the pod's controller (ReplicaSet, StatefulSet), read after the pod's own */
  readonly ownerAnnotations?: (pod: KubeObject) => Readonly<Record<string, string>> | undefined;
  /** stretches start-up delays (faults: slow image pulls); 1 = as configured */
  readonly startupFactor?: (pod: KubeObject, now: number) => number;
  readonly defaults?: { readonly startupSeconds?: number; readonly readinessSeconds?: number };
}

interface Tracked {
  times: PodTimes;
  cancel: (() => void) | undefined;
}

function key(pod: KubeObject): string {
  return `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`;
}

export class Kubelet {
  private readonly pods = new Map<string, Tracked>();
  /**
   * Transitions due at the same instant share one timer, so pods created together (a rescale)
   * become Running together and their ReplicaSet reconciles once, as a real one would in one sync.
   */
  private readonly due = new Map<number, { cancel: () => void; fns: Set<() => void> }>();

  constructor(private readonly opts: KubeletOptions) {}

  private at(ms: number, fn: () => void): () => void {
    const when = this.opts.clock.now() + ms;
    let slot = this.due.get(when);
    if (slot === undefined) {
      const fns = new Set<() => void>();
      const cancel = this.opts.clock.setTimer(ms, () => {
        this.due.delete(when);
        for (const f of fns) f();
      });
      this.due.set(when, (slot = { cancel, fns }));
    }
    const s = slot;
    s.fns.add(fn);
    return () => {
      s.fns.delete(fn);
      if (s.fns.size === 0) {
        s.cancel();
        if (this.due.get(when) === s) this.due.delete(when);
      }
    };
  }

  /** How many pods are between creation and Ready (tests, progress). */
  get starting(): number {
    let n = 0;
    for (const t of this.pods.values()) if (t.cancel !== undefined) n++;
    return n;
  }

  private delays(pod: KubeObject): { startupMs: number; readinessMs: number } {
    const maps = [annotationsOf(pod), this.opts.ownerAnnotations?.(pod)];
    const d = this.opts.defaults ?? {};
    const startup = numberAnnotation(
      maps,
      SimAnnotation.startupSeconds,
      d.startupSeconds ?? WORKLOAD_DEFAULTS.startupSeconds,
    );
    const readiness = numberAnnotation(
      maps,
      SimAnnotation.readinessSeconds,
      d.readinessSeconds ?? WORKLOAD_DEFAULTS.readinessSeconds,
    );
    const factor = this.opts.startupFactor?.(pod, this.opts.clock.now()) ?? 1;
    return { startupMs: startup * 1000 * factor, readinessMs: readiness * 1000 };
  }

  /** A pod was added or changed: start tracking it if it is new to this kubelet. */
  observe(pod: KubeObject): void {
    const k = key(pod);
    if (this.pods.has(k) || pod.metadata.deletionTimestamp !== undefined) return;
    const status = asObject(pod.status) ?? {};
    const phase = asString(status.phase);
    if (phase === 'Succeeded' || phase === 'Failed') return;
    const startText = asString(status.startTime);
    const now = this.opts.clock.now();
    const startedAt = startText === undefined ? now : parseInstant(startText);
    const tracked: Tracked = { times: { startedAt: Number.isNaN(startedAt) ? now : startedAt }, cancel: undefined };
    this.pods.set(k, tracked);
    const ready = (status.conditions as unknown[] | undefined)?.some(
      (c) => asObject(c)?.type === 'Ready' && asObject(c)?.status === 'True',
    );
    if (phase === 'Running' && ready === true) return; // already fully up (a restored pod)
    if (startText === undefined) this.write(pod, PodStage.Scheduled, tracked.times, () => undefined);
    const { startupMs, readinessMs } = this.delays(pod);
    tracked.cancel = this.at(startupMs, () => {
      tracked.times = { ...tracked.times, runningAt: this.opts.clock.now() };
      this.write(pod, PodStage.Running, tracked.times, () => {
        if (this.pods.get(k) !== tracked) return; // forgotten while the write was under way
        tracked.cancel = this.at(readinessMs, () => {
          tracked.cancel = undefined;
          tracked.times = { ...tracked.times, readyAt: this.opts.clock.now() };
          this.write(pod, PodStage.Ready, tracked.times, () => undefined);
        });
      });
    });
  }

  /** The pod is gone: forget it and its pending transitions. */
  forget(pod: KubeObject): void {
    const k = key(pod);
    this.pods.get(k)?.cancel?.();
    this.pods.delete(k);
  }

  stop(): void {
    for (const slot of this.due.values()) slot.cancel();
    this.due.clear();
    this.pods.clear();
  }

  /**
   * Writes the stage's status, then runs `next` — at once when the writer answers at once (the
   * store: virtual time stays exact), else when it answers. A pod found gone is forgotten.
   */
  private write(pod: KubeObject, stage: PodStage, times: PodTimes, next: () => void): void {
    const done = (outcome: StatusWrite): void => {
      if (outcome === StatusWrite.Written) next();
      else if (outcome === StatusWrite.Gone) this.forget(pod);
    };
    const r = this.opts.pods.write(pod, (current) => podStatus(current, stage, times));
    if (typeof r === 'string') done(r);
    else void r.then(done);
  }
}
