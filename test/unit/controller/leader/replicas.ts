/**
 * Two controller replicas with leader election over one in-memory cluster, in virtual time, each
 * wired as `hpa-ts run` wires it (app/start.ts): an HpaController whose writes go through the
 * elector's guard (fenceWrites), workers started and stopped by leadership. One replica can be
 * paused as SIGSTOP pauses a process: its timers and watch deliveries wait while virtual time
 * (and its monotonic clock) moves on, then all fire late when it resumes.
 */
import { DEFAULT_CONTROLLER_CONFIG, defaultGates, profileForVersion } from '../../../../algorithms/index.js';
import { HpaController } from '../../../../controller/controller.js';
import { EventRecorder } from '../../../../controller/events/index.js';
import { LeaderElector, LeaseGuard, fenceWrites } from '../../../../controller/leader/index.js';
import { silentLogger } from '../../../../controller/logging.js';
import type { ClusterAccess } from '../../../../controller/ports.js';
import type { ReconcileOutcome } from '../../../../controller/reconciler.js';
import { createClusterStore, type ObjectStore } from '../../../../simulator/apiserver/index.js';
import { VirtualClock } from '../../../../simulator/clock.js';
import { createInMemoryCluster } from '../../../../simulator/in-memory-cluster.js';
import type { MetricsClient } from '../../../../metrics-clients/port.js';
import { sleepWith, type Clock } from '../../../../transport/clock.js';
import { FakeMetrics, T0 } from '../loop/harness.js';

export { T0 } from '../loop/harness.js';

/** One process's view of the shared virtual clock: while paused, nothing it scheduled runs. */
export class ProcessClock implements Clock {
  private paused = false;
  private readonly late: (() => void)[] = [];

  constructor(private readonly world: VirtualClock) {}

  now(): number {
    return this.world.now();
  }

  setTimer(ms: number, fn: () => void): () => void {
    return this.world.setTimer(ms, () => this.run(fn));
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepWith((d, fn) => this.setTimer(d, fn), ms, signal);
  }

  /** Work this process would do now: deferred while it is paused. */
  run(fn: () => void): void {
    if (this.paused) this.late.push(fn);
    else fn();
  }

  pause(): void {
    this.paused = true;
  }

  /** SIGCONT: everything that fell due meanwhile runs now, in the order it fell due. */
  resume(): void {
    this.paused = false;
    for (const fn of this.late.splice(0)) fn();
  }
}

/** A write that reached the cluster: by which replica, what, and when (ms since T0). */
export interface Write {
  readonly by: string;
  readonly what: string;
  readonly at: number;
}

const WRITES = ['updateScale', 'updateHpaStatus', 'createEvent', 'patchEvent'] as const;

export interface Replica {
  readonly id: string;
  readonly clock: ProcessClock;
  readonly metrics: FakeMetrics;
  readonly elector: LeaderElector;
  readonly controller: HpaController;
  readonly outcomes: ReconcileOutcome[];
  /** ms since T0 at which it started and stopped leading */
  readonly terms: { from: number; to?: number }[];
  run(): void;
}

export class TwoReplicas {
  readonly world = new VirtualClock(T0);
  readonly store: ObjectStore = createClusterStore({ now: () => this.world.now() });
  readonly writes: Write[] = [];
  readonly replicas: Replica[] = [];

  /** `fenced: false` wires the writes without the guard (what hpa-ts did before the guard). */
  constructor(readonly fenced = true) {}

  replica(id: string): Replica {
    const clock = new ProcessClock(this.world);
    const inner = createInMemoryCluster(this.store, { defer: (fn) => queueMicrotask(() => clock.run(fn)) });
    const recorded = this.recording(id, inner);
    const fake = new FakeMetrics(this.world);
    // an answer that arrives while the process is paused is handled when it resumes
    const metrics: MetricsClient = {
      getExternalMetric: (q) =>
        new Promise((resolve) => void fake.getExternalMetric(q).then((v) => clock.run(() => resolve(v)))),
      getResourceMetrics: () => fake.getResourceMetrics(),
      getPodsMetric: () => fake.getPodsMetric(),
      getObjectMetric: () => fake.getObjectMetric(),
      close: () => fake.close(),
    };
    const outcomes: ReconcileOutcome[] = [];
    const terms: { from: number; to?: number }[] = [];
    const stop = new AbortController();
    // wired as app/start.ts wires it: the guard first, the controller's writes fenced by it
    const guard = new LeaseGuard(clock, 'default/hpa-ts', 10_000);
    const writer = this.fenced ? fenceWrites(recorded, guard) : recorded;
    const events = new EventRecorder({ sink: writer, clock, random: () => 0 });
    const controller = new HpaController(
      { cluster: writer, metrics, events, clock, log: silentLogger(), onOutcome: (o) => outcomes.push(o) },
      {
        syncPeriodMs: 15_000,
        workers: 2,
        config: DEFAULT_CONTROLLER_CONFIG,
        profile: profileForVersion(37, defaultGates(37)),
        mode: 'write',
        errorBackoffBaseMs: 1000,
      },
    );
    const elector = new LeaderElector({
      cluster: inner,
      clock,
      namespace: 'default',
      name: 'hpa-ts',
      identity: id,
      guard,
      random: () => 0,
      onStartedLeading: () => {
        terms.push({ from: this.world.now() - T0 });
        controller.startWorkers();
      },
      onStoppedLeading: () => {
        const term = terms.at(-1);
        if (term !== undefined) term.to = this.world.now() - T0;
        void controller.stopWorkers();
      },
    });
    const ctl = controller;
    const r: Replica = {
      id,
      clock,
      metrics: fake,
      elector,
      controller: ctl,
      outcomes,
      terms,
      run: () => {
        void ctl.startInformers().then(() => elector.run(stop.signal));
      },
    };
    this.replicas.push(r);
    return r;
  }

  /** Writes that reach the cluster are recorded below the fence: those are the ones that happened. */
  private recording(id: string, cluster: ClusterAccess): ClusterAccess {
    return new Proxy(cluster, {
      get: (target, prop, receiver) => {
        const v: unknown = Reflect.get(target, prop, receiver);
        if (typeof v !== 'function') return v;
        return (...args: unknown[]): unknown => {
          if ((WRITES as readonly unknown[]).includes(prop))
            this.writes.push({ by: id, what: String(prop), at: this.world.now() - T0 });
          return (v as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  }

  async advance(ms: number): Promise<void> {
    await this.world.advance(ms);
  }
}
