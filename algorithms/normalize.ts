import type { HorizontalPodAutoscalerBehavior, HorizontalPodAutoscalerCondition } from './api-types.js';
import { ConditionMessage, setCondition } from './conditions.js';
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

/** Without behavior: legacy stabilization then min/max and the legacy scale-up cap (normalizeDesiredReplicas, §3.4). */
export function normalizeLegacy(
  conditions: readonly HorizontalPodAutoscalerCondition[],
  history: HpaHistory,
  currentReplicas: number,
  prenormalized: number,
  minReplicas: number,
  maxReplicas: number,
  config: ControllerConfig,
  now: Instant,
): Normalized {
  const stab = stabilizeRecommendation(
    history.recommendations ?? [],
    prenormalized,
    config.downscaleStabilizationWindowSeconds,
    now,
  );
  let conds =
    stab.replicas !== prenormalized
      ? setCondition(
          conditions,
          {
            type: 'AbleToScale',
            status: 'True',
            reason: 'ScaleDownStabilized',
            message: SCALE_DOWN_STABILIZED_MESSAGE,
          },
          now,
        )
      : setCondition(
          conditions,
          {
            type: 'AbleToScale',
            status: 'True',
            reason: 'ReadyForNewScale',
            message: ConditionMessage.ReadyForNewScale,
          },
          now,
        );
  const limited = convertDesiredReplicasWithRules(
    currentReplicas,
    stab.replicas,
    minReplicas,
    maxReplicas,
    config.scaleUpLimitFactor,
    config.scaleUpLimitMinimum,
  );
  conds = setCondition(
    conds,
    {
      type: 'ScalingLimited',
      status: limited.replicas === stab.replicas ? 'False' : 'True',
      reason: limited.reason,
      message: limited.message,
    },
    now,
  );
  return {
    desiredReplicas: limited.replicas,
    conditions: conds,
    history: { ...history, recommendations: stab.recommendations },
    detail: {
      path: 'legacy',
      prenormalized,
      stabilized: stab.replicas,
      stabilizationReason: stab.replicas !== prenormalized ? 'ScaleDownStabilized' : null,
      limited,
      scaleDownWindowSeconds: config.downscaleStabilizationWindowSeconds,
    },
  };
}

/** With behavior: two-sided stabilization then the policies' rate limits (normalizeDesiredReplicasWithBehaviors, §3.5). */
export function normalizeWithBehavior(
  conditions: readonly HorizontalPodAutoscalerCondition[],
  history: HpaHistory,
  behavior: HorizontalPodAutoscalerBehavior,
  currentReplicas: number,
  prenormalized: number,
  minReplicas: number,
  maxReplicas: number,
  config: ControllerConfig,
  now: Instant,
): Normalized {
  const b = effectiveBehavior(behavior, config);
  const upWindow = b.scaleUp?.stabilizationWindowSeconds ?? 0;
  const downWindow = b.scaleDown?.stabilizationWindowSeconds ?? 0;
  const stab = stabilizeRecommendationWithBehaviors(
    history.recommendations ?? [],
    currentReplicas,
    prenormalized,
    upWindow,
    downWindow,
    now,
  );
  let conds =
    stab.replicas !== prenormalized
      ? setCondition(
          conditions,
          { type: 'AbleToScale', status: 'True', reason: stab.reason, message: stab.message },
          now,
        )
      : setCondition(
          conditions,
          {
            type: 'AbleToScale',
            status: 'True',
            reason: 'ReadyForNewScale',
            message: ConditionMessage.ReadyForNewScale,
          },
          now,
        );
  const limited = convertDesiredReplicasWithBehaviorRate(
    currentReplicas,
    stab.replicas,
    minReplicas,
    maxReplicas,
    b,
    history.scaleUpEvents,
    history.scaleDownEvents,
    now,
  );
  conds = setCondition(
    conds,
    {
      type: 'ScalingLimited',
      status: limited.replicas === stab.replicas ? 'False' : 'True',
      reason: limited.reason,
      message: limited.message,
    },
    now,
  );
  return {
    desiredReplicas: limited.replicas,
    conditions: conds,
    history: { ...history, recommendations: stab.recommendations },
    detail: {
      path: 'behavior',
      prenormalized,
      stabilized: stab.replicas,
      stabilizationReason: stab.replicas !== prenormalized ? stab.reason : null,
      limited,
      scaleUpWindowSeconds: upWindow,
      scaleDownWindowSeconds: downWindow,
    },
  };
}
