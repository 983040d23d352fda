import type { Clock } from '../clock.js';
import type { ClusterError, ClusterResult, ScaleTarget } from '../ports.js';
import { AdapterErrorReason } from './errors.js';

/**
 * kind → resource through API discovery, for the scale subresource of any kind (spec R3.2.1,
 * upstream's DeferredDiscoveryRESTMapper over a memory-cached discovery client):
 * `/api` + `/apis` give the groups and their versions (preferred first), `/api/v1` and
 * `/apis/{g}/{v}` the resources. A kind counts only where it serves `<plural>/scale`.
 * Results are cached until `invalidate()` (the controller calls it every sync period, like
 * upstream); a miss re-discovers once before answering "no matches", unless the cache was
 * loaded for this very call or less than `minRefreshMs` ago (so a typo in one HPA's
 * scaleTargetRef cannot turn every reconcile into a full discovery).
 */

export type DiscoveryGet = (path: string) => Promise<ClusterResult<unknown>>;

interface GroupInfo {
  readonly name: string;
  /** preferred version first, then the server's order */
  readonly versions: readonly string[];
}

interface ResourceInfo {
  readonly name: string;
  readonly kind: string;
  readonly hasScale: boolean;
}

type Lookup =
  | { readonly ok: true; readonly value: readonly ScaleTarget[] }
  | { readonly ok: false; readonly error: ClusterError }
  | 'miss';

/** Go's schema.ParseGroupVersion: "" → core, "v1" → core/v1, "apps/v1", anything with two slashes is an error. */
export function parseGroupVersion(apiVersion: string): ClusterResult<{ group: string; version: string }> {
  if (apiVersion === '' || apiVersion === '/') return { ok: true, value: { group: '', version: '' } };
  const parts = apiVersion.split('/');
  if (parts.length === 1) return { ok: true, value: { group: '', version: apiVersion } };
  if (parts.length === 2) return { ok: true, value: { group: parts[0], version: parts[1] } };
  return {
    ok: false,
    error: {
      reason: AdapterErrorReason.InvalidAPIVersion,
      message: `unexpected GroupVersion string: ${apiVersion}`,
      verb: 'parse',
      path: apiVersion,
    },
  };
}

function records(v: unknown, field: string): readonly Record<string, unknown>[] {
  if (typeof v !== 'object' || v === null) return [];
  const list = (v as Record<string, unknown>)[field];
  return Array.isArray(list)
    ? list.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null)
    : [];
}

function groupsFrom(core: unknown, apis: unknown): GroupInfo[] {
  const out: GroupInfo[] = [];
  const coreVersions =
    typeof core === 'object' && core !== null ? (core as { versions?: unknown }).versions : undefined;
  if (Array.isArray(coreVersions))
    out.push({ name: '', versions: coreVersions.filter((v): v is string => typeof v === 'string') });
  for (const g of records(apis, 'groups')) {
    if (typeof g.name !== 'string') continue;
    const versions = records(g, 'versions')
      .map((v) => v.version)
      .filter((v): v is string => typeof v === 'string');
    const preferred = (g.preferredVersion as { version?: unknown } | undefined)?.version;
    const ordered = typeof preferred === 'string' ? [preferred, ...versions.filter((v) => v !== preferred)] : versions;
    out.push({ name: g.name, versions: ordered });
  }
  return out;
}

function resourcesFrom(list: unknown): ResourceInfo[] {
  const all = records(list, 'resources');
  const names = new Set(all.map((r) => r.name));
  return all
    .filter((r) => typeof r.name === 'string' && !r.name.includes('/') && typeof r.kind === 'string')
    .map((r) => ({ name: r.name as string, kind: r.kind as string, hasScale: names.has(`${r.name as string}/scale`) }));
}

export function groupVersionPath(group: string, version: string): string {
  return group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
}

export class DiscoveryRestMapper {
  private groups: Promise<ClusterResult<readonly GroupInfo[]>> | undefined;
  private loadedAt = Number.NEGATIVE_INFINITY;
  private readonly resources = new Map<string, Promise<ClusterResult<readonly ResourceInfo[]>>>();

  constructor(
    private readonly get: DiscoveryGet,
    private readonly clock: Clock,
    private readonly minRefreshMs = 1000,
  ) {}

  /** Forget everything discovered (upstream: the memory cache's Invalidate, every sync period). */
  invalidate(): void {
    this.groups = undefined;
    this.resources.clear();
  }

  /** All resources of `{group of apiVersion, kind}` with a scale subresource, preferred version first. */
  async resolve(apiVersion: string, kind: string): Promise<ClusterResult<readonly ScaleTarget[]>> {
    const gv = parseGroupVersion(apiVersion);
    if (!gv.ok) return gv;
    // Upstream maps only {group, kind}; the version of the reference plays no part.
    const group = gv.value.group;
    const loadedHere = this.groups === undefined;
    let found = await this.lookup(group, kind);
    if (found === 'miss' && !loadedHere && this.clock.now() - this.loadedAt >= this.minRefreshMs) {
      this.invalidate();
      found = await this.lookup(group, kind);
    }
    if (found !== 'miss') return found;
    return {
      ok: false,
      error: {
        reason: AdapterErrorReason.NoKindMatch,
        message: `no matches for kind "${kind}" in group "${group}"`,
        verb: 'get',
        path: '/apis',
      },
    };
  }

  private async lookup(group: string, kind: string): Promise<Lookup> {
    const groups = await this.loadGroups();
    if (!groups.ok) return groups;
    const info = groups.value.find((g) => g.name === group);
    if (info === undefined) return 'miss';
    const targets: ScaleTarget[] = [];
    let kindKnown = false;
    let firstError: ClusterError | undefined;
    for (const version of info.versions) {
      const list = await this.loadResources(group, version);
      if (!list.ok) {
        // One broken version (an aggregated API that is down) must not hide the others.
        firstError ??= list.error;
        continue;
      }
      for (const r of list.value) {
        if (r.kind !== kind) continue;
        kindKnown = true;
        if (r.hasScale) targets.push({ group, version, resource: r.name });
      }
    }
    if (targets.length > 0 || kindKnown) return { ok: true, value: targets };
    if (firstError !== undefined) return { ok: false, error: firstError };
    return 'miss';
  }

  private loadGroups(): Promise<ClusterResult<readonly GroupInfo[]>> {
    if (this.groups !== undefined) return this.groups;
    const p = (async (): Promise<ClusterResult<readonly GroupInfo[]>> => {
      const [core, apis] = await Promise.all([this.get('/api'), this.get('/apis')]);
      if (!core.ok) return core;
      if (!apis.ok) return apis;
      return { ok: true, value: groupsFrom(core.value, apis.value) };
    })();
    this.groups = p;
    this.loadedAt = this.clock.now();
    void p.then((r) => {
      if (!r.ok && this.groups === p) this.groups = undefined; // failures are not cached
    });
    return p;
  }

  private loadResources(group: string, version: string): Promise<ClusterResult<readonly ResourceInfo[]>> {
    const key = `${group}/${version}`;
    const cached = this.resources.get(key);
    if (cached !== undefined) return cached;
    const p = this.get(groupVersionPath(group, version)).then((r): ClusterResult<readonly ResourceInfo[]> =>
      r.ok ? { ok: true, value: resourcesFrom(r.value) } : r,
    );
    this.resources.set(key, p);
    void p.then((r) => {
      if (!r.ok && this.resources.get(key) === p) this.resources.delete(key);
    });
    return p;
  }
}
