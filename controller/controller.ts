import {
  type ControllerConfig,
  type HorizontalPodAutoscaler,
  type PodSnapshot,
  type Profile,
} from '../algorithms/index.js';
import type { MetricsClient } from '../metrics-clients/port.js';
import { HpaCache, PodCache, hpaKey } from './caches.js';
import { monotonicNow, type Clock } from './clock.js';
import { annotationsOf } from './annotations-of.js';
import { CacheSync } from './cache-sync.js';
import { logOutcome } from './decision-log.js';
import type { Logger } from './logging.js';
import type { ControllerMetrics } from './monitor.js';
import type { ClusterAccess, ClusterError, Stoppable } from './ports.js';
import { seenWrite } from './kube/informer.js';
import { WorkQueue } from './queue.js';
import { Reconciler, type EventSink, type ReconcileOutcome, type WriteMode } from './reconciler.js';
import { builtinSyncOf, ShadowRounds, type BuiltinSync, type ShadowComparator } from './shadow.js';
import { ControllerState } from './state.js';

export interface ControllerOptions {
  readonly syncPeriodMs: number;
  readonly workers: number;
  readonly config: ControllerConfig;
  readonly profile: Profile;
  readonly mode: WriteMode;
  /** watch one namespace only */
  readonly namespace?: string;
  /** first retry delay of a failed key, doubling up to the sync period; 0 = upstream (one sync period) */
  readonly errorBackoffBaseMs: number;
  readonly hpaKind?: { kind: string; apiVersion: string };
  /** CRD mode: write status.unclampedReplicas (a field of hpa-ts's own HPA kind only) */
  readonly unclampedReplicasInStatus?: boolean;
}

export interface ControllerDeps {
  readonly cluster: ClusterAccess & { invalidateDiscovery?(): void };
  readonly metrics: MetricsClient & { invalidate?(): void };
  readonly events: EventSink;
  readonly clock: Clock;
  readonly log: Logger;
  readonly monitor?: ControllerMetrics;
  /** called after every reconcile (simulators, tests, benchmarks); lagMs: from the key becoming due to now */
  readonly onOutcome?: (outcome: ReconcileOutcome, info: { readonly lagMs?: number }) => void;
  /** shadow mode: compares with the built-in controller's status writes */
  readonly shadow?: ShadowComparator;
  /**
   * Sharding (controller/leader/shards.ts): whether this replica may reconcile the HPA now, asked
   * before every reconcile; a key it does not own stays in the rotation, unreconciled. Default: all.
   */
  readonly owns?: (key: string) => boolean;
}

/**
 * The loop (ARCHITECTURE.md): informers fill the caches and enqueue keys; workers take keys from
 * the queue and reconcile them; every key comes back one sync period later. Informers run on
 * every replica (so a standby is warm); workers run only while `startWorkers` is in effect
 * (the leader).
 */
export class HpaController {
  readonly hpas = new HpaCache();
  readonly pods = new PodCache();
  readonly state = new ControllerState();
  readonly queue: WorkQueue;
  private readonly reconciler: Reconciler;
  private watches: Stoppable[] = [];
  private readonly cacheSync = new CacheSync();
  private readonly failures = new Map<string, number>();
  private workersRunning: Promise<void>[] = [];
  private resyncTimer: (() => void) | undefined;
  /** reconciles in flight → their key */
  private readonly inFlight = new Map<Promise<unknown>, string>();
  /**
   * Stale-cache guard (gate StaleControllerConsistencyHPA, V15): the resourceVersion of our last
   * status write per HPA, until the informer has delivered it. Reconciling from an older cached
   * copy would decide on a status we already replaced (and its write would conflict). Waited for
   * two sync periods at most (cacheUsable).
   */
  private readonly awaitedWrites = new Map<string, { readonly resourceVersion: string; readonly since: number }>();
  /** the HPA watch failed and has delivered nothing since: the cache cannot learn of any change */
  private hpaWatchBroken = false;
  /** shadow mode: built-in syncs waiting for our comparison reconcile */
  private readonly pendingCompare = new Map<string, BuiltinSync>();

  constructor(
    private readonly deps: ControllerDeps,
    private readonly opts: ControllerOptions,
  ) {
    this.queue = new WorkQueue(deps.clock);
    this.reconciler = new Reconciler({
      cluster: deps.cluster,
      metrics: deps.metrics,
      hpas: this.hpas,
      pods: this.pods,
      state: this.state,
      events: deps.events,
      clock: deps.clock,
      config: opts.config,
      profile: opts.profile,
      mode: opts.mode,
      ...(opts.hpaKind !== undefined ? { hpaKind: opts.hpaKind } : {}),
      ...(opts.unclampedReplicasInStatus === true ? { unclampedReplicasInStatus: true } : {}),
      ...(deps.shadow !== undefined ? { rounds: new ShadowRounds(opts.syncPeriodMs) } : {}),
      syncPeriodMs: opts.syncPeriodMs,
    });
  }

  get synced(): boolean {
    return this.cacheSync.synced;
  }

  /** Starts the informers; resolves once both caches have synced. */
  startInformers(): Promise<void> {
    const { cluster, log } = this.deps;
    this.watches.push(
      cluster.watchHpas(this.opts.namespace, {
        onEvent: (type, hpa) => {
          this.hpaWatchBroken = false;
          this.onHpa(type, hpa);
        },
        onSynced: () => {
          this.hpaWatchBroken = false;
          // A (re)list is the server's state now: a write it lacks was lost with the server's
          // state (etcd restored) or superseded; waiting for its resourceVersion would wait for
          // ever (found by test/faults).
          this.awaitedWrites.clear();
          this.cacheSync.listed('hpas');
        },
        onError: (e) => {
          this.hpaWatchBroken = true;
          log.warn(
            { reason: 'WatchError', resource: 'horizontalpodautoscalers', status: e.status, err: e.message },
            'HPA watch failed; re-watching',
          );
          this.cacheSync.failed(e);
        },
      }),
    );
    this.watches.push(
      cluster.watchPods(this.opts.namespace, {
        onEvent: (type, pod) => this.onPod(type, pod),
        onSynced: () => this.cacheSync.listed('pods'),
        onError: (e) => {
          log.warn(
            { reason: 'WatchError', resource: 'pods', status: e.status, err: e.message },
            'pod watch failed; re-watching',
          );
          this.cacheSync.failed(e);
        },
      }),
    );
    return this.waitForSync();
  }

  waitForSync(): Promise<void> {
    return this.cacheSync.waitForSync();
  }

  /**
   * Resolves when the caches have synced, or with the first list or watch error before that (a
   * one-shot command such as explain reports it instead of retrying for ever).
   */
  syncedOrFailed(): Promise<ClusterError | undefined> {
    return this.cacheSync.syncedOrFailed();
  }

  private onHpa(type: 'ADDED' | 'MODIFIED' | 'DELETED', hpa: HorizontalPodAutoscaler): void {
    const key = hpaKey(hpa);
    const namespace = hpa.metadata.namespace ?? '';
    if (type === 'DELETED') {
      this.hpas.delete(key);
      this.awaitedWrites.delete(key);
      this.state.unregister(namespace, key);
      this.state.deleteHistory(key);
      this.queue.forget(key);
      this.failures.delete(key);
      this.deps.monitor?.numHpas.set(this.state.registeredCount);
      this.deps.monitor?.forgetHpa(namespace, hpa.metadata.name);
      return;
    }
    const previous = this.hpas.get(key);
    this.hpas.set(hpa);
    if (seenWrite(hpa.metadata.resourceVersion, this.awaitedWrites.get(key)?.resourceVersion))
      this.awaitedWrites.delete(key);
    if (this.deps.shadow !== undefined && type === 'MODIFIED') {
      const sync = builtinSyncOf(previous, hpa);
      if (sync !== undefined) {
        this.pendingCompare.set(key, sync);
        if (this.state.register(namespace, key)) this.deps.monitor?.numHpas.set(this.state.registeredCount);
        this.queue.add(key);
        return;
      }
    }
    const immediate =
      this.opts.profile.immediateEnqueueOnAdd &&
      (type === 'ADDED' ||
        (this.opts.profile.gates.HPAGeneration && previous?.metadata.generation !== hpa.metadata.generation));
    // ≤1.36 registers on every add and update; 1.37 only on the immediate path (spec §5.3).
    if (!this.opts.profile.immediateEnqueueOnAdd || immediate || previous === undefined) {
      if (this.state.register(namespace, key)) this.deps.monitor?.numHpas.set(this.state.registeredCount);
    }
    if (immediate) this.queue.add(key);
    else this.queue.addAfter(key, this.periodOf(key));
  }

  private onPod(type: 'ADDED' | 'MODIFIED' | 'DELETED', pod: PodSnapshot): void {
    if (type === 'DELETED') this.pods.delete(pod);
    else this.pods.set(pod);
  }

  /** Starts the workers and the periodic resync; resolves when they have all stopped. */
  startWorkers(): void {
    if (this.workersRunning.length > 0) return;
    for (let i = 0; i < Math.max(1, this.opts.workers); i++) this.workersRunning.push(this.worker());
    const tick = (): void => {
      // Upstream: informer resync and discovery invalidation every sync period.
      this.deps.cluster.invalidateDiscovery?.();
      this.deps.metrics.invalidate?.();
      for (const key of this.hpas.keys()) this.queue.addAfter(key, this.periodOf(key));
      this.deps.monitor?.queueDepth.set(this.queue.length);
      this.resyncTimer = this.deps.clock.setTimer(this.opts.syncPeriodMs, tick);
    };
    this.resyncTimer = this.deps.clock.setTimer(this.opts.syncPeriodMs, tick);
  }

  private async worker(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      const readyAt = this.queue.readyAt(key);
      const p = this.processKey(key, readyAt);
      this.inFlight.set(p, key);
      try {
        await p;
      } finally {
        this.inFlight.delete(p);
        this.queue.done(key);
      }
    }
  }

  private async processKey(key: string, readyAt: number | undefined): Promise<void> {
    const { log, monitor, clock } = this.deps;
    if (this.deps.owns?.(key) === false) {
      // another replica's shard: checked again at the next period, or requeued when the shard is ours
      this.queue.addAfter(key, this.periodOf(key));
      return;
    }
    const awaited = await this.cacheUsable(key);
    if (awaited !== 'go') {
      // Upstream skips with an error and requeues normally; we retry sooner (the write is in flight).
      this.deps.monitor?.staleSkips.inc();
      log.debug({ hpa: key, reason: 'StaleCache' }, 'informer has not yet seen our last status write; skipping');
      if (awaited === 'retry') this.requeue(key, true);
      else this.queue.addAfter(key, Math.min(this.opts.syncPeriodMs, 100));
      return;
    }
    let outcome: ReconcileOutcome;
    const compare = this.pendingCompare.get(key);
    this.pendingCompare.delete(key);
    try {
      outcome = await this.reconciler.reconcile(key, compare);
    } catch (e) {
      // A bug, not an expected failure: log it with the key and keep the loop alive for the others.
      log.error(
        { hpa: key, reason: 'ReconcilePanic', err: e instanceof Error ? e.stack : String(e) },
        'reconcile threw',
      );
      this.requeue(key, true);
      return;
    }
    if (outcome.deleted) {
      this.failures.delete(key);
      return;
    }
    if (this.hpas.get(key) === undefined) {
      // Deleted while its reconcile was in flight (or by a relist after the API server lost its
      // state): what it did is still reported and logged, but nothing of it may come back,
      // neither its series on /metrics nor a requeue.
      this.failures.delete(key);
      logOutcome(outcome, this.opts.mode, this.deps.log, this.deps.monitor);
      this.deps.onOutcome?.(outcome, {});
      return;
    }
    if (
      outcome.writtenResourceVersion !== undefined &&
      this.hpas.get(key)?.metadata.resourceVersion !== outcome.writtenResourceVersion
    ) {
      this.awaitedWrites.set(key, { resourceVersion: outcome.writtenResourceVersion, since: monotonicNow(clock) });
    }
    const d = outcome.decision;
    const lagMs = readyAt === undefined ? undefined : clock.now() - readyAt;
    if (d !== undefined) {
      monitor?.observeDecision(d, outcome.durationMs, outcome.metricDurationsMs);
      if (lagMs !== undefined) monitor?.reconcileLag.observe(lagMs / 1000);
      logOutcome(outcome, this.opts.mode, this.deps.log, this.deps.monitor);
    }
    if (compare !== undefined) this.deps.shadow?.compare(outcome, compare);
    this.deps.onOutcome?.(outcome, lagMs === undefined ? {} : { lagMs });
    this.requeue(key, outcome.error !== undefined);
  }

  /**
   * Whether the cached copy of `key` can be reconciled from. Not while the HPA watch is broken
   * (in back-off after an error, nothing arrives: the server may even have lost its state), nor
   * with the stale-cache guard while our last status write is awaited for longer than two sync
   * periods (it may have been lost with the server's state): the HPA is then read fresh, so the
   * reconcile does not decide from a copy older than what is stored (it would find its status
   * "unchanged" and leave a wrong one in place). While our write is awaited and the watch works,
   * the key waits; while a fresh read fails, it is retried as after an error.
   */
  private async cacheUsable(key: string): Promise<'wait' | 'go' | 'retry'> {
    const w = this.opts.profile.gates.StaleControllerConsistencyHPA ? this.awaitedWrites.get(key) : undefined;
    if (!this.hpaWatchBroken) {
      if (w === undefined) return 'go';
      if (monotonicNow(this.deps.clock) - w.since < 2 * this.opts.syncPeriodMs) return 'wait';
    }
    const [namespace, name] = key.split('/');
    const fresh = await this.deps.cluster.getHpa(namespace, name);
    if (!fresh.ok) return fresh.error.status === 404 || w === undefined ? 'go' : 'retry';
    if (w !== undefined)
      this.deps.log.info(
        { hpa: key, reason: 'StaleCache', resourceVersion: w.resourceVersion },
        'the informer has not delivered our last status write; reconciling from a fresh read',
      );
    this.awaitedWrites.delete(key);
    if (this.hpas.get(key) !== undefined) this.hpas.set(fresh.value);
    return 'go';
  }

  /**
   * The HPA's own sync period (`hpa-ts.io/sync-period`, docs/annotations.md) as its cached copy
   * says, else the global one; an invalid value is the global one (its reconcile reports it).
   * Read from the cached object each time, so an edit of the annotation applies from the next requeue.
   */
  private periodOf(key: string): number {
    return annotationsOf(this.hpas.get(key)).syncPeriodMs ?? this.opts.syncPeriodMs;
  }

  private requeue(key: string, failed: boolean): void {
    if (!this.hpas.get(key)) return;
    const period = this.periodOf(key);
    if (!failed || this.opts.errorBackoffBaseMs <= 0) {
      this.failures.delete(key);
      this.queue.addAfter(key, period);
      return;
    }
    const n = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, n);
    this.queue.addAfter(key, Math.min(period, this.opts.errorBackoffBaseMs * 2 ** (n - 1)));
  }

  /** Stops taking work, waits for in-flight reconciles to finish. Informers keep running. */
  async stopWorkers(): Promise<void> {
    this.resyncTimer?.();
    this.queue.shutDown();
    await Promise.allSettled([...this.inFlight.keys()]);
    await Promise.allSettled(this.workersRunning);
    this.workersRunning = [];
  }

  stopInformers(): void {
    for (const w of this.watches) w.stop();
    this.watches = [];
  }

  /**
   * A shard became this replica's (sharding): what this replica remembers of its HPAs is from
   * before another replica reconciled them, so it is forgotten as a new leader starts empty.
   */
  forgetKeys(belongs: (key: string) => boolean): void {
    for (const key of this.hpas.keys()) {
      if (!belongs(key)) continue;
      this.state.deleteHistory(key);
      this.failures.delete(key);
      this.awaitedWrites.delete(key);
    }
  }

  /** Queues the matching HPAs now (a shard was acquired: its HPAs are reconciled at once). */
  enqueueNow(belongs: (key: string) => boolean): void {
    for (const key of this.hpas.keys()) if (belongs(key)) this.queue.add(key);
  }

  /** Resolves once no reconcile of a matching key is in flight (a shard is being released). */
  async settled(belongs: (key: string) => boolean): Promise<void> {
    const mine = [...this.inFlight].filter(([, key]) => belongs(key)).map(([p]) => p);
    await Promise.allSettled(mine);
  }

  /** Reconciles one key now, outside the queue (explain, tests). */
  reconcileNow(key: string): Promise<ReconcileOutcome> {
    return this.reconciler.reconcile(key);
  }
}
