/**
 * What the API server does to an autoscaling/v2 HorizontalPodAutoscaler before storing it:
 * defaulting (spec §8.1, upstream pkg/apis/autoscaling/v2/defaults.go) and validation (§8.2,
 * pkg/apis/autoscaling/validation/validation.go), with upstream's field paths and messages. The
 * controller never calls these; the simulator's API and `hpa-ts explain` do.
 */
import type { HPAScalingPolicy, HPAScalingRules, HorizontalPodAutoscaler, MetricSpec } from './api-types.js';
import { dns1123LabelErrors, dns1123SubdomainErrors } from './labels-syntax.js';
import { FieldErrors, type FieldError } from './validation-errors.js';
import {
  validateCrossVersionObjectReference,
  validateMetricSpec,
  validateNonNegativeQuantity,
} from './validation-metrics.js';

export type { FieldError, FieldErrorType } from './validation-errors.js';

export interface ValidationOptions {
  /**
   * Gate HPAScaleToZero: minReplicas may be 0 (with an Object or External metric). Upstream also
   * allows 0 on an update when the stored object already has 0: pass true for such an update.
   */
  readonly scaleToZero: boolean;
  /**
   * Gate HPAConfigurableTolerance. Off: upstream's create/update strategy drops a new
   * `tolerance` before validating (unless the stored object already has one), so it is not
   * checked here; the caller drops it. Pass true for an update of an object that has one.
   */
  readonly configurableTolerance: boolean;
}

/** MaxPeriodSeconds: the longest scaling-policy period. */
const MAX_PERIOD_SECONDS = 1800;
/** MaxStabilizationWindowSeconds. */
const MAX_STABILIZATION_WINDOW_SECONDS = 3600;
const SELECT_POLICIES = ['Disabled', 'Max', 'Min'] as const; // sorted, as upstream lists them
const POLICY_TYPES = ['Percent', 'Pods'] as const;

type Loose = Readonly<Record<string, unknown>>;

function loose(value: unknown): Loose | undefined {
  return value !== null && typeof value === 'object' ? (value as Loose) : undefined;
}

function present(value: unknown): boolean {
  return value !== null && value !== undefined;
}

/** A Go int32 field: absent decodes as 0. */
function int(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}

/**
 * ValidateHorizontalPodAutoscaler, for the object as given. The API server defaults before it
 * validates, so call `defaultHorizontalPodAutoscaler` first to mirror a create. Of the object
 * metadata only `name` (a DNS-1123 subdomain) and, when set, `namespace` (a DNS-1123 label) are
 * checked; the API server takes the namespace from the request path.
 */
export function validateHorizontalPodAutoscaler(
  hpa: HorizontalPodAutoscaler,
  opts: ValidationOptions,
): readonly FieldError[] {
  const errs = new FieldErrors();
  const metadata = loose(hpa.metadata) ?? {};
  const name = typeof metadata.name === 'string' ? metadata.name : '';
  if (name.length === 0) errs.required('metadata.name', 'name or generateName is required');
  else for (const msg of dns1123SubdomainErrors(name)) errs.invalid('metadata.name', name, msg);
  const namespace = metadata.namespace;
  if (typeof namespace === 'string' && namespace.length > 0) {
    for (const msg of dns1123LabelErrors(namespace)) errs.invalid('metadata.namespace', namespace, msg);
  }

  const spec = loose(hpa.spec) ?? {};
  const lowerBound = opts.scaleToZero ? 0 : 1;
  const minReplicas = typeof spec.minReplicas === 'number' ? spec.minReplicas : undefined;
  const maxReplicas = int(spec.maxReplicas);
  // what a typed decoder refuses, from a server without a schema
  integerIfPresent(errs, spec.minReplicas, 'spec.minReplicas');
  integerIfPresent(errs, spec.maxReplicas, 'spec.maxReplicas');
  if (minReplicas !== undefined && minReplicas < lowerBound) {
    errs.invalid('spec.minReplicas', minReplicas, `must be greater than or equal to ${lowerBound}`);
  }
  if (maxReplicas < 1) errs.invalid('spec.maxReplicas', maxReplicas, 'must be greater than 0');
  if (minReplicas !== undefined && maxReplicas < minReplicas) {
    errs.invalid('spec.maxReplicas', maxReplicas, 'must be greater than or equal to `minReplicas`');
  }
  validateCrossVersionObjectReference(errs, spec.scaleTargetRef, 'spec.scaleTargetRef');

  const metrics: readonly unknown[] = Array.isArray(spec.metrics) ? spec.metrics : [];
  // a server that decodes into Go types refuses this at decode time; one without a schema stores it
  if (present(spec.metrics) && !Array.isArray(spec.metrics))
    errs.invalid('spec.metrics', spec.metrics, 'must be a list of metric specs');
  metrics.forEach((metric, i) => validateMetricSpec(errs, metric, `spec.metrics[${i}]`));
  if (minReplicas === 0) {
    const types = metrics.map((m) => loose(m)?.type);
    if (!types.includes('Object') && !types.includes('External')) {
      errs.forbidden(
        'spec.metrics',
        'must specify at least one Object or External metric to support scaling to zero replicas',
      );
    }
  }

  const behavior = loose(spec.behavior);
  if (behavior !== undefined) {
    validateScalingRules(errs, behavior.scaleUp, 'spec.behavior.scaleUp', opts);
    validateScalingRules(errs, behavior.scaleDown, 'spec.behavior.scaleDown', opts);
  }
  return errs.result();
}

function validateScalingRules(errs: FieldErrors, value: unknown, path: string, opts: ValidationOptions): void {
  const rules = loose(value);
  if (rules === undefined) return;
  const window = rules.stabilizationWindowSeconds;
  integerIfPresent(errs, window, `${path}.stabilizationWindowSeconds`);
  if (typeof window === 'number') {
    if (window < 0) errs.invalid(`${path}.stabilizationWindowSeconds`, window, 'must be greater than or equal to zero');
    if (window > MAX_STABILIZATION_WINDOW_SECONDS) {
      errs.invalid(
        `${path}.stabilizationWindowSeconds`,
        window,
        `must be less than or equal to ${MAX_STABILIZATION_WINDOW_SECONDS}`,
      );
    }
  }
  const selectPolicy = rules.selectPolicy;
  if (present(selectPolicy) && !(SELECT_POLICIES as readonly unknown[]).includes(selectPolicy)) {
    errs.notSupported(`${path}.selectPolicy`, selectPolicy, SELECT_POLICIES);
  }
  const policies: readonly unknown[] = Array.isArray(rules.policies) ? rules.policies : [];
  // Even a Disabled direction needs a policy.
  if (policies.length === 0) errs.required(`${path}.policies`, 'must specify at least one Policy');
  policies.forEach((p, i) => validateScalingPolicy(errs, loose(p) ?? {}, `${path}.policies[${i}]`));
  if (opts.configurableTolerance && present(rules.tolerance)) {
    validateNonNegativeQuantity(errs, rules.tolerance, `${path}.tolerance`);
  }
}

/** What a typed decoder refuses, from a server without a schema: an int32 field holding anything else. */
function integerIfPresent(errs: FieldErrors, value: unknown, path: string): void {
  if (present(value) && !Number.isInteger(value)) errs.invalid(path, value, 'must be an integer');
}

function validateScalingPolicy(errs: FieldErrors, policy: Loose, path: string): void {
  const type = typeof policy.type === 'string' ? policy.type : '';
  if (type !== 'Pods' && type !== 'Percent') errs.notSupported(`${path}.type`, type, POLICY_TYPES);
  integerIfPresent(errs, policy.value, `${path}.value`);
  integerIfPresent(errs, policy.periodSeconds, `${path}.periodSeconds`);
  const value = int(policy.value);
  // No upper bound: a Percent policy may exceed 100.
  if (value <= 0) errs.invalid(`${path}.value`, value, 'must be greater than zero');
  const period = int(policy.periodSeconds);
  if (period <= 0) errs.invalid(`${path}.periodSeconds`, period, 'must be greater than zero');
  if (period > MAX_PERIOD_SECONDS)
    errs.invalid(`${path}.periodSeconds`, period, `must be less than or equal to ${MAX_PERIOD_SECONDS}`);
}

// ---- defaulting ----

/** The default metric: average cpu utilization of 80 % of the requests. */
const DEFAULT_CPU_UTILIZATION = 80;

function scaleUpPolicies(): HPAScalingPolicy[] {
  return [
    { type: 'Pods', value: 4, periodSeconds: 15 },
    { type: 'Percent', value: 100, periodSeconds: 15 },
  ];
}

function scaleDownPolicies(): HPAScalingPolicy[] {
  return [{ type: 'Percent', value: 100, periodSeconds: 15 }];
}

/** Every non-null field of `rules` replaces the default field as a whole (policies included). */
function fillRules(
  rules: HPAScalingRules | null | undefined,
  defaults: Required<Omit<HPAScalingRules, 'tolerance'>>,
): HPAScalingRules {
  const tolerance = rules?.tolerance;
  return {
    stabilizationWindowSeconds: rules?.stabilizationWindowSeconds ?? defaults.stabilizationWindowSeconds,
    selectPolicy: rules?.selectPolicy ?? defaults.selectPolicy,
    policies: rules?.policies ?? defaults.policies,
    ...(tolerance !== null && tolerance !== undefined ? { tolerance } : {}),
  };
}

/**
 * GenerateHPAScaleUpRules: window 0, selectPolicy Max, policies `Pods 4 / 15s` then
 * `Percent 100 / 15s`, each replaced by the user's non-null field; `tolerance` copied if set.
 */
export function generateScaleUpRules(rules: HPAScalingRules | null | undefined): HPAScalingRules {
  return fillRules(rules, { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: scaleUpPolicies() });
}

/**
 * GenerateHPAScaleDownRules: selectPolicy Max, policies `Percent 100 / 15s`; the window stays null
 * when unset — the controller fills it from --horizontal-pod-autoscaler-downscale-stabilization.
 */
export function generateScaleDownRules(rules: HPAScalingRules | null | undefined): HPAScalingRules {
  return fillRules(rules, { stabilizationWindowSeconds: null, selectPolicy: 'Max', policies: scaleDownPolicies() });
}

/**
 * SetDefaults_HorizontalPodAutoscaler: minReplicas 1; no metrics → cpu at 80 % utilization; a
 * non-null behavior gets every unset field of each direction from the defaults (a null behavior
 * stays null: the controller then uses its legacy normalization). Returns a new object.
 */
export function defaultHorizontalPodAutoscaler(hpa: HorizontalPodAutoscaler): HorizontalPodAutoscaler {
  const spec = hpa.spec;
  const given: unknown = spec.metrics;
  const metrics: readonly MetricSpec[] =
    given !== null && given !== undefined && (!Array.isArray(given) || given.length > 0)
      ? (given as readonly MetricSpec[]) // not a list: left for validation to report
      : [
          {
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: DEFAULT_CPU_UTILIZATION } },
          },
        ];
  const behavior = spec.behavior;
  const defaulted =
    behavior === null || behavior === undefined
      ? {}
      : {
          behavior: {
            scaleUp: generateScaleUpRules(behavior.scaleUp),
            scaleDown: generateScaleDownRules(behavior.scaleDown),
          },
        };
  return { ...hpa, spec: { ...spec, minReplicas: spec.minReplicas ?? 1, metrics, ...defaulted } };
}
