import { describe, expect, it } from '@jest/globals';
import { Selector, ok, parseSelector } from '../../../algorithms/index.js';
import { RangeBackedQueryApi, recorded, type PromRangeSeries } from '../../../metrics-clients/index.js';

const CSV = `time,type,metric,selector,pod,value,request
0,Pods,qps,,,,
15,Pods,qps,,web-a,600,
15,Pods,qps,,web-b,,
15,Resource,cpu,,web-a,300m,500m
15,Resource,cpu,,web-b,100m,500m
15,External,queue,app=x,,40,
30,External,queue,app=x,,,
`;

function client(pods: readonly string[], atSeconds: number): recorded.RecordedMetricsClient {
  const rec = recorded.parseRecordingCsv(CSV, 'r.csv');
  if (!rec.ok) throw new Error(rec.error.message);
  return new recorded.RecordedMetricsClient(rec.value, {
    start: 1_000_000,
    now: () => 1_000_000 + atSeconds * 1000,
    listPods: () => Promise.resolve(pods.map((name) => ({ name, labels: { app: 'web' } }))),
  });
}

const pods = {
  namespace: 'default',
  metricName: 'qps',
  podSelector: Selector.everything(),
  metricSelector: Selector.everything(),
};
/** The selector the HPA would send. */
function sel(text: string): Selector {
  const s = parseSelector(text);
  if (!s.ok) throw new Error(s.error.message);
  return s.value;
}

describe('the recorded metrics client', () => {
  it('answers a recorded "no answer" and the time before the first sample as a failing API', async () => {
    expect(await client(['web-a'], 5).getPodsMetric(pods)).toMatchObject({
      ok: false,
      error: { kind: 'Unavailable', api: 'custom', message: 'no value of Pods metric qps recorded at 5s' },
    });
    const c = client(['web-a'], 5);
    expect(
      await c.getExternalMetric({ namespace: 'default', metricName: 'queue', metricSelector: sel('app=x') }),
    ).toMatchObject({
      ok: false,
      error: { kind: 'Unavailable', api: 'external' },
    });
  });

  it('holds the last sample until the next one, and a metric never recorded is not found', async () => {
    const c = client(['web-a', 'web-b'], 29);
    const r = await c.getPodsMetric(pods);
    expect(r.ok && r.value.map((v) => [v.pod, v.value.toString()])).toEqual([['web-a', '600']]);
    expect(await c.getPodsMetric({ ...pods, metricName: 'other' })).toMatchObject({
      ok: false,
      error: { kind: 'NotFound', message: 'Pods metric other is not in the recording' },
    });
    const q = await c.getExternalMetric({ namespace: 'default', metricName: 'queue', metricSelector: sel('app=x') });
    expect(q.ok && q.value.map((v) => v.value.toString())).toEqual(['40']);
    expect(
      (
        await client([], 31).getExternalMetric({
          namespace: 'default',
          metricName: 'queue',
          metricSelector: sel('app=x'),
        })
      ).ok,
    ).toBe(false);
  });

  it('answers resource metrics per pod, shared when the replay runs another number of pods', async () => {
    const q = { namespace: 'default', podSelector: Selector.everything(), resource: 'cpu' };
    const same = await client(['web-a', 'web-b'], 15).getResourceMetrics(q);
    expect(same.ok && same.value.map((p) => [p.pod, p.containers[0].usage.cpu.toString()])).toEqual([
      ['web-a', '300m'],
      ['web-b', '100m'],
    ]);
    const more = await client(['p1', 'p2', 'p3', 'p4'], 15).getResourceMetrics(q);
    expect(more.ok && more.value.map((p) => p.containers[0].usage.cpu.toString())).toEqual([
      '100m',
      '100m',
      '100m',
      '100m',
    ]);
  });
});

describe('instant queries answered from query_range', () => {
  const series = (t0: number): PromRangeSeries[] => [
    {
      labels: { pod: 'a' },
      samples: [0, 15, 30].map((s) => ({ labels: { pod: 'a' }, timestamp: t0 + s * 1000, text: String(s), value: s })),
    },
  ];

  it('sends one range query per PromQL and answers each step from its matrix', async () => {
    const calls: string[] = [];
    const api = {
      series: () => Promise.resolve(ok([])),
      queryRange: (promql: string) => {
        calls.push(promql);
        return Promise.resolve(ok(series(60_000)));
      },
      close: () => undefined,
    };
    const ranged = new RangeBackedQueryApi(api, { startMs: 60_000, endMs: 90_000, stepMs: 15_000 });
    const at15 = await ranged.query('q', 75_000);
    expect(at15.ok && at15.value.resultType === 'vector' && at15.value.samples.map((s) => s.value)).toEqual([15]);
    const between = await ranged.query('q', 80_000);
    expect(between.ok && between.value.resultType === 'vector' && between.value.samples).toEqual([]);
    expect(calls).toEqual(['q']);
    expect((await ranged.query('q', 120_000)).ok).toBe(false);
  });
});
