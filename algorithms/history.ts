import type { HorizontalPodAutoscalerBehavior, HPAScalingRules } from './api-types.js';
import type { Decision } from './decision.js';
import type { Instant } from './time.js';

/** One unstabilized desired count from a metrics-path reconcile (§3.7). */
export interface Recommendation {
  readonly replicas: number;
  readonly time: Instant;
}

/** One successful rescale in one direction (§3.6). */
export interface ScaleEvent {
  readonly replicaChange: number;
  readonly time: Instant;
  readonly outdated: boolean;
}

/**
 * The controller's in-memory state for one HPA. `recommendations: null` means no entry yet,
 * which is different from an existing empty list (upstream recordInitialRecommendation).
 */
export interface HpaHistory {
  readonly recommendations: readonly Recommendation[] | null;
  readonly scaleUpEvents: readonly ScaleEvent[];
  readonly scaleDownEvents: readonly ScaleEvent[];
  /**
   * hpa-ts.io/fallback-* (fallback.ts): consecutive reconciles with a failed metric; absent
   * without the annotation, so an HPA without it keeps upstream's history to the byte
   */
  readonly fallback?: FallbackHistory;
}

/** What the fallback remembers of one HPA between reconciles (docs/annotations.md, fallback). */
export interface FallbackHistory {
  /** reconciles in a row in which at least one metric could not be computed */
  readonly consecutiveFailures: number;
  /** whether the last of them scaled to the fallback count */
  readonly active: boolean;
  /** when the last failure was counted: retries within half a sync period are not counted again */
  readonly lastCountedAt?: Instant;
}

export const EMPTY_HISTORY: HpaHistory = { recommendations: null, scaleUpEvents: [], scaleDownEvents: [] };

/** Sum of replica changes of events newer than `now − periodSeconds` (getReplicasChangePerPeriod). */
export function replicasChangePerPeriod(periodSeconds: number, events: readonly ScaleEvent[], now: Instant): number {
  const cutoff = now - periodSeconds * 1000;
  let sum = 0;
  for (const e of events) if (e.time > cutoff) sum += e.replicaChange;
  return sum;
}

export function longestPolicyPeriod(rules: HPAScalingRules | null | undefined): number {
  let longest = 0;
  for (const p of rules?.policies ?? []) if (p.periodSeconds > longest) longest = p.periodSeconds;
  return longest;
}

/** One change of scale.spec.replicas: ours (R3.6.2) or, in shadow mode, the built-in controller's. */
export interface ReplicaChange {
  readonly prevReplicas: number;
  readonly newReplicas: number;
  readonly now: Instant;
}

/**
 * Records a successful rescale (upstream storeScaleEvent, §3.6): only with a behavior; events
 * older than the direction's longest policy period are marked outdated and the last outdated one
 * is recycled, so the list stays bounded.
 */
export function storeScaleEvent(
  history: HpaHistory,
  behavior: HorizontalPodAutoscalerBehavior | null | undefined,
  change: ReplicaChange,
): HpaHistory {
  if (behavior === null || behavior === undefined) return history;
  const { prevReplicas, newReplicas, now } = change;
  const up = newReplicas > prevReplicas;
  const rules = up ? behavior.scaleUp : behavior.scaleDown;
  const cutoff = now - longestPolicyPeriod(rules) * 1000;
  const events = (up ? history.scaleUpEvents : history.scaleDownEvents).map((e) =>
    e.time < cutoff && !e.outdated ? { ...e, outdated: true } : e,
  );
  let lastOutdated = -1;
  events.forEach((e, i) => {
    if (e.outdated) lastOutdated = i;
  });
  const event: ScaleEvent = { replicaChange: Math.abs(newReplicas - prevReplicas), time: now, outdated: false };
  if (lastOutdated >= 0) events[lastOutdated] = event;
  else events.push(event);
  return up ? { ...history, scaleUpEvents: events } : { ...history, scaleDownEvents: events };
}

/**
 * The history to keep after a decision, in every write mode (§3.6, §3.7): the decision's
 * recommendation always; a scale event for our rescale only once it was written (a failed write,
 * dry-run and shadow change nothing in the cluster); and in shadow mode the built-in controller's
 * rescale, so the behavior policies count the changes that really happened to the workload.
 * Scale events are stamped `now`, the decision's time.
 */
export function historyAfter(
  decision: Pick<Decision, 'history' | 'behavior' | 'rescale'>,
  opts: {
    readonly now: Instant;
    /** shadow mode: the built-in controller's rescale seen in this sync */
    readonly builtinRescale?: { readonly from: number; readonly to: number } | undefined;
  },
): HpaHistory {
  let history = decision.history;
  const { rescale, behavior } = decision;
  if (rescale !== null && rescale.write === 'written') {
    history = storeScaleEvent(history, behavior, {
      prevReplicas: rescale.from,
      newReplicas: rescale.to,
      now: opts.now,
    });
  }
  const builtin = opts.builtinRescale;
  if (builtin !== undefined && builtin.from !== builtin.to) {
    history = storeScaleEvent(history, behavior, {
      prevReplicas: builtin.from,
      newReplicas: builtin.to,
      now: opts.now,
    });
  }
  return history;
}

/** Stores `{desired, now}` over the last old entry, or appends (both stabilizers share this). */
export function recordRecommendation(
  recs: readonly Recommendation[],
  oldIndex: number,
  replicas: number,
  now: Instant,
): Recommendation[] {
  const next = recs.slice();
  const rec = { replicas, time: now };
  if (oldIndex >= 0) next[oldIndex] = rec;
  else next.push(rec);
  return next;
}
