import type {
  HorizontalPodAutoscaler,
  HorizontalPodAutoscalerBehavior,
  HorizontalPodAutoscalerStatus,
  Scale,
} from './api-types.js';
import type { AnnotationError, FallbackAnnotations, HpaAnnotation, HpaAnnotations } from './annotations.js';
import type { ConditionUpdate } from './conditions.js';
import type { FallbackHistory, HpaHistory } from './history.js';
import type { Selector } from './labels.js';
import type { MetricFetch } from './metric-samples.js';
import type { MetricEvaluation } from './metrics-eval.js';
import type { NormalizationDetail } from './normalize.js';
import type { PodOwners } from './pod-selection.js';
import type { PodSnapshot } from './pods.js';
import type { ControllerConfig, Profile } from './profile.js';
import type { ReconcileError, ScaleReadStage } from './reconcile-errors.js';
import type { Result } from './result.js';
import type { SelectorCheck, SelectorRegistryEntry } from './selector-check.js';
import type { StaleSamplesOutcome } from './stale-samples.js';
import type { Instant } from './time.js';
import type { Tolerances } from './tolerance.js';
import type { UnclampedRecommendation } from './unclamped.js';
import type { FieldError } from './validation-errors.js';

/** Why the scale subresource could not be read; the stage decides upstream's error text (§3.2). */
export interface ScaleReadError {
  readonly stage: ScaleReadStage;
  /** the underlying error, as shown in the FailedGetScale event and condition */
  readonly message: string;
}

export interface DecideInput {
  /** the HPA as read from the informer cache */
  readonly hpa: HorizontalPodAutoscaler;
  readonly scale: Result<Scale, ScaleReadError>;
  /** pods of the HPA's namespace (the decision applies the scale selector itself) */
  readonly pods: readonly PodSnapshot[];
  /** answers to planReconcile's queries, in spec.metrics order (ignored off the metrics path) */
  readonly metrics: readonly MetricFetch[];
  /** selector registry entries of the HPA's namespace, this HPA included when registered */
  readonly selectors: readonly SelectorRegistryEntry[];
  /** planReconcile's selector check on these same pods and selectors (else decide() makes it) */
  readonly selectorCheck?: SelectorCheck | null;
  readonly history: HpaHistory;
  readonly config: ControllerConfig;
  readonly profile: Profile;
  readonly now: Instant;
  /**
   * What the API server's validation says of `hpa` (specErrorsOf, validation-decision.ts); when
   * there are any, the decision is InvalidSpec and nothing is read or written but it
   */
  readonly specErrors?: readonly FieldError[];
  /**
   * hpa-ts's own annotations of `hpa` (parseHpaAnnotations, docs/annotations.md); absent or
   * without any, the decision is upstream's
   */
  readonly annotations?: HpaAnnotations;
  /**
   * The HPA's sync period (hpa-ts.io/sync-period, else the global one), for hpa-ts.io/fallback-*:
   * a failing reconcile sooner than half a period after the last one counted (an error back-off
   * retry) is not counted again. Absent, every failing reconcile counts.
   */
  readonly syncPeriodMs?: number;
  /**
   * With `hpa-ts.io/pod-selection: owner-references`: the ReplicaSets the reconciler listed for a
   * Deployment target (pod-selection.ts); absent for other kinds (no ReplicaSets are needed)
   */
  readonly podOwners?: PodOwners;
}

/** A pause asked for by `hpa-ts.io/paused` or `hpa-ts.io/paused-replicas` (docs/annotations.md). */
export interface PauseOutcome {
  readonly annotation: HpaAnnotation;
  /** the paused-replicas value as written; null for hpa-ts.io/paused */
  readonly requested: number | null;
  /** where the scale is held: the current count, or `requested` within [minReplicas, maxReplicas]; null when the scale is unknown */
  readonly holdAt: number | null;
  /** the count upstream would have written (its planned rescale); null when it would not rescale */
  readonly wouldScaleTo: number | null;
}

/** What hpa-ts's annotations did to a decision. */
export interface AnnotationOutcome {
  /** rejected annotations: each is treated as absent */
  readonly errors: readonly AnnotationError[];
  readonly pause: PauseOutcome | null;
}

/** What `hpa-ts.io/fallback-*` did in a reconcile that computed metrics (fallback.ts). */
export interface FallbackOutcome {
  readonly config: FallbackAnnotations;
  /** the state kept for the next reconcile: consecutive failures, and whether fallback applied */
  readonly state: FallbackHistory;
  /** the count fallback asks for: the behavior applied to the current count, within [minReplicas, maxReplicas] */
  readonly replicas: number;
  /** whether fallback went from off to on (started) or on to off (ended) in this reconcile */
  readonly started: boolean;
  readonly ended: boolean;
}

export interface DecisionEvent {
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  readonly message: string;
}

export type ErrorLabel = 'none' | 'internal' | 'spec';
export type ActionLabel = 'scale_up' | 'scale_down' | 'none';

/** What upstream's monitor would observe for this reconcile (§5.7). */
export interface MonitorRecord {
  readonly reconciliation: { readonly action: ActionLabel; readonly error: ErrorLabel };
  readonly metricComputations: readonly {
    readonly metricType: string;
    readonly action: ActionLabel;
    readonly error: ErrorLabel;
  }[];
  /**
   * The `desired_replicas` gauge, set at §3.1 step 9; null when the reconcile stops before it
   * (scale not read, no replica count from the metrics, failed or still planned scale write).
   */
  readonly desiredReplicas: number | null;
}

/** Which path the reconcile took (§3.1 step 6), or where it stopped (steps 2 and 7.2). */
export type Branch =
  'invalidSpec' | 'scaleUnavailable' | 'disabled' | 'aboveMax' | 'belowMin' | 'metricsFailed' | 'metrics';

/**
 * What became of the scale write (§3.8), as settleRescale is told: done, failed, or not attempted
 * (dry-run, shadow, explain: reported as if it had succeeded, but nothing changed in the cluster).
 */
export type ScaleWrite =
  { readonly kind: 'written' } | { readonly kind: 'failed'; readonly message: string } | { readonly kind: 'skipped' };

/** The change of scale.spec.replicas this reconcile decided on (§3.1 step 8, §3.8). */
export interface Rescale {
  readonly from: number;
  readonly to: number;
  /** the reason in the rescale event (§4.2), e.g. `cpu resource utilization (percentage of request) above target` */
  readonly reason: string;
  /** the ScaledToZero condition a successful write leaves (R3.10.3): set, removed, or untouched (null) */
  readonly scaledToZero: ConditionUpdate | 'remove' | null;
  /** `planned` until settleRescale records the write's outcome */
  readonly write: 'planned' | ScaleWrite['kind'];
}

/**
 * One whole decision for one HPA (ARCHITECTURE.md: the path of one decision). decide() returns it
 * up to the scale write; when `rescale.write` is `planned`, settleRescale turns it into the final
 * decision once the write's outcome is known, and historyAfter gives the history to keep.
 */
export interface Decision {
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  /** `<kind>/<namespace>/<name>` of the scale target, as upstream's messages name it */
  readonly reference: string;
  readonly branch: Branch;
  /** scale.spec.replicas; null when the scale could not be read */
  readonly currentReplicas: number | null;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** spec.behavior as applied: API defaults and the scale-down window filled (R3.5.1); null without one */
  readonly behavior: HorizontalPodAutoscalerBehavior | null;
  /** the no-scale band the metrics were judged against (§1.1); null when no metric was evaluated */
  readonly tolerances: Tolerances | null;
  /** one per spec.metrics entry, in order (§2); empty off the metrics path or when the selector failed */
  readonly metrics: readonly MetricEvaluation[];
  /** the metrics' replica count before normalization (§2, −1 with no metrics at all); null when unused */
  readonly metricDesiredReplicas: number | null;
  readonly normalization: NormalizationDetail | null;
  readonly rescale: Rescale | null;
  /** the HPA's status as read (§3.1 step 1) */
  readonly originalStatus: HorizontalPodAutoscalerStatus;
  /** the status as the reconcile leaves it (§3.9); before a planned write, as far as it is known */
  readonly status: HorizontalPodAutoscalerStatus;
  /** whether status differs semantically from originalStatus, so it must be written (R3.9.3) */
  readonly statusChanged: boolean;
  readonly events: readonly DecisionEvent[];
  /** the history with this reconcile's recommendation (§3.7); scale events come from historyAfter */
  readonly history: HpaHistory;
  /** the parsed scale selector, for the selector registry */
  readonly selector: Selector | null;
  /** the error the reconcile returns */
  readonly error: ReconcileError | null;
  readonly monitor: MonitorRecord;
  /** what hpa-ts's annotations changed (annotated-decision.ts); absent when there were none */
  readonly annotations?: AnnotationOutcome;
  /** the samples the stale-sample cut-off left out (stale-samples.ts); absent when it is off */
  readonly staleSamples?: StaleSamplesOutcome;
  /** what hpa-ts.io/fallback-* did (fallback.ts); absent without it or when no metric was computed */
  readonly fallback?: FallbackOutcome;
  /** the computation step by step, for explain and dry-run (derived from the fields above) */
  readonly explanation: readonly string[];
  /** one sentence saying why (derived from the fields above) */
  readonly reason: string;
  /** what the metrics asked for before any limit, and what limited it (unclamped.ts; derived, read-only) */
  readonly unclamped: UnclampedRecommendation;
}
