/**
 * The real HpaController, driven through its public API in virtual time: the simulator's
 * in-memory cluster (whose watch deliveries a test can hold back), a fake metrics client whose
 * answers, failures and delays each test sets per metric, and a VirtualClock. No real time passes.
 */
import { ControllerMetrics } from '../../../../controller/monitor.js';
import {
  DEFAULT_CONTROLLER_CONFIG,
  Quantity,
  defaultGates,
  err,
  ok,
  profileForVersion,
  type ExternalMetricValue,
  type FeatureGates,
  type MetricsApiError,
  type MetricsResult,
} from '../../../../algorithms/index.js';
import { VirtualClock } from '../../../../simulator/clock.js';
import { HpaController } from '../../../../controller/controller.js';
import { silentLogger } from '../../../../controller/logging.js';
import type { ClusterAccess } from '../../../../controller/ports.js';
import type { EventSink, ReconcileOutcome, WriteMode } from '../../../../controller/reconciler.js';
import { ShadowComparator } from '../../../../controller/shadow.js';
import type { ExternalMetricQuery, MetricsClient } from '../../../../metrics-clients/port.js';
import { Resources, createClusterStore, type ObjectStore } from '../../../../simulator/apiserver/index.js';
import { createInMemoryCluster } from '../../../../simulator/in-memory-cluster.js';

export const T0 = Date.UTC(2025, 0, 1);
export const NS = 'default';

/** What the fake metrics API answers for one external metric (named like its HPA). */
export interface MetricBehaviour {
  /** the value, as a quantity string */
  value?: string;
  /** fail with this error kind instead */
  fail?: MetricsApiError['kind'];
  /** answer after this much virtual time */
  delayMs?: number;
}

/** One call of the fake metrics API: which metric, when it started and ended (virtual ms since T0). */
export interface MetricCall {
  readonly metric: string;
  readonly startedAt: number;
  endedAt?: number;
}

/** A metrics client answering external.metrics.k8s.io from a table, recording every call. */
export class FakeMetrics implements MetricsClient {
  readonly behaviour = new Map<string, MetricBehaviour>();
  readonly calls: MetricCall[] = [];
  private inFlight = 0;
  maxInFlight = 0;

  constructor(private readonly clock: VirtualClock) {}

  async getExternalMetric(q: ExternalMetricQuery): Promise<MetricsResult<ExternalMetricValue>> {
    const b = this.behaviour.get(q.metricName) ?? { value: '1' };
    const call: MetricCall = { metric: q.metricName, startedAt: this.clock.now() - T0 };
    this.calls.push(call);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (b.delayMs !== undefined) await this.clock.sleep(b.delayMs);
      if (b.fail !== undefined) {
        return err({
          kind: b.fail,
          api: 'external',
          path: `/apis/external.metrics.k8s.io/v1beta1/namespaces/${q.namespace}/${q.metricName}`,
          message: 'the server is currently unable to handle the request',
        });
      }
      return ok([{ value: Quantity.parse(b.value ?? '1'), timestamp: this.clock.now() }]);
    } finally {
      this.inFlight--;
      call.endedAt = this.clock.now() - T0;
    }
  }

  /** Seconds since T0 at which `metric` was asked for. */
  callTimes(metric: string): number[] {
    return this.calls.filter((c) => c.metric === metric).map((c) => c.startedAt / 1000);
  }

  getResourceMetrics(): never {
    throw new Error('the loop tests use external metrics only');
  }

  getPodsMetric(): never {
    throw new Error('the loop tests use external metrics only');
  }

  getObjectMetric(): never {
    throw new Error('the loop tests use external metrics only');
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

const WRITES = new Set(['updateScale', 'updateHpaStatus', 'createEvent', 'patchEvent', 'createLease', 'updateLease']);

export interface LoopOptions {
  readonly workers?: number;
  readonly syncPeriodMs?: number;
  readonly errorBackoffBaseMs?: number;
  /** kube-controller-manager release to emulate (default 37) */
  readonly minor?: number;
  readonly gates?: Partial<FeatureGates>;
  readonly mode?: WriteMode;
}

/** One cluster, one controller, one clock. */
export class Loop {
  readonly clock = new VirtualClock(T0);
  readonly store: ObjectStore = createClusterStore({ now: () => this.clock.now() });
  readonly metrics = new FakeMetrics(this.clock);
  readonly outcomes: { readonly at: number; readonly outcome: ReconcileOutcome }[] = [];
  /** names of the ClusterAccess write methods called, in order */
  readonly clusterWrites: string[] = [];
  readonly events: string[] = [];
  readonly shadow = new ShadowComparator({ log: silentLogger() });
  readonly monitor = new ControllerMetrics({ defaultMetrics: false });
  readonly controller: HpaController;
  private held: (() => void)[] | undefined;

  constructor(opts: LoopOptions = {}) {
    const minor = opts.minor ?? 37;
    const cluster = createInMemoryCluster(this.store, {
      defer: (fn) => (this.held !== undefined ? this.held.push(fn) : queueMicrotask(fn)),
    });
    const recorded = new Proxy(cluster, {
      get: (target, prop, receiver) => {
        const v: unknown = Reflect.get(target, prop, receiver);
        if (typeof v !== 'function') return v;
        return (...args: unknown[]): unknown => {
          if (WRITES.has(String(prop))) this.clusterWrites.push(String(prop));
          return (v as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    }) as ClusterAccess & { invalidateDiscovery(): void };
    const events: EventSink = { record: (_obj, type, reason) => this.events.push(`${type} ${reason}`) };
    const mode = opts.mode ?? 'write';
    this.controller = new HpaController(
      {
        cluster: recorded,
        metrics: this.metrics,
        events,
        clock: this.clock,
        log: silentLogger(),
        monitor: this.monitor,
        onOutcome: (outcome) => this.outcomes.push({ at: this.clock.now() - T0, outcome }),
        ...(mode === 'shadow' ? { shadow: this.shadow } : {}),
      },
      {
        syncPeriodMs: opts.syncPeriodMs ?? 15_000,
        workers: opts.workers ?? 5,
        config: DEFAULT_CONTROLLER_CONFIG,
        profile: profileForVersion(minor, { ...defaultGates(minor), ...opts.gates }),
        mode,
        errorBackoffBaseMs: opts.errorBackoffBaseMs ?? 1000,
      },
    );
  }

  /** A Deployment and its HPA on the external metric `name` (addWorkload below). */
  addWorkload(name: string, opts: WorkloadOptions = {}): void {
    addWorkload(this.store, name, opts);
  }

  /** Starts the informers (waiting for their lists) and the workers, at T0. */
  async start(): Promise<void> {
    await this.startInformers();
    await this.startWorkers();
  }

  async startInformers(): Promise<void> {
    const synced = this.controller.startInformers();
    await this.clock.advance(0);
    await synced;
  }

  async startWorkers(): Promise<void> {
    this.controller.startWorkers();
    await this.clock.advance(0);
  }

  /** Runs virtual time until `seconds` after T0, firing every timer on the way. */
  async runUntil(seconds: number): Promise<void> {
    await this.clock.advanceTo(T0 + seconds * 1000);
  }

  /** From now on, watch events wait (the informer falls behind) until `release`. */
  holdWatchEvents(): void {
    this.held ??= [];
  }

  async releaseWatchEvents(): Promise<void> {
    const held = this.held ?? [];
    this.held = undefined;
    for (const fn of held) fn();
    await this.clock.advance(0);
  }

  /** Seconds since T0 of the finished reconciles of `name`. */
  reconcileTimes(name: string): number[] {
    return this.outcomes.filter((o) => o.outcome.key === `${NS}/${name}`).map((o) => o.at / 1000);
  }

  async stop(): Promise<void> {
    const stopping = this.controller.stopWorkers();
    await this.clock.advanceTo(this.clock.now() + 3_600_000);
    await stopping;
    this.controller.stopInformers();
  }
}

/** Differences between consecutive values, rounded to the millisecond. */
export function gaps(times: readonly number[]): number[] {
  return times.slice(1).map((t, i) => Math.round((t - times[i]) * 1000) / 1000);
}

export interface WorkloadOptions {
  readonly replicas?: number;
  readonly target?: string;
  readonly targetType?: 'Value' | 'AverageValue';
  /** annotations of the HPA (hpa-ts.io/…) */
  readonly annotations?: Readonly<Record<string, string>>;
}

/**
 * A Deployment with `replicas` and an HPA of the same name on the external metric `name`. The
 * default AverageValue target needs no pods: with no pod running the proposal is
 * ceil(value / target) (R1.11.1).
 */
export function addWorkload(store: ObjectStore, name: string, opts: WorkloadOptions = {}): void {
  const targetType = opts.targetType ?? 'AverageValue';
  const target = { type: targetType, [targetType === 'Value' ? 'value' : 'averageValue']: opts.target ?? '1' };
  store.create(Resources.deployments, NS, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NS },
    spec: {
      replicas: opts.replicas ?? 1,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'app:1' }] } },
    },
  });
  store.create(Resources.horizontalPodAutoscalers, NS, {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name, namespace: NS, ...(opts.annotations !== undefined ? { annotations: opts.annotations } : {}) },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      minReplicas: 1,
      maxReplicas: 10,
      metrics: [{ type: 'External', external: { metric: { name }, target } }],
    },
  });
}
