/**
 * Kind ↔ resource mapping (apimachinery's RESTMapper, as far as hpa-ts needs it), one for every
 * caller: the controller maps a scaleTargetRef to the resources that serve `/scale` (spec
 * R3.2.1); the metrics clients map an Object metric's kind to the group-qualified plural of its
 * URL (`ingresses.networking.k8s.io`) and normalise prometheus-adapter's label-derived resources
 * (`pod` → `pods`, `job` → `jobs.batch`).
 *
 * One rule decides between the cluster and the built-in table: discovery first; the built-in
 * table only when the cluster cannot be asked (discovery failed), never when it answered that it
 * has no such kind. A miss re-discovers once before it is final, unless discovery was read for
 * this very call or less than `minRefreshMs` ago (so a typo in one HPA cannot turn every
 * reconcile into a full discovery).
 */
import { type Result, err, ok } from '../algorithms/index.js';
import type { ApiDiscovery, DiscoveredResource } from './discovery.js';
import { type ApiError, ApiErrorReason, type ApiResult } from './errors.js';

export interface GroupResource {
  readonly group: string;
  readonly resource: string;
}

export interface ResourceInfo extends GroupResource {
  readonly singular: string;
  readonly kind: string;
  readonly namespaced: boolean;
}

/** A scale target reference resolved through discovery: one served version of a scalable resource. */
export interface ScaleTarget {
  readonly group: string;
  readonly version: string;
  readonly resource: string;
}

export const MappingErrorCode = {
  /** the cluster (or the built-in table) answered: no such kind or resource */
  NoMatch: 'NoMatch',
  /** discovery failed and the built-in table does not know it either */
  Unreachable: 'Unreachable',
} as const;
export type MappingErrorCode = (typeof MappingErrorCode)[keyof typeof MappingErrorCode];

export interface MappingError {
  readonly code: MappingErrorCode;
  readonly message: string;
  /** the discovery failure behind an Unreachable */
  readonly cause?: ApiError;
}

export type MappingResult = Result<ResourceInfo, MappingError>;

export interface RestMapper {
  /** RESTMapper.ResourceFor: a plural or singular name, any group when the group is empty. */
  resourceFor(partial: GroupResource): Promise<MappingResult>;
  /** RESTMapper.RESTMapping(GroupKind) without versions, preferred version first. */
  resourceForKind(group: string, kind: string): Promise<MappingResult>;
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

/** Go's schema.ParseGroupVersion: "" → core, "v1" → core/v1, "apps/v1", anything with two slashes is an error. */
export function parseGroupVersion(apiVersion: string): ApiResult<{ group: string; version: string }> {
  if (apiVersion === '' || apiVersion === '/') return ok({ group: '', version: '' });
  const parts = apiVersion.split('/');
  if (parts.length === 1) return ok({ group: '', version: apiVersion });
  if (parts.length === 2) return ok({ group: parts[0], version: parts[1] });
  return err({
    reason: ApiErrorReason.InvalidAPIVersion,
    message: `unexpected GroupVersion string: ${apiVersion}`,
    verb: 'parse',
    path: apiVersion,
  });
}

function noKindMatch(group: string, kind: string): string {
  return `no matches for kind ${JSON.stringify(kind)} in group ${JSON.stringify(group)}`;
}

function noResourceMatch(partial: GroupResource): string {
  return `no matches for ${partial.group}/, Resource=${partial.resource}`;
}

/** ResourceFor over a priority-ordered list: exact group (or any group), plural or singular name. */
export function findResource(resources: readonly ResourceInfo[], partial: GroupResource): MappingResult {
  const name = partial.resource.toLowerCase();
  for (const r of resources) {
    if (partial.group !== '' && r.group !== partial.group) continue;
    if (r.resource === name || r.singular === name) return ok(r);
  }
  return err({ code: MappingErrorCode.NoMatch, message: noResourceMatch(partial) });
}

export function findKind(resources: readonly ResourceInfo[], group: string, kind: string): MappingResult {
  for (const r of resources) if (r.group === group && r.kind === kind) return ok(r);
  return err({ code: MappingErrorCode.NoMatch, message: noKindMatch(group, kind) });
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

/** The built-in table, optionally extended (extra entries take priority): for clients without a cluster. */
export class StaticRestMapper implements RestMapper {
  private readonly resources: readonly ResourceInfo[];

  constructor(extra: readonly ResourceInfo[] = []) {
    this.resources = [...extra, ...BUILTIN_RESOURCES];
  }

  resourceFor(partial: GroupResource): Promise<MappingResult> {
    return Promise.resolve(findResource(this.resources, partial));
  }

  resourceForKind(group: string, kind: string): Promise<MappingResult> {
    return Promise.resolve(findKind(this.resources, group, kind));
  }
}

/** What one pass over discovery found: an answer, a discovery failure, or nothing (yet). */
type Lookup<T> = ApiResult<T> | 'miss';

export interface DiscoveryRestMapperOptions {
  readonly now: () => number;
  /** a miss re-discovers only if discovery is at least this old; default 1 s */
  readonly minRefreshMs?: number;
  /** the table used when the cluster cannot be asked; default BUILTIN_RESOURCES */
  readonly fallback?: readonly ResourceInfo[];
}

export class DiscoveryRestMapper implements RestMapper {
  private readonly fallback: StaticRestMapper;

  constructor(
    readonly discovery: ApiDiscovery,
    private readonly opts: DiscoveryRestMapperOptions,
  ) {
    this.fallback = new StaticRestMapper(opts.fallback === undefined ? [] : opts.fallback);
  }

  invalidate(): void {
    this.discovery.invalidate();
  }

  /** All resources of `{group of apiVersion, kind}` serving `/scale`, preferred version first. */
  async scaleTargets(apiVersion: string, kind: string): Promise<ApiResult<readonly ScaleTarget[]>> {
    const gv = parseGroupVersion(apiVersion);
    if (!gv.ok) return gv;
    // Upstream maps only {group, kind}; the version of the reference plays no part.
    const group = gv.value.group;
    const found = await this.withRefresh(() => this.scalable(group, kind));
    if (found !== 'miss') return found;
    return err({ reason: ApiErrorReason.NoKindMatch, message: noKindMatch(group, kind), verb: 'get', path: '/apis' });
  }

  async resourceForKind(group: string, kind: string): Promise<MappingResult> {
    const found = await this.withRefresh(() => this.byKind(group, kind));
    if (found === 'miss') return findKind([], group, kind);
    if (found.ok) return ok(found.value);
    return this.orFallback(found.error, () => this.fallback.resourceForKind(group, kind));
  }

  async resourceFor(partial: GroupResource): Promise<MappingResult> {
    const found = await this.withRefresh(() => this.byResource(partial));
    if (found === 'miss') return findResource([], partial);
    if (found.ok) return ok(found.value);
    return this.orFallback(found.error, () => this.fallback.resourceFor(partial));
  }

  /** The built-in table's answer when the cluster cannot be asked; the cluster's failure if the table does not know either. */
  private async orFallback(cause: ApiError, table: () => Promise<MappingResult>): Promise<MappingResult> {
    const r = await table();
    return r.ok ? r : err({ code: MappingErrorCode.Unreachable, message: cause.message, cause });
  }

  /** Runs a lookup; a miss re-discovers once when the cached discovery is old enough. */
  private async withRefresh<T>(lookup: () => Promise<Lookup<T>>): Promise<Lookup<T>> {
    const loadedAt = this.discovery.groupsLoadedAt();
    const found = await lookup();
    const minRefreshMs = this.opts.minRefreshMs ?? 1000;
    if (found !== 'miss' || loadedAt === Number.NEGATIVE_INFINITY || this.opts.now() - loadedAt < minRefreshMs)
      return found;
    this.invalidate();
    return lookup();
  }

  /**
   * Every version's resources of one group, preferred first. One broken version (an aggregated
   * API that is down) must not hide the others: its failure counts only if nothing else answers.
   */
  private async eachVersion(
    group: string,
    visit: (resources: readonly DiscoveredResource[]) => void,
  ): Promise<ApiResult<void> | 'miss'> {
    const versions = await this.discovery.versionsOf(group);
    if (!versions.ok) return versions;
    if (versions.value === undefined) return 'miss';
    let firstError: ApiError | undefined;
    for (const version of versions.value) {
      const list = await this.discovery.resources(group, version);
      if (list.ok) visit(list.value);
      else firstError ??= list.error;
    }
    return firstError === undefined ? ok(undefined) : err(firstError);
  }

  private async scalable(group: string, kind: string): Promise<Lookup<readonly ScaleTarget[]>> {
    const targets: ScaleTarget[] = [];
    let kindKnown = false;
    const walked = await this.eachVersion(group, (list) => {
      for (const r of list) {
        if (r.kind !== kind) continue;
        kindKnown = true;
        if (r.scalable) targets.push({ group, version: r.version, resource: r.resource });
      }
    });
    if (targets.length > 0 || kindKnown) return ok(targets);
    return walked === 'miss' || walked.ok ? 'miss' : walked;
  }

  private async byKind(group: string, kind: string): Promise<Lookup<ResourceInfo>> {
    let match: DiscoveredResource | undefined;
    const walked = await this.eachVersion(group, (list) => {
      match ??= list.find((r) => r.kind === kind);
    });
    if (match !== undefined) return ok(toInfo(match));
    return walked === 'miss' || walked.ok ? 'miss' : walked;
  }

  /** ResourceFor over the preferred version of every group (core first), as a PriorityRESTMapper. */
  private async byResource(partial: GroupResource): Promise<Lookup<ResourceInfo>> {
    const groups = await this.discovery.groups();
    if (!groups.ok) return groups;
    const all: ResourceInfo[] = [];
    for (const g of groups.value) {
      if (g.preferred === '' || (partial.group !== '' && g.name !== partial.group)) continue;
      const list = await this.discovery.resources(g.name, g.preferred);
      if (list.ok) all.push(...list.value.map(toInfo));
    }
    const found = findResource(all, partial);
    return found.ok ? ok(found.value) : 'miss';
  }
}

function toInfo(r: DiscoveredResource): ResourceInfo {
  return { group: r.group, resource: r.resource, singular: r.singular, kind: r.kind, namespaced: r.namespaced };
}
