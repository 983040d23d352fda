import type { HorizontalPodAutoscalerBehavior, HPAScalingRules } from './api-types.js';
import { replicasChangePerPeriod, type ScaleEvent } from './history.js';
import { MAX_INT32, MIN_INT32, toInt32 } from './numeric.js';
import type { Instant } from './time.js';

export const LimitReason = {
  DesiredWithinRange: 'DesiredWithinRange',
  TooFewReplicas: 'TooFewReplicas',
  TooManyReplicas: 'TooManyReplicas',
  ScaleUpLimit: 'ScaleUpLimit',
  ScaleDownLimit: 'ScaleDownLimit',
} as const;
export type LimitReason = (typeof LimitReason)[keyof typeof LimitReason];

export const LIMIT_MESSAGES: Readonly<Record<LimitReason, string>> = {
  DesiredWithinRange: 'the desired count is within the acceptable range',
  TooFewReplicas: 'the desired replica count is less than the minimum replica count',
  TooManyReplicas: 'the desired replica count is more than the maximum replica count',
  ScaleUpLimit: 'the desired replica count is increasing faster than the maximum scale rate',
  ScaleDownLimit: 'the desired replica count is decreasing faster than the maximum scale rate',
};

export interface Limited {
  readonly replicas: number;
  readonly reason: LimitReason;
  readonly message: string;
}

function limited(replicas: number, reason: LimitReason): Limited {
  return { replicas, reason, message: LIMIT_MESSAGES[reason] };
}

/** Legacy cap on one step up: trunc(max(factor × current, minimum)) (calculateScaleUpLimit). */
export function legacyScaleUpLimit(currentReplicas: number, factor: number, minimum: number): number {
  return toInt32(Math.max(factor * currentReplicas, minimum));
}

/** The counts a clamp works on: the current one, the stabilized proposal and the HPA's bounds. */
export interface ReplicaRange {
  readonly currentReplicas: number;
  /** the stabilized recommendation to clamp */
  readonly desiredReplicas: number;
  readonly minReplicas: number;
  readonly maxReplicas: number;
}

/** Clamp without behavior: min/max and the legacy scale-up cap (convertDesiredReplicasWithRules, R3.4.3). */
export function convertDesiredReplicasWithRules(
  args: ReplicaRange & { readonly scaleUpLimitFactor: number; readonly scaleUpLimitMinimum: number },
): Limited {
  const { currentReplicas, desiredReplicas, minReplicas, maxReplicas } = args;
  const scaleUpLimit = legacyScaleUpLimit(currentReplicas, args.scaleUpLimitFactor, args.scaleUpLimitMinimum);
  const capped = maxReplicas > scaleUpLimit;
  const maxAllowed = capped ? scaleUpLimit : maxReplicas;
  if (desiredReplicas < minReplicas) return limited(minReplicas, 'TooFewReplicas');
  if (desiredReplicas > maxAllowed) return limited(maxAllowed, capped ? 'ScaleUpLimit' : 'TooManyReplicas');
  return limited(desiredReplicas, 'DesiredWithinRange');
}

/** The recent rescales the behavior policies measure from (§3.6), as of `now`. */
export interface RecentScaleEvents {
  readonly currentReplicas: number;
  readonly scaleUpEvents: readonly ScaleEvent[];
  readonly scaleDownEvents: readonly ScaleEvent[];
  readonly now: Instant;
}

/**
 * The replica count at the start of a policy's period: the current count with the changes made
 * since undone (events strictly newer than `now − periodSeconds` count).
 */
function periodStartReplicas(periodSeconds: number, recent: RecentScaleEvents): number {
  return (
    recent.currentReplicas -
    replicasChangePerPeriod(periodSeconds, recent.scaleUpEvents, recent.now) +
    replicasChangePerPeriod(periodSeconds, recent.scaleDownEvents, recent.now)
  );
}

/**
 * The most the scale-up policies allow now (calculateScaleUpLimitWithScalingRules, R3.5.5):
 * each policy measures from the replica count at the start of its period. Percent uses
 * float64 exactly as upstream, artefacts included (ceil(100 × 1.1) = 111).
 */
export function scaleUpLimit(rules: HPAScalingRules, recent: RecentScaleEvents): number {
  if (rules.selectPolicy === 'Disabled') return recent.currentReplicas;
  const useMin = rules.selectPolicy === 'Min';
  let result = useMin ? MAX_INT32 : MIN_INT32;
  for (const policy of rules.policies ?? []) {
    const start = periodStartReplicas(policy.periodSeconds, recent);
    const proposed =
      policy.type === 'Pods' ? start + policy.value : toInt32(Math.ceil(start * (1 + policy.value / 100)));
    result = useMin ? Math.min(result, proposed) : Math.max(result, proposed);
  }
  return result;
}

/** The least the scale-down policies allow now (calculateScaleDownLimitWithBehaviors, R3.5.6). */
export function scaleDownLimit(rules: HPAScalingRules, recent: RecentScaleEvents): number {
  if (rules.selectPolicy === 'Disabled') return recent.currentReplicas;
  const useMin = rules.selectPolicy === 'Min';
  let result = useMin ? MIN_INT32 : MAX_INT32;
  for (const policy of rules.policies ?? []) {
    const start = periodStartReplicas(policy.periodSeconds, recent);
    const proposed = policy.type === 'Pods' ? start - policy.value : toInt32(start * (1 - policy.value / 100));
    // Min picks the policy that removes the fewest pods, i.e. the highest floor.
    result = useMin ? Math.max(result, proposed) : Math.min(result, proposed);
  }
  return result;
}

/**
 * Clamp with behavior: rate limits from the policies, then min/max — up never applies
 * minReplicas and down never applies maxReplicas (convertDesiredReplicasWithBehaviorRate, R3.5.4).
 */
export function convertDesiredReplicasWithBehaviorRate(
  args: ReplicaRange & RecentScaleEvents & { readonly behavior: HorizontalPodAutoscalerBehavior },
): Limited {
  const { currentReplicas, desiredReplicas, minReplicas, maxReplicas, behavior } = args;
  if (desiredReplicas > currentReplicas) {
    let limit = scaleUpLimit(behavior.scaleUp ?? {}, args);
    if (limit < currentReplicas) limit = currentReplicas;
    const capped = maxReplicas > limit;
    const maxAllowed = capped ? limit : maxReplicas;
    if (desiredReplicas > maxAllowed) return limited(maxAllowed, capped ? 'ScaleUpLimit' : 'TooManyReplicas');
  } else if (desiredReplicas < currentReplicas) {
    let limit = scaleDownLimit(behavior.scaleDown ?? {}, args);
    if (limit > currentReplicas) limit = currentReplicas;
    const capped = minReplicas < limit;
    const minAllowed = capped ? limit : minReplicas;
    if (desiredReplicas < minAllowed) return limited(minAllowed, capped ? 'ScaleDownLimit' : 'TooFewReplicas');
  }
  return limited(desiredReplicas, 'DesiredWithinRange');
}
