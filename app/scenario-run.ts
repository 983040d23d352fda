/**
 * `hpa-ts simulate SCENARIO.yaml`: the scenario in virtual time, in process. The simulator opens
 * the world (simulator/scenario/virtual-world.ts); here the real HpaController (the same code
 * `hpa-ts run` uses, built by buildController) is put on it through the in-memory ClusterAccess
 * and the in-process metrics client, and the world's VirtualClock jumps from timer to timer — an
 * hour of cluster time takes seconds.
 */
import { type Result, err, ok } from '../algorithms/index.js';
import { decisionRecord, type DecisionRecord } from '../controller/decision-log.js';
import {
  loadScenario as loadScenarioFile,
  openVirtualWorld,
  parseScenario as parseScenarioText,
  type ChartSeries,
  type Scenario,
  type TimelineEntry,
  type VirtualWorld,
} from '../simulator/index.js';
import type { MetricsClient } from '../metrics-clients/index.js';
import { buildController } from './build-controller.js';
import { FLAG_TABLE, type FlagSpec } from './flags/table.js';
import { attributeName, parseFlags, type FlagValues } from './flags/values.js';
import { emulatedMinor, runSettings, type RunSettings } from './settings.js';

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
  /** the metrics client the controller reads, given the world (default the world's own): replay and --record */
  readonly metrics?: (world: VirtualWorld) => MetricsClient;
}

/** The flags a scenario's `controller:` section may set (the rest make no sense in a simulation). */
const SCENARIO_FLAGS: readonly FlagSpec[] = (FLAG_TABLE as readonly FlagSpec[]).filter((f) => f.scenario === true);

/** A scenario's `controller:` section (flag name → value) → `run` flag values, or the entry that is wrong. */
export function scenarioFlagValues(section: Readonly<Record<string, string>>): Result<FlagValues, string> {
  const raw: Record<string, string> = {};
  for (const [k, v] of Object.entries(section)) {
    const name = k.replace(/^--/, '');
    if (!SCENARIO_FLAGS.some((f) => f.name === name))
      return err(`controller.${k}: unknown flag (known: ${SCENARIO_FLAGS.map((f) => f.name).join(', ')})`);
    raw[attributeName(name)] = v;
  }
  const values = parseFlags('run', raw, () => 'file', SCENARIO_FLAGS);
  return values.ok ? values : err(`controller: ${values.error.message}`);
}

function scenarioSettings(s: Scenario): Result<RunSettings, string> {
  const values = scenarioFlagValues(s.controller);
  if (!values.ok) return values;
  const settings = runSettings({ ...values.value, leaderElect: false, logLevel: 'silent' });
  return settings.ok ? settings : err(`controller: ${settings.error.message}`);
}

/** A scenario from its YAML text, its `controller:` flags checked against the flag table. */
export function parseScenario(text: string, file: string): Result<Scenario, string> {
  const s = parseScenarioText(text, file);
  if (!s.ok) return s;
  const flags = scenarioFlagValues(s.value.controller);
  return flags.ok ? s : flags;
}

export function loadScenario(file: string): Result<Scenario, string> {
  const s = loadScenarioFile(file);
  if (!s.ok) return s;
  const flags = scenarioFlagValues(s.value.controller);
  return flags.ok ? s : flags;
}

/**
 * The scenario with the command line's --emulated-version, which wins over its `controller:`
 * section; the simulated API server and the controller then both behave as that release.
 */
export function withEmulatedVersion(s: Scenario, flag: string | undefined): Result<Scenario, string> {
  if (flag === undefined) return ok(s);
  const minor = emulatedMinor(flag);
  if (!minor.ok) return err(minor.error.message);
  return ok({ ...s, controller: { ...s.controller, 'emulated-version': `1.${minor.value}` } });
}

/** The release a scenario emulates: its controller's --emulated-version (default the newest). */
export function scenarioRelease(s: Scenario): Result<number, string> {
  const settings = scenarioSettings(s);
  return settings.ok ? ok(Number(settings.value.emulatedVersion.split('.')[1])) : settings;
}

export async function runScenario(s: Scenario, opts: RunOptions = {}): Promise<Result<ScenarioResult, string>> {
  const settings = scenarioSettings(s);
  if (!settings.ok) return settings;
  const world = await openVirtualWorld(s, {
    ...(opts.onEntry === undefined ? {} : { onEntry: opts.onEntry }),
    keepTimeline: opts.keepTimeline ?? true,
    release: Number(settings.value.emulatedVersion.split('.')[1]),
  });
  if (!world.ok) return world;
  const w = world.value;
  const decisions: TimedDecision[] = [];
  const counts = { reconciles: 0, decisionsMade: 0, rescales: 0 };
  const keep = opts.keepDecisions ?? true;
  const built = await buildController('simulate', {
    cluster: { access: w.cluster },
    metrics: { client: opts.metrics?.(w) ?? w.metrics },
    clock: w.clock,
    settings: settings.value,
    onOutcome: (o) => {
      counts.reconciles++;
      if (o.decision !== undefined) counts.decisionsMade++;
      if (o.scaled !== undefined) counts.rescales++;
      if (!keep || o.decision === undefined) return;
      decisions.push({ t: (w.clock.now() - s.start) / 1000, ...decisionRecord(o.decision), scaled: o.scaled ?? null });
    },
  });
  if (!built.ok) {
    w.close();
    return err(built.error.message);
  }
  const { controller } = built.value;
  const synced = controller.startInformers();
  await w.settle();
  await synced;
  controller.startWorkers();
  await w.runToEnd();
  const closing = built.value.close();
  await w.settle();
  await closing;
  w.close();
  return ok({
    scenario: s.name,
    start: new Date(s.start).toISOString(),
    durationSeconds: s.durationSeconds,
    timeline: w.timeline.entries,
    timelineLines: w.timeline.count,
    decisions,
    chart: w.chart(),
    ...counts,
  });
}
