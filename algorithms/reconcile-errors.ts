/**
 * The errors one reconcile can return, as values: a stable `code` to branch on, upstream's message
 * (never parsed: behaviour depends on the code only) and the underlying cause. Codes are the reasons
 * upstream puts on the Warning event that goes with each error (§4.2), except `InvalidMetrics`,
 * the partial-failure error upstream returns without an event of its own (R2.6).
 */
export const ReconcileErrorCode = {
  /** the scale subresource could not be read (§3.1 step 2, §3.2) */
  FailedGetScale: 'FailedGetScale',
  /** scale.status.selector is empty (R3.3.1) */
  SelectorRequired: 'SelectorRequired',
  /** scale.status.selector does not parse (R3.3.2) */
  InvalidSelector: 'InvalidSelector',
  /** the target's pods are claimed by more than one HPA (R3.3.3) */
  AmbiguousSelector: 'AmbiguousSelector',
  /** ours (hpa-ts.io/pod-selection: owner-references): the ReplicaSets could not be listed */
  FailedGetPodOwners: 'FailedGetPodOwners',
  /** no usable replica count from the metrics (R2.5, §3.1 step 7.2) */
  FailedComputeMetricsReplicas: 'FailedComputeMetricsReplicas',
  /** some metrics failed but the others gave a replica count that was applied (R2.6) */
  InvalidMetrics: 'InvalidMetrics',
  /** the scale write failed (R3.8.3) */
  FailedRescale: 'FailedRescale',
  /** the status write failed (R3.9.3) */
  FailedUpdateStatus: 'FailedUpdateStatus',
  /** the HPA fails the API server's validation (§8.2); ours: upstream's API server never stores one */
  InvalidSpec: 'InvalidSpec',
} as const;
export type ReconcileErrorCode = (typeof ReconcileErrorCode)[keyof typeof ReconcileErrorCode];

export type SelectorErrorCode = 'SelectorRequired' | 'InvalidSelector' | 'AmbiguousSelector' | 'FailedGetPodOwners';

export interface ReconcileError {
  readonly code: ReconcileErrorCode;
  /** the error exactly as upstream's reconcile returns (and logs) it */
  readonly message: string;
  /** the error inside upstream's wrapping, as its Warning event shows it */
  readonly cause: string;
  /** a spec error (§5.8): the HPA object is at fault, not the cluster */
  readonly spec: boolean;
}

/** Which step failed to read the scale; it decides upstream's wrapping (§3.2). */
export type ScaleReadStage = 'apiVersion' | 'mapping' | 'get';

/** R3.2.1, R3.2.2: an unparsable apiVersion is the user's error, the others the cluster's. */
export function failedGetScale(stage: ScaleReadStage, reference: string, cause: string): ReconcileError {
  switch (stage) {
    case 'apiVersion':
      return {
        code: 'FailedGetScale',
        message: `invalid API version in scale target reference: ${cause}`,
        cause,
        spec: true,
      };
    case 'mapping':
      return {
        code: 'FailedGetScale',
        message: `unable to determine resource for scale target reference: ${cause}`,
        cause,
        spec: false,
      };
    case 'get':
      return {
        code: 'FailedGetScale',
        message: `failed to query scale subresource for ${reference}: ${cause}`,
        cause,
        spec: false,
      };
  }
}

/** R2.4: the aggregate of the failed metrics, naming the first failure. */
export function invalidMetrics(
  counts: { readonly invalid: number; readonly total: number },
  first: { readonly message: string; readonly spec: boolean },
  spec: boolean,
): ReconcileError {
  return {
    code: 'InvalidMetrics',
    message: `invalid metrics (${counts.invalid} invalid out of ${counts.total}), first error is: ${first.message}`,
    cause: first.message,
    spec,
  };
}

/**
 * §3.1 step 7.2: the reconcile stops without a replica count. `code` keeps a selector failure
 * (§3.3) apart from failed metrics; the message is upstream's either way.
 */
export function failedComputeMetricsReplicas(
  code: SelectorErrorCode | 'FailedComputeMetricsReplicas',
  reference: string,
  cause: string,
  spec: boolean,
): ReconcileError {
  return {
    code,
    message: `failed to compute desired number of replicas based on listed metrics for ${reference}: ${cause}`,
    cause,
    spec,
  };
}

/** R3.8.3 */
export function failedRescale(reference: string, cause: string): ReconcileError {
  return { code: 'FailedRescale', message: `failed to rescale ${reference}: ${cause}`, cause, spec: false };
}

/** R3.9.3: `name` is the HPA's name, as upstream prints it. */
export function failedUpdateStatus(name: string, cause: string): ReconcileError {
  return { code: 'FailedUpdateStatus', message: `failed to update status for ${name}: ${cause}`, cause, spec: false };
}
