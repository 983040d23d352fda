/**
 * `hpa-ts simulate SCENARIO.yaml`: the scenario in virtual time, in process. The real
 * HpaController (the same code `hpa-ts run` uses) reconciles through the in-memory ClusterAccess
 * and the in-process metrics client; the workload and load models and the collectors run on the
 * same VirtualClock, which jumps from timer to timer — an hour of cluster time takes seconds.
 */
import { VirtualClock } from '../../controller/clock.js';
import { HpaController } from '../../controller/controller.js';
import { decisionRecord, type DecisionRecord } from '../../controller/decision-log.js';
import { EventRecorder } from '../../controller/events/index.js';
import { silentLogger } from '../../controller/logging.js';
import { runSettingsFromFlags } from '../../controller/options.js';
import { type Result, err, ok } from '../../algorithms/index.js';
import {
  Resources,
  createClusterStore,
  defaultHpaTargetsStyle,
  versionInfo,
  type ObjectStore,
} from '../apiserver/index.js';
import type { KubeObject } from '../apiserver/types.js';
import { createInMemoryCluster } from '../in-memory-cluster.js';
import { controllerUid } from '../workload/index.js';
import { Simulation } from '../simulation.js';
import { ChartRecorder, type ChartSeries } from './chart-data.js';
import { HpaTimeline, type TimelineEntry } from './timeline.js';
import type { Scenario } from './types.js';
import { createObjects, simulationInputs } from './world.js';

export interface TimedDecision extends DecisionRecord {
  /** seconds since the start */
  readonly t: number;
  readonly scaled: number | null;
}

export interface ScenarioResult {
  readonly scenario: string;
  readonly start: string;
  readonly durationSeconds: number;
  readonly timeline: readonly TimelineEntry[];
  /** timeline lines produced (also when not kept) */
  readonly timelineLines: number;
  readonly decisions: readonly TimedDecision[];
  readonly chart: readonly ChartSeries[];
  readonly reconciles: number;
  /** reconciles that reached a decision, and those that changed the scale */
  readonly decisionsMade: number;
  readonly rescales: number;
}

export interface RunOptions {
  /** every timeline line as it happens (in virtual time) */
  readonly onEntry?: (e: TimelineEntry) => void;
  /** keep every decision (for -o json); default true */
  readonly keepDecisions?: boolean;
  /** keep every timeline entry in the result (default true; text output streams them through onEntry) */
  readonly keepTimeline?: boolean;
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
function settle(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}

export async function runScenario(s: Scenario, opts: RunOptions = {}): Promise<Result<ScenarioResult, string>> {
  let settings;
  try {
    settings = runSettingsFromFlags(s.controller);
  } catch (e) {
    return err(`controller: ${(e as Error).message}`);
  }
  const clock = new VirtualClock(s.start);
  const store = createClusterStore({ now: () => clock.now() });
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
  await sim.ready();
  for (const f of s.faults) {
    if (f.type !== 'metrics-unavailable') continue;
    for (const api of f.api === 'all' ? (['resource', 'custom', 'external'] as const) : [f.api]) {
      sim.metrics.addOutage(api, at(f.fromSeconds), at(f.toSeconds));
    }
  }
  const timeline = new HpaTimeline({
    store,
    now: () => clock.now(),
    start: s.start,
    hpaTargetsStyle: defaultHpaTargetsStyle(versionInfo(s.serverVersion)),
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
    return created;
  }
  const cluster = createInMemoryCluster(store);
  const recorder = new EventRecorder({ sink: cluster, clock, component: settings.eventComponent });
  const decisions: TimedDecision[] = [];
  let reconciles = 0;
  let decisionsMade = 0;
  let rescales = 0;
  const keep = opts.keepDecisions ?? true;
  const controller = new HpaController(
    {
      cluster,
      metrics: sim.metricsClient(),
      events: recorder,
      clock,
      log: silentLogger(),
      onOutcome: (o) => {
        reconciles++;
        if (o.decision !== undefined) decisionsMade++;
        if (o.scaled !== undefined) rescales++;
        if (!keep || o.decision === undefined) return;
        decisions.push({ t: (clock.now() - s.start) / 1000, ...decisionRecord(o.decision), scaled: o.scaled ?? null });
      },
    },
    {
      syncPeriodMs: settings.syncPeriodMs,
      workers: settings.workers,
      config: settings.config,
      profile: settings.profile,
      mode: 'write',
      errorBackoffBaseMs: settings.errorBackoffBaseMs,
    },
  );
  const synced = controller.startInformers();
  await clock.advance(0);
  await synced;
  controller.startWorkers();
  chart.begin();
  const end = at(s.durationSeconds);
  while (clock.now() < end) {
    const next = clock.nextTimerAt();
    await clock.advanceTo(next === undefined ? end : Math.min(next, end), settle);
  }
  chart.end();
  const stopping = controller.stopWorkers();
  await clock.advance(0);
  await stopping;
  controller.stopInformers();
  recorder.stop();
  cluster.close();
  timeline.stop();
  sim.stop();
  return ok({
    scenario: s.name,
    start: new Date(s.start).toISOString(),
    durationSeconds: s.durationSeconds,
    timeline: timeline.entries,
    timelineLines: timeline.count,
    decisions,
    chart: chart.result(),
    reconciles,
    decisionsMade,
    rescales,
  });
}
