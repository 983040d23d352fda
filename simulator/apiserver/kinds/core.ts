/** core/v1 kinds: Namespace, Pod, Event, ConfigMap, Service, ServiceAccount. */
import { fieldErr, type FieldError } from '../errors.js';
import { asArray, asObject, asString, getPath, isObject, jsonEqual } from '../json.js';
import type { ResourceType } from '../registry.js';
import {
  configMapPrinter,
  eventPrinter,
  namespacePrinter,
  podPrinter,
  servicePrinter,
  serviceAccountPrinter,
} from '../printers/core.js';
import { canonicalizePodSpec, defaultPodSpec, defineKind, NameRule, validatePodSpec } from './common.js';

const PROTECTED_NAMESPACES = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);

export const namespaces: ResourceType = defineKind({
  group: '',
  resource: 'namespaces',
  kind: 'Namespace',
  namespaced: false,
  shortNames: ['ns'],
  hasStatus: true,
  nameRule: NameRule.Label,
  printer: namespacePrinter,
  fieldLabels: ['status.phase'],
  hooks: {
    default(obj) {
      // NamespaceDefaultLabelName (GA 1.22): every namespace carries its own name as a label.
      const labels = (isObject(obj.metadata.labels) ? obj.metadata.labels : {}) as Record<string, unknown>;
      if (typeof obj.metadata.name === 'string') labels['kubernetes.io/metadata.name'] = obj.metadata.name;
      obj.metadata.labels = labels;
      const spec = (asObject(obj.spec) ?? {}) as Record<string, unknown>;
      spec.finalizers ??= ['kubernetes'];
      obj.spec = spec;
    },
    prepareCreate(obj) {
      obj.status = { phase: 'Active' };
    },
    fieldValue: (obj, label) => (label === 'status.phase' ? asString(asObject(obj.status)?.phase) : undefined),
  },
  undeletable: (obj) =>
    PROTECTED_NAMESPACES.has(obj.metadata.name ?? '') ? 'this namespace may not be deleted' : undefined,
});

function qosClass(spec: Record<string, unknown>): string {
  const containers = [...asArray(spec.containers), ...asArray(spec.initContainers)].map(
    (c) => asObject(asObject(c)?.resources) ?? {},
  );
  let any = false;
  let guaranteed = true;
  for (const r of containers) {
    const req = asObject(r.requests) ?? {};
    const lim = asObject(r.limits) ?? {};
    if (Object.keys(req).length > 0 || Object.keys(lim).length > 0) any = true;
    for (const res of ['cpu', 'memory']) {
      if (lim[res] === undefined) guaranteed = false;
      else if (req[res] !== undefined && req[res] !== lim[res]) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

const POD_FIELD_LABELS = [
  'spec.nodeName',
  'spec.restartPolicy',
  'spec.schedulerName',
  'spec.serviceAccountName',
  'spec.hostNetwork',
  'status.phase',
  'status.podIP',
  'status.nominatedNodeName',
];

/** Pod updates may change only images, activeDeadlineSeconds, tolerations and terminationGracePeriodSeconds. */
function podSpecMutable(spec: unknown): unknown {
  const s = { ...(asObject(spec) ?? {}) };
  const strip = (list: unknown): unknown => asArray(list).map((c) => ({ ...(asObject(c) ?? {}), image: undefined }));
  s.containers = strip(s.containers);
  s.initContainers = strip(s.initContainers);
  delete s.activeDeadlineSeconds;
  delete s.tolerations;
  delete s.terminationGracePeriodSeconds;
  return s;
}

export const pods: ResourceType = defineKind({
  group: '',
  resource: 'pods',
  kind: 'Pod',
  shortNames: ['po'],
  categories: ['all'],
  hasStatus: true,
  printer: podPrinter,
  fieldLabels: POD_FIELD_LABELS,
  hooks: {
    default(obj) {
      defaultPodSpec(obj.spec);
      const spec = asObject(obj.spec);
      if (spec !== undefined) {
        spec.serviceAccountName ??= 'default';
        spec.enableServiceLinks ??= true;
        spec.priority ??= 0;
        spec.preemptionPolicy ??= 'PreemptLowerPriority';
      }
    },
    canonicalize: (obj, ctx) => canonicalizePodSpec(obj.spec, 'Pod', ctx),
    prepareCreate(obj) {
      // PrepareForCreate: a new pod is Pending with its QoS class, whatever the client sent.
      obj.status = { phase: 'Pending', qosClass: qosClass(asObject(obj.spec) ?? {}) };
    },
    validate(obj, old) {
      const errs: FieldError[] = validatePodSpec(obj.spec, 'spec');
      if (old !== undefined && !jsonEqual(podSpecMutable(obj.spec), podSpecMutable(old.spec))) {
        errs.push(
          fieldErr.forbidden(
            'spec',
            'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
          ),
        );
      }
      return errs;
    },
    specChanged: () => false,
    fieldValue(obj, label) {
      const v = getPath(obj, label.split('.'));
      if (typeof v === 'boolean') return String(v);
      return asString(v);
    },
  },
});

const EVENT_FIELD_LABELS = [
  'involvedObject.kind',
  'involvedObject.namespace',
  'involvedObject.name',
  'involvedObject.uid',
  'involvedObject.apiVersion',
  'involvedObject.resourceVersion',
  'involvedObject.fieldPath',
  'reason',
  'reportingComponent',
  'source',
  'type',
];

export const events: ResourceType = defineKind({
  group: '',
  resource: 'events',
  kind: 'Event',
  shortNames: ['ev'],
  printer: eventPrinter,
  fieldLabels: EVENT_FIELD_LABELS,
  nameRule: NameRule.Any,
  hooks: {
    validate(obj) {
      const io = asObject(obj.involvedObject) ?? {};
      const ns = asString(io.namespace);
      if (ns !== undefined && ns !== '' && ns !== obj.metadata.namespace) {
        return [fieldErr.invalid('involvedObject.namespace', ns, 'does not match event.namespace')];
      }
      return [];
    },
    fieldValue(obj, label) {
      if (label === 'source') return asString(asObject(obj.source)?.component);
      return asString(getPath(obj, label.split('.')));
    },
  },
});

export const configMaps: ResourceType = defineKind({
  group: '',
  resource: 'configmaps',
  kind: 'ConfigMap',
  shortNames: ['cm'],
  printer: configMapPrinter,
});

export const serviceAccounts: ResourceType = defineKind({
  group: '',
  resource: 'serviceaccounts',
  kind: 'ServiceAccount',
  shortNames: ['sa'],
  printer: serviceAccountPrinter,
});

function defaultServicePorts(spec: Record<string, unknown>): void {
  for (const p of asArray(spec.ports)) {
    const port = asObject(p);
    if (port === undefined) continue;
    port.protocol ??= 'TCP';
    port.targetPort ??= port.port;
  }
}

export const services: ResourceType = defineKind({
  group: '',
  resource: 'services',
  kind: 'Service',
  shortNames: ['svc'],
  categories: ['all'],
  hasStatus: true,
  nameRule: NameRule.Dns1035,
  printer: servicePrinter,
  hooks: {
    default(obj) {
      const spec = (asObject(obj.spec) ?? {}) as Record<string, unknown>;
      obj.spec = spec;
      spec.type ??= 'ClusterIP';
      spec.sessionAffinity ??= 'None';
      if (spec.type !== 'ExternalName') {
        spec.internalTrafficPolicy ??= 'Cluster';
        spec.ipFamilies ??= ['IPv4'];
        spec.ipFamilyPolicy ??= 'SingleStack';
      }
      if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') spec.externalTrafficPolicy ??= 'Cluster';
      defaultServicePorts(spec);
    },
    prepareCreate(obj, ctx) {
      const spec = obj.spec as Record<string, unknown>;
      if (spec.type !== 'ExternalName' && spec.clusterIP === undefined) {
        const ip = ctx.allocate('clusterIP');
        spec.clusterIP = ip;
        spec.clusterIPs = [ip];
      } else if (typeof spec.clusterIP === 'string' && spec.clusterIPs === undefined) {
        spec.clusterIPs = [spec.clusterIP];
      }
      if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
        for (const p of asArray(spec.ports)) {
          const port = asObject(p);
          if (port !== undefined && port.nodePort === undefined) port.nodePort = ctx.allocate('nodePort');
        }
      }
      obj.status = { loadBalancer: {} };
    },
    prepareUpdate(obj, old) {
      // patchAllocatedValues: an update that omits the allocated clusterIP/nodePorts keeps them.
      const spec = asObject(obj.spec) as Record<string, unknown> | undefined;
      const oldSpec = asObject(old.spec) ?? {};
      if (spec === undefined) return;
      if (spec.clusterIP === undefined && oldSpec.clusterIP !== undefined) spec.clusterIP = oldSpec.clusterIP;
      if (spec.clusterIPs === undefined && oldSpec.clusterIPs !== undefined) spec.clusterIPs = oldSpec.clusterIPs;
      const oldPorts = asArray(oldSpec.ports);
      for (const p of asArray(spec.ports)) {
        const port = asObject(p);
        if (port === undefined || port.nodePort !== undefined) continue;
        const same = oldPorts
          .map(asObject)
          .find((o) => o?.port === port.port && (o?.protocol ?? 'TCP') === (port.protocol ?? 'TCP'));
        if (same?.nodePort !== undefined && (spec.type === 'NodePort' || spec.type === 'LoadBalancer'))
          port.nodePort = same.nodePort;
      }
    },
    validate(obj) {
      const spec = asObject(obj.spec) ?? {};
      const errs: FieldError[] = [];
      const types = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'];
      if (!types.includes(String(spec.type))) errs.push(fieldErr.notSupported('spec.type', spec.type, types));
      if (spec.type !== 'ExternalName' && asArray(spec.ports).length === 0)
        errs.push(fieldErr.required('spec.ports', ''));
      return errs;
    },
  },
});

export const coreKinds: readonly ResourceType[] = [namespaces, pods, events, configMaps, services, serviceAccounts];
