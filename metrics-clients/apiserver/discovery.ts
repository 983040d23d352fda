/**
 * API discovery for the apiserver adapter: which custom.metrics.k8s.io version the cluster serves
 * (k8s.io/metrics custom_metrics/discovery.go: the group's preferredVersion when it is v1beta2 or
 * v1beta1, else the first listed version that is; cached until invalidated, which upstream does
 * every sync period) and the REST mapping of kinds to group-qualified plurals for Object metrics.
 * Everything is cached for `ttlMs` of the injected clock and can be invalidated on demand.
 */
import { type MetricsApiError, type Result, err, ok } from '../../algorithms/index.js';
import * as d from '../shared/decode.js';
import { apiError } from '../shared/errors.js';
import {
  type GroupResource,
  type ResourceInfo,
  type RestMapper,
  findKind,
  findResource,
} from '../shared/rest-mapper.js';

export type CustomMetricsVersion = 'v1beta2' | 'v1beta1';
export const CUSTOM_METRICS_GROUP = 'custom.metrics.k8s.io';

export type FetchJson = (path: string) => Promise<Result<unknown, MetricsApiError>>;

interface ApiGroupInfo {
  readonly name: string;
  readonly preferred: string;
  /** groupVersion strings in server order */
  readonly versions: readonly string[];
}

interface Cached<T> {
  readonly at: number;
  readonly value: Promise<T>;
}

function parseGroups(body: unknown): ApiGroupInfo[] {
  const list = d.object(body, '');
  return d.array(list.groups, 'groups').map((g, i) => {
    const group = d.object(g, `groups[${i}]`);
    const versions = d
      .array(group.versions, `groups[${i}].versions`)
      .map((v, j) =>
        d.string(d.object(v, `groups[${i}].versions[${j}]`).groupVersion, `groups[${i}].versions[${j}].groupVersion`),
      );
    const preferred = d.string(
      d.optObject(group.preferredVersion, `groups[${i}].preferredVersion`).groupVersion,
      `groups[${i}].preferredVersion.groupVersion`,
    );
    return { name: d.string(group.name, `groups[${i}].name`), preferred, versions };
  });
}

function parseResources(body: unknown, group: string): ResourceInfo[] {
  const list = d.object(body, '');
  const out: ResourceInfo[] = [];
  d.array(list.resources, 'resources').forEach((r, i) => {
    const res = d.object(r, `resources[${i}]`);
    const name = d.string(res.name, `resources[${i}].name`);
    if (name === '' || name.includes('/')) return; // subresources map to nothing
    const kind = d.string(res.kind, `resources[${i}].kind`);
    const singular = d.string(res.singularName, `resources[${i}].singularName`) || kind.toLowerCase();
    out.push({ group, resource: name, singular, kind, namespaced: res.namespaced === true });
  });
  return out;
}

const SUPPORTED: Readonly<Record<string, CustomMetricsVersion>> = {
  [`${CUSTOM_METRICS_GROUP}/v1beta2`]: 'v1beta2',
  [`${CUSTOM_METRICS_GROUP}/v1beta1`]: 'v1beta1',
};

export class ApiDiscovery implements RestMapper {
  private groupsCache: Cached<Result<readonly ApiGroupInfo[], MetricsApiError>> | undefined;
  private readonly resourceCache = new Map<string, Cached<Result<readonly ResourceInfo[], MetricsApiError>>>();

  constructor(
    private readonly fetchJson: FetchJson,
    private readonly now: () => number,
    private readonly ttlMs: number,
  ) {}

  /** Forget everything learned (upstream: PeriodicallyInvalidate every sync period). */
  invalidate(): void {
    this.groupsCache = undefined;
    this.resourceCache.clear();
  }

  private fresh<T>(c: Cached<T> | undefined): c is Cached<T> {
    if (c === undefined) return false;
    const age = this.now() - c.at;
    return age >= 0 && age < this.ttlMs;
  }

  private groups(): Promise<Result<readonly ApiGroupInfo[], MetricsApiError>> {
    if (!this.fresh(this.groupsCache)) {
      const value = this.fetchJson('/apis').then((r): Result<readonly ApiGroupInfo[], MetricsApiError> => {
        if (!r.ok) return r;
        try {
          return ok(parseGroups(r.value));
        } catch (e) {
          return err(
            apiError('Malformed', 'custom', '/apis', `unable to decode APIGroupList: ${(e as Error).message}`),
          );
        }
      });
      // failures are not cached: the next caller asks again
      value.then((r) => {
        if (!r.ok && this.groupsCache?.value === value) this.groupsCache = undefined;
      });
      this.groupsCache = { at: this.now(), value };
    }
    return this.groupsCache.value;
  }

  private resources(groupVersion: string, group: string): Promise<Result<readonly ResourceInfo[], MetricsApiError>> {
    const cached = this.resourceCache.get(groupVersion);
    if (this.fresh(cached)) return cached.value;
    const path = group === '' ? `/api/${groupVersion}` : `/apis/${groupVersion}`;
    const value = this.fetchJson(path).then((r): Result<readonly ResourceInfo[], MetricsApiError> => {
      if (!r.ok) return r;
      try {
        return ok(parseResources(r.value, group));
      } catch (e) {
        return err(apiError('Malformed', 'custom', path, `unable to decode APIResourceList: ${(e as Error).message}`));
      }
    });
    value.then((r) => {
      if (!r.ok && this.resourceCache.get(groupVersion)?.value === value) this.resourceCache.delete(groupVersion);
    });
    this.resourceCache.set(groupVersion, { at: this.now(), value });
    return value;
  }

  /** The served custom.metrics.k8s.io version, chosen as upstream's apiVersionsFromDiscovery does. */
  async customMetricsVersion(): Promise<Result<CustomMetricsVersion, MetricsApiError>> {
    const groups = await this.groups();
    if (!groups.ok) return groups;
    const group = groups.value.find((g) => g.name === CUSTOM_METRICS_GROUP);
    if (group === undefined)
      return err(
        apiError('Unregistered', 'custom', '/apis', `no custom metrics API (${CUSTOM_METRICS_GROUP}) registered`),
      );
    const preferred = group.preferred !== '' ? SUPPORTED[group.preferred] : undefined;
    if (preferred !== undefined) return ok(preferred);
    for (const v of group.versions) {
      const known = SUPPORTED[v];
      if (known !== undefined) return ok(known);
    }
    return err(apiError('Unregistered', 'custom', '/apis', 'no known available metric versions found'));
  }

  /** The versions of one group, preferred first (PriorityRESTMapper order). */
  private async versionsOf(group: string): Promise<Result<readonly string[] | undefined, MetricsApiError>> {
    if (group === '') return ok(['v1']);
    const groups = await this.groups();
    if (!groups.ok) return groups;
    const g = groups.value.find((x) => x.name === group);
    if (g === undefined) return ok(undefined);
    return ok([g.preferred, ...g.versions.filter((v) => v !== g.preferred)].filter((v) => v !== ''));
  }

  async resourceForKind(group: string, kind: string): Promise<Result<ResourceInfo, string>> {
    const versions = await this.versionsOf(group);
    if (!versions.ok) return err(versions.error.message);
    for (const gv of versions.value ?? []) {
      const res = await this.resources(gv, group);
      if (!res.ok) return err(res.error.message);
      const found = findKind(res.value, group, kind);
      if (found.ok) return found;
    }
    return findKind([], group, kind);
  }

  async resourceFor(partial: GroupResource): Promise<Result<ResourceInfo, string>> {
    const groups = await this.groups();
    if (!groups.ok) return err(groups.error.message);
    const candidates: Array<{ group: string; gv: string }> = [{ group: '', gv: 'v1' }];
    for (const g of groups.value) if (g.preferred !== '') candidates.push({ group: g.name, gv: g.preferred });
    const all: ResourceInfo[] = [];
    for (const c of candidates) {
      if (partial.group !== '' && c.group !== partial.group) continue;
      const res = await this.resources(c.gv, c.group);
      if (res.ok) all.push(...res.value);
    }
    return findResource(all, partial);
  }
}
