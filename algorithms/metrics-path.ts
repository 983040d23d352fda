/**
 * §3.1 step 7, the metrics path of decide(): the selector (§3.3), every metric (§2, per metric
 * §1), and the normalization of their proposal (§3.4, §3.5).
 */
import type { Scale } from './api-types.js';
import { ConditionMessage } from './conditions.js';
import {
  composeStatus,
  errorLabel,
  makeDecision,
  metricComputations,
  observedGenerationOf,
  setReconcileCondition,
  type Reconcile,
  type RescaleTarget,
} from './decision-build.js';
import type { Decision } from './decision.js';
import type { HpaHistory } from './history.js';
import type { Selector } from './labels.js';
import { evaluateMetric, type MetricEvaluation } from './metrics-eval.js';
import { normalizeLegacy, normalizeWithBehavior, type NormalizeInput, type Normalized } from './normalize.js';
import type { MetricFetch } from './metric-samples.js';
import { countedFetches, notePodSelection, podOwnershipFor } from './pod-selection-decision.js';
import type { PodSnapshot } from './pods.js';
import { failedComputeMetricsReplicas, invalidMetrics, type ReconcileError } from './reconcile-errors.js';
import { validateAndParseSelector, type SelectorCheck } from './selector-check.js';
import { tolerancesForHpa, type Tolerances } from './tolerance.js';

/** What §2 hands back: a replica count (R2.6), or the error that stops the reconcile (R2.1, R2.5). */
export type MetricsComputed =
  | {
      readonly ok: true;
      readonly selector: Selector;
      readonly tolerances: Tolerances;
      readonly evaluations: readonly MetricEvaluation[];
      /** the highest proposal; −1 with no metrics at all (R2.5) */
      readonly replicas: number;
      /** the description of the metric that made it */
      readonly metric: string;
      readonly partialError: ReconcileError | null;
    }
  | {
      readonly ok: false;
      readonly selector: Selector | null;
      readonly tolerances: Tolerances | null;
      readonly evaluations: readonly MetricEvaluation[];
      readonly error: ReconcileError;
    };

/**
 * §2 (upstream computeReplicasForMetrics): the scale selector first (R2.1), then every metric
 * in spec order, each on its own (§1), then their aggregate.
 */
export function computeReplicasForMetrics(r: Reconcile, scale: Scale, currentReplicas: number): MetricsComputed {
  const check = checkSelector(r, scale);
  if (!check.ok) return selectorRejected(r, check);
  notePodSelection(r, check);
  const { hpa, config, profile } = r.input;
  const tolerances = tolerancesForHpa(hpa.spec.behavior, config.tolerance, profile);
  const fetches = countedFetches(r.input, check);
  const evaluations = evaluateMetrics(r, { scale, currentReplicas, pods: check.pods, fetches, tolerances });
  return aggregateProposals(r, { selector: check.selector, tolerances, evaluations, currentReplicas });
}

/**
 * §3.3 (upstream validateAndParseSelector): planReconcile usually made this check already, on
 * the same pods and selectors; otherwise it is made here.
 */
function checkSelector(r: Reconcile, scale: Scale): SelectorCheck {
  const { input } = r;
  return (
    input.selectorCheck ??
    validateAndParseSelector(
      r.key,
      scale.status.selector ?? '',
      input.pods,
      input.selectors,
      input.profile,
      podOwnershipFor(input, scale),
    )
  );
}

/** R3.3.1–R3.3.4: the selector's own event and ScalingActive=False, and §2 stops without statuses. */
function selectorRejected(r: Reconcile, check: Extract<SelectorCheck, { ok: false }>): MetricsComputed {
  r.events.push({ type: 'Warning', reason: check.event.reason, message: check.event.message });
  setReconcileCondition(r, check.condition);
  return {
    ok: false,
    selector: check.selector,
    tolerances: null,
    evaluations: [],
    error: failedComputeMetricsReplicas(check.event.reason, r.reference, check.error, false),
  };
}

/** §1 for each metric in spec order; a failure gets its Warning event at once (R2.3, §4.2). */
function evaluateMetrics(
  r: Reconcile,
  m: {
    readonly scale: Scale;
    readonly currentReplicas: number;
    readonly pods: readonly PodSnapshot[];
    /** the answers to spec.metrics, in order, of the counted pods only */
    readonly fetches: readonly MetricFetch[];
    readonly tolerances: Tolerances;
  },
): MetricEvaluation[] {
  const { hpa, config, profile, now } = r.input;
  const ctx = {
    pods: m.pods,
    tolerances: m.tolerances,
    groupSettings: {
      cpuInitializationPeriodMs: config.cpuInitializationPeriodSeconds * 1000,
      delayOfInitialReadinessStatusMs: config.delayOfInitialReadinessStatusSeconds * 1000,
      ignoreSucceededPods: profile.ignoreSucceededPods,
    },
    profile,
    now,
  };
  return (hpa.spec.metrics ?? []).map((spec, i) => {
    const ev = evaluateMetric({
      hpa,
      spec,
      fetch: m.fetches[i] ?? { kind: 'none' },
      specReplicas: m.currentReplicas,
      statusReplicas: m.scale.status.replicas,
      ctx,
    });
    if (!ev.ok) r.events.push({ type: 'Warning', reason: ev.condition.reason, message: ev.eventMessage });
    return ev;
  });
}

/**
 * R2.2–R2.6: the highest proposal wins (ties keep the first; a running 0 is always replaced).
 * All failed, or some failed while the others point down: the first failure's condition and no
 * replica count. Otherwise ScalingActive=True ValidMetricFound, with any failures as the error.
 */
function aggregateProposals(
  r: Reconcile,
  m: {
    readonly selector: Selector;
    readonly tolerances: Tolerances;
    readonly evaluations: readonly MetricEvaluation[];
    readonly currentReplicas: number;
  },
): MetricsComputed {
  const { profile } = r.input;
  let replicas = 0;
  let metric = '';
  let invalid = 0;
  let first: Extract<MetricEvaluation, { ok: false }> | null = null;
  for (const ev of m.evaluations) {
    if (!ev.ok) {
      invalid++;
      first ??= ev;
    } else if (replicas === 0 || ev.proposal > replicas) {
      replicas = ev.proposal;
      metric = ev.description;
    }
  }
  const total = m.evaluations.length;
  const wrapsSpec = profile.errorWrapping === 'w';
  const aggregate =
    first === null ? null : invalidMetrics({ invalid, total }, first.error, wrapsSpec && first.error.spec);
  const { selector, tolerances, evaluations } = m;
  if (invalid >= total || (invalid > 0 && replicas < m.currentReplicas && profile.partialFailureBlocksScaleDown)) {
    setReconcileCondition(r, first?.condition ?? { type: '', status: '', reason: '', message: '' });
    if (aggregate === null)
      return { ok: true, selector, tolerances, evaluations, replicas: -1, metric: '', partialError: null };
    const cause = aggregate.message;
    const spec = wrapsSpec && aggregate.spec;
    const error = failedComputeMetricsReplicas('FailedComputeMetricsReplicas', r.reference, cause, spec);
    return { ok: false, selector, tolerances, evaluations, error };
  }
  setReconcileCondition(r, {
    type: 'ScalingActive',
    status: 'True',
    reason: 'ValidMetricFound',
    message: ConditionMessage.ValidMetricFound + metric,
  });
  return { ok: true, selector, tolerances, evaluations, replicas, metric, partialError: aggregate };
}

/**
 * §3.1 step 7.2: no replica count. FailedComputeMetricsReplicas event; the status gets the current
 * replicas and the metric statuses but keeps desiredReplicas and lastScaleTime (R3.9.2); stop.
 */
export function metricsFailed(
  r: Reconcile,
  failed: Extract<MetricsComputed, { ok: false }>,
  currentReplicas: number,
  history: HpaHistory,
): Decision {
  const { error, evaluations } = failed;
  r.events.push({ type: 'Warning', reason: 'FailedComputeMetricsReplicas', message: error.cause });
  return makeDecision(r, {
    branch: 'metricsFailed',
    currentReplicas,
    tolerances: failed.tolerances,
    metrics: evaluations,
    metricDesiredReplicas: null,
    normalization: null,
    rescale: null,
    status: composeStatus({
      observedGeneration: observedGenerationOf(r.input),
      lastScaleTime: r.originalStatus.lastScaleTime ?? null,
      currentReplicas,
      desiredReplicas: r.originalStatus.desiredReplicas,
      metrics: evaluations,
      conditions: r.conditions,
    }),
    events: r.events,
    history,
    selector: failed.selector,
    error,
    monitor: {
      reconciliation: { action: 'none', error: errorLabel(error) },
      metricComputations: metricComputations(evaluations, r.originalStatus.currentReplicas ?? 0),
      desiredReplicas: null,
    },
  });
}

/**
 * §3.1 steps 7.3–7.7: the metrics' count and the rescale reason, decided before normalization
 * (§3.1 notes); normalization without (§3.4) or with behavior (§3.5); then, scaling from zero,
 * at least minReplicas.
 */
export function normalizeProposal(
  r: Reconcile,
  computed: Extract<MetricsComputed, { ok: true }>,
  currentReplicas: number,
  history: HpaHistory,
): RescaleTarget {
  const proposal = Math.max(0, computed.replicas);
  let reason = '';
  if (proposal > currentReplicas) reason = `${computed.metric} above target`;
  if (proposal < currentReplicas) reason = 'All metrics below target';
  const normalized = normalize(r, {
    conditions: r.conditions,
    history,
    currentReplicas,
    desiredReplicas: proposal,
    minReplicas: r.minReplicas,
    maxReplicas: r.maxReplicas,
    now: r.input.now,
  });
  r.conditions = normalized.conditions;
  let desiredReplicas = normalized.desiredReplicas;
  if (scalesFromZeroBelowMin(r, currentReplicas, desiredReplicas)) {
    desiredReplicas = r.minReplicas;
    if (reason === '') reason = 'Current number of replicas below Spec.MinReplicas';
  }
  return {
    branch: 'metrics',
    currentReplicas,
    desiredReplicas,
    reason,
    history: normalized.history,
    metrics: {
      selector: computed.selector,
      tolerances: computed.tolerances,
      evaluations: computed.evaluations,
      metricDesiredReplicas: computed.replicas,
      normalization: normalized.detail,
      partialError: computed.partialError,
    },
  };
}

/** §3.1 step 7.6: §3.4 without spec.behavior, §3.5 with it. */
function normalize(r: Reconcile, input: NormalizeInput): Normalized {
  return r.behavior === null ? normalizeLegacy(input, r.input.config) : normalizeWithBehavior(input, r.behavior);
}

/**
 * §3.1 step 7.7 (R3.10.4): reaching the metrics path at 0 replicas means ScaledToZero=True with
 * the gate on (step 6), so only minReplicas is left to check.
 */
function scalesFromZeroBelowMin(r: Reconcile, currentReplicas: number, desiredReplicas: number): boolean {
  return (
    r.input.profile.scaleToZeroMode === 'conditionBased' &&
    currentReplicas === 0 &&
    r.minReplicas !== 0 &&
    desiredReplicas < r.minReplicas
  );
}
