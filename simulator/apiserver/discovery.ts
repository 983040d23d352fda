/**
 * Discovery documents: legacy (/api, /apis, /api/v1, /apis/{g}/{v}) and aggregated
 * (apidiscovery.k8s.io v2 and v2beta1 APIGroupDiscoveryList, what kubectl asks for first).
 * Built from the registry and the aggregated groups; cached until either changes.
 */
import type { AggregatedGroups, DiscoveryResource } from './aggregated.js';
import { apiVersionOf, type ResourceRegistry, type ResourceType } from './registry.js';

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const SUB_VERBS = ['get', 'patch', 'update'];

interface GroupInfo {
  readonly name: string;
  readonly versions: readonly string[];
}

export class Discovery {
  private cache = new Map<string, string>();

  constructor(
    private readonly registry: ResourceRegistry,
    private readonly aggregated: AggregatedGroups,
    private readonly serverAddress: () => string,
  ) {
    registry.onChange(() => this.invalidate());
    aggregated.onChange(() => this.invalidate());
  }

  invalidate(): void {
    this.cache.clear();
  }

  private cached(key: string, build: () => unknown): string {
    let s = this.cache.get(key);
    if (s === undefined) {
      s = JSON.stringify(build());
      this.cache.set(key, s);
    }
    return s;
  }

  /** Non-core groups: built-in and CRD groups, then aggregated ones. */
  groups(): GroupInfo[] {
    const out: GroupInfo[] = this.registry.groups().filter((g) => g.name !== '');
    for (const a of this.aggregated.all())
      if (!out.some((g) => g.name === a.group)) out.push({ name: a.group, versions: a.versions.map((v) => v.version) });
    return out;
  }

  hasGroupVersion(group: string, version: string): boolean {
    if (group === '') return version === 'v1';
    return this.groups().some((g) => g.name === group && g.versions.includes(version));
  }

  apiVersions(): string {
    return this.cached('api', () => ({
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: this.serverAddress() }],
    }));
  }

  private apiGroup(g: GroupInfo): unknown {
    const versions = g.versions.map((v) => ({ groupVersion: apiVersionOf(g.name, v), version: v }));
    return { name: g.name, versions, preferredVersion: versions[0] };
  }

  groupList(): string {
    return this.cached('apis', () => ({
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: this.groups().map((g) => this.apiGroup(g)),
    }));
  }

  group(name: string): string | undefined {
    const g = this.groups().find((x) => x.name === name);
    if (g === undefined) return undefined;
    return this.cached(`group/${name}`, () => ({
      kind: 'APIGroup',
      apiVersion: 'v1',
      ...(this.apiGroup(g) as object),
    }));
  }

  resourceList(group: string, version: string): string | undefined {
    if (!this.hasGroupVersion(group, version)) return undefined;
    return this.cached(`gv/${group}/${version}`, () => {
      const agg = this.aggregated.get(group)?.versions.find((v) => v.version === version);
      const resources =
        agg !== undefined
          ? agg.resources.map(legacyAggregatedResource)
          : this.registry.resourcesIn(group, version).flatMap((rt) => legacyResources(rt));
      return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf(group, version), resources };
    });
  }

  /** The aggregated document for /api (core) or /apis (everything else). */
  aggregatedDiscovery(core: boolean, version: 'v2' | 'v2beta1'): string {
    return this.cached(`agg/${core ? 'api' : 'apis'}/${version}`, () => {
      const groups: GroupInfo[] = core ? [{ name: '', versions: ['v1'] }] : this.groups();
      return {
        kind: 'APIGroupDiscoveryList',
        apiVersion: `apidiscovery.k8s.io/${version}`,
        metadata: {},
        items: groups.map((g) => ({
          metadata: { name: g.name, creationTimestamp: null },
          versions: g.versions.map((v) => {
            const agg = this.aggregated.get(g.name)?.versions.find((x) => x.version === v);
            const resources =
              agg !== undefined
                ? agg.resources.flatMap((r) => aggregatedFromLegacy(g.name, v, r))
                : this.registry.resourcesIn(g.name, v).map((rt) => aggregatedResource(rt, v));
            return { version: v, resources, freshness: 'Current' };
          }),
        })),
      };
    });
  }
}

function legacyResources(rt: ResourceType): unknown[] {
  const main = {
    name: rt.resource,
    singularName: rt.singular,
    namespaced: rt.namespaced,
    kind: rt.kind,
    verbs: VERBS,
    ...(rt.shortNames.length > 0 ? { shortNames: rt.shortNames } : {}),
    ...(rt.categories.length > 0 ? { categories: rt.categories } : {}),
  };
  const out: unknown[] = [main];
  if (rt.hasStatus)
    out.push({
      name: `${rt.resource}/status`,
      singularName: '',
      namespaced: rt.namespaced,
      kind: rt.kind,
      verbs: SUB_VERBS,
    });
  if (rt.scale !== undefined) {
    out.push({
      name: `${rt.resource}/scale`,
      singularName: '',
      namespaced: rt.namespaced,
      group: 'autoscaling',
      version: 'v1',
      kind: 'Scale',
      verbs: SUB_VERBS,
    });
  }
  return out;
}

function legacyAggregatedResource(r: DiscoveryResource): unknown {
  return {
    name: r.name,
    singularName: r.singularName ?? '',
    namespaced: r.namespaced,
    kind: r.kind,
    verbs: r.verbs,
    ...(r.shortNames !== undefined ? { shortNames: r.shortNames } : {}),
    ...(r.categories !== undefined ? { categories: r.categories } : {}),
  };
}

function aggregatedResource(rt: ResourceType, version: string): unknown {
  const subresources: unknown[] = [];
  if (rt.hasStatus)
    subresources.push({
      subresource: 'status',
      responseKind: { group: rt.group, version, kind: rt.kind },
      verbs: SUB_VERBS,
    });
  if (rt.scale !== undefined)
    subresources.push({
      subresource: 'scale',
      responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
      verbs: SUB_VERBS,
    });
  return {
    resource: rt.resource,
    responseKind: { group: rt.group, version, kind: rt.kind },
    scope: rt.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: rt.singular,
    verbs: VERBS,
    ...(rt.shortNames.length > 0 ? { shortNames: rt.shortNames } : {}),
    ...(rt.categories.length > 0 ? { categories: rt.categories } : {}),
    ...(subresources.length > 0 ? { subresources } : {}),
  };
}

/** Aggregated-group resources in the aggregated format; `pods/*` style names are not resources there. */
function aggregatedFromLegacy(group: string, version: string, r: DiscoveryResource): unknown[] {
  if (r.name.includes('/')) return [];
  return [
    {
      resource: r.name,
      responseKind: { group, version, kind: r.kind },
      scope: r.namespaced ? 'Namespaced' : 'Cluster',
      singularResource: r.singularName ?? '',
      verbs: r.verbs,
      ...(r.shortNames !== undefined ? { shortNames: r.shortNames } : {}),
      ...(r.categories !== undefined ? { categories: r.categories } : {}),
    },
  ];
}

export function aggregatedContentType(version: 'v2' | 'v2beta1'): string {
  return `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`;
}
