/**
 * The rescale (§3.8): decide() plans it, settleRescale records what became of the write — the
 * decision before the write and the decision after it are two explicit steps.
 */
import type { MetricSpec } from './api-types.js';
import { ConditionMessage, removeCondition, setCondition, type ConditionUpdate } from './conditions.js';
import { composeStatus, reviseDecision, type Reconcile, type RescaleTarget } from './decision-build.js';
import type { Decision, Rescale, ScaleWrite } from './decision.js';
import { failedRescale } from './reconcile-errors.js';
import { formatInstant, type Instant } from './time.js';

export function hasObjectOrExternalMetric(metrics: readonly MetricSpec[] | null | undefined): boolean {
  return (metrics ?? []).some((m) => m.type === 'Object' || m.type === 'External');
}

/** §3.1 step 8: the write decide() wants, with what a success will do to ScaledToZero. */
export function plannedRescale(r: Reconcile, t: RescaleTarget): Rescale {
  return {
    from: t.currentReplicas,
    to: t.desiredReplicas,
    reason: t.reason,
    scaledToZero: scaledToZeroAfterRescale(r, t.currentReplicas, t.desiredReplicas),
    write: 'planned',
  };
}

/**
 * R3.10.3 (upstream getScaledToZeroConditionStatus), from 1.36: after every successful rescale,
 * ScaledToZero=True if this one went to zero on Object/External metrics with minReplicas 0, else
 * False; without the gate the condition is removed. Before 1.36 it is left alone.
 */
function scaledToZeroAfterRescale(r: Reconcile, from: number, to: number): Rescale['scaledToZero'] {
  const { hpa, profile } = r.input;
  if (profile.scaleToZeroMode !== 'conditionBased') return null;
  if (!profile.gates.HPAScaleToZero) return 'remove';
  const toZero =
    from > 0 && to === 0 && (hpa.spec.minReplicas ?? 1) === 0 && hasObjectOrExternalMetric(hpa.spec.metrics);
  return toZero
    ? { type: 'ScaledToZero', status: 'True', reason: 'ScaledToZero', message: ConditionMessage.ScaledToZero }
    : { type: 'ScaledToZero', status: 'False', reason: 'NotScaledToZero', message: ConditionMessage.NotScaledToZero };
}

/**
 * §3.8: the decision once its planned scale write is over. `written` and `skipped` (dry-run,
 * shadow, explain: reported as if it had succeeded) complete the rescale (R3.8.4); `failed` stops
 * the reconcile with FailedRescale (R3.8.3). `now` stamps the conditions and lastScaleTime. A
 * decision without a planned rescale is returned as it is.
 */
export function settleRescale(decision: Decision, write: ScaleWrite, now: Instant): Decision {
  const planned = decision.rescale;
  if (planned === null || planned.write !== 'planned') return decision;
  return write.kind === 'failed'
    ? rescaleFailed(decision, planned, write.message, now)
    : rescaleSucceeded(decision, settled(planned, write.kind), now);
}

function settled(planned: Rescale, write: Rescale['write']): Rescale {
  return { from: planned.from, to: planned.to, reason: planned.reason, scaledToZero: planned.scaledToZero, write };
}

/**
 * R3.8.4: AbleToScale=True SucceededRescale, the SuccessfulRescale event, then ScaledToZero
 * (R3.10.3); the status gets the new desired count and lastScaleTime (R3.9.1). The scale event
 * is historyAfter's (§3.6).
 */
function rescaleSucceeded(decision: Decision, rescale: Rescale, now: Instant): Decision {
  let conditions = setCondition(
    decision.status.conditions ?? [],
    {
      type: 'AbleToScale',
      status: 'True',
      reason: 'SucceededRescale',
      message: ConditionMessage.SucceededRescale + String(rescale.to),
    },
    now,
  );
  conditions = applyScaledToZero(conditions, rescale.scaledToZero, now);
  const status = composeStatus({
    observedGeneration: decision.status.observedGeneration ?? undefined,
    lastScaleTime: formatInstant(now),
    currentReplicas: rescale.from,
    desiredReplicas: rescale.to,
    metrics: decision.metrics,
    conditions,
  });
  return reviseDecision(decision, {
    rescale,
    status,
    events: [
      ...decision.events,
      { type: 'Normal', reason: 'SuccessfulRescale', message: `New size: ${rescale.to}; reason: ${rescale.reason}` },
    ],
    error: decision.error,
    monitor: {
      reconciliation: {
        action: rescale.to > rescale.from ? 'scale_up' : 'scale_down',
        error: decision.monitor.reconciliation.error,
      },
      metricComputations: decision.monitor.metricComputations,
      desiredReplicas: rescale.to,
    },
  });
}

function applyScaledToZero(
  conditions: ReturnType<typeof setCondition>,
  update: ConditionUpdate | 'remove' | null,
  now: Instant,
): ReturnType<typeof setCondition> {
  if (update === null) return conditions;
  if (update === 'remove') return removeCondition(conditions, 'ScaledToZero');
  return setCondition(conditions, update, now);
}

/**
 * R3.8.3: the FailedRescale event and AbleToScale=False FailedUpdateScale; the status keeps the
 * old desired count and lastScaleTime (R3.9.2); the reconcile returns `failed to rescale …`.
 */
function rescaleFailed(decision: Decision, planned: Rescale, message: string, now: Instant): Decision {
  const conditions = setCondition(
    decision.status.conditions ?? [],
    {
      type: 'AbleToScale',
      status: 'False',
      reason: 'FailedUpdateScale',
      message: ConditionMessage.FailedUpdateScale + message,
    },
    now,
  );
  return reviseDecision(decision, {
    rescale: settled(planned, 'failed'),
    status: { ...decision.status, conditions },
    events: [
      ...decision.events,
      {
        type: 'Warning',
        reason: 'FailedRescale',
        message: `New size: ${planned.to}; reason: ${planned.reason}; error: ${message}`,
      },
    ],
    error: failedRescale(decision.reference, message),
    monitor: {
      reconciliation: { action: 'none', error: 'internal' },
      metricComputations: decision.monitor.metricComputations,
      desiredReplicas: null,
    },
  });
}
