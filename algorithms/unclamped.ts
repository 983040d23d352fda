/**
 * The unclamped recommendation (kubernetes/kubernetes#88397, docs/recommendation.md): what the
 * metrics asked for before stabilization, the behavior policies and [minReplicas, maxReplicas]
 * moved it. Read-only: derived from a finished decision's own fields, it changes nothing upstream
 * computes, writes or shows.
 */
import type { HorizontalPodAutoscalerStatus } from './api-types.js';
import type { Branch, Decision } from './decision.js';

/** What moved the recommendation, in the order upstream applies them (§3.4, §3.5, §3.1 step 7.7). */
export const UnclampedLimitKind = {
  ScaleUpStabilization: 'scaleUpStabilization',
  ScaleDownStabilization: 'scaleDownStabilization',
  MinReplicas: 'minReplicas',
  MaxReplicas: 'maxReplicas',
  ScaleUpRate: 'scaleUpRate',
  ScaleDownRate: 'scaleDownRate',
  ScaleFromZero: 'scaleFromZero',
} as const;
export type UnclampedLimitKind = (typeof UnclampedLimitKind)[keyof typeof UnclampedLimitKind];

/** One step that moved the count: which, upstream's reason for it, and the count after it. */
export interface UnclampedLimit {
  readonly by: UnclampedLimitKind;
  /** the AbleToScale / ScalingLimited reason upstream gives it (ScaleDownStabilized, TooManyReplicas, …) */
  readonly reason: string;
  readonly replicas: number;
}

/** Why a decision has no unclamped recommendation: its branch, or a metrics path without metrics. */
export type UnclampedAbsence = Exclude<Branch, 'metrics'> | 'noMetrics';

export type UnclampedRecommendation =
  | {
      /** the highest proposal of the metrics that could be computed (upstream's metricDesiredReplicas) */
      readonly replicas: number;
      /** the description of the metric that proposed it (the first of equal proposals) */
      readonly metric: string;
      /** some metrics failed: the others' highest proposal, which decided (R2.6) */
      readonly partial: boolean;
      /** the count upstream settled on after every limit (before any hpa-ts pause) */
      readonly decided: number;
      /** what moved it from `replicas` to `decided`, in order; empty when nothing did */
      readonly limits: readonly UnclampedLimit[];
    }
  | { readonly replicas: null; readonly absent: UnclampedAbsence };

/** The branches that stop before a replica count (§3.1 steps 2, 7.2; §8.2): they keep the last one. */
const STOPPED: ReadonlySet<UnclampedAbsence> = new Set(['invalidSpec', 'scaleUnavailable', 'metricsFailed']);

/** The unclamped recommendation of a decision (docs/recommendation.md, "Which value"). */
export function unclampedRecommendation(d: Decision): UnclampedRecommendation {
  if (d.branch !== 'metrics') return { replicas: null, absent: d.branch };
  const n = d.normalization;
  const proposal = d.metricDesiredReplicas;
  // −1: the HPA has no metrics at all (R2.5); upstream then normalizes a proposal of 0
  if (n === null || proposal === null || proposal < 0 || d.currentReplicas === null)
    return { replicas: null, absent: 'noMetrics' };
  const decided = upstreamTarget(d, d.currentReplicas);
  const limits: UnclampedLimit[] = [];
  if (n.stabilized !== n.prenormalized && n.stabilizationReason !== null) {
    const by =
      n.stabilizationReason === 'ScaleUpStabilized'
        ? UnclampedLimitKind.ScaleUpStabilization
        : UnclampedLimitKind.ScaleDownStabilization;
    limits.push({ by, reason: n.stabilizationReason, replicas: n.stabilized });
  }
  const clamp = clampKind(n.limited.reason);
  if (clamp !== null) limits.push({ by: clamp, reason: n.limited.reason, replicas: n.limited.replicas });
  // §3.1 step 7.7 (R3.10.4): scaling up from zero, at least minReplicas
  if (decided !== n.limited.replicas)
    limits.push({ by: UnclampedLimitKind.ScaleFromZero, reason: 'TooFewReplicas', replicas: decided });
  return {
    replicas: proposal,
    metric: proposingMetric(d, proposal),
    partial: d.metrics.some((m) => !m.ok),
    decided,
    limits,
  };
}

/** The count upstream's decision goes to: its planned rescale, or, paused, the one it would have made. */
function upstreamTarget(d: Decision, currentReplicas: number): number {
  const pause = d.annotations?.pause;
  if (pause != null) return pause.wouldScaleTo ?? currentReplicas;
  return d.rescale?.to ?? currentReplicas;
}

function clampKind(reason: string): UnclampedLimitKind | null {
  switch (reason) {
    case 'TooManyReplicas':
      return UnclampedLimitKind.MaxReplicas;
    case 'TooFewReplicas':
      return UnclampedLimitKind.MinReplicas;
    case 'ScaleUpLimit':
      return UnclampedLimitKind.ScaleUpRate;
    case 'ScaleDownLimit':
      return UnclampedLimitKind.ScaleDownRate;
    default:
      return null;
  }
}

function proposingMetric(d: Decision, proposal: number): string {
  for (const m of d.metrics) if (m.ok && m.proposal === proposal) return m.description;
  return '';
}

/**
 * What a decision does to a last-known unclamped value (the /metrics gauge, a CRD-mode status):
 * a new value; kept when the reconcile stopped before a replica count, as status.desiredReplicas
 * is (R3.9.2); removed when the branch has none to give (disabled, out of range, no metrics).
 */
export type UnclampedUpdate =
  { readonly kind: 'set'; readonly replicas: number } | { readonly kind: 'keep' } | { readonly kind: 'remove' };

export function unclampedUpdate(u: UnclampedRecommendation): UnclampedUpdate {
  if (u.replicas !== null) return { kind: 'set', replicas: u.replicas };
  return STOPPED.has(u.absent) ? { kind: 'keep' } : { kind: 'remove' };
}

/** The status of an `autoscaling.hpa-ts.io/v1` HPA: autoscaling/v2's, plus the unclamped recommendation. */
export type HpaTsStatus = HorizontalPodAutoscalerStatus & { readonly unclampedReplicas?: number };

/** status.unclampedReplicas as read back: a non-negative integer, else unset. */
export function unclampedReplicasOf(status: HorizontalPodAutoscalerStatus | null | undefined): number | undefined {
  const v: unknown = status == null ? undefined : (status as HpaTsStatus).unclampedReplicas;
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined;
}

/**
 * The status to write for an `autoscaling.hpa-ts.io/v1` HPA: the decision's (upstream's) status
 * with unclampedReplicas set, kept from `previous`, or left out, per unclampedUpdate. Built-in
 * autoscaling/v2 HPAs are never given it.
 */
export function withUnclampedReplicas(
  status: HorizontalPodAutoscalerStatus,
  previous: HorizontalPodAutoscalerStatus | null | undefined,
  update: UnclampedUpdate,
): HpaTsStatus {
  const { unclampedReplicas: _dropped, ...upstream } = status as HpaTsStatus;
  const value =
    update.kind === 'set' ? update.replicas : update.kind === 'keep' ? unclampedReplicasOf(previous) : undefined;
  return value === undefined ? upstream : { ...upstream, unclampedReplicas: value };
}

/** The `explain` line (after "unclamped recommendation: "): what the metrics ask for and what limited it, or why there is none. */
export function explainUnclamped(u: UnclampedRecommendation, d: Pick<Decision, 'minReplicas' | 'maxReplicas'>): string {
  if (u.replicas === null) return `none: ${ABSENCE_TEXT[u.absent]}`;
  const asked = `metrics ask for ${u.replicas} replica${u.replicas === 1 ? '' : 's'}${u.partial ? ' (from the metrics that could be computed)' : ''}`;
  if (u.limits.length === 0) return `${asked}; not limited`;
  return `${asked}; ${u.limits.map((l) => limitText(l, d)).join(', then ')}`;
}

const ABSENCE_TEXT: Readonly<Record<UnclampedAbsence, string>> = {
  invalidSpec: 'the HPA spec is invalid, no metric was read',
  scaleUnavailable: 'the scale could not be read, no metric was read',
  disabled: 'the target has 0 replicas, autoscaling is disabled, no metric was read',
  aboveMax: 'current replicas above maxReplicas, scaled back without reading metrics',
  belowMin: 'current replicas below minReplicas, scaled back without reading metrics',
  metricsFailed: 'the metrics gave no replica count',
  noMetrics: 'the HPA has no metrics',
};

function limitText(l: UnclampedLimit, d: Pick<Decision, 'minReplicas' | 'maxReplicas'>): string {
  switch (l.by) {
    case 'scaleUpStabilization':
      return `held at ${l.replicas} by the scale-up stabilization window (${l.reason})`;
    case 'scaleDownStabilization':
      return `held at ${l.replicas} by the scale-down stabilization window (${l.reason})`;
    case 'maxReplicas':
      return `limited to ${l.replicas} by maxReplicas ${d.maxReplicas} (${l.reason})`;
    case 'minReplicas':
      return `raised to ${l.replicas} by minReplicas ${d.minReplicas} (${l.reason})`;
    case 'scaleUpRate':
      return `limited to ${l.replicas} by the scale-up rate limit (${l.reason})`;
    case 'scaleDownRate':
      return `limited to ${l.replicas} by the scale-down rate limit (${l.reason})`;
    case 'scaleFromZero':
      return `raised to ${l.replicas} by minReplicas ${d.minReplicas} when scaling up from zero`;
  }
}
