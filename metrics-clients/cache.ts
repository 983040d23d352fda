/**
 * A caching, de-duplicating wrapper around any MetricsClient, for one controller sync period.
 * Resource metrics of a namespace are fetched once, namespace-wide (no label selector), and every
 * HPA of the namespace filters them locally by the pod labels the items carry (metrics-server and
 * prometheus-adapter both report them); should an item come without labels, that namespace falls
 * back to one request per selector. Pods/Object/External answers can be kept for a TTL (off by
 * default: upstream asks every time). Identical concurrent questions share one request. Counters
 * say how many requests reached the wrapped client and how many were answered from the cache.
 */
import type * as port from './port.js';
import { Selector, err, ok } from '../algorithms/index.js';
import { describeThrown, apiError } from './shared/errors.js';

export type MetricKind = 'resource' | 'pods' | 'object' | 'external';

export interface CacheOptions {
  /** how long one namespace-wide resource answer is shared; default 15 s (one sync period); 0 = no sharing */
  readonly resourceTtlMs?: number;
  /** Pods and Object answers; default 0 (not cached, only de-duplicated while in flight) */
  readonly customTtlMs?: number;
  /** External answers; default 0 */
  readonly externalTtlMs?: number;
}

export interface MetricsCacheStats {
  /** requests that reached the wrapped client */
  readonly requests: Readonly<Record<MetricKind, number>>;
  /** answers served from a completed cache entry */
  readonly hits: Readonly<Record<MetricKind, number>>;
  /** answers that needed a new request */
  readonly misses: Readonly<Record<MetricKind, number>>;
  /** answers that joined a request already in flight */
  readonly inflightJoins: Readonly<Record<MetricKind, number>>;
  /** resource questions answered per selector because items carried no labels */
  readonly resourceFallbacks: number;
}

/** Adapters that cache discovery implement this; the cache forwards its own invalidation. */
export interface Invalidatable {
  invalidate(): void;
}

function isInvalidatable(c: port.MetricsClient): c is port.MetricsClient & Invalidatable {
  return typeof (c as Partial<Invalidatable>).invalidate === 'function';
}

interface Entry<T> {
  readonly at: number;
  readonly value: Promise<port.MetricsResult<T>>;
  settled: boolean;
}

const zero = (): Record<MetricKind, number> => ({ resource: 0, pods: 0, object: 0, external: 0 });

export class CachingMetricsClient implements port.MetricsClient, Invalidatable {
  private readonly entries = new Map<string, Entry<unknown>>();
  private readonly counters = {
    requests: zero(),
    hits: zero(),
    misses: zero(),
    inflightJoins: zero(),
    resourceFallbacks: 0,
  };
  private readonly resourceTtl: number;
  private readonly customTtl: number;
  private readonly externalTtl: number;

  constructor(
    private readonly inner: port.MetricsClient,
    opts: CacheOptions,
    private readonly now: () => number,
  ) {
    this.resourceTtl = opts.resourceTtlMs ?? 15_000;
    this.customTtl = opts.customTtlMs ?? 0;
    this.externalTtl = opts.externalTtlMs ?? 0;
  }

  /** Forget every answer (call at the start of a sync period) and the wrapped client's discovery. */
  invalidate(): void {
    this.entries.clear();
    if (isInvalidatable(this.inner)) this.inner.invalidate();
  }

  stats(): MetricsCacheStats {
    const c = this.counters;
    return {
      requests: { ...c.requests },
      hits: { ...c.hits },
      misses: { ...c.misses },
      inflightJoins: { ...c.inflightJoins },
      resourceFallbacks: c.resourceFallbacks,
    };
  }

  async getResourceMetrics(
    q: port.ResourceMetricsQuery,
    signal?: AbortSignal,
  ): Promise<port.MetricsResult<port.PodResourceUsage>> {
    const nsKey = `resource|${q.namespace}`;
    if (this.resourceTtl <= 0) {
      // no sharing: ask per selector exactly as upstream does (in-flight duplicates still joined)
      return this.shared<port.PodResourceUsage>(
        'resource',
        `${nsKey}|${q.podSelector.toString()}`,
        0,
        () => this.inner.getResourceMetrics(q),
        signal,
      );
    }
    const wide = await this.shared<port.PodResourceUsage>(
      'resource',
      nsKey,
      this.resourceTtl,
      () => this.inner.getResourceMetrics({ namespace: q.namespace, podSelector: Selector.everything() }),
      signal,
    );
    if (!wide.ok) return wide;
    if (wide.value.some((item) => item.labels === undefined)) {
      // without labels a namespace-wide answer cannot be filtered: ask per selector, as upstream does
      this.counters.resourceFallbacks++;
      const key = `${nsKey}|${q.podSelector.toString()}`;
      return this.shared<port.PodResourceUsage>(
        'resource',
        key,
        this.resourceTtl,
        () => this.inner.getResourceMetrics({ namespace: q.namespace, podSelector: q.podSelector }),
        signal,
      );
    }
    return ok(wide.value.filter((item) => q.podSelector.matches(item.labels)));
  }

  getPodsMetric(q: port.PodsMetricQuery, signal?: AbortSignal): Promise<port.MetricsResult<port.PodMetricValue>> {
    const key = `pods|${q.namespace}|${q.metricName}|${q.podSelector.toString()}|${q.metricSelector.toString()}`;
    return this.shared('pods', key, this.customTtl, () => this.inner.getPodsMetric(q), signal);
  }

  getObjectMetric(
    q: port.ObjectMetricQuery,
    signal?: AbortSignal,
  ): Promise<port.MetricsResult<port.ObjectMetricValue>> {
    const o = q.describedObject;
    const key = `object|${q.namespace}|${q.metricName}|${o.apiVersion ?? ''}|${o.kind}|${o.name}|${q.metricSelector.toString()}`;
    return this.shared('object', key, this.customTtl, () => this.inner.getObjectMetric(q), signal);
  }

  getExternalMetric(
    q: port.ExternalMetricQuery,
    signal?: AbortSignal,
  ): Promise<port.MetricsResult<port.ExternalMetricValue>> {
    const key = `external|${q.namespace}|${q.metricName}|${q.metricSelector.toString()}`;
    return this.shared('external', key, this.externalTtl, () => this.inner.getExternalMetric(q), signal);
  }

  close(): Promise<void> {
    this.entries.clear();
    return this.inner.close();
  }

  /**
   * One answer per key: a fresh entry is a hit, an entry still in flight is joined, otherwise a
   * request is made. The shared request ignores callers' signals (one caller giving up must not
   * fail the others); each caller stops waiting on its own signal.
   */
  private shared<T>(
    kind: MetricKind,
    key: string,
    ttlMs: number,
    fetch: () => Promise<port.MetricsResult<T>>,
    signal: AbortSignal | undefined,
  ): Promise<port.MetricsResult<T>> {
    const t = this.now();
    const existing = this.entries.get(key) as Entry<T> | undefined;
    let value: Promise<port.MetricsResult<T>>;
    if (existing !== undefined && (!existing.settled || (t - existing.at >= 0 && t - existing.at < ttlMs))) {
      if (existing.settled) this.counters.hits[kind]++;
      else this.counters.inflightJoins[kind]++;
      value = existing.value;
    } else {
      this.counters.misses[kind]++;
      this.counters.requests[kind]++;
      value = fetch().catch((e: unknown) =>
        err(apiError('Internal', apiOf(kind), key, `metrics client failed: ${describeThrown(e)}`)),
      );
      const entry: Entry<T> = { at: t, value, settled: false };
      this.entries.set(key, entry as Entry<unknown>);
      const settle = (): void => {
        entry.settled = true;
        if (ttlMs <= 0 && this.entries.get(key) === (entry as Entry<unknown>)) this.entries.delete(key);
      };
      value.then(settle, settle);
    }
    return signal === undefined ? value : raceAbort(value, signal, kind);
  }
}

function apiOf(kind: MetricKind): 'resource' | 'custom' | 'external' {
  return kind === 'resource' ? 'resource' : kind === 'external' ? 'external' : 'custom';
}

function raceAbort<T>(
  value: Promise<port.MetricsResult<T>>,
  signal: AbortSignal,
  kind: MetricKind,
): Promise<port.MetricsResult<T>> {
  const api = apiOf(kind);
  const cancelled = (): port.MetricsResult<T> => err(apiError('Timeout', api, kind, 'context canceled'));
  if (signal.aborted) return Promise.resolve(cancelled());
  return new Promise((resolve) => {
    const onAbort = (): void => resolve(cancelled());
    signal.addEventListener('abort', onAbort, { once: true });
    value.then(
      (r) => {
        signal.removeEventListener('abort', onAbort);
        resolve(r);
      },
      () => undefined, // fetch failures were already turned into values above
    );
  });
}
