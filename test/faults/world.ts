/**
 * One controller, built by the composition root as `simulate` builds it, over a FaultyCluster and
 * FaultyMetrics on one VirtualClock, with `hpas` HPAs whose external metrics wander. The world
 * injects faults at random from its seeded source, moves virtual time in steps, and tells the
 * InvariantChecker what it saw after every step.
 */
import { buildController, type BuiltController } from '../../app/build-controller.js';
import { runSettingsFromFlags } from '../../app/settings.js';
import type { HorizontalPodAutoscaler } from '../../algorithms/index.js';
import { Resources, createClusterStore, type ObjectStore } from '../../simulator/apiserver/index.js';
import type { GroupVersionResource, KubeObject } from '../../simulator/apiserver/types.js';
import { VirtualClock, seededRandom } from '../../simulator/clock.js';
import { hpaFromApi } from '../../transport/index.js';
import { statusError } from './api-errors.js';
import { FaultyCluster } from './faulty-cluster.js';
import { FaultyMetrics, MetricFault } from './faulty-metrics.js';
import type { InvariantChecker } from './invariants.js';

export const T0 = Date.UTC(2026, 0, 1);
const NS = 'default';
export const STEP_MS = 5_000;
/** generous: a step is a few ms of real time; seconds mean something is spinning */
const REAL_STEP_BOUND_MS = 30_000;
/** no injected delay exceeds 30 s; a call waiting 2 min is stuck */
const IN_FLIGHT_BOUND_MS = 120_000;
const HPA_TYPE = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler' } as const;

export const FaultKind = {
  Api5xx: 'api-5xx',
  Api429: 'api-429-retry-after',
  ApiLatency: 'api-latency',
  ApiUnreachable: 'api-unreachable',
  WatchDrop: 'watch-dropped',
  WatchEnd: 'watch-ended-cleanly',
  WatchExpired: 'watch-expired-410',
  WatchFailing: 'watch-failing',
  Compaction: 'watch-history-compacted',
  Restart: 'apiserver-restart',
  RestartStateLoss: 'apiserver-restart-state-lost',
  ClockJumpForward: 'clock-jump-forward',
  ClockJumpBack: 'clock-jump-back',
  MetricsError: 'metrics-error',
  MetricsSlow: 'metrics-slow',
  MetricsPartial: 'metrics-partial',
  MetricsNaN: 'metrics-nan',
  MetricsInf: 'metrics-inf',
  MetricsNegative: 'metrics-negative',
  MetricsStale: 'metrics-stale',
  MetricsGarbage: 'metrics-garbage',
} as const;
export type FaultKind = (typeof FaultKind)[keyof typeof FaultKind];
const KINDS = Object.values(FaultKind);

const METRIC_FAULT: Partial<Record<FaultKind, MetricFault>> = {
  [FaultKind.MetricsError]: MetricFault.Error,
  [FaultKind.MetricsSlow]: MetricFault.Slow,
  [FaultKind.MetricsPartial]: MetricFault.Partial,
  [FaultKind.MetricsNaN]: MetricFault.NaN,
  [FaultKind.MetricsInf]: MetricFault.Inf,
  [FaultKind.MetricsNegative]: MetricFault.Negative,
  [FaultKind.MetricsStale]: MetricFault.Stale,
  [FaultKind.MetricsGarbage]: MetricFault.Garbage,
};

const GARBAGE = [
  '',
  '{',
  'null',
  '[]',
  '{"items":7}',
  '<html>502 Bad Gateway</html>',
  '\u0000\u00ff',
  '{"status":"success"}',
];

interface Hpa {
  readonly name: string;
  readonly key: string;
  readonly metric: string;
  readonly min: number;
  readonly max: number;
}

export interface WorldOptions {
  readonly seed: number;
  readonly hpas: number;
  readonly syncPeriodMs?: number;
  readonly checker: InvariantChecker;
  /** after every step (the soak samples memory here) */
  readonly onStep?: (world: FaultWorld) => void;
}

export class FaultWorld {
  readonly clock = new VirtualClock(T0);
  /** virtual ms since the world began: the clock's reading moves with jumps, this does not */
  get elapsed(): number {
    return this.clock.monotonicNow() - T0;
  }

  readonly random: () => number;
  readonly cluster: FaultyCluster;
  readonly metrics: FaultyMetrics;
  readonly hpas: Hpa[] = [];
  readonly injected = new Map<FaultKind, number>();
  readonly syncPeriodMs: number;
  private built: BuiltController | undefined;
  /** the backup a state loss restores: taken at the previous round's start (and this round's, for the next) */
  private backup: Backup | undefined;
  private pending: Backup | undefined;
  private restoredThisRound = false;
  private readonly lastHealthy = new Map<string, number>();
  private readonly failedInReconcile = new Set<string>();

  constructor(private readonly opts: WorldOptions) {
    this.random = seededRandom(opts.seed);
    this.syncPeriodMs = opts.syncPeriodMs ?? 15_000;
    const store = createClusterStore({ now: () => this.clock.now() });
    this.cluster = new FaultyCluster(store, this.clock, seededRandom(opts.seed + 1), {
      onScaleWrite: (key, from, to) =>
        this.opts.checker.observe({
          kind: 'scale-write',
          at: this.elapsed,
          key,
          from,
          to,
          metricsFailed: this.failedInReconcile.has(key),
        }),
      onStatusWrite: (key, unchanged) =>
        this.opts.checker.observe({ kind: 'status-write', at: this.elapsed, key, unchanged }),
    });
    this.metrics = new FaultyMetrics(this.clock, (metric) => this.failedInReconcile.add(keyOfMetric(metric)));
    for (let i = 0; i < opts.hpas; i++) this.addHpa(store, i);
  }

  get faultsInjected(): number {
    let n = 0;
    for (const c of this.injected.values()) n += c;
    return n;
  }

  private int(lo: number, hi: number): number {
    return lo + Math.floor(this.random() * (hi - lo + 1));
  }

  private pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.random() * xs.length)];
  }

  private addHpa(store: ObjectStore, i: number): void {
    const name = `h${i}`;
    const metric = `${i % 2 === 0 ? 'api' : 'prom'}_${name}`;
    const min = this.int(1, 4);
    const max = min + this.int(1, 10);
    this.hpas.push({ name, key: `${NS}/${name}`, metric, min, max });
    this.metrics.values.set(metric, BigInt(this.int(0, 15_000)));
    store.create(Resources.deployments, NS, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: NS },
      spec: {
        replicas: this.int(min, max),
        selector: { matchLabels: { app: name } },
        template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'app:1' }] } },
      },
    });
    const window = this.pick([0, 0, 15, 30, 60]);
    store.create(Resources.horizontalPodAutoscalers, NS, {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name, namespace: NS },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
        minReplicas: min,
        maxReplicas: max,
        metrics: [
          {
            type: 'External',
            external: { metric: { name: metric }, target: { type: 'AverageValue', averageValue: '1' } },
          },
        ],
        behavior: { scaleDown: { stabilizationWindowSeconds: window } },
      },
    });
  }

  /** Builds the controller and starts it; no fault is injected before its caches are synced. */
  async start(): Promise<void> {
    await this.metrics.init();
    const built = await buildController('simulate', {
      cluster: { access: this.cluster },
      metrics: { client: this.metrics },
      clock: this.clock,
      settings: runSettingsFromFlags({
        leaderElect: false,
        logLevel: 'silent',
        horizontalPodAutoscalerSyncPeriod: `${this.syncPeriodMs / 1000}s`,
      }),
      onOutcome: (o) => {
        if (process.env.HPA_TS_FAULTS_DEBUG !== undefined)
          console.log(this.elapsed, o.key, o.error?.message ?? 'ok', o.scaled ?? '', o.statusWritten);
        if (o.error === undefined && o.decision !== undefined && !this.failedInReconcile.has(o.key))
          this.lastHealthy.set(o.key, this.elapsed);
        this.failedInReconcile.delete(o.key);
      },
    });
    if (!built.ok) throw new Error(built.error.message);
    this.built = built.value;
    const synced = built.value.controller.startInformers();
    await this.clock.advance(0);
    await synced;
    built.value.controller.startWorkers();
  }

  /** Moves `ms` of virtual time (timers firing on the way), then checks the step's invariants. */
  async step(ms = STEP_MS): Promise<void> {
    const started = performance.now();
    try {
      await this.clock.advance(ms);
    } catch (e) {
      this.opts.checker.observe({ kind: 'crash', at: this.elapsed, detail: describe(e) });
    }
    const now = this.clock.monotonicNow();
    const oldest = Math.min(now, ...[...this.cluster.inFlight, ...this.metrics.inFlight].map((c) => c.since));
    this.opts.checker.observe({
      kind: 'step',
      at: this.elapsed,
      realMs: Math.round(performance.now() - started),
      realBoundMs: REAL_STEP_BOUND_MS,
      oldestInFlightMs: now - oldest,
      inFlightBoundMs: IN_FLIGHT_BOUND_MS,
    });
    this.opts.onStep?.(this);
    const store = this.cluster.currentStore;
    for (const h of this.hpas) {
      const replicas = store.getScale(Resources.deployments, NS, h.name).spec.replicas ?? 0;
      this.opts.checker.observe({ kind: 'replicas', at: this.elapsed, key: h.key, min: h.min, max: h.max, replicas });
    }
  }

  /** The metrics wander: each moves by up to ±1.5 (its target is 1 per replica). */
  wander(): void {
    for (const h of this.hpas) {
      const v = (this.metrics.values.get(h.metric) ?? 0n) + BigInt(this.int(-1500, 1500));
      this.metrics.values.set(h.metric, v < 0n ? 0n : v > 16_000n ? 16_000n : v);
    }
  }

  /** Injects one fault, chosen at random. */
  inject(): FaultKind {
    let kind = this.pick(KINDS);
    // etcd restored from a backup: at most once a round, from one at least a round old (two
    // restores within the informers' back-off can go unnoticed: docs/reliability.md)
    if (kind === FaultKind.RestartStateLoss && (this.backup === undefined || this.restoredThisRound))
      kind = FaultKind.Restart;
    if (process.env.HPA_TS_FAULTS_DEBUG !== undefined) console.log(this.elapsed, 'inject', kind);
    this.injected.set(kind, (this.injected.get(kind) ?? 0) + 1);
    const c = this.cluster;
    switch (kind) {
      case FaultKind.Api5xx:
        c.failNext(this.int(1, 20), statusError(this.pick([500, 502, 503, 504])));
        break;
      case FaultKind.Api429:
        c.failNext(this.int(1, 20), statusError(429, this.int(1, 10)));
        break;
      case FaultKind.ApiLatency:
        c.delayNext(this.int(1, 30), this.int(100, 10_000));
        break;
      case FaultKind.ApiUnreachable:
        c.unreachableFor(this.int(1, 30));
        break;
      case FaultKind.WatchDrop:
        c.dropWatches(true);
        break;
      case FaultKind.WatchEnd:
        c.dropWatches(false);
        break;
      case FaultKind.WatchExpired:
        c.expireNextWatches(this.int(1, 3));
        c.dropWatches(this.random() < 0.5);
        break;
      case FaultKind.WatchFailing:
        c.breakWatches(this.int(5, 40));
        c.dropWatches(true);
        break;
      case FaultKind.Compaction:
        c.compact();
        c.dropWatches(true);
        break;
      case FaultKind.Restart:
        c.unreachableFor(this.int(5, 40));
        c.restart(c.currentStore);
        break;
      case FaultKind.RestartStateLoss:
        this.restoreSnapshot();
        break;
      case FaultKind.ClockJumpForward:
        this.clock.jump(this.int(1, 900) * 1000);
        break;
      case FaultKind.ClockJumpBack:
        this.clock.jump(-this.int(1, 900) * 1000);
        break;
      default: {
        const h = this.pick(this.hpas);
        const fault = METRIC_FAULT[kind] as MetricFault;
        const arg =
          fault === MetricFault.Error
            ? this.pick([404, 429, 500, 503, 504])
            : fault === MetricFault.Slow
              ? this.int(100, 30_000)
              : fault === MetricFault.Garbage
                ? this.pick(GARBAGE)
                : 0;
        this.metrics.inject(h.metric, fault, this.int(1, 4), arg);
      }
    }
    return kind;
  }

  /**
   * The API server restarts on etcd restored from the backup (the previous round's start, or
   * this one's before there is one): resourceVersions go back to the backup's, replicas and
   * statuses are those of then; the informers must notice and relist.
   */
  restoreSnapshot(): void {
    const b = this.backup ?? this.pending;
    if (b === undefined) return;
    this.restoredThisRound = true;
    this.cluster.restart(copyStore(b.store, this.clock, b.resourceVersion));
  }

  /** Virtual ms of `key`'s last reconcile without error on metrics that all answered. */
  lastHealthyAt(key: string): number | undefined {
    return this.lastHealthy.get(key);
  }

  /** A round's start: a backup, which a state loss in the next round restores. */
  takeSnapshot(): void {
    this.backup = this.pending;
    const live = this.cluster.currentStore;
    this.pending = { store: copyStore(live, this.clock), resourceVersion: Number(live.currentResourceVersion()) };
    this.restoredThisRound = false;
  }

  /**
   * Ends every fault, lets two sync periods pass, and checks every HPA converged: a healthy
   * reconcile since, ScalingActive True, and status.desiredReplicas equal to the scale's.
   */
  async quiet(): Promise<void> {
    this.cluster.clearFaults();
    this.metrics.clearFaults();
    const clearedAt = this.elapsed;
    while (this.elapsed < clearedAt + 2 * this.syncPeriodMs) await this.step();
    const store = this.cluster.currentStore;
    for (const h of this.hpas) {
      const hpa = hpaFromApi(
        store.get(Resources.horizontalPodAutoscalers, NS, h.name),
        HPA_TYPE,
      ) as HorizontalPodAutoscaler;
      const active = hpa.status?.conditions?.find((c) => c.type === 'ScalingActive');
      this.opts.checker.observe({
        kind: 'converged',
        at: this.elapsed,
        key: h.key,
        clearedAt,
        syncPeriodMs: this.syncPeriodMs,
        lastHealthyAt: this.lastHealthy.get(h.key),
        scalingActive: active?.status,
        statusDesiredReplicas: hpa.status?.desiredReplicas,
        scaleReplicas: store.getScale(Resources.deployments, NS, h.name).spec.replicas ?? 0,
      });
    }
  }

  async close(): Promise<void> {
    const closing = this.built?.close();
    await this.clock.advance(3_600_000);
    await closing;
    this.cluster.close();
  }
}

function keyOfMetric(metric: string): string {
  return `${NS}/${metric.slice(metric.indexOf('_') + 1)}`;
}

function describe(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

const COPIED: readonly GroupVersionResource[] = [Resources.deployments, Resources.horizontalPodAutoscalers];

interface Backup {
  readonly store: ObjectStore;
  /** the live store's resourceVersion when the backup was taken */
  readonly resourceVersion: number;
}

/**
 * A new store holding what `from` holds now, its objects numbered from `resourceVersion` on (an
 * etcd restored from a backup goes back to the backup's revision; default: from the start).
 */
export function copyStore(from: ObjectStore, clock: VirtualClock, resourceVersion?: number): ObjectStore {
  const to = createClusterStore({ now: () => clock.now() });
  // the store's revision counter is not settable through its API; a restore is the one place
  // that needs it, so it is set here rather than given a method nothing else should call
  const counter = to as unknown as { rv: number };
  if (resourceVersion !== undefined) counter.rv = Math.max(counter.rv, resourceVersion);
  for (const gvr of COPIED) {
    for (const obj of from.list(gvr).items) {
      const md = obj.metadata;
      const created = to.create(gvr, md.namespace, { ...obj, metadata: { name: md.name, namespace: md.namespace } });
      const status = (obj as KubeObject & { status?: unknown }).status;
      if (status !== undefined) to.updateStatus(gvr, md.namespace, md.name ?? '', { ...created, status });
    }
  }
  return to;
}
