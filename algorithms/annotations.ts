/**
 * hpa-ts's own annotations on an HPA (docs/annotations.md), read once per reconcile. They are
 * hpa-ts extensions, opt-in: an HPA without them is decided exactly as upstream decides it. A
 * value that does not parse is a typed error (stable code, the annotation and the value) and the
 * annotation counts as absent; parsing never throws.
 */
import { parseGoDurationMs, type DurationRange } from './go-duration.js';
import { PodSelection } from './pod-selection.js';
import { type Result, err, ok } from './result.js';
import { parseStrictBool } from './strict-bool.js';

export const HpaAnnotation = {
  paused: 'hpa-ts.io/paused',
  pausedReplicas: 'hpa-ts.io/paused-replicas',
  syncPeriod: 'hpa-ts.io/sync-period',
  metricsMaxAge: 'hpa-ts.io/metrics-max-age',
  fallbackReplicas: 'hpa-ts.io/fallback-replicas',
  fallbackFailureThreshold: 'hpa-ts.io/fallback-failure-threshold',
  fallbackBehavior: 'hpa-ts.io/fallback-behavior',
  podSelection: 'hpa-ts.io/pod-selection',
} as const;
export type HpaAnnotation = (typeof HpaAnnotation)[keyof typeof HpaAnnotation];

/** The range of `hpa-ts.io/sync-period`, as written in messages and docs. */
export const SYNC_PERIOD_RANGE: DurationRange = { min: '1s', max: '1h' };

/** The range of `hpa-ts.io/metrics-max-age` and `--metrics-max-age` besides 0 (off). */
export const METRICS_MAX_AGE_RANGE: DurationRange = { min: '1s', max: '1h' };

const MAX_INT32 = 2_147_483_647;
const DIGITS = /^[0-9]+$/;

export const AnnotationErrorCode = {
  InvalidBool: 'InvalidBool',
  InvalidInt: 'InvalidInt',
  IntOutOfRange: 'IntOutOfRange',
  InvalidDuration: 'InvalidDuration',
  DurationOutOfRange: 'DurationOutOfRange',
  InvalidEnum: 'InvalidEnum',
} as const;
export type AnnotationErrorCode = (typeof AnnotationErrorCode)[keyof typeof AnnotationErrorCode];

/** One rejected annotation: `message` is the whole line, naming the annotation and the value. */
export interface AnnotationError {
  readonly code: AnnotationErrorCode;
  readonly annotation: HpaAnnotation;
  readonly value: string;
  readonly message: string;
}

/** The annotations as the controller applies them; an invalid one is absent here and listed in `errors`. */
export interface HpaAnnotations {
  readonly paused: boolean;
  /** `hpa-ts.io/paused-replicas`: a non-negative int32, null when absent */
  readonly pausedReplicas: number | null;
  /** `hpa-ts.io/sync-period` in milliseconds, null when absent (the global period applies) */
  readonly syncPeriodMs: number | null;
  /** `hpa-ts.io/metrics-max-age` in milliseconds, 0 = off for this HPA; null when absent (the flag applies) */
  readonly metricsMaxAgeMs?: number | null;
  /** the `hpa-ts.io/fallback-*` annotations; null when fallback-replicas is absent (fallback off) */
  readonly fallback: FallbackAnnotations | null;
  /** `hpa-ts.io/pod-selection`: which pods count; label-selector (upstream) when absent */
  readonly podSelection: PodSelection;
  /** in the order of HpaAnnotation */
  readonly errors: readonly AnnotationError[];
}

/**
 * What the count asked for in fallback is, given the current one (KEDA's ScaledObject
 * fallback.behavior): the fallback count; the higher of both; the lower of both.
 */
export const FallbackBehavior = {
  static: 'static',
  currentReplicasIfHigher: 'currentReplicasIfHigher',
  currentReplicasIfLower: 'currentReplicasIfLower',
} as const;
export type FallbackBehavior = (typeof FallbackBehavior)[keyof typeof FallbackBehavior];

/** The default of `hpa-ts.io/fallback-failure-threshold` (KEDA's usual failureThreshold). */
export const DEFAULT_FALLBACK_FAILURE_THRESHOLD = 3;

/** `hpa-ts.io/fallback-*` as the controller applies them (docs/annotations.md, fallback). */
export interface FallbackAnnotations {
  /** `hpa-ts.io/fallback-replicas`: a non-negative int32 */
  readonly replicas: number;
  /** consecutive failing reconciles tolerated; fallback starts at the next one (KEDA: failures > threshold) */
  readonly failureThreshold: number;
  readonly behavior: FallbackBehavior;
}

export const NO_HPA_ANNOTATIONS: HpaAnnotations = {
  paused: false,
  pausedReplicas: null,
  syncPeriodMs: null,
  fallback: null,
  podSelection: PodSelection.LabelSelector,
  errors: [],
};

function rejected(
  code: AnnotationErrorCode,
  annotation: HpaAnnotation,
  value: string,
  expected: string,
): Result<never, AnnotationError> {
  return err({ code, annotation, value, message: `${annotation}: ${JSON.stringify(value)} ${expected}; ignored` });
}

/** `hpa-ts.io/paused`: the project's strict boolean (true, false, 1, 0, any case). */
export function parsePausedAnnotation(value: string): Result<boolean, AnnotationError> {
  const b = parseStrictBool(value);
  return b === null
    ? rejected('InvalidBool', HpaAnnotation.paused, value, 'is not a boolean (expected true, false, 1 or 0)')
    : ok(b);
}

/** `hpa-ts.io/paused-replicas`: decimal digits, 0 … 2147483647 (a replica count is an int32). */
export function parsePausedReplicasAnnotation(value: string): Result<number, AnnotationError> {
  return parseInt32(HpaAnnotation.pausedReplicas, value, 0);
}

/** Decimal digits, `min` … 2147483647. */
function parseInt32(annotation: HpaAnnotation, value: string, min: 0 | 1): Result<number, AnnotationError> {
  if (!DIGITS.test(value))
    return rejected(
      'InvalidInt',
      annotation,
      value,
      min === 0 ? 'is not a non-negative integer' : 'is not a positive integer',
    );
  const n = Number(value);
  if (n < min || n > MAX_INT32)
    return rejected('IntOutOfRange', annotation, value, `is out of range: must be ${min} … ${MAX_INT32}`);
  return ok(n);
}

/** `hpa-ts.io/fallback-replicas`: the count to fall back to, 0 … 2147483647. */
export function parseFallbackReplicasAnnotation(value: string): Result<number, AnnotationError> {
  return parseInt32(HpaAnnotation.fallbackReplicas, value, 0);
}

/** `hpa-ts.io/fallback-failure-threshold`: consecutive failing reconciles tolerated, 1 … 2147483647. */
export function parseFallbackFailureThresholdAnnotation(value: string): Result<number, AnnotationError> {
  return parseInt32(HpaAnnotation.fallbackFailureThreshold, value, 1);
}

/** `hpa-ts.io/fallback-behavior`: one of FallbackBehavior, spelled exactly as KEDA spells it. */
export function parseFallbackBehaviorAnnotation(value: string): Result<FallbackBehavior, AnnotationError> {
  const known = Object.values(FallbackBehavior).find((b) => b === value);
  return known === undefined
    ? rejected(
        'InvalidEnum',
        HpaAnnotation.fallbackBehavior,
        value,
        `is not one of ${Object.values(FallbackBehavior).join(', ')}, so fallback is off`,
      )
    : ok(known);
}

/** `hpa-ts.io/sync-period`: a Go duration within SYNC_PERIOD_RANGE, in milliseconds. */
export function parseSyncPeriodAnnotation(value: string): Result<number, AnnotationError> {
  const r = parseGoDurationMs(value, SYNC_PERIOD_RANGE);
  if (r.ok) return r;
  const { min, max } = SYNC_PERIOD_RANGE;
  return r.error.code === 'DurationOutOfRange'
    ? rejected(
        'DurationOutOfRange',
        HpaAnnotation.syncPeriod,
        value,
        `is out of range: must be between ${min} and ${max}`,
      )
    : rejected(
        'InvalidDuration',
        HpaAnnotation.syncPeriod,
        value,
        `is not a Go duration (${r.error.message}; expected e.g. 30s or 2m, between ${min} and ${max})`,
      );
}

/**
 * `hpa-ts.io/metrics-max-age`: 0 (any spelling of a zero Go duration: off for this HPA) or a Go
 * duration within METRICS_MAX_AGE_RANGE, in milliseconds. Below a second it would call every
 * sample stale: the metrics APIs stamp samples to the second (metav1.Time).
 */
export function parseMetricsMaxAgeAnnotation(value: string): Result<number, AnnotationError> {
  const zero = parseGoDurationMs(value);
  if (zero.ok && zero.value === 0) return ok(0);
  const r = parseGoDurationMs(value, METRICS_MAX_AGE_RANGE);
  if (r.ok) return r;
  const { min, max } = METRICS_MAX_AGE_RANGE;
  return r.error.code === 'DurationOutOfRange'
    ? rejected(
        'DurationOutOfRange',
        HpaAnnotation.metricsMaxAge,
        value,
        `is out of range: must be 0 (off) or between ${min} and ${max}`,
      )
    : rejected(
        'InvalidDuration',
        HpaAnnotation.metricsMaxAge,
        value,
        `is not a Go duration (${r.error.message}; expected e.g. 2m, or 0 for off, at most ${max})`,
      );
}

const POD_SELECTIONS: readonly string[] = Object.values(PodSelection);

/** `hpa-ts.io/pod-selection`: label-selector or owner-references, exactly (Kubernetes enums are case-sensitive). */
export function parsePodSelectionAnnotation(value: string): Result<PodSelection, AnnotationError> {
  return POD_SELECTIONS.includes(value)
    ? ok(value as PodSelection)
    : rejected('InvalidEnum', HpaAnnotation.podSelection, value, `is not one of ${POD_SELECTIONS.join(', ')}`);
}

const HPA_ANNOTATIONS: readonly HpaAnnotation[] = Object.values(HpaAnnotation);

/** Every hpa-ts annotation of one HPA; other annotations are not looked at. */
export function parseHpaAnnotations(annotations: Readonly<Record<string, string>> | null | undefined): HpaAnnotations {
  if (annotations == null) return NO_HPA_ANNOTATIONS;
  if (HPA_ANNOTATIONS.every((a) => annotations[a] === undefined)) return NO_HPA_ANNOTATIONS;
  const errors: AnnotationError[] = [];
  /** the annotation's value parsed by `parse`; null when absent, or invalid (then listed in errors) */
  const read = <T>(a: HpaAnnotation, parse: (value: string) => Result<T, AnnotationError>): T | null => {
    const raw = annotations[a];
    if (raw === undefined) return null;
    const r = parse(String(raw));
    if (r.ok) return r.value;
    errors.push(r.error);
    return null;
  };
  const paused = read(HpaAnnotation.paused, parsePausedAnnotation);
  const pausedReplicas = read(HpaAnnotation.pausedReplicas, parsePausedReplicasAnnotation);
  const syncPeriodMs = read(HpaAnnotation.syncPeriod, parseSyncPeriodAnnotation);
  const maxAge = read(HpaAnnotation.metricsMaxAge, parseMetricsMaxAgeAnnotation);
  const fallbackReplicas = read(HpaAnnotation.fallbackReplicas, parseFallbackReplicasAnnotation);
  const threshold = read(HpaAnnotation.fallbackFailureThreshold, parseFallbackFailureThresholdAnnotation);
  const behavior = read(HpaAnnotation.fallbackBehavior, parseFallbackBehaviorAnnotation);
  const podSelection = read(HpaAnnotation.podSelection, parsePodSelectionAnnotation);
  // an invalid behavior turns fallback off rather than defaulting to static, which may scale down
  const behaviorInvalid = annotations[HpaAnnotation.fallbackBehavior] !== undefined && behavior === null;
  const fallback =
    fallbackReplicas === null || behaviorInvalid
      ? null
      : {
          replicas: fallbackReplicas,
          failureThreshold: threshold ?? DEFAULT_FALLBACK_FAILURE_THRESHOLD,
          behavior: behavior ?? FallbackBehavior.static,
        };
  return {
    paused: paused === true,
    pausedReplicas,
    syncPeriodMs,
    ...(maxAge === null ? {} : { metricsMaxAgeMs: maxAge }),
    fallback,
    podSelection: podSelection ?? PodSelection.LabelSelector,
    errors,
  };
}

/** Whether the HPA asks for a pause (a valid `paused-replicas` wins over `paused`). */
export function pauseOf(
  a: HpaAnnotations,
): { readonly annotation: HpaAnnotation; readonly replicas: number | null } | null {
  if (a.pausedReplicas !== null) return { annotation: HpaAnnotation.pausedReplicas, replicas: a.pausedReplicas };
  if (a.paused) return { annotation: HpaAnnotation.paused, replicas: null };
  return null;
}
