/**
 * hpa_ts_recommendation_unclamped (controller/monitor.ts, docs/monitoring.md): set from each
 * decision's unclamped recommendation, kept when a reconcile stops early, removed otherwise.
 */
import { describe, expect, it } from '@jest/globals';
import { decide, type DecideInput, type MetricFetch } from '../../../algorithms/index.js';
import { ControllerMetrics } from '../../../controller/monitor.js';
import { cpuFetch, cpuUtilization, decideInput, makeHpa, makePod } from '../algorithms/fixtures.js';

const pods = Array.from({ length: 5 }, (_, i) => makePod(i));
/** 5 pods at 140 % of a 50 % target (14 replicas), within or outside [1, max] */
const input = (current: number, max: number, fetch: MetricFetch = cpuFetch(pods, () => 1400)): DecideInput =>
  decideInput(makeHpa([cpuUtilization(50)], { max, currentReplicas: current }), pods, [fetch], current);
const failed: MetricFetch = {
  kind: 'resource',
  result: { ok: false, error: { kind: 'Unavailable', api: 'resource', path: '/apis/metrics.k8s.io', message: 'down' } },
};

async function gauge(m: ControllerMetrics): Promise<{ labels: object; value: number }[]> {
  return (await m.recommendationUnclamped.get()).values.map((v) => ({ labels: v.labels, value: v.value }));
}

describe('hpa_ts_recommendation_unclamped', () => {
  it('is the metrics proposal per HPA, labelled as the other per-HPA series', async () => {
    const m = new ControllerMetrics({ defaultMetrics: false });
    m.observeDecision(decide(input(5, 10)), 1, new Map());
    expect(await gauge(m)).toEqual([{ labels: { namespace: 'default', hpa_name: 'web' }, value: 14 }]);
  });

  it('keeps its value while metrics fail, and drops it when the HPA is out of range or deleted', async () => {
    const m = new ControllerMetrics({ defaultMetrics: false });
    m.observeDecision(decide(input(5, 10)), 1, new Map());
    m.observeDecision(decide(input(5, 10, failed)), 1, new Map());
    expect((await gauge(m)).map((s) => s.value)).toEqual([14]);
    m.observeDecision(decide(input(12, 10)), 1, new Map());
    expect(await gauge(m)).toEqual([]);
    m.observeDecision(decide(input(5, 10)), 1, new Map());
    m.forgetHpa('default', 'web');
    expect(await gauge(m)).toEqual([]);
  });
});
