/**
 * API discovery, read once and shared: `/api` and `/apis` give the groups and their versions
 * (preferred first), `/api/v1` and `/apis/{g}/{v}` the resources of one version. Everything is
 * cached until `invalidate()` (upstream's memory-cached discovery client, which the HPA controller
 * invalidates every sync period) or, when a TTL is given, until it is older than that. Failures
 * are never cached: the next caller asks again. Documents are read leniently: an entry without a
 * name or kind is skipped, as client-go's discovery skips what it cannot use.
 */
import type { ApiResult } from './errors.js';

/** One resource of one group version, as discovery lists it. */
export interface DiscoveredResource {
  readonly group: string;
  readonly version: string;
  /** the plural (`deployments`) */
  readonly resource: string;
  readonly singular: string;
  readonly kind: string;
  readonly namespaced: boolean;
  /** whether the version also serves `<resource>/scale` */
  readonly scalable: boolean;
}

export interface DiscoveredGroup {
  /** '' for the core group */
  readonly name: string;
  readonly preferred: string;
  /** the preferred version first, then the server's order */
  readonly versions: readonly string[];
}

/** GET of a discovery document: its parsed JSON or why not. */
export type DiscoveryGet = (path: string) => Promise<ApiResult<unknown>>;

export interface DiscoveryOptions {
  readonly now: () => number;
  /** how long an answer is trusted without invalidate(); default until invalidated */
  readonly ttlMs?: number;
}

interface Cached<T> {
  readonly at: number;
  readonly value: Promise<ApiResult<T>>;
}

function records(v: unknown, field: string): readonly Record<string, unknown>[] {
  if (typeof v !== 'object' || v === null) return [];
  const list = (v as Record<string, unknown>)[field];
  return Array.isArray(list)
    ? list.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null)
    : [];
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function coreGroup(body: unknown): DiscoveredGroup[] {
  const versions = typeof body === 'object' && body !== null ? (body as { versions?: unknown }).versions : undefined;
  if (!Array.isArray(versions)) return [];
  const list = versions.filter((v): v is string => typeof v === 'string');
  return [{ name: '', preferred: list[0] ?? '', versions: list }];
}

function apiGroups(body: unknown): DiscoveredGroup[] {
  const out: DiscoveredGroup[] = [];
  for (const g of records(body, 'groups')) {
    if (typeof g.name !== 'string') continue;
    const versions = records(g, 'versions')
      .map((v) => str(v.version) || str(v.groupVersion).split('/')[1] || '')
      .filter((v) => v !== '');
    const pref = g.preferredVersion as { version?: unknown; groupVersion?: unknown } | undefined;
    const preferred = str(pref?.version) || str(pref?.groupVersion).split('/')[1] || '';
    const ordered = preferred !== '' ? [preferred, ...versions.filter((v) => v !== preferred)] : versions;
    out.push({ name: g.name, preferred, versions: ordered });
  }
  return out;
}

function resourcesOf(body: unknown, group: string, version: string): DiscoveredResource[] {
  const all = records(body, 'resources');
  const names = new Set(all.map((r) => r.name));
  return all
    .filter((r) => typeof r.name === 'string' && r.name !== '' && !r.name.includes('/') && typeof r.kind === 'string')
    .map((r) => {
      const resource = r.name as string;
      const kind = r.kind as string;
      return {
        group,
        version,
        resource,
        singular: str(r.singularName) || kind.toLowerCase(),
        kind,
        namespaced: r.namespaced === true,
        scalable: names.has(`${resource}/scale`),
      };
    });
}

/** `/api/v1` for the core group, `/apis/{group}/{version}` otherwise. */
export function groupVersionPath(group: string, version: string): string {
  return group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
}

export class ApiDiscovery {
  /** parsed documents by path: `/api`, `/apis`, `/apis/{g}/{v}`, … */
  private readonly cache = new Map<string, Cached<unknown>>();

  constructor(
    private readonly get: DiscoveryGet,
    private readonly opts: DiscoveryOptions,
  ) {}

  /** Forget everything learned (upstream: the memory cache's Invalidate, every sync period). */
  invalidate(): void {
    this.cache.clear();
  }

  /** When the group lists in use were read (−∞ when not cached). */
  groupsLoadedAt(): number {
    const core = this.cache.get('/api');
    const apis = this.cache.get('/apis');
    if (!this.fresh(core) || !this.fresh(apis)) return Number.NEGATIVE_INFINITY;
    return Math.min(core.at, apis.at);
  }

  /** The groups of `/apis` only (what custom-metrics version discovery reads). */
  apiGroups(): Promise<ApiResult<readonly DiscoveredGroup[]>> {
    return this.document('/apis', apiGroups);
  }

  /** Every group, the core group first. */
  async groups(): Promise<ApiResult<readonly DiscoveredGroup[]>> {
    const [core, apis] = await Promise.all([this.document('/api', coreGroup), this.apiGroups()]);
    if (!core.ok) return core;
    if (!apis.ok) return apis;
    return { ok: true, value: [...core.value, ...apis.value] };
  }

  /** The versions of one group, preferred first; undefined when the cluster does not serve the group. */
  async versionsOf(group: string): Promise<ApiResult<readonly string[] | undefined>> {
    const groups = await this.groups();
    if (!groups.ok) return groups;
    return { ok: true, value: groups.value.find((g) => g.name === group)?.versions };
  }

  /** The resources one group version serves (subresources folded into `scalable`). */
  resources(group: string, version: string): Promise<ApiResult<readonly DiscoveredResource[]>> {
    return this.document(groupVersionPath(group, version), (body) => resourcesOf(body, group, version));
  }

  private fresh(c: Cached<unknown> | undefined): c is Cached<unknown> {
    if (c === undefined) return false;
    const ttl = this.opts.ttlMs;
    if (ttl === undefined) return true;
    const age = this.opts.now() - c.at;
    return age >= 0 && age < ttl;
  }

  /** One document, parsed: from the cache while fresh, else one shared GET; a failure is forgotten at once. */
  private document<T>(path: string, parse: (body: unknown) => T): Promise<ApiResult<T>> {
    const cached = this.cache.get(path);
    if (this.fresh(cached)) return cached.value as Promise<ApiResult<T>>;
    const value = this.get(path).then((r): ApiResult<T> => (r.ok ? { ok: true, value: parse(r.value) } : r));
    const entry: Cached<unknown> = { at: this.opts.now(), value };
    this.cache.set(path, entry);
    void value.then((r) => {
      if (!r.ok && this.cache.get(path) === entry) this.cache.delete(path);
    });
    return value;
  }
}
