/**
 * Which behaviours one compared decision exercised. The side-by-side report counts decisions per
 * feature, so a behaviour the generator never reached — or one a release has that no decision hit
 * — shows as 0 (and fails the run where the release has it, side-by-side-suite.ts).
 *
 * A feature is read from what both controllers saw at that sync: the HPA as stored, hpa-ts's
 * decision (its metric evaluations, normalization and history), the built-in's status, and the
 * bed's pods at that epoch. Availability per release follows the release's default feature gates
 * of kube-controller-manager (algorithms/profile.ts `defaultGates`): the bed's kube-apiserver has
 * HPAScaleToZero and HPAConfigurableTolerance on at every release (stack.ts), so minReplicas 0 and
 * `tolerance` are stored everywhere and each controller applies its own gates.
 */
import { defaultGates } from '../../../algorithms/profile.js';
import type { Decision, HorizontalPodAutoscaler, MetricSpec } from '../../../algorithms/index.js';

export const FEATURES = {
  tolerance: 'per-HPA tolerance honoured (HPAConfigurableTolerance on in kube-controller-manager)',
  'tolerance-gate-off': 'per-HPA tolerance stored but ignored (HPAConfigurableTolerance off)',
  'min-replicas-zero': 'minReplicas 0 with an Object or External metric',
  'at-zero-replicas': 'a decision with the target at 0 replicas',
  'scaled-to-zero-condition': "the built-in's ScaledToZero=True condition (HPAScaleToZero on)",
  'container-resource': 'a ContainerResource metric evaluated',
  'select-policy-disabled': 'a recommendation in a direction with selectPolicy Disabled',
  'select-policy-min': 'a recommendation in a direction with selectPolicy Min',
  'partial-failure-scale-up': 'one metric failed, the others propose more replicas (scale-up allowed)',
  'partial-failure-no-scale-down': 'one metric failed, the others propose fewer replicas (scale-down refused)',
  'unready-pods-in-cpu-init': 'cpu metric, an unready pod started within the cpu initialization period',
  'unready-pods-after-cpu-init': 'cpu metric, an unready pod started before the cpu initialization period',
  'missing-pods-in-cpu-init': 'cpu metric, a running pod without metrics, started within the initialization period',
  'missing-pods-after-cpu-init': 'cpu metric, a running pod without metrics, started before the initialization period',
  'object-average-value': 'an Object metric with an AverageValue target evaluated',
  'external-average-value': 'an External metric with an AverageValue target evaluated',
  'external-selector': 'an External metric whose selector (matchExpressions) picks a subset of the series',
  'stabilization-edge': 'a stabilization window whose edge decides: the result changes one period earlier or later',
} as const;

export type Feature = keyof typeof FEATURES;

/** The features kube-controller-manager of release 1.`minor` has (with its default gates). */
export function featuresOf(minor: number): Feature[] {
  const gates = defaultGates(minor);
  return (Object.keys(FEATURES) as Feature[]).filter((f) => {
    if (f === 'tolerance') return gates.HPAConfigurableTolerance;
    if (f === 'tolerance-gate-off') return !gates.HPAConfigurableTolerance;
    // the condition exists from 1.36 (V3) and is set only with the gate on
    if (f === 'scaled-to-zero-condition') return minor >= 36 && gates.HPAScaleToZero;
    return true;
  });
}

export interface BedPodState {
  /** startTime an hour before creation: outside the cpu initialization period */
  readonly oldStart: boolean;
  readonly running: boolean;
  readonly ready: boolean;
  readonly hasMetrics: boolean;
}

export interface FeatureInput {
  readonly decision: Decision;
  /** the HPA as hpa-ts read it (as stored by the API server) */
  readonly hpa: HorizontalPodAutoscaler;
  readonly builtinConditions: readonly { type: string; status: string }[];
  /** the bed's pods of the scenario at the compared epoch */
  readonly pods: readonly BedPodState[];
  readonly periodMs: number;
  /** kube-controller-manager's minor version */
  readonly minor: number;
}

function hasTolerance(hpa: HorizontalPodAutoscaler): boolean {
  const b = hpa.spec.behavior;
  return [b?.scaleUp?.tolerance, b?.scaleDown?.tolerance].some((t) => t !== undefined && t !== null);
}

function specMetrics(hpa: HorizontalPodAutoscaler): readonly MetricSpec[] {
  return hpa.spec.metrics ?? [];
}

/** Targets of the metrics that were evaluated without error. */
function evaluated(d: Decision, hpa: HorizontalPodAutoscaler): MetricSpec[] {
  const spec = specMetrics(hpa);
  return d.metrics.flatMap((m, i) => (m.ok && spec[i] !== undefined ? [spec[i]] : []));
}

function usesCpu(hpa: HorizontalPodAutoscaler): boolean {
  return specMetrics(hpa).some(
    (m) =>
      (m.type === 'Resource' && m.resource?.name === 'cpu') ||
      (m.type === 'ContainerResource' && m.containerResource?.name === 'cpu'),
  );
}

interface Rec {
  readonly replicas: number;
  readonly time: number;
}

/** upstream's stabilization over `recs` (behavior path: min over the up window, max over the down window). */
function stabilize(recs: readonly Rec[], d: Decision, now: number, upS: number | undefined, downS: number): number {
  const desired = d.normalization?.prenormalized ?? 0;
  const down = Math.max(desired, ...recs.filter((r) => r.time > now - downS * 1000).map((r) => r.replicas));
  if (upS === undefined) return down; // legacy path: scale-down stabilization only
  const up = Math.min(desired, ...recs.filter((r) => r.time > now - upS * 1000).map((r) => r.replicas));
  const cur = d.currentReplicas ?? 0;
  return Math.min(Math.max(cur, up), down);
}

/** The result changes when the records within one period of a window's edge move across it. */
function stabilizationEdge(d: Decision, periodMs: number): boolean {
  const n = d.normalization;
  const recs = d.history.recommendations ?? [];
  if (n === null || recs.length < 2) return false;
  const now = Math.max(...recs.map((r) => r.time));
  const up = n.scaleUpWindowSeconds;
  const down = n.scaleDownWindowSeconds;
  const base = stabilize(recs, d, now, up, down);
  // a period later the oldest records of each window have left; a period earlier the newest left ones were in
  const windows = [down, ...(up !== undefined ? [up] : [])].filter((w) => w > 0);
  return windows.some((w) => {
    const cutoff = now - w * 1000;
    const leaving = (r: Rec): boolean => r.time > cutoff && r.time - cutoff < periodMs;
    const justLeft = (r: Rec): boolean => r.time <= cutoff && cutoff - r.time < periodMs;
    const later = recs.filter((r) => !leaving(r));
    const earlier = recs.map((r) => (justLeft(r) ? { ...r, time: cutoff + 1 } : r));
    return (
      (later.length !== recs.length && stabilize(later, d, now, up, down) !== base) ||
      (recs.some(justLeft) && stabilize(earlier, d, now, up, down) !== base)
    );
  });
}

function direction(d: Decision): 'scaleUp' | 'scaleDown' | undefined {
  const rec = d.normalization?.prenormalized;
  const cur = d.currentReplicas;
  if (rec === undefined || cur === null || rec === cur) return undefined;
  return rec > cur ? 'scaleUp' : 'scaleDown';
}

function partialFailure(d: Decision): Feature | undefined {
  const ok = d.metrics.filter((m) => m.ok);
  if (ok.length === 0 || ok.length === d.metrics.length || d.currentReplicas === null) return undefined;
  const proposal = Math.max(...ok.map((m) => (m.ok ? m.proposal : 0)));
  if (proposal > d.currentReplicas) return 'partial-failure-scale-up';
  if (proposal < d.currentReplicas) return 'partial-failure-no-scale-down';
  return undefined;
}

function podFeatures(i: FeatureInput): Feature[] {
  if (!usesCpu(i.hpa)) return [];
  const out: Feature[] = [];
  const running = i.pods.filter((p) => p.running);
  const any = (f: (p: BedPodState) => boolean, old: boolean): boolean =>
    running.some((p) => p.oldStart === old && f(p));
  if (any((p) => !p.ready, false)) out.push('unready-pods-in-cpu-init');
  if (any((p) => !p.ready, true)) out.push('unready-pods-after-cpu-init');
  if (any((p) => !p.hasMetrics, false)) out.push('missing-pods-in-cpu-init');
  if (any((p) => !p.hasMetrics, true)) out.push('missing-pods-after-cpu-init');
  return out;
}

/** The features one compared decision exercised. */
export function decisionFeatures(i: FeatureInput): Feature[] {
  const d = i.decision;
  const out = new Set<Feature>();
  const gates = defaultGates(i.minor);
  if (hasTolerance(i.hpa)) out.add(gates.HPAConfigurableTolerance ? 'tolerance' : 'tolerance-gate-off');
  if (i.hpa.spec.minReplicas === 0) out.add('min-replicas-zero');
  if (d.currentReplicas === 0) out.add('at-zero-replicas');
  if (i.builtinConditions.some((c) => c.type === 'ScaledToZero' && c.status === 'True'))
    out.add('scaled-to-zero-condition');
  const ok = evaluated(d, i.hpa);
  if (ok.some((m) => m.type === 'ContainerResource')) out.add('container-resource');
  if (ok.some((m) => m.type === 'Object' && m.object?.target.type === 'AverageValue')) out.add('object-average-value');
  if (ok.some((m) => m.type === 'External' && m.external?.target.type === 'AverageValue'))
    out.add('external-average-value');
  if (ok.some((m) => m.type === 'External' && (m.external?.metric.selector?.matchExpressions ?? []).length > 0))
    out.add('external-selector');
  const dir = direction(d);
  const policy = dir === undefined ? undefined : d.behavior?.[dir]?.selectPolicy;
  if (policy === 'Disabled') out.add('select-policy-disabled');
  if (policy === 'Min') out.add('select-policy-min');
  const partial = partialFailure(d);
  if (partial !== undefined) out.add(partial);
  for (const f of podFeatures(i)) out.add(f);
  if (stabilizationEdge(d, i.periodMs)) out.add('stabilization-edge');
  return [...out];
}

/** Decisions per feature, every feature listed (0 where none). */
export function countFeatures(records: readonly { readonly features?: readonly Feature[] }[]): Record<Feature, number> {
  const counts = Object.fromEntries(Object.keys(FEATURES).map((f) => [f, 0])) as Record<Feature, number>;
  for (const r of records) for (const f of r.features ?? []) counts[f]++;
  return counts;
}
