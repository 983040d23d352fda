import type {
  HorizontalPodAutoscalerCondition,
  HorizontalPodAutoscalerStatus,
  MetricSpec,
  MetricStatus,
} from './api-types.js';
import { ConditionMessage, findCondition, removeCondition, setCondition } from './conditions.js';
import type {
  ActionLabel,
  Branch,
  DecideInput,
  Decision,
  DecisionEvent,
  ErrorLabel,
  PendingRescale,
  ReconcileError,
} from './decision.js';
import { storeScaleEvent, type HpaHistory } from './history.js';
import type { Selector } from './labels.js';
import { evaluateMetric, type MetricEvaluation } from './metrics-eval.js';
import { effectiveBehavior, normalizeLegacy, normalizeWithBehavior, type NormalizationDetail } from './normalize.js';
import type { CalcContext } from './replica-calc.js';
import { validateAndParseSelector } from './selector-check.js';
import { statusEqual } from './status.js';
import { formatInstant } from './time.js';
import { tolerancesForHpa } from './tolerance.js';
import { describeDecision, explainMetric, explainNormalization } from './explain.js';

/** Mutable scratch state of one reconcile; the Decision built from it is immutable. */
interface Work {
  conditions: HorizontalPodAutoscalerCondition[];
  events: DecisionEvent[];
  /** built lazily: most decisions are never explained, and strings are the costly part */
  explanation: (() => string)[];
}

export function hasObjectOrExternalMetric(metrics: readonly MetricSpec[] | null | undefined): boolean {
  return (metrics ?? []).some((m) => m.type === 'Object' || m.type === 'External');
}

/** Which path a reconcile takes once the scale is known (§3.1 step 6, both V3 variants). */
export function chooseBranch(
  input: Pick<DecideInput, 'hpa' | 'profile'>,
  currentReplicas: number,
): Exclude<Branch, 'scaleUnavailable' | 'metricsFailed'> {
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

function errorLabel(e: ReconcileError | null): ErrorLabel {
  if (e === null) return 'none';
  return e.spec ? 'spec' : 'internal';
}

function actionFor(proposal: number, current: number): ActionLabel {
  if (proposal > current) return 'scale_up';
  if (proposal < current) return 'scale_down';
  return 'none';
}

/**
 * One whole upstream reconcile of one HPA (horizontal.go reconcileAutoscaler), minus the I/O:
 * the scale and the metrics were read by the caller, and the writes it implies are returned.
 * If `rescale` is set the decision assumes the write succeeds; on failure call `rescaleFailed`.
 */
export function decide(input: DecideInput): Decision {
  const { hpa, profile, config, now } = input;
  const namespace = hpa.metadata.namespace ?? '';
  const name = hpa.metadata.name;
  const key = `${namespace}/${name}`;
  const ref = hpa.spec.scaleTargetRef;
  const reference = `${ref.kind}/${namespace}/${ref.name}`;
  const original: HorizontalPodAutoscalerStatus = hpa.status ?? { desiredReplicas: 0 };
  const minReplicas = hpa.spec.minReplicas ?? 1;
  const maxReplicas = hpa.spec.maxReplicas;
  const w: Work = { conditions: [...(original.conditions ?? [])], events: [], explanation: [] };
  const cond = (type: string, status: 'True' | 'False', reason: string, message: string): void => {
    w.conditions = setCondition(w.conditions, { type, status, reason, message }, now);
  };

  if (!input.scale.ok) {
    const e = input.scale.error;
    w.events.push({ type: 'Warning', reason: 'FailedGetScale', message: e.message });
    cond('AbleToScale', 'False', 'FailedGetScale', ConditionMessage.FailedGetScale + e.message);
    const error: ReconcileError =
      e.stage === 'apiVersion'
        ? { message: `invalid API version in scale target reference: ${e.message}`, spec: true }
        : e.stage === 'mapping'
          ? { message: `unable to determine resource for scale target reference: ${e.message}`, spec: false }
          : { message: `failed to query scale subresource for ${reference}: ${e.message}`, spec: false };
    const status: HorizontalPodAutoscalerStatus = { ...original, conditions: w.conditions };
    w.explanation.push(() => `could not read the scale of ${reference}: ${e.message}`);
    return makeDecision(
      {
        key,
        namespace,
        name,
        reference,
        minReplicas,
        maxReplicas,
        pending: null,
        branch: 'scaleUnavailable',
        currentReplicas: null,
        desiredReplicas: original.desiredReplicas,
        rescale: null,
        metricDesiredReplicas: null,
        rescaleMetric: null,
        metrics: [],
        normalization: null,
        status,
        statusChanged: !statusEqual(original, status),
        events: w.events,
        history: input.history,
        selector: null,
        error,
        monitor: { reconciliation: { action: 'none', error: errorLabel(error) }, metricComputations: [] },
      },
      w.explanation,
      `cannot read the scale of ${reference}: ${e.message}`,
    );
  }

  const scale = input.scale.value;
  cond('AbleToScale', 'True', 'SucceededGetScale', ConditionMessage.SucceededGetScale);
  const cur = scale.spec.replicas ?? 0;
  let history: HpaHistory =
    input.history.recommendations === null
      ? { ...input.history, recommendations: [{ replicas: cur, time: now }] }
      : input.history;

  const branch = chooseBranch(input, cur);
  let desired = 0;
  let rescaleReason = '';
  let rescale = true;
  let metricStatuses: MetricStatus[] | null = null;
  const evaluations: MetricEvaluation[] = [];
  let normalization: NormalizationDetail | null = null;
  let partialError: ReconcileError | null = null;
  let metricDesired: number | null = null;
  let rescaleMetric: string | null = null;
  let selector: Selector | null = null;
  const monitorMetrics: { metricType: string; action: ActionLabel; error: ErrorLabel }[] = [];

  if (branch === 'disabled') {
    rescale = false;
    cond('ScalingActive', 'False', 'ScalingDisabled', ConditionMessage.ScalingDisabled);
    if (profile.scaleToZeroMode === 'conditionBased' && !profile.gates.HPAScaleToZero) {
      w.conditions = removeCondition(w.conditions, 'ScaledToZero');
    }
    w.explanation.push(() => `the target ${reference} has 0 replicas: autoscaling is disabled until it is scaled up`);
  } else if (branch === 'aboveMax') {
    rescaleReason = 'Current number of replicas above Spec.MaxReplicas';
    desired = maxReplicas;
    w.explanation.push(
      () =>
        `${cur} current replicas is above maxReplicas ${maxReplicas}: scale to ${maxReplicas} without reading metrics`,
    );
  } else if (branch === 'belowMin') {
    rescaleReason = 'Current number of replicas below Spec.MinReplicas';
    desired = minReplicas;
    w.explanation.push(
      () =>
        `${cur} current replicas is below minReplicas ${minReplicas}: scale to ${minReplicas} without reading metrics`,
    );
  } else {
    // §2: the selector first, then every metric independently.
    const check =
      input.selectorCheck ??
      validateAndParseSelector(key, scale.status.selector ?? '', input.pods, input.selectors, profile);
    selector = check.selector;
    let computed: { replicas: number; metric: string; error: ReconcileError | null } | { failed: ReconcileError };
    if (!check.ok) {
      w.events.push({ type: 'Warning', reason: check.event.reason, message: check.event.message });
      w.conditions = setCondition(w.conditions, check.condition, now);
      w.explanation.push(() => `scale selector rejected: ${check.error}`);
      computed = { failed: { message: check.error, spec: false } };
    } else {
      const specs = hpa.spec.metrics ?? [];
      const ctx: CalcContext = {
        pods: check.pods,
        tolerances: tolerancesForHpa(hpa.spec.behavior, config.tolerance, profile),
        groupSettings: {
          cpuInitializationPeriodMs: config.cpuInitializationPeriodSeconds * 1000,
          delayOfInitialReadinessStatusMs: config.delayOfInitialReadinessStatusSeconds * 1000,
          ignoreSucceededPods: profile.ignoreSucceededPods,
        },
        profile,
        now,
      };
      metricStatuses = [];
      let replicas = 0;
      let metric = '';
      let invalid = 0;
      let first: Extract<MetricEvaluation, { ok: false }> | null = null;
      const storedCurrent = original.currentReplicas ?? 0;
      specs.forEach((spec, i) => {
        const ev = evaluateMetric({
          hpa,
          spec,
          fetch: input.metrics[i] ?? { kind: 'none' },
          specReplicas: cur,
          statusReplicas: scale.status.replicas,
          ctx,
        });
        evaluations.push(ev);
        metricStatuses?.push(ev.status);
        w.explanation.push(() => explainMetric(spec, ev, ctx.tolerances));
        if (!ev.ok) {
          w.events.push({ type: 'Warning', reason: ev.condition.reason, message: ev.eventMessage });
          monitorMetrics.push({ metricType: ev.type, action: 'none', error: ev.error.spec ? 'spec' : 'internal' });
          if (first === null) first = ev;
          invalid++;
          return;
        }
        monitorMetrics.push({ metricType: ev.type, action: actionFor(ev.proposal, storedCurrent), error: 'none' });
        if (replicas === 0 || ev.proposal > replicas) {
          replicas = ev.proposal;
          metric = ev.description;
        }
      });
      const firstFailure = first as Extract<MetricEvaluation, { ok: false }> | null;
      const aggregate: ReconcileError | null =
        firstFailure === null
          ? null
          : {
              message: `invalid metrics (${invalid} invalid out of ${specs.length}), first error is: ${firstFailure.error.message}`,
              spec: profile.errorWrapping === 'w' && firstFailure.error.spec,
            };
      if (invalid >= specs.length || (invalid > 0 && replicas < cur && profile.partialFailureBlocksScaleDown)) {
        if (firstFailure !== null) w.conditions = setCondition(w.conditions, firstFailure.condition, now);
        else w.conditions = setCondition(w.conditions, { type: '', status: '', reason: '', message: '' }, now);
        computed = aggregate === null ? { replicas: -1, metric: '', error: null } : { failed: aggregate };
        if (aggregate !== null)
          w.explanation.push(() =>
            invalid >= specs.length
              ? 'no metric could be computed'
              : 'a metric failed and the others point down: refusing to scale down on missing data',
          );
      } else {
        cond('ScalingActive', 'True', 'ValidMetricFound', ConditionMessage.ValidMetricFound + metric);
        computed = { replicas, metric, error: aggregate };
      }
    }

    if ('failed' in computed) {
      const failed = computed.failed;
      w.events.push({ type: 'Warning', reason: 'FailedComputeMetricsReplicas', message: failed.message });
      const error: ReconcileError = {
        message: `failed to compute desired number of replicas based on listed metrics for ${reference}: ${failed.message}`,
        spec: profile.errorWrapping === 'w' && failed.spec,
      };
      const status = buildStatus(
        input,
        cur,
        original.desiredReplicas,
        metricStatuses,
        w.conditions,
        original.lastScaleTime ?? null,
      );
      return makeDecision(
        {
          key,
          namespace,
          name,
          reference,
          minReplicas,
          maxReplicas,
          pending: null,
          branch: 'metricsFailed',
          currentReplicas: cur,
          desiredReplicas: original.desiredReplicas,
          rescale: null,
          metricDesiredReplicas: null,
          rescaleMetric: null,
          metrics: evaluations,
          normalization: null,
          status,
          statusChanged: !statusEqual(original, status),
          events: w.events,
          history,
          selector,
          error,
          monitor: { reconciliation: { action: 'none', error: errorLabel(error) }, metricComputations: monitorMetrics },
        },
        w.explanation,
        `no scaling: ${failed.message}`,
      );
    }

    partialError = computed.error;
    metricDesired = computed.replicas;
    if (computed.replicas > desired) {
      desired = computed.replicas;
      rescaleMetric = computed.metric;
    }
    if (desired > cur) rescaleReason = `${rescaleMetric ?? ''} above target`;
    if (desired < cur) rescaleReason = 'All metrics below target';
    const norm =
      hpa.spec.behavior === null || hpa.spec.behavior === undefined
        ? normalizeLegacy(w.conditions, history, cur, desired, minReplicas, maxReplicas, config, now)
        : normalizeWithBehavior(
            w.conditions,
            history,
            hpa.spec.behavior,
            cur,
            desired,
            minReplicas,
            maxReplicas,
            config,
            now,
          );
    w.conditions = norm.conditions;
    history = norm.history;
    normalization = norm.detail;
    desired = norm.desiredReplicas;
    w.explanation.push(() => explainNormalization(norm.detail, cur, minReplicas, maxReplicas));
    if (profile.scaleToZeroMode === 'conditionBased' && cur === 0 && minReplicas !== 0 && desired < minReplicas) {
      desired = minReplicas;
      if (rescaleReason === '') rescaleReason = 'Current number of replicas below Spec.MinReplicas';
    }
    rescale = desired !== cur;
  }

  const pending: PendingRescale | null = rescale
    ? {
        conditions: w.conditions,
        metricStatuses,
        events: [...w.events],
        history,
        reference,
        monitorMetrics,
        explanation: [...w.explanation],
      }
    : null;
  let action: ActionLabel = 'none';
  if (rescale) {
    cond('AbleToScale', 'True', 'SucceededRescale', ConditionMessage.SucceededRescale + String(desired));
    w.events.push({
      type: 'Normal',
      reason: 'SuccessfulRescale',
      message: `New size: ${desired}; reason: ${rescaleReason}`,
    });
    const behavior =
      hpa.spec.behavior === null || hpa.spec.behavior === undefined
        ? null
        : effectiveBehavior(hpa.spec.behavior, config);
    history = storeScaleEvent(history, behavior, cur, desired, now);
    if (profile.scaleToZeroMode === 'conditionBased') applyScaledToZero(w, input, cur, desired, now);
    action = desired > cur ? 'scale_up' : 'scale_down';
  } else {
    desired = cur;
  }
  const lastScaleTime = rescale ? formatInstant(now) : (original.lastScaleTime ?? null);
  const status = buildStatus(input, cur, desired, metricStatuses, w.conditions, lastScaleTime);
  return makeDecision(
    {
      key,
      namespace,
      name,
      reference,
      minReplicas,
      maxReplicas,
      branch,
      currentReplicas: cur,
      desiredReplicas: desired,
      rescale: rescale ? { from: cur, to: desired, reason: rescaleReason } : null,
      metricDesiredReplicas: metricDesired,
      rescaleMetric,
      metrics: evaluations,
      normalization,
      status,
      statusChanged: !statusEqual(original, status),
      events: w.events,
      history,
      selector,
      error: partialError,
      monitor: { reconciliation: { action, error: errorLabel(partialError) }, metricComputations: monitorMetrics },
      pending,
    },
    w.explanation,
  );
}

/** Builds the Decision with its explanation and reason computed on first read. */
function makeDecision(
  fields: Omit<Decision, 'explanation' | 'reason'>,
  thunks: readonly (() => string)[],
  reason?: string,
): Decision {
  return new LazyDecision(fields, thunks, reason);
}

/**
 * A class rather than an object literal with getters: the accessors live on the prototype, so a
 * decision allocates no closures for them (decide() is on the controller's hot path).
 */
class LazyDecision implements Decision {
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly reference: string;
  readonly branch: Decision['branch'];
  readonly currentReplicas: number | null;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly desiredReplicas: number;
  readonly rescale: Decision['rescale'];
  readonly metricDesiredReplicas: number | null;
  readonly rescaleMetric: string | null;
  readonly metrics: Decision['metrics'];
  readonly normalization: Decision['normalization'];
  readonly status: Decision['status'];
  readonly statusChanged: boolean;
  readonly events: Decision['events'];
  readonly history: Decision['history'];
  readonly selector: Decision['selector'];
  readonly error: Decision['error'];
  readonly monitor: Decision['monitor'];
  readonly pending: Decision['pending'];
  private lines: readonly string[] | undefined;
  private why: string | undefined;

  constructor(
    f: Omit<Decision, 'explanation' | 'reason'>,
    private readonly thunks: readonly (() => string)[],
    reason: string | undefined,
  ) {
    this.key = f.key;
    this.namespace = f.namespace;
    this.name = f.name;
    this.reference = f.reference;
    this.branch = f.branch;
    this.currentReplicas = f.currentReplicas;
    this.minReplicas = f.minReplicas;
    this.maxReplicas = f.maxReplicas;
    this.desiredReplicas = f.desiredReplicas;
    this.rescale = f.rescale;
    this.metricDesiredReplicas = f.metricDesiredReplicas;
    this.rescaleMetric = f.rescaleMetric;
    this.metrics = f.metrics;
    this.normalization = f.normalization;
    this.status = f.status;
    this.statusChanged = f.statusChanged;
    this.events = f.events;
    this.history = f.history;
    this.selector = f.selector;
    this.error = f.error;
    this.monitor = f.monitor;
    this.pending = f.pending;
    this.why = reason;
  }

  get explanation(): readonly string[] {
    return (this.lines ??= this.thunks.map((f) => f()));
  }

  get reason(): string {
    return (this.why ??= describeDecision(this));
  }
}

function applyScaledToZero(w: Work, input: DecideInput, cur: number, desired: number, now: number): void {
  const { hpa, profile } = input;
  if (!profile.gates.HPAScaleToZero) {
    w.conditions = removeCondition(w.conditions, 'ScaledToZero');
    return;
  }
  const toZero =
    cur > 0 && desired === 0 && (hpa.spec.minReplicas ?? 1) === 0 && hasObjectOrExternalMetric(hpa.spec.metrics);
  w.conditions = setCondition(
    w.conditions,
    toZero
      ? { type: 'ScaledToZero', status: 'True', reason: 'ScaledToZero', message: ConditionMessage.ScaledToZero }
      : { type: 'ScaledToZero', status: 'False', reason: 'NotScaledToZero', message: ConditionMessage.NotScaledToZero },
    now,
  );
}

/** The status as upstream's setStatus rebuilds it (R3.9.1). */
function buildStatus(
  input: DecideInput,
  currentReplicas: number,
  desiredReplicas: number,
  metricStatuses: readonly MetricStatus[] | null,
  conditions: readonly HorizontalPodAutoscalerCondition[],
  lastScaleTime: string | null,
): HorizontalPodAutoscalerStatus {
  const generation = input.hpa.metadata.generation;
  return {
    ...(input.profile.gates.HPAGeneration && generation !== undefined ? { observedGeneration: generation } : {}),
    ...(lastScaleTime !== null ? { lastScaleTime } : {}),
    currentReplicas,
    desiredReplicas,
    currentMetrics: metricStatuses === null || metricStatuses.length === 0 ? null : metricStatuses,
    conditions,
  };
}

/**
 * The decision when the scale write failed (R3.8.3): FailedRescale event, AbleToScale=False,
 * status with the current replicas and metrics but the old desired count; no scale event stored.
 */
export function rescaleFailed(
  decision: Decision,
  message: string,
  input: Pick<DecideInput, 'hpa' | 'profile' | 'now'>,
): Decision {
  const p = decision.pending;
  if (p === null || decision.rescale === null || decision.currentReplicas === null) return decision;
  const conditions = setCondition(
    p.conditions,
    {
      type: 'AbleToScale',
      status: 'False',
      reason: 'FailedUpdateScale',
      message: ConditionMessage.FailedUpdateScale + message,
    },
    input.now,
  );
  const events: DecisionEvent[] = [
    ...p.events,
    {
      type: 'Warning',
      reason: 'FailedRescale',
      message: `New size: ${decision.rescale.to}; reason: ${decision.rescale.reason}; error: ${message}`,
    },
  ];
  const original = input.hpa.status ?? { desiredReplicas: 0 };
  const status = buildStatus(
    { ...(input as DecideInput) },
    decision.currentReplicas,
    original.desiredReplicas,
    p.metricStatuses,
    conditions,
    original.lastScaleTime ?? null,
  );
  const error: ReconcileError = { message: `failed to rescale ${p.reference}: ${message}`, spec: false };
  // Spread, not destructured: destructuring would evaluate the lazy explanation and reason.
  return makeDecision(
    {
      ...decision,
      desiredReplicas: original.desiredReplicas,
      rescale: null,
      status,
      statusChanged: !statusEqual(original, status),
      events,
      history: p.history,
      error,
      monitor: { reconciliation: { action: 'none', error: 'internal' }, metricComputations: p.monitorMetrics },
      pending: null,
    },
    [...p.explanation, () => `the scale write failed: ${message}`],
    `wanted ${decision.rescale.to} replicas but could not update the scale: ${message}`,
  );
}
