/**
 * Series discovery with the adapter's caching (cmd/adapter: --metrics-relist-interval, default
 * 10m, and --metrics-max-age, default the relist interval): every relist runs one
 * `/api/v1/series` call per distinct seriesQuery over [now − maxAge, now] and rebuilds the
 * registry; a failed relist keeps the previous registry (the adapter logs and carries on). Unlike
 * the adapter, relisting is lazy (on the first request after the interval) and a request for a
 * metric nobody has registered may trigger one early relist, at most every `relistOnMissMs`, so a
 * new metric does not wait ten minutes.
 */
import { type Result, err, ok } from '../../algorithms/index.js';
import type { MetricsLogger } from '../shared/observe.js';
import type { PromFailure, PrometheusQueryApi } from './http-api.js';
import type { MetricNamer, Series } from './namer.js';
import { SeriesRegistry } from './series-registry.js';

export interface DiscoveryOptions {
  readonly relistIntervalMs: number;
  readonly maxAgeMs: number;
  readonly relistOnMissMs: number;
}

export class SeriesDiscovery {
  private registry: SeriesRegistry | undefined;
  private listedAt = Number.NEGATIVE_INFINITY;
  /** last failed relist; with an old registry to fall back on, the next try waits relistOnMissMs */
  private failedAt = Number.NEGATIVE_INFINITY;
  private inflight: Promise<Result<SeriesRegistry, PromFailure & { path: string }>> | undefined;

  constructor(
    private readonly api: PrometheusQueryApi,
    private readonly custom: readonly MetricNamer[],
    private readonly external: readonly MetricNamer[],
    private readonly opts: DiscoveryOptions,
    private readonly now: () => number,
    private readonly log: MetricsLogger,
  ) {}

  /** The current registry, relisting first when it is older than the relist interval. */
  async current(): Promise<Result<SeriesRegistry, PromFailure & { path: string }>> {
    const age = this.now() - this.listedAt;
    if (this.registry !== undefined && age >= 0 && age < this.opts.relistIntervalMs) return ok(this.registry);
    const sinceFailure = this.now() - this.failedAt;
    if (this.registry !== undefined && sinceFailure >= 0 && sinceFailure < this.opts.relistOnMissMs)
      return ok(this.registry);
    return this.relist();
  }

  /** After a miss: relist now if the last list is older than relistOnMissMs. Returns whether it did. */
  async refreshAfterMiss(): Promise<boolean> {
    const age = this.now() - this.listedAt;
    const sinceFailure = this.now() - this.failedAt;
    if ((age >= 0 && age < this.opts.relistOnMissMs) || (sinceFailure >= 0 && sinceFailure < this.opts.relistOnMissMs))
      return false;
    const r = await this.relist();
    return r.ok;
  }

  relist(): Promise<Result<SeriesRegistry, PromFailure & { path: string }>> {
    this.inflight ??= this.doRelist().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async doRelist(): Promise<Result<SeriesRegistry, PromFailure & { path: string }>> {
    const started = this.now();
    const queries = [...new Set([...this.custom, ...this.external].map((n) => n.seriesQuery))];
    const results = await Promise.all(queries.map((q) => this.api.series(q, started - this.opts.maxAgeMs)));
    const byQuery = new Map<string, readonly Series[]>();
    for (let i = 0; i < queries.length; i++) {
      const r = results[i];
      if (!r.ok) {
        const failure = {
          ...r.error,
          message: `unable to update list of all metrics: unable to fetch metrics for query ${JSON.stringify(queries[i])}: ${r.error.message}`,
          path: queries[i],
        };
        this.log.warn(
          { seriesQuery: queries[i], error: r.error.message },
          'prometheus series discovery failed; keeping the previous list',
        );
        this.failedAt = started;
        if (this.registry !== undefined) return ok(this.registry);
        return err(failure);
      }
      byQuery.set(queries[i], r.value);
    }
    const pick = (namers: readonly MetricNamer[]): Array<readonly [MetricNamer, readonly Series[]]> =>
      namers.map((n) => [n, n.filterSeries(byQuery.get(n.seriesQuery) ?? [])] as const);
    const registry = await SeriesRegistry.build(pick(this.custom), pick(this.external));
    for (const s of registry.skipped) this.log.debug({}, s);
    this.registry = registry;
    this.listedAt = started;
    return ok(registry);
  }
}
