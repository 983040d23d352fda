/**
 * The simulator's Prometheus HTTP API, queried by hpa-ts' own `prometheus` metrics client with the
 * seed rule files: the same numbers as the simulator's custom.metrics.k8s.io, over real HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { Selector, parseSelector } from '../../../algorithms/index.js';
import { createMetricsClient, staticPodLister, type ManagedMetricsClient } from '../../../metrics-clients/index.js';
import { Resources } from '../../../simulator/apiserver/index.js';
import { startPrometheusServer, type PrometheusServerHandle } from '../../../simulator/metrics/prometheus-http.js';
import { deployment, testCluster, type TestCluster } from '../../unit/simulator/helpers.js';

const RULES = (seed: string, file: string): string =>
  fileURLToPath(new URL(`../../../manifests/examples/${seed}/${file}`, import.meta.url));

function sel(text: string): Selector {
  const r = parseSelector(text);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe('the Prometheus HTTP API over the simulated series', () => {
  let c: TestCluster;
  let prom: PrometheusServerHandle;

  beforeAll(async () => {
    c = testCluster({ workloads: new Map([['default/sample-httpserver', { trace: { type: 'constant', rps: 300 } }]]) });
    c.store.create(Resources.deployments, 'default', deployment('sample-httpserver', { replicas: 2 }));
    await c.run(121);
    prom = await startPrometheusServer(c.sim.tsdb, () => c.clock.now());
  });

  afterAll(async () => {
    await prom.close();
  });

  async function client(rules: string): Promise<ManagedMetricsClient> {
    const pods = c.pods().map((p) => ({
      namespace: 'default',
      name: p.metadata.name ?? '',
      labels: (p.metadata.labels ?? {}) as Record<string, string>,
    }));
    const r = await createMetricsClient(
      { kind: 'prometheus', prometheusUrl: prom.url, adapterConfigPath: rules },
      { now: () => c.clock.now(), podLister: staticPodLister(pods) },
    );
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  }

  it('answers /api/v1/query like Prometheus', async () => {
    const t = c.clock.now() / 1000;
    const res = await fetch(
      `${prom.url}/api/v1/query?query=${encodeURIComponent('sum(rate(http_requests_total[30s])) by (kubernetes_pod)')}&time=${t}`,
    );
    const body = (await res.json()) as {
      status: string;
      data: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
    };
    expect(body.status).toBe('success');
    expect(body.data.resultType).toBe('vector');
    expect(body.data.result).toHaveLength(2);
    expect(body.data.result[0].value[0]).toBe(t);
    expect(Number(body.data.result[0].value[1])).toBeCloseTo(150 + 1 / 15, 6);
  });

  it('answers /api/v1/series with match[] and a bad query with bad_data', async () => {
    const series = (await (
      await fetch(
        `${prom.url}/api/v1/series?match[]=${encodeURIComponent('{__name__=~"^http_requests.*_total$",kubernetes_namespace!="",kubernetes_pod!=""}')}`,
      )
    ).json()) as { data: Record<string, string>[] };
    expect(series.data).toHaveLength(2);
    expect(series.data[0]).toMatchObject({
      __name__: 'http_requests_total',
      kubernetes_namespace: 'default',
      namespace: 'default',
      app: 'sample-httpserver',
    });
    const bad = await fetch(`${prom.url}/api/v1/query?query=sum(`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ status: 'error', errorType: 'bad_data' });
  });

  it("the prometheus client with seed 000's rule reads http_requests_qps as the simulator serves it", async () => {
    const m = await client(RULES('seed-000', 'adapter/adapter-rules.yaml'));
    const q = {
      namespace: 'default',
      metricName: 'http_requests_qps',
      podSelector: sel('app=sample-httpserver'),
      metricSelector: Selector.everything(),
    };
    const viaPrometheus = await m.getPodsMetric(q);
    const inProcess = await c.sim.metricsClient().getPodsMetric(q);
    if (!viaPrometheus.ok || !inProcess.ok) throw new Error('metrics failed');
    expect(viaPrometheus.value.map((v) => v.value.toString())).toEqual(['150066m', '150066m']);
    expect(inProcess.value.map((v) => v.value.toString())).toEqual(viaPrometheus.value.map((v) => v.value.toString()));
    await m.close();
  });

  it("the prometheus client with seed 004's resourceRules reads cpu per container from cAdvisor series", async () => {
    const m = await client(RULES('seed-004', 'adapter/adapter-resource-rules.yaml'));
    const r = await m.getResourceMetrics({
      namespace: 'default',
      podSelector: sel('app=sample-httpserver'),
      resource: 'cpu',
    });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value).toHaveLength(2);
    // 5m idle + 150 rps × 1m per request
    expect(Number(r.value[0].containers[0].usage.cpu.milliValue())).toBeGreaterThanOrEqual(154);
    expect(Number(r.value[0].containers[0].usage.cpu.milliValue())).toBeLessThanOrEqual(156);
    await m.close();
  });
});
