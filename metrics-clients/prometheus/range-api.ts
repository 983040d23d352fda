/**
 * The adapter engine's instant queries answered from range queries, for `hpa-ts replay
 * --prometheus-url`: each PromQL the engine builds is sent once as /api/v1/query_range over the
 * replayed range, and every instant query at a step of that range is answered from the matrix.
 * The engine (rules, discovery, query building, value conversion) stays the one the `prometheus`
 * client runs; only the clock it asks at moves through the past.
 */
import { type Result, err, ok } from '../../algorithms/index.js';
import type { PromFailure, PromQueryResult, PromSample, PrometheusApi, PrometheusQueryApi } from './http-api.js';
import type { Series } from './namer.js';

export interface QueryRange {
  readonly startMs: number;
  readonly endMs: number;
  readonly stepMs: number;
}

export class RangeBackedQueryApi implements PrometheusQueryApi {
  /** per PromQL: each series of its matrix as samples by timestamp (a query asks for one step of thousands) */
  private readonly matrices = new Map<
    string,
    Promise<Result<readonly ReadonlyMap<number, PromSample>[], PromFailure>>
  >();

  constructor(
    private readonly api: Pick<PrometheusApi, 'series' | 'queryRange' | 'close'>,
    private readonly range: QueryRange,
  ) {}

  /** Series of the whole range: discovery looks from the range's start. */
  series(match: string, _startMs: number, signal?: AbortSignal): Promise<Result<Series[], PromFailure>> {
    return this.api.series(match, this.range.startMs, signal);
  }

  /** The matrix of `promql` over the range, one query_range per distinct query, indexed by step. */
  private matrix(
    promql: string,
    signal?: AbortSignal,
  ): Promise<Result<readonly ReadonlyMap<number, PromSample>[], PromFailure>> {
    let m = this.matrices.get(promql);
    if (m === undefined) {
      m = this.api.queryRange(promql, this.range, signal).then((r) => {
        if (!r.ok) return r;
        return ok(
          r.value.map((series) => {
            const byTime = new Map<number, PromSample>();
            // the first sample of a timestamp, as a scan in time order would find it
            for (const x of series.samples) if (!byTime.has(x.timestamp)) byTime.set(x.timestamp, x);
            return byTime;
          }),
        );
      });
      this.matrices.set(promql, m);
    }
    return m;
  }

  /** The instant vector at `timeMs`: each series' sample at that step of the range (none: absent). */
  async query(promql: string, timeMs: number, signal?: AbortSignal): Promise<Result<PromQueryResult, PromFailure>> {
    if (timeMs < this.range.startMs || timeMs > this.range.endMs)
      return err({ kind: 'Internal', message: `time ${timeMs} is outside the replayed range` });
    const m = await this.matrix(promql, signal);
    if (!m.ok) return m;
    const samples = m.value.flatMap((byTime) => {
      const at = byTime.get(timeMs);
      return at === undefined ? [] : [at];
    });
    return ok({ resultType: 'vector', samples });
  }

  close(): void {
    this.api.close();
  }
}
