/**
 * `hpa-ts replay`: the real controller (runScenario, the same code as `hpa-ts simulate`) over
 * recorded metric values in virtual time. The world holds the HPA and a workload made up for it
 * (its scale target, with the recorded pods' requests); the controller reads metrics from a
 * RecordedMetricsClient instead of the simulator's. docs/replay.md.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { type LabelSelector, type Result, err, ok, selectorFromLabelSelector } from '../algorithms/index.js';
import { recorded, type MetricsClient } from '../metrics-clients/index.js';
import { podsOldestFirst, replicaSequence, type ChartSeries, type Scenario } from '../simulator/index.js';
import { runScenario, type TimedDecision } from './scenario-run.js';

/** The epoch a replay starts at: the scenario files' default, so a recorded simulation replays in phase. */
export const REPLAY_START = Date.UTC(2025, 0, 1);

export interface ReplayStep {
  /** seconds since the start */
  readonly t: number;
  /** scale.spec.replicas as the reconcile read it */
  readonly replicas: number | null;
  readonly desired: number;
  /** the metrics' proposal before stabilization and policies; null off the metrics path */
  readonly recommendation: number | null;
  /** what held the recommendation back: a policy or min/max (ScalingLimited's reason), a stabilization window; null when nothing did */
  readonly limit: string | null;
  /** AbleToScale's reason, or `AbleToScale=False/…` / `ScalingActive=False/…` when one fails */
  readonly condition: string;
  readonly metrics: readonly {
    readonly metric: string;
    readonly value: string | null;
    readonly target: string | null;
  }[];
  readonly reason: string;
}

export interface VariantResult {
  readonly name: string;
  readonly file: string;
  readonly steps: readonly ReplayStep[];
  /** the replica counts the HPA went through (as `kubectl get hpa -w` shows them) */
  readonly replicaSequence: readonly number[];
  readonly chart: readonly ChartSeries[];
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});

/** The one HorizontalPodAutoscaler of a YAML or JSON file, or a one-line error naming the file. */
export function loadHpa(file: string): Result<Obj, string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return err(`${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  const docs = parseAllDocuments(text);
  const hpas: Obj[] = [];
  for (const d of Array.isArray(docs) ? docs : [docs]) {
    if (d.errors.length > 0) {
      const e = d.errors[0];
      return err(`${file}:${e.linePos?.[0].line ?? 1}:${e.linePos?.[0].col ?? 1}: ${e.message.split('\n')[0]}`);
    }
    const o = obj(d.toJS());
    if (o.kind === 'HorizontalPodAutoscaler') hpas.push(o);
  }
  if (hpas.length !== 1) return err(`${file}: expected one HorizontalPodAutoscaler, found ${hpas.length}`);
  return ok(hpas[0]);
}

/** A metric's `selector` as read from the file; a malformed one is the selector parser's to refuse. */
export function labelSelectorOf(v: unknown): LabelSelector | undefined {
  return v !== null && typeof v === 'object' ? (v as LabelSelector) : undefined;
}

/** `Pods http_requests_qps{verb=GET}`: how a recorded key and an HPA metric are named to a user. */
function describeKey(type: string, metric: string, selector: string): string {
  return `${type} ${metric}${selector === '' ? '' : `{${selector}}`}`;
}

/** The recording keys of the HPA's metrics (v2 and v2beta2 shapes), each with where it is in the spec. */
function metricKeys(
  hpa: Obj,
): Result<{ at: string; type: recorded.RecordedType; metric: string; selector: string }[], string> {
  const specs = obj(hpa.spec).metrics;
  const out: { at: string; type: recorded.RecordedType; metric: string; selector: string }[] = [];
  for (const [i, raw] of (Array.isArray(specs) ? specs : []).entries()) {
    const m = obj(raw);
    const at = `spec.metrics[${i}]`;
    const type = String(m.type) as recorded.RecordedType;
    const src = obj(m[type === 'ContainerResource' ? 'containerResource' : type.toLowerCase()]);
    if (type === 'Resource') out.push({ at, type, metric: String(src.name), selector: '' });
    else if (type === 'ContainerResource')
      out.push({ at, type, metric: `${String(src.container)}/${String(src.name)}`, selector: '' });
    else if (type === 'Pods' || type === 'Object' || type === 'External') {
      const id = obj(src.metric);
      if (id.name === undefined) continue; // autoscaling/v2beta1: the API server converts it; unchecked here
      const sel = selectorFromLabelSelector(labelSelectorOf(id.selector));
      if (!sel.ok) return err(`${at}.${type.toLowerCase()}.metric.selector: ${sel.error.message}`);
      out.push({ at, type, metric: String(id.name), selector: sel.value.toString() });
    }
  }
  return ok(out);
}

/** Every metric of the HPA must be in the recording: a one-line error names the first that is not. */
export function checkMetricsRecorded(
  hpa: Obj,
  hpaFile: string,
  rec: recorded.Recording,
  recFile: string,
): Result<void, string> {
  const keys = metricKeys(hpa);
  if (!keys.ok) return err(`${hpaFile}: ${keys.error}`);
  const have = new Set(rec.rows.map((r) => recorded.sampleKey(r.type, r.metric, r.selector)));
  for (const k of keys.value) {
    if (have.has(recorded.sampleKey(k.type, k.metric, k.selector))) continue;
    const known = [
      ...new Set(rec.rows.filter((r) => r.type !== 'Replicas').map((r) => describeKey(r.type, r.metric, r.selector))),
    ];
    return err(
      `${hpaFile}: ${k.at} (${describeKey(k.type, k.metric, k.selector)}) is not in ${recFile} (recorded: ${known.join(', ') || 'nothing'})`,
    );
  }
  return ok(undefined);
}

/** The containers of the made-up workload: `app` for Resource metrics, one per ContainerResource, with recorded requests. */
function containersFor(rec: recorded.Recording): Obj[] {
  const requests = new Map<string, Record<string, string>>([['app', {}]]);
  for (const r of rec.rows) {
    if (r.type !== 'Resource' && r.type !== 'ContainerResource') continue;
    const [container, resource] = r.type === 'Resource' ? ['app', r.metric] : r.metric.split('/');
    const req = requests.get(container) ?? {};
    if (r.request !== null && req[resource] === undefined) req[resource] = r.request.toString();
    requests.set(container, req);
  }
  return [...requests].map(([name, req]) => ({
    name,
    image: 'replay',
    ...(Object.keys(req).length > 0 ? { resources: { requests: req } } : {}),
  }));
}

/** The HPA's scale target as a Deployment or StatefulSet, at the recording's first replica count. */
function workloadFor(hpa: Obj, namespace: string, rec: recorded.Recording, hpaFile: string): Result<Obj, string> {
  const ref = obj(obj(hpa.spec).scaleTargetRef);
  if (ref.kind !== 'Deployment' && ref.kind !== 'StatefulSet')
    return err(
      `${hpaFile}: spec.scaleTargetRef.kind ${JSON.stringify(ref.kind)}: replay makes a Deployment or StatefulSet`,
    );
  const name = String(ref.name ?? '');
  const first = rec.rows.find((r) => r.type === 'Replicas');
  const minReplicas = typeof obj(hpa.spec).minReplicas === 'number' ? Number(obj(hpa.spec).minReplicas) : 1;
  const replicas =
    first?.value !== undefined && first.value !== null ? Number(first.value.value()) : Math.max(1, minReplicas);
  const labels = { 'hpa-ts.io/replay': name };
  return ok({
    apiVersion: 'apps/v1',
    kind: ref.kind,
    metadata: { name, namespace },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      ...(ref.kind === 'StatefulSet' ? { serviceName: name } : {}),
      template: { metadata: { labels }, spec: { containers: containersFor(rec) } },
    },
  });
}

/** The scenario a replay runs: the HPA, its made-up workload, no load, as long as the recording. */
export function replayScenario(hpa: Obj, hpaFile: string, rec: recorded.Recording): Result<Scenario, string> {
  const namespace = String(obj(hpa.metadata).namespace ?? 'default');
  const workload = workloadFor(hpa, namespace, rec, hpaFile);
  if (!workload.ok) return workload;
  const last = rec.rows[rec.rows.length - 1].t;
  return ok({
    name: `replay of ${basename(hpaFile)}`,
    baseDir: '.',
    durationSeconds: Math.max(1, last),
    start: REPLAY_START,
    objects: [workload.value, { ...hpa, metadata: { ...obj(hpa.metadata), namespace } }],
    load: new Map(),
    queues: [],
    objectMetrics: [],
    controller: {},
    faults: [],
    scrapeIntervalSeconds: 15,
    resolutionSeconds: 15,
    podDefaults: {},
    chartStepSeconds: 5,
  });
}

/** The condition worth a column: a failing AbleToScale or ScalingActive, else AbleToScale's reason. */
function conditionOf(d: TimedDecision): string {
  const failing = d.conditions.find(
    (c) => c.status === 'False' && (c.type === 'AbleToScale' || c.type === 'ScalingActive'),
  );
  if (failing !== undefined) return `${failing.type}=False/${failing.reason ?? ''}`;
  return d.conditions.find((c) => c.type === 'AbleToScale')?.reason ?? '';
}

function stepOf(d: TimedDecision, names: readonly string[]): ReplayStep {
  const limited = d.limit !== null && d.limit.reason !== 'DesiredWithinRange' ? d.limit.reason : null;
  return {
    t: Math.round(d.t * 1000) / 1000,
    replicas: d.current,
    desired: d.desired,
    recommendation: d.metricsProposal,
    limit: limited ?? d.stabilization?.applied ?? null,
    condition: conditionOf(d),
    // a failed metric has no description: name it from the spec
    metrics: d.metrics.map((m, i) => ({
      metric: m.metric ?? names[i] ?? m.type,
      value: m.value ?? null,
      target: m.target ?? null,
    })),
    reason: d.reason,
  };
}

/** One variant: the HPA of `hpaFile` over the recording. */
export async function replayVariant(
  hpa: Obj,
  hpaFile: string,
  rec: recorded.Recording,
  recFile: string,
): Promise<Result<VariantResult, string>> {
  const recordedOk = checkMetricsRecorded(hpa, hpaFile, rec, recFile);
  if (!recordedOk.ok) return recordedOk;
  const s = replayScenario(hpa, hpaFile, rec);
  if (!s.ok) return s;
  const keys = metricKeys(hpa);
  const names = keys.ok ? keys.value.map((k) => describeKey(k.type, k.metric, k.selector)) : [];
  const metrics = (w: { clock: { now(): number }; store: Parameters<typeof podsOldestFirst>[0] }): MetricsClient =>
    new recorded.RecordedMetricsClient(rec, {
      start: REPLAY_START,
      now: () => w.clock.now(),
      listPods: (ns, sel) => Promise.resolve(podsOldestFirst(w.store, ns, sel)),
    });
  const r = await runScenario(s.value, { metrics, keepDecisions: true, keepTimeline: true });
  // the HPA is the scenario's objects[1]; the user knows it by its file
  if (!r.ok) return err(`${hpaFile}: ${r.error.replace(/^objects\[\d+\] /, '')}`);
  return ok({
    name: basename(hpaFile).replace(/\.(ya?ml|json)$/, ''),
    file: hpaFile,
    steps: r.value.decisions.map((d) => stepOf(d, names)),
    replicaSequence: replicaSequence(r.value.timeline),
    chart: r.value.chart,
  });
}
