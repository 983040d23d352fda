/**
 * How decide() and settleRescale() build a Decision: the state of one reconcile in progress, and
 * the immutable Decision made from it. Internal to algorithms/ (not re-exported by index.ts).
 */
import type { HorizontalPodAutoscalerCondition, HorizontalPodAutoscalerStatus, MetricStatus } from './api-types.js';
import { setCondition, type ConditionUpdate } from './conditions.js';
import type {
  ActionLabel,
  DecideInput,
  Decision,
  DecisionEvent,
  ErrorLabel,
  FallbackOutcome,
  MonitorRecord,
} from './decision.js';
import { describeDecision, explainDecision } from './explain.js';
import type { HpaHistory } from './history.js';
import type { Selector } from './labels.js';
import type { MetricEvaluation } from './metrics-eval.js';
import type { NormalizationDetail } from './normalize.js';
import type { ReconcileError } from './reconcile-errors.js';
import { statusEqual } from './status.js';
import type { Tolerances } from './tolerance.js';
import { unclampedRecommendation, type UnclampedRecommendation } from './unclamped.js';

/** What a decision says about whom: fixed when the reconcile begins (§3.1 steps 1, 5). */
export type DecisionIdentity = Pick<
  Decision,
  'key' | 'namespace' | 'name' | 'reference' | 'minReplicas' | 'maxReplicas' | 'behavior' | 'originalStatus'
>;

/**
 * One reconcile in progress (§3.1): whom it is about (the behavior computed once per decision:
 * normalization and the scale events both use it; the original status, whose parts error paths
 * keep, R3.9.2), and the conditions and events gathered so far in upstream's order. Each step of
 * decide() reads it and appends to it; the Decision is made from it once, at the end.
 */
export interface Reconcile extends DecisionIdentity {
  readonly input: DecideInput;
  conditions: HorizontalPodAutoscalerCondition[];
  readonly events: DecisionEvent[];
  /** set by the metrics path when hpa-ts.io/fallback-replicas is on (fallback.ts) */
  fallback?: FallbackOutcome;
}

/** What the metrics path contributes to a decision (§3.1 step 7). */
export interface MetricsFacts {
  readonly selector: Selector | null;
  readonly tolerances: Tolerances | null;
  readonly evaluations: readonly MetricEvaluation[];
  readonly metricDesiredReplicas: number | null;
  readonly normalization: NormalizationDetail | null;
  /** some metrics failed, the others decided (R2.6): returned at the end, after any rescale */
  readonly partialError: ReconcileError | null;
}

/** Where a reconcile that got past step 7 is heading: its path, the count it wants and why (§3.1 steps 6–7). */
export interface RescaleTarget {
  readonly branch: 'disabled' | 'aboveMax' | 'belowMin' | 'metrics';
  readonly currentReplicas: number;
  readonly desiredReplicas: number;
  /** the rescale event's reason (§4.2) */
  readonly reason: string;
  readonly history: HpaHistory;
  readonly metrics: MetricsFacts | null;
}

export function setReconcileCondition(r: Reconcile, update: ConditionUpdate): void {
  r.conditions = setCondition(r.conditions, update, r.input.now);
}

/** What a decision found and decided; explanation, reason and statusChanged are derived from it. */
export type DecisionOutcome = Omit<
  Decision,
  keyof DecisionIdentity | 'explanation' | 'reason' | 'statusChanged' | 'unclamped'
>;

/**
 * A class rather than an object literal with getters: the accessors live on the prototype, so a
 * decision allocates no closures for them (decide() is on the controller's hot path). The
 * explanation, the reason and statusChanged are derived from the fields on first read: most
 * decisions are never explained, and dry-run never writes a status. Fields are copied one by
 * one, never spread: object spread is the slowest part of building a decision otherwise.
 */
class DecisionValue implements Decision {
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly reference: string;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly behavior: Decision['behavior'];
  readonly originalStatus: Decision['originalStatus'];
  readonly branch: Decision['branch'];
  readonly currentReplicas: number | null;
  readonly tolerances: Decision['tolerances'];
  readonly metrics: Decision['metrics'];
  readonly metricDesiredReplicas: number | null;
  readonly normalization: Decision['normalization'];
  readonly rescale: Decision['rescale'];
  readonly status: Decision['status'];
  readonly events: Decision['events'];
  readonly history: Decision['history'];
  readonly selector: Decision['selector'];
  readonly error: Decision['error'];
  readonly monitor: Decision['monitor'];
  readonly annotations: Decision['annotations'];
  readonly staleSamples: Decision['staleSamples'];
  readonly fallback: Decision['fallback'];
  private lines: readonly string[] | undefined;
  private why: string | undefined;
  private changed: boolean | undefined;
  private unclampedValue: UnclampedRecommendation | undefined;

  constructor(id: DecisionIdentity, o: DecisionOutcome) {
    this.key = id.key;
    this.namespace = id.namespace;
    this.name = id.name;
    this.reference = id.reference;
    this.minReplicas = id.minReplicas;
    this.maxReplicas = id.maxReplicas;
    this.behavior = id.behavior;
    this.originalStatus = id.originalStatus;
    this.branch = o.branch;
    this.currentReplicas = o.currentReplicas;
    this.tolerances = o.tolerances;
    this.metrics = o.metrics;
    this.metricDesiredReplicas = o.metricDesiredReplicas;
    this.normalization = o.normalization;
    this.rescale = o.rescale;
    this.status = o.status;
    this.events = o.events;
    this.history = o.history;
    this.selector = o.selector;
    this.error = o.error;
    this.monitor = o.monitor;
    this.annotations = o.annotations;
    this.staleSamples = o.staleSamples;
    this.fallback = o.fallback;
  }

  get statusChanged(): boolean {
    return (this.changed ??= !statusEqual(this.originalStatus, this.status));
  }

  get explanation(): readonly string[] {
    return (this.lines ??= explainDecision(this));
  }

  get reason(): string {
    return (this.why ??= describeDecision(this));
  }

  get unclamped(): UnclampedRecommendation {
    return (this.unclampedValue ??= unclampedRecommendation(this));
  }
}

/** A decision for the reconcile `id` (a Reconcile, or the decision it revises). */
export function makeDecision(id: DecisionIdentity, outcome: DecisionOutcome): Decision {
  return new DecisionValue(id, outcome);
}

/**
 * A reconcile that stopped before reading metrics (an unreadable scale, §3.1 step 2; an invalid
 * spec, §8.2): only the conditions and events gathered so far change; nothing scales.
 */
export function stoppedEarly(
  r: Reconcile,
  branch: 'scaleUnavailable' | 'invalidSpec',
  error: ReconcileError,
): Decision {
  return makeDecision(r, {
    branch,
    currentReplicas: null,
    tolerances: null,
    metrics: [],
    metricDesiredReplicas: null,
    normalization: null,
    rescale: null,
    status: { ...r.originalStatus, conditions: r.conditions },
    events: r.events,
    history: r.input.history,
    selector: null,
    error,
    monitor: {
      reconciliation: { action: 'none', error: errorLabel(error) },
      metricComputations: [],
      desiredReplicas: null,
    },
  });
}

/** The decision `d` with a new write outcome (§3.8): the rest of what it found stays. */
export function reviseDecision(
  d: Decision,
  change: Pick<
    DecisionOutcome,
    'rescale' | 'status' | 'events' | 'error' | 'monitor' | 'annotations' | 'staleSamples'
  > &
    Partial<Pick<DecisionOutcome, 'history' | 'fallback'>>,
): Decision {
  return new DecisionValue(d, {
    branch: d.branch,
    currentReplicas: d.currentReplicas,
    tolerances: d.tolerances,
    metrics: d.metrics,
    metricDesiredReplicas: d.metricDesiredReplicas,
    normalization: d.normalization,
    rescale: change.rescale,
    status: change.status,
    events: change.events,
    history: change.history ?? d.history,
    selector: d.selector,
    error: change.error,
    monitor: change.monitor,
    annotations: change.annotations ?? d.annotations,
    staleSamples: change.staleSamples ?? d.staleSamples,
    fallback: 'fallback' in change ? change.fallback : d.fallback,
  });
}

/**
 * The status as upstream's setStatus rebuilds it (R3.9.1), fields in upstream's order.
 * `observedGeneration` is written only with gate HPAGeneration; currentMetrics is null when empty.
 * Built field by field rather than by spreading optional parts: the optional fields vary between
 * the planned and the settled status, and a spread of varying shapes is slow.
 */
export function composeStatus(s: {
  readonly observedGeneration: number | undefined;
  readonly lastScaleTime: string | null;
  readonly currentReplicas: number;
  readonly desiredReplicas: number;
  readonly metrics: readonly MetricEvaluation[];
  readonly conditions: readonly HorizontalPodAutoscalerCondition[];
}): HorizontalPodAutoscalerStatus {
  // every required field is set below, after the optional ones
  const status = {} as { -readonly [K in keyof HorizontalPodAutoscalerStatus]: HorizontalPodAutoscalerStatus[K] };
  if (s.observedGeneration !== undefined) status.observedGeneration = s.observedGeneration;
  if (s.lastScaleTime !== null) status.lastScaleTime = s.lastScaleTime;
  status.currentReplicas = s.currentReplicas;
  status.desiredReplicas = s.desiredReplicas;
  status.currentMetrics = s.metrics.length === 0 ? null : s.metrics.map((m): MetricStatus => m.status);
  status.conditions = s.conditions;
  return status;
}

/** R3.9.1: observedGeneration is set only with gate HPAGeneration. */
export function observedGenerationOf(input: DecideInput): number | undefined {
  return input.profile.gates.HPAGeneration ? input.hpa.metadata.generation : undefined;
}

export function errorLabel(e: ReconcileError | null): ErrorLabel {
  if (e === null) return 'none';
  return e.spec ? 'spec' : 'internal';
}

function actionFor(proposal: number, current: number): ActionLabel {
  if (proposal > current) return 'scale_up';
  if (proposal < current) return 'scale_down';
  return 'none';
}

/**
 * One metric_computation observation per metric (§5.7): the proposal against the stored
 * status.currentReplicas (not the scale); any error forces `none`.
 */
export function metricComputations(
  metrics: readonly MetricEvaluation[],
  storedCurrentReplicas: number,
): MonitorRecord['metricComputations'] {
  return metrics.map((m) =>
    m.ok
      ? { metricType: m.type, action: actionFor(m.proposal, storedCurrentReplicas), error: 'none' }
      : { metricType: m.type, action: 'none', error: m.error.spec ? 'spec' : 'internal' },
  );
}
