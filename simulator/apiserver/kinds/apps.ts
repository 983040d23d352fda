/** apps/v1 kinds: Deployment, ReplicaSet, StatefulSet — the scale targets the HPA drives. */
import { fieldErr, type FieldError } from '../errors.js';
import { asNumber, asObject, isObject, jsonEqual } from '../json.js';
import { canonicalSelectorString, labelSelectorFromObject } from '../selectors.js';
import type { KubeObject } from '../types.js';
import type { KindHooks, MutableObject, ResourceType, ScaleSubresource } from '../registry.js';
import { deploymentPrinter, replicaSetPrinter, statefulSetPrinter } from '../printers/workloads.js';
import { canonicalizePodSpec, defaultPodSpec, defineKind, validatePodSpec } from './common.js';
import { intDecodeError, type IntType, type Struct } from './int-decode.js';

const STATUS_INTS: Readonly<Record<string, IntType>> = {
  observedGeneration: 'int64',
  replicas: 'int32',
  updatedReplicas: 'int32',
  readyReplicas: 'int32',
  availableReplicas: 'int32',
  unavailableReplicas: 'int32',
  fullyLabeledReplicas: 'int32',
  currentReplicas: 'int32',
  terminatingReplicas: 'int32',
  collisionCount: 'int32',
};

/** The Go structs of a workload kind, for the decoder's int32 errors (`spec.replicas: 2.5`). */
function workloadStruct(kind: string, specInts: Readonly<Record<string, IntType>>): Struct {
  return {
    name: kind,
    fields: {
      spec: { name: `${kind}Spec`, ints: { replicas: 'int32', minReadySeconds: 'int32', ...specInts } },
      status: { name: `${kind}Status`, ints: STATUS_INTS },
    },
  };
}

/** Scale of a built-in workload: spec.replicas / status.replicas, selector from spec.selector. */
const workloadScale: ScaleSubresource = {
  specReplicasPath: ['spec', 'replicas'],
  statusReplicasPath: ['status', 'replicas'],
  selector: (obj) => canonicalSelectorString(asObject(obj.spec)?.selector),
};

function specOf(obj: MutableObject): Record<string, unknown> {
  if (!isObject(obj.spec)) obj.spec = {};
  return obj.spec as Record<string, unknown>;
}

/** Go's %#v of a label map, close enough for messages: map[string]string{"app":"web"}. */
function goMap(m: unknown): string {
  const entries = Object.entries(asObject(m) ?? {}).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
  return `map[string]string{${entries.join(', ')}}`;
}

/** ValidateDeploymentSpec/ValidateReplicaSetSpec/ValidateStatefulSetSpec: the common part. */
function validateWorkload(kind: string, obj: KubeObject, old: KubeObject | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const spec = asObject(obj.spec) ?? {};
  const replicas = spec.replicas;
  if (replicas !== undefined && (asNumber(replicas) === undefined || (replicas as number) < 0)) {
    errs.push(fieldErr.invalid('spec.replicas', replicas, 'must be greater than or equal to 0'));
  }
  const selector = spec.selector;
  const template = asObject(spec.template);
  if (!isObject(selector)) {
    errs.push(fieldErr.required('spec.selector', ''));
  } else {
    const m = labelSelectorFromObject(selector);
    if (!m.ok) errs.push(fieldErr.invalid('spec.selector', selector, m.error));
    else if (m.value.requirements.length === 0)
      errs.push(fieldErr.invalid('spec.selector', selector, `empty selector is invalid for ${kind}`));
    else {
      const labels = (asObject(asObject(template?.metadata)?.labels) ?? {}) as Record<string, string>;
      if (!m.value.matches(labels)) {
        errs.push(
          fieldErr.invalidText(
            'spec.template.metadata.labels',
            goMap(labels),
            '`selector` does not match template `labels`',
          ),
        );
      }
    }
    if (old !== undefined && !jsonEqual(selector, asObject(old.spec)?.selector)) {
      errs.push(fieldErr.invalid('spec.selector', selector, 'field is immutable'));
    }
  }
  if (template === undefined) errs.push(fieldErr.required('spec.template', ''));
  else errs.push(...validatePodSpec(template.spec, 'spec.template.spec'));
  return errs;
}

function workloadHooks(
  kind: string,
  defaults: (spec: Record<string, unknown>) => void,
  annotationsBumpGeneration: boolean,
  specInts: Readonly<Record<string, IntType>> = {},
): KindHooks {
  const struct = workloadStruct(kind, specInts);
  return {
    decodeError: (body) => intDecodeError(body, struct),
    default(obj) {
      const spec = specOf(obj);
      spec.replicas ??= 1;
      defaults(spec);
      const template = asObject(spec.template);
      if (template !== undefined) defaultPodSpec(template.spec);
    },
    canonicalize: (obj, ctx) => canonicalizePodSpec(asObject(asObject(obj.spec)?.template)?.spec, kind, ctx),
    validate: (obj, old) => validateWorkload(kind.toLowerCase(), obj, old),
    // Deployments also bump on annotation changes: they are copied to the ReplicaSets.
    specChanged: (obj, old) =>
      !jsonEqual(obj.spec, old.spec) ||
      (annotationsBumpGeneration && !jsonEqual(obj.metadata.annotations ?? {}, old.metadata.annotations ?? {})),
  };
}

export const deployments: ResourceType = defineKind({
  group: 'apps',
  resource: 'deployments',
  kind: 'Deployment',
  shortNames: ['deploy'],
  categories: ['all'],
  hasStatus: true,
  scale: workloadScale,
  tracksGeneration: true,
  printer: deploymentPrinter,
  hooks: workloadHooks(
    'Deployment',
    (spec) => {
      spec.strategy ??= {};
      const strategy = spec.strategy as Record<string, unknown>;
      strategy.type ??= 'RollingUpdate';
      if (strategy.type === 'RollingUpdate') {
        strategy.rollingUpdate ??= {};
        const ru = strategy.rollingUpdate as Record<string, unknown>;
        ru.maxUnavailable ??= '25%';
        ru.maxSurge ??= '25%';
      }
      spec.revisionHistoryLimit ??= 10;
      spec.progressDeadlineSeconds ??= 600;
    },
    true,
    { revisionHistoryLimit: 'int32', progressDeadlineSeconds: 'int32' },
  ),
});

export const replicaSets: ResourceType = defineKind({
  group: 'apps',
  resource: 'replicasets',
  kind: 'ReplicaSet',
  shortNames: ['rs'],
  categories: ['all'],
  hasStatus: true,
  scale: workloadScale,
  tracksGeneration: true,
  printer: replicaSetPrinter,
  hooks: workloadHooks('ReplicaSet', () => undefined, false),
});

export const statefulSets: ResourceType = defineKind({
  group: 'apps',
  resource: 'statefulsets',
  kind: 'StatefulSet',
  shortNames: ['sts'],
  categories: ['all'],
  hasStatus: true,
  scale: workloadScale,
  tracksGeneration: true,
  printer: statefulSetPrinter,
  hooks: workloadHooks(
    'StatefulSet',
    (spec) => {
      spec.podManagementPolicy ??= 'OrderedReady';
      spec.updateStrategy ??= { type: 'RollingUpdate', rollingUpdate: { partition: 0 } };
      spec.revisionHistoryLimit ??= 10;
      spec.persistentVolumeClaimRetentionPolicy ??= { whenDeleted: 'Retain', whenScaled: 'Retain' };
    },
    false,
    { revisionHistoryLimit: 'int32' },
  ),
});

export const appsKinds: readonly ResourceType[] = [deployments, replicaSets, statefulSets];
