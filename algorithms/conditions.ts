import type { ConditionStatus, HorizontalPodAutoscalerCondition } from './api-types.js';
import { formatInstant, type Instant } from './time.js';

/** Reason strings and messages exactly as upstream puts them on conditions (spec §4.1). */
export const ConditionMessage = {
  FailedGetScale: "the HPA controller was unable to get the target's current scale: ",
  SucceededGetScale: "the HPA controller was able to get the target's current scale",
  ReadyForNewScale: 'recommended size matches current size',
  SucceededRescale: 'the HPA controller was able to update the target scale to ',
  FailedUpdateScale: 'the HPA controller was unable to update the target scale: ',
  ScalingDisabled: 'scaling is disabled since the replica count of the target is zero',
  MissingSelector: "the HPA target's scale is missing a selector",
  UnableToCompute: 'the HPA was unable to compute the replica count: ',
  ValidMetricFound: 'the HPA was able to successfully calculate a replica count from ',
  ScaledToZero: 'the HPA controller scaled the workload to zero',
  NotScaledToZero: 'the HPA controller did not scale the workload to zero',
} as const;

export interface ConditionUpdate {
  readonly type: string;
  readonly status: ConditionStatus | '';
  readonly reason: string;
  readonly message: string;
}

/**
 * Sets one condition in place (upstream setConditionInList, R3.9.4): an existing type keeps its
 * position; a new one is appended; lastTransitionTime moves only when the status changes.
 */
export function setCondition(
  list: readonly HorizontalPodAutoscalerCondition[],
  update: ConditionUpdate,
  now: Instant,
): HorizontalPodAutoscalerCondition[] {
  const next = list.slice();
  const i = next.findIndex((c) => c.type === update.type);
  const existing = i >= 0 ? next[i] : undefined;
  const transition =
    existing === undefined || existing.status !== update.status ? formatInstant(now) : existing.lastTransitionTime;
  const cond: HorizontalPodAutoscalerCondition = {
    type: update.type,
    status: update.status,
    lastTransitionTime: transition ?? null,
    reason: update.reason,
    message: update.message,
  };
  if (i >= 0) next[i] = cond;
  else next.push(cond);
  return next;
}

export function removeCondition(
  list: readonly HorizontalPodAutoscalerCondition[],
  type: string,
): HorizontalPodAutoscalerCondition[] {
  return list.filter((c) => c.type !== type);
}

export function findCondition(
  list: readonly HorizontalPodAutoscalerCondition[] | null | undefined,
  type: string,
): HorizontalPodAutoscalerCondition | undefined {
  return (list ?? []).find((c) => c.type === type);
}
