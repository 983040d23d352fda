import { HpaAnnotation } from './annotations.js';
import { findCondition } from './conditions.js';
import type { Decision, FallbackOutcome } from './decision.js';
import type { MetricEvaluation } from './metrics-eval.js';
import type { NormalizationDetail } from './normalize.js';
import { PodSelectionCondition } from './pod-selection-decision.js';
import { explainStaleSamples } from './stale-samples.js';
import type { Tolerances } from './tolerance.js';

function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return Number.isInteger(x) ? String(x) : x.toFixed(3).replace(/0+$/, '').replace(/\.$/, '');
}

export function toleranceBand(t: Tolerances): string {
  return t.comparison === 'absolute' ? `|1 − ratio| ≤ ${fmt(t.down)}` : `[${fmt(1 - t.down)}, ${fmt(1 + t.up)}]`;
}

/** One line per metric: value against target, ratio against the tolerance band, pods, proposal. */
export function explainMetric(ev: MetricEvaluation, tolerances: Tolerances): string {
  if (!ev.ok) return `${ev.type} metric: failed (${ev.condition.reason}): ${ev.eventMessage}`;
  const d = ev.detail;
  const parts = [`${ev.description}: current ${ev.current} vs target ${ev.target}`, `ratio ${fmt(d.ratio)}`];
  parts.push(
    d.withinTolerance
      ? `within tolerance ${toleranceBand(tolerances)}`
      : `outside tolerance ${toleranceBand(tolerances)}`,
  );
  if (d.readyPods !== undefined) {
    parts.push(
      `pods ready ${d.readyPods}, unready ${d.unreadyPods?.length ?? 0}, missing ${d.missingPods?.length ?? 0}, ignored ${d.ignoredPods?.length ?? 0}`,
    );
  }
  if (d.rebalancedRatio !== undefined)
    parts.push(`rebalanced ratio ${fmt(d.rebalancedRatio)} (missing/unready pods assumed conservatively)`);
  if (d.readyPodCount !== undefined) parts.push(`${d.readyPodCount} ready pods`);
  parts.push(`proposal ${ev.proposal}`);
  return parts.join('; ');
}

export function explainNormalization(
  n: NormalizationDetail,
  bounds: { readonly currentReplicas: number; readonly minReplicas: number; readonly maxReplicas: number },
): string {
  const parts = [`proposal ${n.prenormalized} from ${bounds.currentReplicas} current`];
  if (n.path === 'legacy') {
    parts.push(`scale-down stabilization over ${n.scaleDownWindowSeconds}s gives ${n.stabilized}`);
  } else {
    parts.push(
      `stabilization (up window ${n.scaleUpWindowSeconds ?? 0}s, down window ${n.scaleDownWindowSeconds}s) gives ${n.stabilized}`,
    );
  }
  if (n.stabilizationReason !== null) parts.push(`(${n.stabilizationReason})`);
  parts.push(
    n.limited.reason === 'DesiredWithinRange'
      ? `within limits [${bounds.minReplicas}, ${bounds.maxReplicas}]${n.path === 'behavior' ? ' and the scaling policies' : ''}`
      : `limited to ${n.limited.replicas} (${n.limited.reason}: ${n.limited.message})`,
  );
  return parts.join('; ');
}

/**
 * The computation step by step, for `explain` and dry-run, derived from the decision's fields in
 * the order of §3.1: the scale or the branch, then each metric, the normalization and the write.
 */
export function explainDecision(d: Decision): string[] {
  const upstream = [...explainUpstream(d), ...explainPodSelection(d)];
  const lines = d.staleSamples === undefined ? upstream : [...explainStaleSamples(d.staleSamples), ...upstream];
  const fallback = d.fallback === undefined ? [] : [explainFallback(d.fallback, d)];
  if (d.annotations === undefined) return fallback.length === 0 ? lines : [...lines, ...fallback];
  return [
    ...lines,
    ...d.annotations.errors.map((e) => `invalid annotation, ignored: ${e.message}`),
    ...fallback,
    ...explainPause(d),
  ];
}

/** Whether hpa-ts.io/fallback-replicas is, or would be, what the HPA is scaled by (fallback.ts). */
export function explainFallback(f: FallbackOutcome, d: Pick<Decision, 'minReplicas' | 'maxReplicas'>): string {
  const { consecutiveFailures: n, active } = f.state;
  const t = f.config.failureThreshold;
  const count = `${f.replicas} replicas (${f.config.replicas}, behavior ${f.config.behavior}, within [${d.minReplicas}, ${d.maxReplicas}])`;
  const runs = `${n} consecutive ${n === 1 ? 'reconcile' : 'reconciles'} with a failed metric`;
  if (active)
    return `fallback is active: ${runs}, more than the threshold ${t}: the failed metrics propose ${count}${f.started ? ' (fallback started)' : ''}`;
  const ended = f.ended ? ' (fallback ended)' : '';
  if (n > 0) return `fallback is not active yet: ${runs}; after more than ${t} it would recommend ${count}${ended}`;
  return `fallback is not active: every metric was computed; after more than ${t} consecutive reconciles with a failed metric it would recommend ${count}${ended}`;
}

/** Which pods were counted with hpa-ts.io/pod-selection: owner-references (pod-selection-decision.ts). */
function explainPodSelection(d: Decision): string[] {
  const c = findCondition(d.status.conditions, PodSelectionCondition.type);
  return c === undefined ? [] : [`pods by owner (${HpaAnnotation.podSelection}): ${c.message ?? ''}`];
}

/** What the pause did to upstream's decision (annotated-decision.ts). */
function explainPause(d: Decision): string[] {
  const p = d.annotations?.pause;
  if (p == null) return [];
  const would =
    p.wouldScaleTo === null
      ? 'upstream would not rescale'
      : `upstream would scale from ${d.currentReplicas ?? '?'} to ${p.wouldScaleTo}`;
  const value = p.requested === null ? 'true' : String(p.requested);
  if (p.holdAt === null) return [`the HPA is paused by ${p.annotation}=${value}; ${would}`];
  const action =
    d.rescale === null
      ? `nothing is written to the scale (held at ${p.holdAt})`
      : `the scale is set to ${p.holdAt} once${p.requested !== p.holdAt ? ` (${value} clamped to [${d.minReplicas}, ${d.maxReplicas}])` : ''}, then held`;
  return [`the HPA is paused by ${p.annotation}=${value}: ${would}, but ${action}`];
}

function explainUpstream(d: Decision): string[] {
  const cur = d.currentReplicas;
  switch (d.branch) {
    case 'invalidSpec':
      return [`the HPA spec is invalid, nothing is read or written: ${d.error?.cause ?? ''}`];
    case 'scaleUnavailable':
      return [`could not read the scale of ${d.reference}: ${d.error?.cause ?? ''}`];
    case 'disabled':
      return [`the target ${d.reference} has 0 replicas: autoscaling is disabled until it is scaled up`];
    case 'aboveMax':
      return [
        `${cur} current replicas is above maxReplicas ${d.maxReplicas}: scale to ${d.maxReplicas} without reading metrics`,
        ...explainWrite(d),
      ];
    case 'belowMin':
      return [
        `${cur} current replicas is below minReplicas ${d.minReplicas}: scale to ${d.minReplicas} without reading metrics`,
        ...explainWrite(d),
      ];
    case 'metricsFailed':
    case 'metrics':
      return [...explainMetrics(d), ...explainWrite(d)];
  }
}

function explainMetrics(d: Decision): string[] {
  const code = d.error?.code;
  if (code === 'SelectorRequired' || code === 'InvalidSelector' || code === 'AmbiguousSelector')
    return [`scale selector rejected: ${d.error?.cause ?? ''}`];
  if (code === 'FailedGetPodOwners') return [`pods by owner not known, nothing decided: ${d.error?.cause ?? ''}`];
  const tolerances = d.tolerances;
  const lines = tolerances === null ? [] : d.metrics.map((ev) => explainMetric(ev, tolerances));
  if (code === 'FailedComputeMetricsReplicas' && d.fallback?.state.active !== true) {
    lines.push(
      d.metrics.every((ev) => !ev.ok)
        ? 'no metric could be computed'
        : 'a metric failed and the others point down: refusing to scale down on missing data',
    );
  }
  const { normalization, currentReplicas, minReplicas, maxReplicas } = d;
  if (normalization !== null && currentReplicas !== null)
    lines.push(explainNormalization(normalization, { currentReplicas, minReplicas, maxReplicas }));
  return lines;
}

function explainWrite(d: Decision): string[] {
  return d.rescale?.write === 'failed' ? [`the scale write failed: ${d.error?.cause ?? ''}`] : [];
}

/** One sentence for logs and `explain`. */
export function describeDecision(d: Decision): string {
  if (d.branch === 'invalidSpec') return `no scaling: the HPA spec is invalid: ${d.error?.cause ?? ''}`;
  if (d.branch === 'scaleUnavailable') return `cannot read the scale of ${d.reference}: ${d.error?.cause ?? ''}`;
  const pause = d.annotations?.pause;
  if (pause != null && d.rescale?.write !== 'failed') {
    const would = pause.wouldScaleTo === null ? '' : ` (unpaused it would scale to ${pause.wouldScaleTo})`;
    const action =
      d.rescale === null
        ? `keep ${d.currentReplicas ?? '?'} replicas`
        : `scale ${d.reference} from ${d.rescale.from} to ${d.rescale.to}`;
    return `paused by ${pause.annotation}: ${action}${would}`;
  }
  if (d.branch === 'metricsFailed') return `no scaling: ${d.error?.cause ?? ''}`;
  if (d.rescale?.write === 'failed')
    return `wanted ${d.rescale.to} replicas but could not update the scale: ${d.error?.cause ?? ''}`;
  if (d.rescale !== null) {
    const limit =
      d.normalization !== null && d.normalization.limited.reason !== 'DesiredWithinRange'
        ? ` (${d.normalization.limited.reason})`
        : '';
    return `scale ${d.reference} from ${d.rescale.from} to ${d.rescale.to}: ${d.rescale.reason || 'stabilized recommendation'}${limit}`;
  }
  if (d.branch === 'disabled') return 'no scaling: the target has 0 replicas, autoscaling is disabled';
  if (d.normalization !== null) {
    const n = d.normalization;
    if (n.prenormalized !== d.currentReplicas && n.stabilizationReason !== null) {
      return `keep ${d.currentReplicas} replicas: metrics want ${n.prenormalized} but ${n.stabilizationReason === 'ScaleDownStabilized' ? 'a higher recommendation is still inside the scale-down stabilization window' : 'a lower recommendation is still inside the scale-up stabilization window'}`;
    }
    if (n.limited.reason !== 'DesiredWithinRange') return `keep ${d.currentReplicas} replicas: ${n.limited.message}`;
  }
  if (d.fallback?.state.active === true)
    return `keep ${d.currentReplicas ?? '?'} replicas: in fallback, ${d.fallback.state.consecutiveFailures} consecutive reconciles with a failed metric`;
  if (d.error !== null) return `keep ${d.currentReplicas ?? '?'} replicas: ${d.error.message}`;
  return `keep ${d.currentReplicas ?? '?'} replicas: every metric is within tolerance of its target`;
}
