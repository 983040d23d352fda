/**
 * decide(): one upstream reconcile of one HPA (horizontal.go reconcileAutoscaler, §3.1), minus
 * the I/O, as a sequence of named steps in the spec's order. The metrics path (§3.1 step 7) is in
 * metrics-path.ts, the scale write's outcome (§3.8) in rescale.ts.
 */
import { withAnnotations } from './annotated-decision.js';
import type { Scale } from './api-types.js';
import { ConditionMessage, findCondition, removeCondition } from './conditions.js';
import {
  composeStatus,
  errorLabel,
  makeDecision,
  stoppedEarly,
  metricComputations,
  observedGenerationOf,
  reviseDecision,
  setReconcileCondition,
  type Reconcile,
  type RescaleTarget,
} from './decision-build.js';
import type { Branch, DecideInput, Decision, ScaleReadError } from './decision.js';
import { fallbackStep, withFallback } from './fallback.js';
import type { HpaHistory } from './history.js';
import { computeReplicasForMetrics, metricsFailed, normalizeProposal } from './metrics-path.js';
import { effectiveBehavior } from './normalize.js';
import { failedGetScale } from './reconcile-errors.js';
import { hasObjectOrExternalMetric, plannedRescale } from './rescale.js';
import { dropStaleSamples, effectiveMaxAge, type StaleSamplesOutcome } from './stale-samples.js';
import { dropStalePodSelection } from './pod-selection-decision.js';
import { invalidSpec } from './validation-decision.js';
import { formatGoValue } from './validation-errors.js';

/**
 * One whole reconcile up to the scale write. Without a rescale the decision is final; with one,
 * `rescale.write` is `planned` and the status is as known before the write: give the write's
 * outcome to settleRescale for the final decision, and the decision to historyAfter for the
 * history to keep.
 */
export function decide(input: DecideInput): Decision {
  // hpa-ts's stale-sample cut-off: upstream decides on the answers without the stale samples
  const maxAge = effectiveMaxAge(input.annotations?.metricsMaxAgeMs, input.config.metricsMaxAgeMs);
  if (maxAge !== null) return decideWithoutStaleSamples(input, maxAge);
  const r = beginReconcile(input); // §3.1 step 1
  dropStalePodSelection(r); // hpa-ts.io/pod-selection removed: its condition goes
  // hpa-ts's annotations act on upstream's whole decision, before any write
  return withAnnotations(r, withFallback(r, upstreamDecision(r, input)));
}

function decideWithoutStaleSamples(
  input: DecideInput,
  maxAge: NonNullable<ReturnType<typeof effectiveMaxAge>>,
): Decision {
  const cut = dropStaleSamples(input.hpa.spec.metrics ?? [], input.metrics, maxAge.maxAgeMs, input.now);
  const fresh: DecideInput = { ...input, metrics: cut.fetches };
  const r = beginReconcile(fresh);
  const d = withAnnotations(r, upstreamDecision(r, fresh));
  const staleSamples: StaleSamplesOutcome = { ...maxAge, dropped: cut.dropped };
  return reviseDecision(d, {
    rescale: d.rescale,
    status: d.status,
    events: d.events,
    error: d.error,
    monitor: d.monitor,
    annotations: d.annotations,
    staleSamples,
  });
}

function upstreamDecision(r: Reconcile, input: DecideInput): Decision {
  if (input.specErrors !== undefined && input.specErrors.length > 0) return invalidSpec(r, input.specErrors); // §8.2
  if (!input.scale.ok) return scaleUnavailable(r, input.scale.error); // step 2
  const scale = input.scale.value;
  const { currentReplicas, history } = scaleRead(r, scale); // steps 3–4
  const branch = chooseBranch(input, currentReplicas); // step 6
  switch (branch) {
    case 'disabled':
      return scalingDisabled(r, currentReplicas, history);
    case 'aboveMax':
    case 'belowMin':
      return conclude(r, boundTarget(r, branch, currentReplicas, history)); // steps 8–9
    case 'metrics': {
      const measured = computeReplicasForMetrics(r, scale, currentReplicas); // step 7.1: §3.3, §2
      // hpa-ts.io/fallback-replicas: without it, `measured` and `history` go on unchanged
      const { computed, history: kept, reason } = fallbackStep(r, measured, currentReplicas, history);
      if (!computed.ok) return metricsFailed(r, computed, currentReplicas, kept); // step 7.2
      const target = normalizeProposal(r, computed, currentReplicas, kept); // steps 7.3–7.7
      return conclude(r, reason === null ? target : { ...target, reason }); // steps 8–9
    }
  }
}

/**
 * §3.1 steps 1 and 5: who this is about, the status as read, the replica bounds (minReplicas
 * defaults to 1) and, once per decision, the behavior as applied — API defaults and the
 * scale-down window from the controller flag (R3.5.1).
 */
function beginReconcile(input: DecideInput): Reconcile {
  const { hpa, config } = input;
  const namespace = hpa.metadata.namespace ?? '';
  const ref = hpa.spec.scaleTargetRef;
  const original = hpa.status ?? { desiredReplicas: 0 };
  return {
    input,
    key: `${namespace}/${hpa.metadata.name}`,
    namespace,
    name: hpa.metadata.name,
    // an invalid spec is decided on too (InvalidSpec): its fields may be of any type
    reference: `${textOf(ref.kind)}/${namespace}/${textOf(ref.name)}`,
    minReplicas: hpa.spec.minReplicas ?? 1,
    maxReplicas: hpa.spec.maxReplicas,
    originalStatus: original,
    behavior: hpa.spec.behavior == null ? null : effectiveBehavior(hpa.spec.behavior, config),
    conditions: [...(original.conditions ?? [])],
    events: [],
  };
}

/**
 * §3.1 step 2 (upstream reconcileAutoscaler, §3.2): the scale could not be read. FailedGetScale
 * event and AbleToScale=False; only the conditions of the status change (R3.9.2); stop.
 */
function scaleUnavailable(r: Reconcile, e: ScaleReadError): Decision {
  r.events.push({ type: 'Warning', reason: 'FailedGetScale', message: e.message });
  setReconcileCondition(r, {
    type: 'AbleToScale',
    status: 'False',
    reason: 'FailedGetScale',
    message: ConditionMessage.FailedGetScale + e.message,
  });
  const error = failedGetScale(e.stage, r.reference, e.message);
  return stoppedEarly(r, 'scaleUnavailable', error);
}

/**
 * §3.1 steps 3–4 (upstream reconcileAutoscaler, recordInitialRecommendation): AbleToScale=True
 * SucceededGetScale; a first reconcile starts the recommendation history with the current count.
 */
function scaleRead(r: Reconcile, scale: Scale): { currentReplicas: number; history: HpaHistory } {
  setReconcileCondition(r, {
    type: 'AbleToScale',
    status: 'True',
    reason: 'SucceededGetScale',
    message: ConditionMessage.SucceededGetScale,
  });
  const currentReplicas = scale.spec.replicas ?? 0;
  const { history, now } = r.input;
  return {
    currentReplicas,
    history:
      history.recommendations === null
        ? { ...history, recommendations: [{ replicas: currentReplicas, time: now }] }
        : history,
  };
}

/**
 * §3.1 step 6, both variants (upstream shouldComputeMetricsForZeroReplicas): which path a reconcile
 * takes once the scale is known.
 */
export function chooseBranch(
  input: Pick<DecideInput, 'hpa' | 'profile'>,
  currentReplicas: number,
): Exclude<Branch, 'invalidSpec' | 'scaleUnavailable' | 'metricsFailed'> {
  const { hpa, profile } = input;
  const minReplicas = hpa.spec.minReplicas ?? 1;
  if (currentReplicas === 0) {
    if (profile.scaleToZeroMode === 'conditionBased') {
      const z =
        profile.gates.HPAScaleToZero && findCondition(hpa.status?.conditions, 'ScaledToZero')?.status === 'True';
      if (!(z && (minReplicas !== 0 || hasObjectOrExternalMetric(hpa.spec.metrics)))) return 'disabled';
      return 'metrics';
    }
    if (minReplicas !== 0) return 'disabled';
  }
  if (currentReplicas > hpa.spec.maxReplicas) return 'aboveMax';
  if (currentReplicas < minReplicas) return 'belowMin';
  return 'metrics';
}

/**
 * §3.1 step 6, first case: the target is at 0 and not autoscaled from there. ScalingActive=False
 * ScalingDisabled; without the gate any ScaledToZero condition goes (§3.10); no rescale.
 */
function scalingDisabled(r: Reconcile, currentReplicas: number, history: HpaHistory): Decision {
  setReconcileCondition(r, {
    type: 'ScalingActive',
    status: 'False',
    reason: 'ScalingDisabled',
    message: ConditionMessage.ScalingDisabled,
  });
  const { profile } = r.input;
  if (profile.scaleToZeroMode === 'conditionBased' && !profile.gates.HPAScaleToZero) {
    r.conditions = removeCondition(r.conditions, 'ScaledToZero');
  }
  return conclude(r, {
    branch: 'disabled',
    currentReplicas,
    desiredReplicas: currentReplicas,
    reason: '',
    history,
    metrics: null,
  });
}

/** §3.1 step 6, second and third cases: back inside [minReplicas, maxReplicas], without metrics. */
function boundTarget(
  r: Reconcile,
  branch: 'aboveMax' | 'belowMin',
  currentReplicas: number,
  history: HpaHistory,
): RescaleTarget {
  return branch === 'aboveMax'
    ? {
        branch,
        currentReplicas,
        desiredReplicas: r.maxReplicas,
        reason: 'Current number of replicas above Spec.MaxReplicas',
        history,
        metrics: null,
      }
    : {
        branch,
        currentReplicas,
        desiredReplicas: r.minReplicas,
        reason: 'Current number of replicas below Spec.MinReplicas',
        history,
        metrics: null,
      };
}

/**
 * §3.1 steps 8–9: a count that differs from the current one is a planned rescale (§3.8; settled
 * by settleRescale); otherwise the desired count is the current one and the status is final
 * (R3.9.1), with the desired_replicas gauge (§5.7).
 */
function conclude(r: Reconcile, t: RescaleTarget): Decision {
  const m = t.metrics;
  const metrics = m?.evaluations ?? [];
  const rescale = t.desiredReplicas === t.currentReplicas ? null : plannedRescale(r, t);
  const desiredReplicas = rescale === null ? t.currentReplicas : r.originalStatus.desiredReplicas;
  const error = m?.partialError ?? null;
  return makeDecision(r, {
    branch: t.branch,
    currentReplicas: t.currentReplicas,
    tolerances: m?.tolerances ?? null,
    metrics,
    metricDesiredReplicas: m?.metricDesiredReplicas ?? null,
    normalization: m?.normalization ?? null,
    rescale,
    status: composeStatus({
      observedGeneration: observedGenerationOf(r.input),
      lastScaleTime: r.originalStatus.lastScaleTime ?? null,
      currentReplicas: t.currentReplicas,
      desiredReplicas,
      metrics,
      conditions: r.conditions,
    }),
    events: r.events,
    history: t.history,
    selector: m?.selector ?? null,
    error,
    monitor: {
      reconciliation: { action: 'none', error: errorLabel(error) },
      metricComputations: metricComputations(metrics, r.originalStatus.currentReplicas ?? 0),
      desiredReplicas: rescale === null ? desiredReplicas : null,
    },
  });
}

function textOf(v: unknown): string {
  return typeof v === 'string' ? v : formatGoValue(v);
}
