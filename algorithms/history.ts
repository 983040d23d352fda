import type { HorizontalPodAutoscalerBehavior, HPAScalingRules } from './api-types.js';
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

/**
 * Records a successful rescale (upstream storeScaleEvent, §3.6): only with a behavior; events
 * older than the direction's longest policy period are marked outdated and the last outdated one
 * is recycled, so the list stays bounded.
 */
export function storeScaleEvent(
  history: HpaHistory,
  behavior: HorizontalPodAutoscalerBehavior | null | undefined,
  prevReplicas: number,
  newReplicas: number,
  now: Instant,
): HpaHistory {
  if (behavior === null || behavior === undefined) return history;
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
