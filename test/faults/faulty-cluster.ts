/**
 * The simulator's in-memory cluster behind an API server that misbehaves on command: calls fail
 * with 5xx, 429 with Retry-After or no answer at all, answer late, watches break, expire (410) or
 * the whole server restarts, with or without losing its state. Watches go through the
 * controller's real informer (controller/kube/informer.ts: list, watch, probe, relist) over a
 * ListWatchSource on the store, so dropped and expired watches and lost state are handled by the
 * code production runs. Every write the controller makes is shown to `onScaleWrite` and
 * `onStatusWrite` before it is applied, with what was there.
 */
import type {
  HorizontalPodAutoscaler,
  HorizontalPodAutoscalerStatus,
  PodSnapshot,
  ReplicaSetOwnership,
  Scale,
} from '../../algorithms/index.js';
import { Backoff } from '../../controller/kube/backoff.js';
import { startInformer, type ListWatchSource, type RawWatchEvent } from '../../controller/kube/informer.js';
import type {
  ClusterAccess,
  ClusterError,
  ClusterResult,
  EventRecord,
  LeaseRecord,
  ScaleTarget,
  Stoppable,
  WatchHandlers,
  WriteOptions,
} from '../../controller/ports.js';
import { Resources, isStoreError, type ObjectStore } from '../../simulator/apiserver/index.js';
import type { GroupVersionResource } from '../../simulator/apiserver/types.js';
import type { VirtualClock } from '../../simulator/clock.js';
import { createInMemoryCluster, type InMemoryCluster } from '../../simulator/in-memory-cluster.js';
import { hpaFromApi, podSnapshotFromApi } from '../../transport/index.js';
import { canonical, expired, noAnswer } from './api-errors.js';

const HPA_TYPE = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler' } as const;

/** The next `remaining` calls fail with `error`. */
interface FailRule {
  remaining: number;
  readonly error: (verb: string, path: string) => ClusterError;
}

interface OpenWatch {
  end(result: ClusterResult<void>): void;
}

export interface FaultyClusterHooks {
  onScaleWrite(key: string, from: number, to: number): void;
  onStatusWrite(key: string, unchanged: boolean): void;
}

export class FaultyCluster implements ClusterAccess {
  private inner: InMemoryCluster;
  private fails: FailRule[] = [];
  private latencyMs = 0;
  private latencyCalls = 0;
  private unreachableCalls = 0;
  private expireWatches = 0;
  private watchOutageCalls = 0;
  private readonly open = new Set<OpenWatch>();
  private readonly informers = new Set<Stoppable>();
  /**
   * For regression tests: runs right after a status write is applied, before its watch event is
   * delivered (e.g. to lose it with the server's state).
   */
  afterStatusWrite: ((key: string) => void) | undefined;
  /** virtual start time of every call in flight */
  readonly inFlight = new Set<{ readonly since: number }>();

  constructor(
    private store: ObjectStore,
    private readonly clock: VirtualClock,
    private readonly random: () => number,
    private readonly hooks: FaultyClusterHooks,
  ) {
    this.inner = createInMemoryCluster(store);
  }

  // ------------------------------------------------------------------ faults

  failNext(times: number, error: (verb: string, path: string) => ClusterError): void {
    this.fails.push({ remaining: times, error });
  }

  /** The next `calls` calls each wait `ms` of virtual time first. */
  delayNext(calls: number, ms: number): void {
    this.latencyCalls = calls;
    this.latencyMs = ms;
  }

  /** The next `calls` calls get no answer (connection refused). */
  unreachableFor(calls: number): void {
    this.unreachableCalls += calls;
  }

  /** The next `calls` list and watch calls get no answer, while every other call works. */
  breakWatches(calls: number): void {
    this.watchOutageCalls += calls;
  }

  /** Ends every open watch: abruptly (an error) or cleanly (EOF); returns how many were open. */
  dropWatches(abrupt: boolean): number {
    const n = this.open.size;
    for (const w of [...this.open])
      w.end(abrupt ? { ok: false, error: noAnswer('watch', 'watch stream') } : { ok: true, value: undefined });
    return n;
  }

  expireNextWatches(n: number): void {
    this.expireWatches += n;
  }

  /** Forgets the store's watch history: every older resourceVersion now answers 410. */
  compact(): void {
    this.store.compact();
  }

  /** The server restarts on `next` (the same store: no state lost; a new one: lost or restored). */
  restart(next: ObjectStore): void {
    this.dropWatches(true);
    if (next !== this.store) {
      this.inner.close();
      this.store = next;
      this.inner = createInMemoryCluster(next);
    }
  }

  get currentStore(): ObjectStore {
    return this.store;
  }

  clearFaults(): void {
    this.fails = [];
    this.latencyCalls = 0;
    this.unreachableCalls = 0;
    this.expireWatches = 0;
    this.watchOutageCalls = 0;
  }

  close(): void {
    for (const i of [...this.informers]) i.stop();
    this.dropWatches(false);
    this.inner.close();
  }

  /** Waits the injected latency, then says whether this call fails and how. */
  private async gate(verb: string, path: string, signal?: AbortSignal): Promise<ClusterError | undefined> {
    if (this.latencyCalls > 0) {
      this.latencyCalls--;
      const call = { since: this.clock.monotonicNow() };
      this.inFlight.add(call);
      try {
        await this.clock.sleep(this.latencyMs, signal);
      } catch {
        return { failure: 'Cancelled', message: 'request cancelled', verb, path };
      } finally {
        this.inFlight.delete(call);
      }
    }
    if (this.unreachableCalls > 0) {
      this.unreachableCalls--;
      return noAnswer(verb, path);
    }
    const rule = this.fails.find((r) => r.remaining > 0);
    if (rule === undefined) return undefined;
    rule.remaining--;
    if (rule.remaining === 0) this.fails = this.fails.filter((r) => r !== rule);
    return rule.error(verb, path);
  }

  /** gate() for list and watch calls, which may also be failing on their own */
  private async watchGate(path: string, signal: AbortSignal): Promise<ClusterError | undefined> {
    const e = await this.gate('list', path, signal);
    if (e !== undefined || this.watchOutageCalls <= 0) return e;
    this.watchOutageCalls--;
    return noAnswer('watch', path);
  }

  private async guarded<T>(verb: string, path: string, fn: () => Promise<ClusterResult<T>>, signal?: AbortSignal) {
    const e = await this.gate(verb, path, signal);
    return e !== undefined ? ({ ok: false, error: e } as const) : fn();
  }

  // ------------------------------------------------------------------ watches

  private source(gvr: GroupVersionResource, namespace: string | undefined): ListWatchSource {
    const opts = namespace === undefined ? {} : { namespace };
    const path = `/${gvr.group === '' ? 'api' : `apis/${gvr.group}`}/${gvr.version}/${gvr.resource}`;
    return {
      list: async (signal) => {
        const e = await this.watchGate(path, signal);
        if (e !== undefined) return { ok: false, error: e };
        const l = this.store.list(gvr, opts);
        return { ok: true, value: { items: l.items, resourceVersion: l.resourceVersion } };
      },
      currentResourceVersion: async (signal) => {
        const e = await this.watchGate(path, signal);
        return e !== undefined ? { ok: false, error: e } : { ok: true, value: this.store.currentResourceVersion() };
      },
      watch: async (resourceVersion, signal, onEvent) => {
        const e = await this.watchGate(path, signal);
        if (e !== undefined) return { ok: false, error: e };
        if (this.expireWatches > 0) {
          this.expireWatches--;
          return { ok: false, error: expired(path, resourceVersion) };
        }
        return this.watchStore(gvr, opts, path, resourceVersion, signal, onEvent);
      },
    };
  }

  private watchStore(
    gvr: GroupVersionResource,
    opts: { readonly namespace?: string },
    path: string,
    resourceVersion: string,
    signal: AbortSignal,
    onEvent: (ev: RawWatchEvent) => void,
  ): Promise<ClusterResult<void>> {
    const store = this.store;
    // events arrive after the write that caused them returns, in commit order, as over HTTP
    const queue: RawWatchEvent[] = [];
    let ended = false;
    const drain = (): void => {
      for (const ev of queue.splice(0)) if (!ended) onEvent(ev);
    };
    let handle: { stop(): void };
    try {
      handle = store.watch(gvr, { ...opts, resourceVersion, allowBookmarks: true }, (ev) => {
        if (queue.push({ type: ev.type, object: ev.object }) === 1) queueMicrotask(drain);
      });
    } catch (e) {
      if (!isStoreError(e)) throw e;
      return Promise.resolve({
        ok: false,
        error: { status: e.code, reason: e.reason, message: e.status.message, verb: 'watch', path },
      });
    }
    return new Promise((resolve) => {
      const w: OpenWatch = {
        end: (result) => {
          if (ended) return;
          ended = true;
          handle.stop();
          this.open.delete(w);
          signal.removeEventListener('abort', onAbort);
          resolve(result);
        },
      };
      const onAbort = (): void => w.end({ ok: true, value: undefined });
      signal.addEventListener('abort', onAbort);
      this.open.add(w);
    });
  }

  private watch<T>(
    gvr: GroupVersionResource,
    namespace: string | undefined,
    convert: (raw: unknown) => T | undefined,
    handlers: WatchHandlers<T>,
  ): Stoppable {
    const informer = startInformer({
      source: this.source(gvr, namespace),
      convert,
      handlers,
      clock: this.clock,
      describe: gvr.resource,
      backoff: new Backoff({ random: this.random }),
    });
    const handle: Stoppable = {
      stop: () => {
        this.informers.delete(handle);
        informer.stop();
      },
    };
    this.informers.add(handle);
    return handle;
  }

  watchHpas(namespace: string | undefined, handlers: WatchHandlers<HorizontalPodAutoscaler>): Stoppable {
    return this.watch(Resources.horizontalPodAutoscalers, namespace, (raw) => hpaFromApi(raw, HPA_TYPE), handlers);
  }

  watchPods(namespace: string | undefined, handlers: WatchHandlers<PodSnapshot>): Stoppable {
    return this.watch(Resources.pods, namespace, (raw) => podSnapshotFromApi(raw), handlers);
  }

  // ------------------------------------------------------------------ calls

  resolveScaleTarget(apiVersion: string, kind: string): Promise<ClusterResult<readonly ScaleTarget[]>> {
    return this.guarded('get', '/apis', () => this.inner.resolveScaleTarget(apiVersion, kind));
  }

  getScale(target: ScaleTarget, namespace: string, name: string): Promise<ClusterResult<Scale>> {
    return this.guarded('get', `${namespace}/${name}/scale`, () => this.inner.getScale(target, namespace, name));
  }

  listReplicaSets(namespace: string, labelSelector: string): Promise<ClusterResult<readonly ReplicaSetOwnership[]>> {
    return this.guarded('list', `${namespace}/replicasets`, () => this.inner.listReplicaSets(namespace, labelSelector));
  }

  updateScale(
    target: ScaleTarget,
    namespace: string,
    scale: Scale,
    opts?: WriteOptions,
  ): Promise<ClusterResult<Scale>> {
    const key = `${namespace}/${scale.metadata.name}`;
    return this.guarded(
      'put',
      `${key}/scale`,
      () => {
        const now = this.inner.getScale(target, namespace, scale.metadata.name);
        return now.then((cur) => {
          // judged against what the controller read: a write from an older read (the server
          // restored meanwhile) conflicts, or replaces what the controller could not know of
          if (cur.ok && cur.value.metadata.resourceVersion === scale.metadata.resourceVersion)
            this.hooks.onScaleWrite(key, cur.value.spec.replicas ?? 0, scale.spec.replicas ?? 0);
          return this.inner.updateScale(target, namespace, scale, opts);
        });
      },
      opts?.signal,
    );
  }

  updateHpaStatus(
    hpa: HorizontalPodAutoscaler,
    status: HorizontalPodAutoscalerStatus,
    opts?: WriteOptions,
  ): Promise<ClusterResult<HorizontalPodAutoscaler>> {
    const ns = hpa.metadata.namespace ?? '';
    const key = `${ns}/${hpa.metadata.name}`;
    return this.guarded(
      'put',
      `${key}/status`,
      () => {
        try {
          const stored = hpaFromApi(
            this.store.get(Resources.horizontalPodAutoscalers, ns, hpa.metadata.name),
            HPA_TYPE,
          );
          // a no-op only when the controller read the HPA as stored: a copy older than the
          // stored one (say, after a restore) may well differ from what it replaces
          // (resourceVersions are reused after a restore: the content must match too)
          const current =
            stored !== undefined &&
            stored.metadata.resourceVersion === hpa.metadata.resourceVersion &&
            canonical(stored.status) === canonical(hpa.status);
          this.hooks.onStatusWrite(key, current && canonical(stored.status) === canonical(status));
        } catch (e) {
          if (!isStoreError(e)) throw e;
        }
        const written = this.inner.updateHpaStatus(hpa, status, opts);
        this.afterStatusWrite?.(key);
        return written;
      },
      opts?.signal,
    );
  }

  getHpa(namespace: string, name: string): Promise<ClusterResult<HorizontalPodAutoscaler>> {
    return this.guarded('get', `${namespace}/${name}`, () => this.inner.getHpa(namespace, name));
  }

  createEvent(event: EventRecord, opts?: WriteOptions): Promise<ClusterResult<void>> {
    return this.guarded('post', 'events', () => this.inner.createEvent(event, opts), opts?.signal);
  }

  patchEvent(event: EventRecord, opts?: WriteOptions): Promise<ClusterResult<void>> {
    return this.guarded('patch', 'events', () => this.inner.patchEvent(event, opts), opts?.signal);
  }

  getLease(namespace: string, name: string): Promise<ClusterResult<LeaseRecord | null>> {
    return this.inner.getLease(namespace, name);
  }

  createLease(namespace: string, name: string, lease: Omit<LeaseRecord, 'resourceVersion'>) {
    return this.inner.createLease(namespace, name, lease);
  }

  updateLease(namespace: string, name: string, lease: LeaseRecord): Promise<ClusterResult<LeaseRecord>> {
    return this.inner.updateLease(namespace, name, lease);
  }

  invalidateDiscovery(): void {
    this.inner.invalidateDiscovery();
  }
}
