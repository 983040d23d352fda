import type {
  HorizontalPodAutoscaler,
  HorizontalPodAutoscalerCondition,
  HorizontalPodAutoscalerStatus,
  MetricStatus,
  Scale,
} from './api-types.js';
import type { HpaHistory } from './history.js';
import type { Selector } from './labels.js';
import type { MetricFetch } from './metric-samples.js';
import type { MetricEvaluation } from './metrics-eval.js';
import type { NormalizationDetail } from './normalize.js';
import type { PodSnapshot } from './pods.js';
import type { ControllerConfig, Profile } from './profile.js';
import type { Result } from './result.js';
import type { SelectorCheck, SelectorRegistryEntry } from './selector-check.js';
import type { Instant } from './time.js';

/** Why the scale subresource could not be read; the stage decides upstream's error text (§3.2). */
export interface ScaleReadError {
  readonly stage: 'apiVersion' | 'mapping' | 'get';
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
  /** when the reconcile began (before its I/O): upstream stamps the initial recommendation then; default `now` */
  readonly startedAt?: Instant;
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
}

export interface ReconcileError {
  readonly message: string;
  readonly spec: boolean;
}

export type Branch = 'scaleUnavailable' | 'disabled' | 'aboveMax' | 'belowMin' | 'metricsFailed' | 'metrics';

/** State captured before the scale write, so a failed write can be turned into its decision. */
export interface PendingRescale {
  readonly conditions: readonly HorizontalPodAutoscalerCondition[];
  readonly metricStatuses: readonly MetricStatus[] | null;
  readonly events: readonly DecisionEvent[];
  readonly history: HpaHistory;
  readonly reference: string;
  readonly monitorMetrics: MonitorRecord['metricComputations'];
  readonly explanation: readonly (() => string)[];
}

/** One whole decision for one HPA (ARCHITECTURE.md: the path of one decision). */
export interface Decision {
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly reference: string;
  readonly branch: Branch;
  /** scale.spec.replicas; null when the scale could not be read */
  readonly currentReplicas: number | null;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** status.desiredReplicas as it will be written */
  readonly desiredReplicas: number;
  /** the scale write to perform; status and events below assume it succeeds */
  readonly rescale: { readonly from: number; readonly to: number; readonly reason: string } | null;
  /** the proposal of the metrics before normalization, with the metric that won */
  readonly metricDesiredReplicas: number | null;
  readonly rescaleMetric: string | null;
  readonly metrics: readonly MetricEvaluation[];
  readonly normalization: NormalizationDetail | null;
  readonly status: HorizontalPodAutoscalerStatus;
  /** whether status differs semantically from what was read (R3.9.3) */
  readonly statusChanged: boolean;
  readonly events: readonly DecisionEvent[];
  readonly history: HpaHistory;
  /** the parsed scale selector, for the selector registry */
  readonly selector: Selector | null;
  readonly error: ReconcileError | null;
  readonly monitor: MonitorRecord;
  /** the computation step by step, for explain and dry-run */
  readonly explanation: readonly string[];
  /** one sentence saying why */
  readonly reason: string;
  readonly pending: PendingRescale | null;
}
