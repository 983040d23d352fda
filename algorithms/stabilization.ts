import type { Recommendation } from './history.js';
import { recordRecommendation } from './history.js';
import type { Instant } from './time.js';

export interface Stabilized {
  readonly replicas: number;
  readonly recommendations: readonly Recommendation[];
}

/**
 * Without behavior: the highest recommendation of the downscale window (upstream
 * stabilizeRecommendation, R3.4.1). A recommendation at exactly the cutoff still counts.
 */
export function stabilizeRecommendation(args: {
  readonly recommendations: readonly Recommendation[];
  /** the metrics' proposal, recorded as this reconcile's recommendation */
  readonly desiredReplicas: number;
  readonly windowSeconds: number;
  readonly now: Instant;
}): Stabilized {
  const { recommendations: recs, desiredReplicas, now } = args;
  const cutoff = now - args.windowSeconds * 1000;
  let max = desiredReplicas;
  let oldIndex = -1;
  recs.forEach((rec, i) => {
    if (rec.time < cutoff) oldIndex = i;
    else if (rec.replicas > max) max = rec.replicas;
  });
  return { replicas: max, recommendations: recordRecommendation(recs, oldIndex, desiredReplicas, now) };
}

export interface BehaviorStabilized extends Stabilized {
  readonly reason: 'ScaleUpStabilized' | 'ScaleDownStabilized';
  readonly message: string;
  /** lowest recommendation of the scale-up window, highest of the scale-down window */
  readonly upRecommendation: number;
  readonly downRecommendation: number;
}

export const SCALE_UP_STABILIZED_MESSAGE =
  'recent recommendations were lower than current one, applying the lowest recent recommendation';
export const SCALE_DOWN_STABILIZED_MESSAGE =
  'recent recommendations were higher than current one, applying the highest recent recommendation';

/**
 * With behavior: clamp the current count between the lowest recommendation of the scale-up
 * window and the highest of the scale-down window (upstream stabilizeRecommendationWithBehaviors,
 * R3.5.2). Here a recommendation exactly at a cutoff counts for neither window and is not old.
 */
export function stabilizeRecommendationWithBehaviors(args: {
  readonly recommendations: readonly Recommendation[];
  readonly currentReplicas: number;
  /** the metrics' proposal, recorded as this reconcile's recommendation */
  readonly desiredReplicas: number;
  readonly scaleUpWindowSeconds: number;
  readonly scaleDownWindowSeconds: number;
  readonly now: Instant;
}): BehaviorStabilized {
  const { recommendations: recs, currentReplicas, desiredReplicas: desired, now } = args;
  const upCutoff = now - args.scaleUpWindowSeconds * 1000;
  const downCutoff = now - args.scaleDownWindowSeconds * 1000;
  let upRec = desired;
  let downRec = desired;
  let oldIndex = -1;
  recs.forEach((rec, i) => {
    if (rec.time > upCutoff) upRec = Math.min(upRec, rec.replicas);
    if (rec.time > downCutoff) downRec = Math.max(downRec, rec.replicas);
    if (rec.time < upCutoff && rec.time < downCutoff) oldIndex = i;
  });
  let replicas = currentReplicas;
  if (replicas < upRec) replicas = upRec;
  if (replicas > downRec) replicas = downRec;
  const up = desired >= currentReplicas;
  return {
    replicas,
    recommendations: recordRecommendation(recs, oldIndex, desired, now),
    reason: up ? 'ScaleUpStabilized' : 'ScaleDownStabilized',
    message: up ? SCALE_UP_STABILIZED_MESSAGE : SCALE_DOWN_STABILIZED_MESSAGE,
    upRecommendation: upRec,
    downRecommendation: downRec,
  };
}
