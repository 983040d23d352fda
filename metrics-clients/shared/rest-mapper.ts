/**
 * Kind ↔ resource mapping (apimachinery's RESTMapper, as far as metrics need it). Upstream's HPA
 * maps an Object metric's describedObject kind to the group-qualified plural for the URL
 * (`ingresses.networking.k8s.io`), and prometheus-adapter normalises label-derived resources
 * (`pod` → `pods`, `job` → `jobs.batch`) and singularises them for `<<.Resource>>`. The built-in
 * table covers the workload and networking kinds; a discovery-backed mapper (apiserver/discovery.ts)
 * adds whatever a cluster serves, CRDs included.
 */
import { type Result, err, ok } from '../../algorithms/index.js';

export interface GroupResource {
  readonly group: string;
  readonly resource: string;
}

export interface ResourceInfo extends GroupResource {
  readonly singular: string;
  readonly kind: string;
  readonly namespaced: boolean;
}

export interface RestMapper {
  /** RESTMapper.ResourceFor: a plural or singular name, any group when the group is empty. */
  resourceFor(partial: GroupResource): Promise<Result<ResourceInfo, string>>;
  /** RESTMapper.RESTMapping(GroupKind) without versions. */
  resourceForKind(group: string, kind: string): Promise<Result<ResourceInfo, string>>;
}

/** schema.GroupResource.String(): `pods`, `deployments.apps`. */
export function qualifiedResource(gr: GroupResource): string {
  return gr.group === '' ? gr.resource : `${gr.resource}.${gr.group}`;
}

/** schema.GroupKind.String(): `Ingress.networking.k8s.io`, `Service`. */
export function qualifiedKind(group: string, kind: string): string {
  return group === '' ? kind : `${kind}.${group}`;
}

/** The group of an apiVersion (`apps/v1` → `apps`, `v1` → ``). */
export function groupOfApiVersion(apiVersion: string | undefined): string {
  if (apiVersion === undefined) return '';
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

function info(group: string, resource: string, singular: string, kind: string, namespaced = true): ResourceInfo {
  return { group, resource, singular, kind, namespaced };
}

/** Kinds a stock cluster serves, in discovery priority order (core first; later groups lose ties). */
export const BUILTIN_RESOURCES: readonly ResourceInfo[] = [
  info('', 'pods', 'pod', 'Pod'),
  info('', 'services', 'service', 'Service'),
  info('', 'namespaces', 'namespace', 'Namespace', false),
  info('', 'nodes', 'node', 'Node', false),
  info('', 'endpoints', 'endpoints', 'Endpoints'),
  info('', 'configmaps', 'configmap', 'ConfigMap'),
  info('', 'secrets', 'secret', 'Secret'),
  info('', 'persistentvolumeclaims', 'persistentvolumeclaim', 'PersistentVolumeClaim'),
  info('', 'persistentvolumes', 'persistentvolume', 'PersistentVolume', false),
  info('', 'replicationcontrollers', 'replicationcontroller', 'ReplicationController'),
  info('', 'serviceaccounts', 'serviceaccount', 'ServiceAccount'),
  info('', 'events', 'event', 'Event'),
  info('', 'limitranges', 'limitrange', 'LimitRange'),
  info('', 'resourcequotas', 'resourcequota', 'ResourceQuota'),
  info('', 'podtemplates', 'podtemplate', 'PodTemplate'),
  info('apps', 'deployments', 'deployment', 'Deployment'),
  info('apps', 'statefulsets', 'statefulset', 'StatefulSet'),
  info('apps', 'daemonsets', 'daemonset', 'DaemonSet'),
  info('apps', 'replicasets', 'replicaset', 'ReplicaSet'),
  info('apps', 'controllerrevisions', 'controllerrevision', 'ControllerRevision'),
  info('events.k8s.io', 'events', 'event', 'Event'),
  info('autoscaling', 'horizontalpodautoscalers', 'horizontalpodautoscaler', 'HorizontalPodAutoscaler'),
  info('batch', 'jobs', 'job', 'Job'),
  info('batch', 'cronjobs', 'cronjob', 'CronJob'),
  info('networking.k8s.io', 'ingresses', 'ingress', 'Ingress'),
  info('networking.k8s.io', 'networkpolicies', 'networkpolicy', 'NetworkPolicy'),
  info('networking.k8s.io', 'ingressclasses', 'ingressclass', 'IngressClass', false),
  info('policy', 'poddisruptionbudgets', 'poddisruptionbudget', 'PodDisruptionBudget'),
  info('discovery.k8s.io', 'endpointslices', 'endpointslice', 'EndpointSlice'),
  info('coordination.k8s.io', 'leases', 'lease', 'Lease'),
  info('storage.k8s.io', 'storageclasses', 'storageclass', 'StorageClass', false),
];

/** ResourceFor over a priority-ordered list: exact group (or any group), plural or singular name. */
export function findResource(resources: readonly ResourceInfo[], partial: GroupResource): Result<ResourceInfo, string> {
  const name = partial.resource.toLowerCase();
  for (const r of resources) {
    if (partial.group !== '' && r.group !== partial.group) continue;
    if (r.resource === name || r.singular === name) return ok(r);
  }
  return err(`no matches for ${partial.group}/, Resource=${partial.resource}`);
}

export function findKind(
  resources: readonly ResourceInfo[],
  group: string,
  kind: string,
): Result<ResourceInfo, string> {
  for (const r of resources) if (r.group === group && r.kind === kind) return ok(r);
  return err(`no matches for kind ${JSON.stringify(kind)} in group ${JSON.stringify(group)}`);
}

/** The built-in table, optionally extended (extra entries take priority). */
export class StaticRestMapper implements RestMapper {
  private readonly resources: readonly ResourceInfo[];

  constructor(extra: readonly ResourceInfo[] = []) {
    this.resources = [...extra, ...BUILTIN_RESOURCES];
  }

  resourceFor(partial: GroupResource): Promise<Result<ResourceInfo, string>> {
    return Promise.resolve(findResource(this.resources, partial));
  }

  resourceForKind(group: string, kind: string): Promise<Result<ResourceInfo, string>> {
    return Promise.resolve(findKind(this.resources, group, kind));
  }
}
