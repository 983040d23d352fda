/**
 * Validation of `spec.metrics` entries (spec §8.2; upstream pkg/apis/autoscaling/validation:
 * validateMetricSpec and the per-source functions), in upstream's order and wording. Inputs are
 * read loosely: the object may carry any JSON.
 */
import { dns1123LabelErrors, labelKeyErrors, pathSegmentNameErrors } from './labels-syntax.js';
import { Quantity } from './quantity.js';
import { formatGoValue, type FieldErrors } from './validation-errors.js';

type Loose = Readonly<Record<string, unknown>>;

const METRIC_SOURCE_TYPES = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'] as const; // sorted, as listed
const MEMBER_OF_TYPE: Readonly<Record<string, string>> = {
  Object: 'object',
  Pods: 'pods',
  Resource: 'resource',
  External: 'external',
  ContainerResource: 'containerResource',
};
/** The order in which upstream looks at the members (only the first one present is validated). */
const MEMBERS = ['object', 'external', 'pods', 'resource', 'containerResource'] as const;

function loose(value: unknown): Loose | undefined {
  return value !== null && typeof value === 'object' ? (value as Loose) : undefined;
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function present(value: unknown): boolean {
  return value !== null && value !== undefined;
}

/** ValidateCrossVersionObjectReference: kind and name required, each a valid path segment. */
export function validateCrossVersionObjectReference(errs: FieldErrors, ref: unknown, path: string): void {
  const r = loose(ref) ?? {};
  for (const member of ['kind', 'name'] as const) {
    const value = str(r[member]);
    if (value.length === 0) errs.required(`${path}.${member}`, '');
    else for (const msg of pathSegmentNameErrors(value)) errs.invalid(`${path}.${member}`, value, msg);
  }
}

/**
 * The text upstream's JSON decoder rejects a quantity with, reported here as an invalid value of
 * the field: ErrSuffix when the text has upstream's shape (number, suffix letters, signed
 * integer) but no known suffix, ErrFormatWrong otherwise ("12Q", "1KiB").
 */
function quantityDecodeError(value: unknown, reason: string): string {
  // formatGoValue, not String(): an object whose `toString` is not a function cannot be String()ed
  const text = typeof value === 'string' ? value.trim() : formatGoValue(value);
  const shaped = /^[+-]?[0-9]*(?:\.[0-9]*)?[eEinumkKMGTP]*[+-]?[0-9]*$/.test(text);
  return reason !== 'format' && shaped
    ? "unable to parse quantity's suffix"
    : "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
}

/** A quantity that must be > 0 (targets) — or ≥ 0 with `allowZero` (tolerances). */
export function validateQuantity(
  errs: FieldErrors,
  value: unknown,
  path: string,
  allowZero: boolean,
  detail: string,
): void {
  const q = Quantity.tryParse(value);
  if (!q.ok) {
    errs.invalid(path, value, quantityDecodeError(value, q.error.reason));
    return;
  }
  const sign = q.value.sign();
  if (sign < 0 || (sign === 0 && !allowZero)) errs.invalid(path, value, detail, q.value.toString());
}

/**
 * A tolerance (upstream ValidateNonnegativeQuantity): below zero it is invalid, the value shown as
 * its canonical text in quotes — `Invalid value: "-100m": must be greater than or equal to 0`, as
 * kube-apiserver 1.33 … 1.37 answer.
 */
export function validateNonNegativeQuantity(errs: FieldErrors, value: unknown, path: string): void {
  const q = Quantity.tryParse(value);
  if (!q.ok) {
    errs.invalid(path, value, quantityDecodeError(value, q.error.reason));
    return;
  }
  if (q.value.sign() < 0)
    errs.invalid(path, value, 'must be greater than or equal to 0', JSON.stringify(q.value.toString()));
}

function validateMetricTarget(errs: FieldErrors, target: Loose, path: string): void {
  const type = str(target.type);
  if (type.length === 0) errs.required(`${path}.type`, 'must specify a metric target type');
  if (type !== 'Utilization' && type !== 'Value' && type !== 'AverageValue') {
    errs.invalid(`${path}.type`, type, 'must be either Utilization, Value, or AverageValue');
  }
  if (present(target.value)) validateQuantity(errs, target.value, `${path}.value`, false, 'must be positive');
  if (present(target.averageValue))
    validateQuantity(errs, target.averageValue, `${path}.averageValue`, false, 'must be positive');
  const utilization = target.averageUtilization;
  if (typeof utilization === 'number' && utilization < 1) {
    errs.invalid(`${path}.averageUtilization`, utilization, 'must be greater than 0');
  }
}

function validateMetricIdentifier(errs: FieldErrors, metric: Loose, path: string): void {
  const name = str(metric.name);
  if (name.length === 0) errs.required(`${path}.name`, 'must specify a metric name');
  else for (const msg of pathSegmentNameErrors(name)) errs.invalid(`${path}.name`, name, msg);
}

const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);
const STANDARD_RESOURCES = new Set([
  'cpu',
  'memory',
  'ephemeral-storage',
  'requests.cpu',
  'requests.memory',
  'requests.ephemeral-storage',
  'limits.cpu',
  'limits.memory',
  'limits.ephemeral-storage',
  'pods',
  'services',
  'replicationcontrollers',
  'resourcequotas',
  'secrets',
  'configmaps',
  'persistentvolumeclaims',
  'storage',
  'requests.storage',
  'services.nodeports',
  'services.loadbalancers',
]);

/** core validation of a container resource name: a standard one (cpu, memory, …) or an extended one. */
function validateContainerResourceName(errs: FieldErrors, name: string, path: string): void {
  const keyErrs = labelKeyErrors(name);
  for (const msg of keyErrs) errs.invalid(path, name, msg);
  if (keyErrs.length > 0) return;
  if (!name.includes('/')) {
    const hugePages = name.startsWith('hugepages-');
    if (!hugePages && !STANDARD_RESOURCES.has(name))
      errs.invalid(path, name, 'must be a standard resource type or fully qualified');
    if (!hugePages && !STANDARD_CONTAINER_RESOURCES.has(name))
      errs.invalid(path, name, 'must be a standard resource for containers');
  } else if (!name.includes('kubernetes.io/')) {
    const extended = !name.startsWith('requests.') && labelKeyErrors(`requests.${name}`).length === 0;
    if (!extended) errs.invalid(path, name, "doesn't follow extended resource name standard");
  }
}

function validateObjectSource(errs: FieldErrors, src: Loose, path: string): void {
  const target = loose(src.target) ?? {};
  validateCrossVersionObjectReference(errs, src.describedObject, `${path}.describedObject`);
  validateMetricIdentifier(errs, loose(src.metric) ?? {}, `${path}.metric`);
  validateMetricTarget(errs, target, `${path}.target`);
  if (!present(target.value) && !present(target.averageValue)) {
    errs.required(`${path}.target.averageValue`, 'must set either a target value or averageValue');
  }
}

function validateExternalSource(errs: FieldErrors, src: Loose, path: string): void {
  const target = loose(src.target) ?? {};
  validateMetricIdentifier(errs, loose(src.metric) ?? {}, `${path}.metric`);
  validateMetricTarget(errs, target, `${path}.target`);
  if (!present(target.value) && !present(target.averageValue)) {
    errs.required(`${path}.target.averageValue`, 'must set either a target value for metric or a per-pod target');
  }
  if (present(target.value) && present(target.averageValue)) {
    errs.forbidden(`${path}.target.value`, 'may not set both a target value for metric and a per-pod target');
  }
}

function validatePodsSource(errs: FieldErrors, src: Loose, path: string): void {
  const target = loose(src.target) ?? {};
  validateMetricIdentifier(errs, loose(src.metric) ?? {}, `${path}.metric`);
  validateMetricTarget(errs, target, `${path}.target`);
  if (!present(target.averageValue))
    errs.required(`${path}.target.averageValue`, 'must specify a positive target averageValue');
}

function validateUtilizationOrValue(errs: FieldErrors, target: Loose, path: string): void {
  if (!present(target.averageUtilization) && !present(target.averageValue)) {
    errs.required(`${path}.target.averageUtilization`, 'must set either a target raw value or a target utilization');
  }
  if (present(target.averageUtilization) && present(target.averageValue)) {
    errs.forbidden(`${path}.target.averageValue`, 'may not set both a target raw value and a target utilization');
  }
}

function validateContainerResourceSource(errs: FieldErrors, src: Loose, path: string): void {
  const target = loose(src.target) ?? {};
  const name = str(src.name);
  if (name.length === 0) errs.required(`${path}.name`, 'must specify a resource name');
  else validateContainerResourceName(errs, name, `${path}.name`);
  const container = str(src.container);
  if (container.length === 0) errs.required(`${path}.container`, 'must specify a container');
  else for (const msg of dns1123LabelErrors(container)) errs.invalid(`${path}.container`, container, msg);
  validateMetricTarget(errs, target, `${path}.target`);
  validateUtilizationOrValue(errs, target, path);
}

function validateResourceSource(errs: FieldErrors, src: Loose, path: string): void {
  const target = loose(src.target) ?? {};
  if (str(src.name).length === 0) errs.required(`${path}.name`, 'must specify a resource name');
  validateMetricTarget(errs, target, `${path}.target`);
  validateUtilizationOrValue(errs, target, path);
}

const VALIDATE_MEMBER: Readonly<
  Record<(typeof MEMBERS)[number], (errs: FieldErrors, src: Loose, path: string) => void>
> = {
  object: validateObjectSource,
  external: validateExternalSource,
  pods: validatePodsSource,
  resource: validateResourceSource,
  containerResource: validateContainerResourceSource,
};

/** validateMetricSpec: a known type, its member set, no other member. */
export function validateMetricSpec(errs: FieldErrors, spec: unknown, path: string): void {
  const s = loose(spec) ?? {};
  const type = str(s.type);
  if (type.length === 0) errs.required(`${path}.type`, 'must specify a metric source type');
  const known = Object.hasOwn(MEMBER_OF_TYPE, type);
  if (!known) errs.notSupported(`${path}.type`, type, METRIC_SOURCE_TYPES);
  const members: string[] = [];
  for (const member of MEMBERS) {
    if (!present(s[member])) continue;
    members.push(member);
    if (members.length === 1) VALIDATE_MEMBER[member](errs, loose(s[member]) ?? {}, `${path}.${member}`);
  }
  const expected = known ? MEMBER_OF_TYPE[type] : undefined;
  if (expected !== undefined && !present(s[expected])) {
    errs.required(`${path}.${expected}`, 'must populate information for the given metric source');
  }
  if (members.length !== 1) {
    // Upstream walks a Go set here (random order); sorted for determinism.
    for (const member of members.filter((m) => m !== expected).sort()) {
      errs.forbidden(`${path}.${member}`, 'must populate the given metric source only');
    }
  }
}
