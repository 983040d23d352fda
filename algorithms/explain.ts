import type { MetricSpec } from './api-types.js';
import type { Decision } from './decision.js';
import type { MetricEvaluation } from './metrics-eval.js';
import type { NormalizationDetail } from './normalize.js';
import type { Tolerances } from './tolerance.js';

function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return Number.isInteger(x) ? String(x) : x.toFixed(3).replace(/0+$/, '').replace(/\.$/, '');
}

export function toleranceBand(t: Tolerances): string {
  return t.comparison === 'absolute' ? `|1 − ratio| ≤ ${fmt(t.down)}` : `[${fmt(1 - t.down)}, ${fmt(1 + t.up)}]`;
}

function metricLabel(spec: MetricSpec, ev: MetricEvaluation): string {
  return ev.ok ? ev.description : `${spec.type} metric`;
}

/** One line per metric: value against target, ratio against the tolerance band, pods, proposal. */
export function explainMetric(spec: MetricSpec, ev: MetricEvaluation, tolerances: Tolerances): string {
  if (!ev.ok) return `${metricLabel(spec, ev)}: failed (${ev.condition.reason}): ${ev.eventMessage}`;
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

export function explainNormalization(n: NormalizationDetail, cur: number, min: number, max: number): string {
  const parts = [`proposal ${n.prenormalized} from ${cur} current`];
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
      ? `within limits [${min}, ${max}]${n.path === 'behavior' ? ' and the scaling policies' : ''}`
      : `limited to ${n.limited.replicas} (${n.limited.reason}: ${n.limited.message})`,
  );
  return parts.join('; ');
}

/** One sentence for logs and `explain`. */
export function describeDecision(d: Decision): string {
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
  if (d.error !== null) return `keep ${d.currentReplicas ?? '?'} replicas: ${d.error.message}`;
  return `keep ${d.currentReplicas ?? '?'} replicas: every metric is within tolerance of its target`;
}
