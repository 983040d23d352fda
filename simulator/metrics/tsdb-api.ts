/**
 * The Prometheus query API over the simulator's Tsdb, in process: what the HTTP API
 * (prometheus-http.ts) answers on /api/v1/series and /api/v1/query, as the metrics client's
 * PrometheusQueryApi, so the adapter engine can run against the simulation without a socket.
 */
import { type Result, err, ok } from '../../algorithms/index.js';
import type {
  PromFailure,
  PromQueryResult,
  PromSample,
  PrometheusQueryApi,
  Series as PromSeries,
} from '../../metrics-clients/index.js';
import { evaluate, selectSeries, type Sample } from './promql/eval.js';
import { parseSelector } from './promql/parse.js';
import type { Labels, Tsdb } from './tsdb.js';

/** strconv.FormatFloat(v, 'f', -1, 64), and NaN/±Inf as Prometheus spells them. */
export function formatPromValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  const s = String(v);
  if (!s.includes('e')) return s;
  const [mant, expText] = s.split('e');
  const exp = Number(expText);
  const neg = mant.startsWith('-');
  const unsigned = mant.replace('-', '');
  const digits = unsigned.replace('.', '');
  const point = unsigned.indexOf('.') === -1 ? unsigned.length : unsigned.indexOf('.');
  const pos = point + exp;
  let out: string;
  if (pos <= 0) out = `0.${'0'.repeat(-pos)}${digits}`;
  else if (pos >= digits.length) out = digits + '0'.repeat(pos - digits.length);
  else out = `${digits.slice(0, pos)}.${digits.slice(pos)}`;
  return neg ? `-${out}` : out;
}

/**
 * The series matching any of `matches` with a sample in (start, end], by series key — what
 * /api/v1/series lists (series that went stale inside the range included, as Prometheus does).
 */
export function seriesInRange(
  db: Tsdb,
  matches: readonly string[],
  start: number,
  end: number,
): Result<Map<string, Labels>, string> {
  const found = new Map<string, Labels>();
  for (const m of matches) {
    const sel = parseSelector(m);
    if (!sel.ok) return err(`invalid parameter "match[]": ${sel.error}`);
    for (const s of selectSeries(db, sel.value)) {
      if (s.lastTime < start || s.range(start - 1, end).length === 0) continue;
      found.set(s.key, s.labels);
    }
  }
  return ok(found);
}

function promSample(s: Sample, t: number): PromSample {
  return { labels: s.labels, timestamp: t, text: formatPromValue(s.value), value: s.value };
}

function badData(message: string): PromFailure {
  return { kind: 'Malformed', status: 400, message: `bad_data: ${message}` };
}

export class TsdbPrometheusApi implements PrometheusQueryApi {
  constructor(
    private readonly db: Tsdb,
    private readonly now: () => number,
  ) {}

  series(match: string, startMs: number): Promise<Result<PromSeries[], PromFailure>> {
    const found = seriesInRange(this.db, [match], startMs, this.now());
    if (!found.ok) return Promise.resolve(err(badData(found.error)));
    const series = [...found.value.values()].map((labels) => ({
      name: labels.__name__ ?? '',
      labels: Object.keys(labels).filter((k) => k !== '__name__'),
    }));
    return Promise.resolve(ok(series));
  }

  query(promql: string, timeMs: number): Promise<Result<PromQueryResult, PromFailure>> {
    const r = evaluate(this.db, promql, timeMs);
    if (!r.ok) return Promise.resolve(err(badData(`invalid parameter "query": ${r.error}`)));
    const v = r.value;
    if (v.resultType === 'vector')
      return Promise.resolve(ok({ resultType: 'vector', samples: v.samples.map((s) => promSample(s, timeMs)) }));
    if (v.resultType === 'scalar')
      return Promise.resolve(ok({ resultType: 'scalar', sample: promSample({ labels: {}, value: v.value }, timeMs) }));
    return Promise.resolve(ok({ resultType: 'matrix' }));
  }

  close(): void {
    // nothing to release: the Tsdb belongs to the simulation
  }
}
