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
  podSelection: 'hpa-ts.io/pod-selection',
} as const;
export type HpaAnnotation = (typeof HpaAnnotation)[keyof typeof HpaAnnotation];

/** The range of `hpa-ts.io/sync-period`, as written in messages and docs. */
export const SYNC_PERIOD_RANGE: DurationRange = { min: '1s', max: '1h' };

const MAX_INT32 = 2_147_483_647;
const DIGITS = /^[0-9]+$/;

export const AnnotationErrorCode = {
  InvalidBool: 'InvalidBool',
  InvalidInt: 'InvalidInt',
  IntOutOfRange: 'IntOutOfRange',
  InvalidDuration: 'InvalidDuration',
  DurationOutOfRange: 'DurationOutOfRange',
  InvalidChoice: 'InvalidChoice',
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
  /** `hpa-ts.io/pod-selection`: which pods count; label-selector (upstream) when absent */
  readonly podSelection: PodSelection;
  /** in the order of HpaAnnotation */
  readonly errors: readonly AnnotationError[];
}

export const NO_HPA_ANNOTATIONS: HpaAnnotations = {
  paused: false,
  pausedReplicas: null,
  syncPeriodMs: null,
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
  if (!DIGITS.test(value))
    return rejected('InvalidInt', HpaAnnotation.pausedReplicas, value, 'is not a non-negative integer');
  const n = Number(value);
  if (n > MAX_INT32)
    return rejected('IntOutOfRange', HpaAnnotation.pausedReplicas, value, `is out of range: must be 0 … ${MAX_INT32}`);
  return ok(n);
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

const POD_SELECTIONS: readonly string[] = Object.values(PodSelection);

/** `hpa-ts.io/pod-selection`: label-selector or owner-references, exactly (Kubernetes enums are case-sensitive). */
export function parsePodSelectionAnnotation(value: string): Result<PodSelection, AnnotationError> {
  return POD_SELECTIONS.includes(value)
    ? ok(value as PodSelection)
    : rejected('InvalidChoice', HpaAnnotation.podSelection, value, `is not one of ${POD_SELECTIONS.join(', ')}`);
}

/** Every hpa-ts annotation of one HPA; other annotations are not looked at. */
export function parseHpaAnnotations(annotations: Readonly<Record<string, string>> | null | undefined): HpaAnnotations {
  if (annotations == null) return NO_HPA_ANNOTATIONS;
  const paused = annotations[HpaAnnotation.paused];
  const replicas = annotations[HpaAnnotation.pausedReplicas];
  const period = annotations[HpaAnnotation.syncPeriod];
  const selection = annotations[HpaAnnotation.podSelection];
  if (paused === undefined && replicas === undefined && period === undefined && selection === undefined)
    return NO_HPA_ANNOTATIONS;
  const errors: AnnotationError[] = [];
  const valueOf = <T>(r: Result<T, AnnotationError> | undefined): T | null => {
    if (r === undefined) return null;
    if (r.ok) return r.value;
    errors.push(r.error);
    return null;
  };
  const p = valueOf(paused === undefined ? undefined : parsePausedAnnotation(String(paused)));
  const n = valueOf(replicas === undefined ? undefined : parsePausedReplicasAnnotation(String(replicas)));
  const s = valueOf(period === undefined ? undefined : parseSyncPeriodAnnotation(String(period)));
  const pods = valueOf(selection === undefined ? undefined : parsePodSelectionAnnotation(String(selection)));
  return {
    paused: p === true,
    pausedReplicas: n,
    syncPeriodMs: s,
    podSelection: pods ?? PodSelection.LabelSelector,
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
