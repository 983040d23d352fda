/**
 * Upstream behaviour changed over releases (spec §0.3, V1–V17). Every version-dependent rule is a
 * named switch here; a release (`--emulated-version`) selects a set of switches, feature gates
 * (`--feature-gates`) override theirs, and the conformance runner uses `corpusProfile()` (§0.4).
 */

export const FeatureGate = {
  HPAConfigurableTolerance: 'HPAConfigurableTolerance',
  HPAScaleToZero: 'HPAScaleToZero',
  HPAGeneration: 'HPAGeneration',
  HPAOptimizedSelectorStore: 'HPAOptimizedSelectorStore',
  StaleControllerConsistencyHPA: 'StaleControllerConsistencyHPA',
  PodLevelResources: 'PodLevelResources',
} as const;
export type FeatureGate = (typeof FeatureGate)[keyof typeof FeatureGate];

export type FeatureGates = Readonly<Record<FeatureGate, boolean>>;

export interface Profile {
  /** V1: ≥1.33 `(1−down) ≤ r ≤ (1+up)`; ≤1.32 `|1−r| ≤ t`. */
  readonly toleranceComparison: 'perDirection' | 'absolute';
  /** V3: ≤1.35 a target at 0 with minReplicas 0 is autoscaled; ≥1.36 only with ScaledToZero=True. */
  readonly scaleToZeroMode: 'minReplicasZero' | 'conditionBased';
  /** V4: missing pods on scale-down with a Utilization target: 100 % of request (≤1.25) or max(100, target) %. */
  readonly missingPodUtilization: 'request' | 'maxOfTarget';
  /** V5: a failed metric forbids scale-down (false only for 1.16–1.20). */
  readonly partialFailureBlocksScaleDown: boolean;
  /** V6: a pod whose metrics lack the named container counts as missing (true) or fails the metric (false). */
  readonly missingContainerIsMissingPod: boolean;
  /** V7: restartable init containers (sidecars) count in the request sum (≈1.29+). */
  readonly sidecarRequests: boolean;
  /** V7: a named container absent from the pod fails the metric (≈1.34+) instead of counting 0. */
  readonly containerNotFoundIsError: boolean;
  /** V8: pods in phase Succeeded are ignored like Failed ones (1.38-dev). */
  readonly ignoreSucceededPods: boolean;
  /** V9: attempts of the scale PUT when it hits 409 Conflict (1 = no retry). */
  readonly scaleUpdateAttempts: number;
  /** V10: format of memory averageValue in status.currentMetrics. */
  readonly memoryStatusFormat: 'DecimalSI' | 'BinarySI';
  /** V11: Object/AverageValue status copies describedObject (newer) or leaves it zero-valued. */
  readonly objectAverageValueDescribedObject: 'copy' | 'zero';
  /** V12: new HPAs are processed at once (1.37) instead of one sync period after creation. */
  readonly immediateEnqueueOnAdd: boolean;
  /** V16: wording of the AmbiguousSelector message. */
  readonly ambiguousSelectorMessage: 'multiple' | 'moreThanOne';
  /** V17: errors wrapped with %w keep the spec-error class up to the reconcile level. */
  readonly errorWrapping: 'v' | 'w';
  /** R1.8.1: wording of the object-metric fetch error. */
  readonly objectFetchErrorWording: 'v1.34' | 'newest';
  /** R1.2.3: wording when every sample belonged to an unready or ignored pod. */
  readonly noReadyMetricsWording: 'old' | 'new';
  /** R1.9.2 / R1.10.2 / R1.11.1: saturate replica counts at MaxInt32 and sums at MaxInt64 (newest). */
  readonly saturate: boolean;
  /**
   * R1.9.2: the guards of the per-pod value of Object/External AverageValue metrics. Every release
   * to 1.37 divides by statusReplicas unguarded for Object; External checks MaxInt64 from 1.34;
   * only the newest source (the corpus) also returns 0 at 0 replicas. Measured side by side:
   * kcm 1.33.13–1.35.4 report "-9223372036854775808m" for a target at 0 replicas.
   */
  readonly perPodUsageGuards: 'none' | 'externalMax' | 'newest';
  readonly gates: FeatureGates;
}

export interface EmulatedVersion {
  readonly major: 1;
  readonly minor: number;
}

export const NEWEST_MINOR = 37;
export const OLDEST_MINOR = 26;

export function parseEmulatedVersion(text: string): EmulatedVersion | string {
  const m = /^v?1\.(\d+)(?:\.\d+)?$/.exec(text.trim());
  if (m === null) return `invalid --emulated-version "${text}": expected 1.<minor>, e.g. 1.32`;
  const minor = Number(m[1]);
  if (minor < OLDEST_MINOR || minor > NEWEST_MINOR) {
    return `unsupported --emulated-version "${text}": hpa-ts emulates 1.${OLDEST_MINOR} to 1.${NEWEST_MINOR}`;
  }
  return { major: 1, minor };
}

/** Feature-gate defaults per release (notes/upstream-and-peers.md §1.1, spec §0.3). */
export function defaultGates(minor: number): FeatureGates {
  return {
    HPAConfigurableTolerance: minor >= 35,
    HPAScaleToZero: minor >= 37,
    HPAGeneration: false,
    HPAOptimizedSelectorStore: minor >= 37,
    StaleControllerConsistencyHPA: minor >= 37,
    PodLevelResources: minor >= 34,
  };
}

/** Gates that are GA (locked) in a release cannot be turned off. */
export function lockedGates(minor: number): ReadonlySet<FeatureGate> {
  const locked = new Set<FeatureGate>();
  if (minor >= 37) locked.add('HPAConfigurableTolerance');
  return locked;
}

/** Applies `--feature-gates=A=true,B=false`; unknown names and locked gates are errors (kube-controller-manager does the same). */
export function applyFeatureGates(base: FeatureGates, spec: string, minor: number): FeatureGates | string {
  const gates: Record<FeatureGate, boolean> = { ...base };
  const locked = lockedGates(minor);
  for (const part of spec
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')) {
    const eq = part.indexOf('=');
    if (eq < 0) return `invalid --feature-gates entry "${part}": expected Name=true|false`;
    const name = part.slice(0, eq).trim();
    const value = part
      .slice(eq + 1)
      .trim()
      .toLowerCase();
    if (!(name in gates)) {
      return `unrecognized feature gate: ${name} (known: ${Object.keys(gates).sort().join(', ')})`;
    }
    if (value !== 'true' && value !== 'false') return `invalid value of ${name}: ${value}, err: expected true or false`;
    const gate = name as FeatureGate;
    if (locked.has(gate) && value === 'false') {
      return `cannot set feature gate ${name} to false, feature is locked to true in 1.${minor}`;
    }
    gates[gate] = value === 'true';
  }
  return gates;
}

/** The switches of one upstream release. */
export function profileForVersion(minor: number, gates: FeatureGates = defaultGates(minor)): Profile {
  return {
    toleranceComparison: minor >= 33 ? 'perDirection' : 'absolute',
    scaleToZeroMode: minor >= 36 ? 'conditionBased' : 'minReplicasZero',
    missingPodUtilization: minor >= 26 ? 'maxOfTarget' : 'request',
    partialFailureBlocksScaleDown: true,
    missingContainerIsMissingPod: minor >= 32,
    sidecarRequests: minor >= 29,
    containerNotFoundIsError: minor >= 34,
    ignoreSucceededPods: false,
    scaleUpdateAttempts: minor >= 35 ? 5 : 1,
    // V10 says ≈1.35: side by side, kube-controller-manager 1.34.4 writes BinarySI, 1.33.13 DecimalSI
    memoryStatusFormat: minor >= 34 ? 'BinarySI' : 'DecimalSI',
    objectAverageValueDescribedObject: minor >= 33 ? 'copy' : 'zero',
    immediateEnqueueOnAdd: minor >= 37,
    ambiguousSelectorMessage: minor >= 37 ? 'moreThanOne' : 'multiple',
    errorWrapping: minor >= 37 ? 'w' : 'v',
    objectFetchErrorWording: minor >= 37 ? 'newest' : 'v1.34',
    noReadyMetricsWording: 'new',
    saturate: minor >= 35,
    perPodUsageGuards: minor >= 34 ? 'externalMax' : 'none',
    gates,
  };
}

/**
 * The combination the conformance corpus encodes (spec §0.4): newest per-direction tolerance,
 * Succeeded pods ignored, saturation, conflict retries; and from ≈1.32 scale-from-zero with
 * minReplicas 0, %v wrapping, zero describedObject, DecimalSI memory. Gates come from each case.
 */
export function corpusProfile(gates: Partial<FeatureGates> = {}): Profile {
  return {
    ...profileForVersion(NEWEST_MINOR),
    scaleToZeroMode: 'minReplicasZero',
    ignoreSucceededPods: true,
    scaleUpdateAttempts: 5,
    memoryStatusFormat: 'DecimalSI',
    objectAverageValueDescribedObject: 'zero',
    errorWrapping: 'v',
    ambiguousSelectorMessage: 'multiple',
    saturate: true,
    perPodUsageGuards: 'newest',
    gates: {
      HPAConfigurableTolerance: false,
      HPAScaleToZero: false,
      HPAGeneration: false,
      HPAOptimizedSelectorStore: false,
      StaleControllerConsistencyHPA: false,
      PodLevelResources: true,
      ...gates,
    },
  };
}

/** Controller settings (kube-controller-manager flags), in the units the rules use. */
export interface ControllerConfig {
  readonly tolerance: number;
  readonly downscaleStabilizationWindowSeconds: number;
  readonly cpuInitializationPeriodSeconds: number;
  readonly delayOfInitialReadinessStatusSeconds: number;
  /** 2.0 in production; the upstream test package uses 8. */
  readonly scaleUpLimitFactor: number;
  readonly scaleUpLimitMinimum: number;
  /**
   * hpa-ts's stale-sample cut-off (`--metrics-max-age`, stale-samples.ts) in milliseconds;
   * absent or 0: off, every sample is trusted as upstream trusts it
   */
  readonly metricsMaxAgeMs?: number;
}

export const DEFAULT_CONTROLLER_CONFIG: ControllerConfig = {
  tolerance: 0.1,
  downscaleStabilizationWindowSeconds: 300,
  cpuInitializationPeriodSeconds: 300,
  delayOfInitialReadinessStatusSeconds: 30,
  scaleUpLimitFactor: 2.0,
  scaleUpLimitMinimum: 4.0,
};
