import type { HorizontalPodAutoscalerBehavior, HorizontalPodAutoscalerCondition } from './api-types.js';
import { ConditionMessage, setCondition, type ConditionUpdate } from './conditions.js';
import type { HpaHistory } from './history.js';
import { convertDesiredReplicasWithBehaviorRate, convertDesiredReplicasWithRules, type Limited } from './policies.js';
import type { ControllerConfig } from './profile.js';
import {
  SCALE_DOWN_STABILIZED_MESSAGE,
  stabilizeRecommendation,
  stabilizeRecommendationWithBehaviors,
} from './stabilization.js';
import type { Instant } from './time.js';
import { generateScaleDownRules, generateScaleUpRules } from './validation.js';

/** What normalization did, for the decision record. */
export interface NormalizationDetail {
  readonly path: 'legacy' | 'behavior';
  readonly prenormalized: number;
  readonly stabilized: number;
  readonly stabilizationReason: string | null;
  readonly limited: Limited;
  /** windows used, seconds */
  readonly scaleUpWindowSeconds?: number;
  readonly scaleDownWindowSeconds: number;
}

export interface Normalized {
  readonly desiredReplicas: number;
  readonly conditions: HorizontalPodAutoscalerCondition[];
  readonly history: HpaHistory;
  readonly detail: NormalizationDetail;
}

/**
 * The behavior the controller works with: API defaulting applied (idempotent on objects read
 * from an API server) and the scale-down window filled from the controller flag, in memory only
 * (upstream maybeInitScaleDownStabilizationWindow, R3.5.1).
 */
export function effectiveBehavior(
  behavior: HorizontalPodAutoscalerBehavior,
  config: ControllerConfig,
): HorizontalPodAutoscalerBehavior {
  const scaleUp = generateScaleUpRules(behavior.scaleUp);
  const scaleDown = generateScaleDownRules(behavior.scaleDown);
  const downWindow = scaleDown.stabilizationWindowSeconds ?? Math.trunc(config.downscaleStabilizationWindowSeconds);
  return { scaleUp, scaleDown: { ...scaleDown, stabilizationWindowSeconds: downWindow } };
}

/** What both normalizations start from (§3.1 step 7.6). */
export interface NormalizeInput {
  /** the conditions so far; normalization sets AbleToScale and ScalingLimited */
  readonly conditions: readonly HorizontalPodAutoscalerCondition[];
  /** its recommendations are read, and this reconcile's is recorded (§3.7) */
  readonly history: HpaHistory;
  readonly currentReplicas: number;
  /** the metrics' proposal, before normalization */
  readonly desiredReplicas: number;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly now: Instant;
}

/** AbleToScale after stabilization (R3.4.2, R3.5.3): the stabilizer's reason if it changed the count. */
function stabilizationCondition(
  changed: { readonly reason: string; readonly message: string } | null,
): ConditionUpdate {
  return changed === null
    ? { type: 'AbleToScale', status: 'True', reason: 'ReadyForNewScale', message: ConditionMessage.ReadyForNewScale }
    : { type: 'AbleToScale', status: 'True', reason: changed.reason, message: changed.message };
}

/** ScalingLimited after the clamp (R3.4.4, R3.5.7): True when the clamp moved the stabilized count. */
function limitCondition(limited: Limited, stabilized: number): ConditionUpdate {
  return {
    type: 'ScalingLimited',
    status: limited.replicas === stabilized ? 'False' : 'True',
    reason: limited.reason,
    message: limited.message,
  };
}

/** Without behavior: legacy stabilization then min/max and the legacy scale-up cap (normalizeDesiredReplicas, §3.4). */
export function normalizeLegacy(
  input: NormalizeInput,
  config: Pick<ControllerConfig, 'downscaleStabilizationWindowSeconds' | 'scaleUpLimitFactor' | 'scaleUpLimitMinimum'>,
): Normalized {
  const { history, currentReplicas, desiredReplicas: prenormalized, now } = input;
  const stab = stabilizeRecommendation({
    recommendations: history.recommendations ?? [],
    desiredReplicas: prenormalized,
    windowSeconds: config.downscaleStabilizationWindowSeconds,
    now,
  });
  const stabilized = stab.replicas !== prenormalized;
  const limited = convertDesiredReplicasWithRules({
    currentReplicas,
    desiredReplicas: stab.replicas,
    minReplicas: input.minReplicas,
    maxReplicas: input.maxReplicas,
    scaleUpLimitFactor: config.scaleUpLimitFactor,
    scaleUpLimitMinimum: config.scaleUpLimitMinimum,
  });
  let conditions = setCondition(
    input.conditions,
    stabilizationCondition(
      stabilized ? { reason: 'ScaleDownStabilized', message: SCALE_DOWN_STABILIZED_MESSAGE } : null,
    ),
    now,
  );
  conditions = setCondition(conditions, limitCondition(limited, stab.replicas), now);
  return {
    desiredReplicas: limited.replicas,
    conditions,
    history: { ...history, recommendations: stab.recommendations },
    detail: {
      path: 'legacy',
      prenormalized,
      stabilized: stab.replicas,
      stabilizationReason: stabilized ? 'ScaleDownStabilized' : null,
      limited,
      scaleDownWindowSeconds: config.downscaleStabilizationWindowSeconds,
    },
  };
}

/**
 * With behavior: two-sided stabilization then the policies' rate limits
 * (normalizeDesiredReplicasWithBehaviors, §3.5). `behavior` is the one effectiveBehavior returns.
 */
export function normalizeWithBehavior(input: NormalizeInput, behavior: HorizontalPodAutoscalerBehavior): Normalized {
  const { history, currentReplicas, desiredReplicas: prenormalized, now } = input;
  const upWindow = behavior.scaleUp?.stabilizationWindowSeconds ?? 0;
  const downWindow = behavior.scaleDown?.stabilizationWindowSeconds ?? 0;
  const stab = stabilizeRecommendationWithBehaviors({
    recommendations: history.recommendations ?? [],
    currentReplicas,
    desiredReplicas: prenormalized,
    scaleUpWindowSeconds: upWindow,
    scaleDownWindowSeconds: downWindow,
    now,
  });
  const stabilized = stab.replicas !== prenormalized;
  const limited = convertDesiredReplicasWithBehaviorRate({
    currentReplicas,
    desiredReplicas: stab.replicas,
    minReplicas: input.minReplicas,
    maxReplicas: input.maxReplicas,
    behavior,
    scaleUpEvents: history.scaleUpEvents,
    scaleDownEvents: history.scaleDownEvents,
    now,
  });
  let conditions = setCondition(input.conditions, stabilizationCondition(stabilized ? stab : null), now);
  conditions = setCondition(conditions, limitCondition(limited, stab.replicas), now);
  return {
    desiredReplicas: limited.replicas,
    conditions,
    history: { ...history, recommendations: stab.recommendations },
    detail: {
      path: 'behavior',
      prenormalized,
      stabilized: stab.replicas,
      stabilizationReason: stabilized ? stab.reason : null,
      limited,
      scaleUpWindowSeconds: upWindow,
      scaleDownWindowSeconds: downWindow,
    },
  };
}
