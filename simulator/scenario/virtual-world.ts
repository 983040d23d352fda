/**
 * A scenario's world in virtual time, in process: the store, the workload and load models, the
 * collectors and metrics on one VirtualClock, the in-memory ClusterAccess and the in-process
 * metrics client a controller reads it through, and the timeline and chart recorders. The
 * composition root (app/scenario-run.ts) puts the controller on it; the world moves time.
 */
import { type Result, err, ok } from '../../algorithms/index.js';
import type { MetricsClient } from '../../metrics-clients/index.js';
import {
  DEFAULT_RELEASE_MINOR,
  Resources,
  createClusterStore,
  defaultHpaTargetsStyle,
  releaseVersionInfo,
  versionInfo,
  type ObjectStore,
} from '../apiserver/index.js';
import type { KubeObject } from '../apiserver/types.js';
import { VirtualClock } from '../clock.js';
import { createInMemoryCluster, type InMemoryCluster } from '../in-memory-cluster.js';
import { DEFAULT_MAX_PODS, Simulation } from '../simulation.js';
import { controllerUid } from '../workload/index.js';
import { ChartRecorder, type ChartSeries } from './chart-data.js';
import { HpaTimeline, type TimelineEntry } from './timeline.js';
import type { Scenario } from './types.js';
import { createObjects, simulationInputs } from './world.js';

export interface WorldOptions {
  /** every timeline line as it happens (in virtual time) */
  readonly onEntry?: (e: TimelineEntry) => void;
  /** keep every timeline entry (default true; text output streams them through onEntry) */
  readonly keepTimeline?: boolean;
  /** the Kubernetes release the API server behaves as (its minor; default the newest) */
  readonly release?: number;
}

export interface VirtualWorld {
  readonly clock: VirtualClock;
  readonly store: ObjectStore;
  readonly cluster: InMemoryCluster;
  readonly metrics: MetricsClient;
  /** lets everything due now run (timers at the current instant, promise continuations) */
  settle(): Promise<void>;
  /** moves virtual time from timer to timer to the scenario's end, charting as it goes */
  runToEnd(): Promise<void>;
  readonly timeline: HpaTimeline;
  chart(): readonly ChartSeries[];
  close(): void;
}

function inWorkload(pod: KubeObject, store: ObjectStore, workload: string): boolean {
  const owner = controllerUid(pod);
  if (owner === undefined) return false;
  const [ns] = workload.split('/');
  for (const rs of store.list(Resources.replicaSets, { namespace: ns }).items) {
    if (rs.metadata.uid !== owner) continue;
    const ref = rs.metadata.ownerReferences?.find((r) => r.controller === true);
    return ref !== undefined && `${ns}/${ref.name}` === workload;
  }
  for (const sts of store.list(Resources.statefulSets, { namespace: ns }).items) {
    if (sts.metadata.uid === owner) return `${ns}/${sts.metadata.name ?? ''}` === workload;
  }
  return false;
}

/**
 * Lets everything woken by timers finish before time moves on. The in-memory cluster and metrics
 * never wait on I/O, so one macrotask turn (which drains every promise continuation) is enough.
 */
function settleTurn(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}

function simulationFor(s: Scenario, store: ObjectStore, clock: VirtualClock): Simulation {
  const at = (seconds: number): number => s.start + seconds * 1000;
  const slow = s.faults.flatMap((f) => (f.type === 'slow-start' ? [f] : []));
  const sim = new Simulation({
    store,
    clock,
    ...simulationInputs(s),
    ...(slow.length > 0
      ? {
          startupFactor: (pod: KubeObject, now: number) =>
            slow
              .filter(
                (f) =>
                  now >= at(f.fromSeconds) &&
                  now < at(f.toSeconds) &&
                  (f.workload === undefined || inWorkload(pod, store, f.workload)),
              )
              .reduce((m, f) => m * f.factor, 1),
        }
      : {}),
  });
  for (const f of s.faults) {
    if (f.type === 'stale-metrics') {
      for (const api of f.api === 'all' ? (['resource', 'custom', 'external'] as const) : [f.api]) {
        const ns = f.namespace === undefined ? {} : { namespace: f.namespace };
        sim.metrics.addStaleness({
          api,
          from: at(f.fromSeconds),
          to: at(f.toSeconds),
          ageMs: f.ageSeconds * 1000,
          ...ns,
        });
      }
    }
    if (f.type !== 'metrics-unavailable') continue;
    for (const api of f.api === 'all' ? (['resource', 'custom', 'external'] as const) : [f.api]) {
      sim.metrics.addOutage(api, at(f.fromSeconds), at(f.toSeconds));
    }
  }
  return sim;
}

/** Builds and starts the world of `s` and creates its objects; the controller is the caller's. */
export async function openVirtualWorld(s: Scenario, opts: WorldOptions = {}): Promise<Result<VirtualWorld, string>> {
  const clock = new VirtualClock(s.start);
  const release = opts.release ?? DEFAULT_RELEASE_MINOR;
  const store = createClusterStore({ now: () => clock.now(), release, maxPods: DEFAULT_MAX_PODS });
  const sim = simulationFor(s, store, clock);
  try {
    // the adapter rules are compiled by the metrics client's engine before anything is served
    await sim.ready();
  } catch (e) {
    return err(e instanceof Error ? e.message : String(e));
  }
  const timeline = new HpaTimeline({
    store,
    now: () => clock.now(),
    start: s.start,
    hpaTargetsStyle: defaultHpaTargetsStyle(
      s.serverVersion !== undefined ? versionInfo(s.serverVersion) : releaseVersionInfo(release),
    ),
    loadOf: (w) => sim.load.offered(w),
    ...(opts.onEntry !== undefined ? { onEntry: opts.onEntry } : {}),
    keep: opts.keepTimeline ?? true,
  });
  const chart = new ChartRecorder({
    store,
    clock,
    start: s.start,
    stepMs: s.chartStepSeconds * 1000,
    loadOf: (w) => sim.load.offered(w),
    readyOf: (w) => sim.load.readyPods(w),
  });
  sim.start();
  timeline.start();
  const created = createObjects(store, s.objects);
  if (!created.ok) {
    sim.stop();
    timeline.stop();
    return err(created.error);
  }
  const cluster = createInMemoryCluster(store);
  const end = s.start + s.durationSeconds * 1000;
  return ok({
    clock,
    store,
    cluster,
    metrics: sim.metricsClient(),
    timeline,
    settle: () => clock.advance(0),
    runToEnd: async () => {
      chart.begin();
      while (clock.now() < end) {
        const next = clock.nextTimerAt();
        await clock.advanceTo(next === undefined ? end : Math.min(next, end), settleTurn);
      }
      chart.end();
    },
    chart: () => chart.result(),
    close: () => {
      cluster.close();
      timeline.stop();
      sim.stop();
    },
  });
}
