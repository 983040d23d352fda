import { describe, expect, it } from '@jest/globals';
import { evaluate } from '../../../simulator/metrics/promql/eval.js';
import { parsePromQL, parseSelector } from '../../../simulator/metrics/promql/parse.js';
import { Tsdb } from '../../../simulator/metrics/tsdb.js';

const T0 = Date.UTC(2025, 0, 1);
const s = (n: number): number => T0 + n * 1000;

/** Two pods of the seed app scraped every 15 s: p1 idle (one request per scrape), p2 at 100 rps. */
function seedDb(): Tsdb {
  const db = new Tsdb();
  for (let i = 0; i <= 8; i++) {
    const base = { job: 'kubernetes-pods', kubernetes_namespace: 'default', status: '200' };
    db.append({ ...base, __name__: 'http_requests_total', kubernetes_pod: 'p1' }, s(i * 15), 1000 + i);
    db.append({ ...base, __name__: 'http_requests_total', kubernetes_pod: 'p2' }, s(i * 15), i * 1500);
  }
  return db;
}

function vector(db: Tsdb, q: string, t: number): Record<string, number> {
  const r = evaluate(db, q, t);
  if (!r.ok) throw new Error(r.error);
  if (r.value.resultType !== 'vector') throw new Error(`not a vector: ${r.value.resultType}`);
  return Object.fromEntries(r.value.samples.map((x) => [JSON.stringify(x.labels), x.value]));
}

describe('PromQL subset', () => {
  it('parses the queries prometheus-adapter builds from the seed rules', () => {
    for (const q of [
      'sum(rate(http_requests_total{kubernetes_namespace="default",kubernetes_pod=~"a|b"}[30s])) by (kubernetes_pod)',
      'avg(myapp_processed_ops_total{namespace="default",pod="x"}) by (pod)',
      'sum by (pod,container) (  \n  irate (  \n      container_cpu_usage_seconds_total{namespace="default",pod=~"a|b",container!="",pod!=""}[4m]  \n  )  \n)  \n',
      'avg(queue_messages_cnt{app="lanpangzi"})',
      '{__name__=~"^http_requests.*_total$",kubernetes_namespace!="",kubernetes_pod!=""}',
    ]) {
      expect(parsePromQL(q).ok).toBe(true);
    }
  });

  it('rejects a selector that matches everything, as Prometheus does', () => {
    expect(parseSelector('{pod!=""}')).toEqual({ ok: true, value: [{ name: 'pod', op: '!=', value: '' }] });
    expect(parseSelector('{pod=""}').ok).toBe(false);
  });

  it("rate over 30 s of a pod scraped every 15 s that only counts its scrapes is 1/15 per second (the seed's 66m)", () => {
    const v = vector(
      seedDb(),
      'sum(rate(http_requests_total{kubernetes_namespace="default",kubernetes_pod="p1"}[30s])) by (kubernetes_pod)',
      s(120),
    );
    expect(v['{"kubernetes_pod":"p1"}']).toBeCloseTo(1 / 15, 10);
  });

  it('rate extrapolates towards the window edges like Prometheus (samples inside (t-30s, t])', () => {
    // at t = 112.5 s the window (82.5, 112.5] holds the samples at 90 and 105: extrapolated to 30 s of a 100/s counter
    const v = vector(seedDb(), 'rate(http_requests_total{kubernetes_pod="p2"}[30s])', s(112.5));
    expect(Object.values(v)[0]).toBeCloseTo(100, 6);
  });

  it('sum by groups and drops the metric name; avg, min, max, count aggregate', () => {
    const db = seedDb();
    expect(vector(db, 'sum(http_requests_total) by (kubernetes_namespace)', s(120))).toEqual({
      '{"kubernetes_namespace":"default"}': 1008 + 12000,
    });
    expect(vector(db, 'count(http_requests_total)', s(120))).toEqual({ '{}': 2 });
    expect(vector(db, 'max(http_requests_total) without (status)', s(120))).toEqual({
      '{"job":"kubernetes-pods","kubernetes_namespace":"default","kubernetes_pod":"p1"}': 1008,
      '{"job":"kubernetes-pods","kubernetes_namespace":"default","kubernetes_pod":"p2"}': 12000,
    });
  });

  it('matchers: =, !=, =~ (anchored), !~', () => {
    const db = seedDb();
    expect(Object.keys(vector(db, 'http_requests_total{kubernetes_pod=~"p"}', s(120)))).toHaveLength(0);
    expect(Object.keys(vector(db, 'http_requests_total{kubernetes_pod=~"p.*"}', s(120)))).toHaveLength(2);
    expect(Object.keys(vector(db, 'http_requests_total{kubernetes_pod!~"p1"}', s(120)))).toHaveLength(1);
    expect(Object.keys(vector(db, 'http_requests_total{kubernetes_pod!="p1",status="200"}', s(120)))).toHaveLength(1);
  });

  it('irate uses the last two samples', () => {
    const v = vector(seedDb(), 'irate(http_requests_total{kubernetes_pod="p2"}[5m])', s(120));
    expect(Object.values(v)[0]).toBeCloseTo(100);
  });

  it('an instant selector ignores series that went stale', () => {
    const db = seedDb();
    db.markStale({ kubernetes_pod: 'p1' }, s(125));
    expect(Object.keys(vector(db, 'http_requests_total', s(126)))).toHaveLength(1);
  });

  it('arithmetic with scalars', () => {
    expect(vector(seedDb(), 'sum(rate(http_requests_total[1m])) * 60', s(120))['{}']).toBeCloseTo(
      (1 / 15 + 100) * 60,
      6,
    );
  });

  it('reports bad queries like Prometheus bad_data', () => {
    const r = evaluate(new Tsdb(), 'sum(rate(x[30s]) by', 0);
    expect(r.ok).toBe(false);
    expect(evaluate(new Tsdb(), 'rate(x)', 0)).toEqual({
      ok: false,
      error: 'expected type range vector in call to function "rate"',
    });
  });
});

describe('the time-series store', () => {
  it('keeps a bounded number of samples per series', () => {
    const db = new Tsdb({ capacity: 4 });
    for (let i = 0; i < 10; i++) db.append({ __name__: 'x' }, s(i), i);
    const [series] = db.withLabels({ __name__: 'x' });
    expect(series.range(0, s(100)).map((p) => p.v)).toEqual([6, 7, 8, 9]);
  });

  it('drops series silent for longer than the retention', () => {
    const db = new Tsdb({ retentionMs: 60_000 });
    db.append({ __name__: 'old' }, s(0), 1);
    db.append({ __name__: 'new' }, s(100), 1);
    db.gc(s(100));
    expect(db.size).toBe(1);
  });
});
