/**
 * The Prometheus client's sample timestamps, which the stale-sample cut-off (--metrics-max-age,
 * docs/metrics-clients.md) measures ages from: each sample is stamped with the `[ts, value]` pair
 * Prometheus answered, never with the client's clock, in every API; with adapter parity the custom
 * metrics are stamped with the query time, as prometheus-adapter stamps them with its "now".
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { Selector, parseSelector } from '../../../algorithms/index.js';
import { loadAdapterConfig } from '../../../metrics-clients/prometheus/adapter-config.js';
import { PrometheusMetricsClient, type PrometheusClientOptions } from '../../../metrics-clients/prometheus/client.js';
import { PrometheusApi } from '../../../metrics-clients/prometheus/http-api.js';
import { silentLogger } from '../../../metrics-clients/shared/observe.js';
import { staticPodLister } from '../../../metrics-clients/shared/pod-lister.js';
import { StaticRestMapper } from '../../../transport/index.js';
import { type FakeServer, type Handler, promSeries, promVector, startServer } from './fakes.js';

function sel(t: string): Selector {
  const s = parseSelector(t);
  if (!s.ok) throw new Error(s.error.message);
  return s.value;
}

/** the client's clock, in ms; queries are sent with time=NOW/1000 */
const NOW = 1_695_018_200_000;
const P1 = 'sample-httpserver-6784dcf77c-56th4';
const PODS = [
  { name: P1, namespace: 'default', labels: { app: 'sample-httpserver' } },
  { name: 'web-1', namespace: 'default', labels: { app: 'web' } },
];

let server: FakeServer | undefined;
let client: PrometheusMetricsClient | undefined;
afterEach(async () => {
  await client?.close();
  await server?.close();
  server = undefined;
  client = undefined;
});

async function setup(configFile: string, handler: Handler, opts: PrometheusClientOptions = {}) {
  server = await startServer(handler);
  const cfg = loadAdapterConfig(configFile);
  if (!cfg.ok) throw new Error(cfg.error.message);
  const now = (): number => NOW;
  const api = PrometheusApi.create({ url: server.url }, now);
  if (!api.ok) throw new Error(api.error);
  const c = await PrometheusMetricsClient.create(cfg.value, api.value, opts, {
    now,
    restMapper: new StaticRestMapper(),
    podLister: staticPodLister(PODS),
    logger: silentLogger,
  });
  if (!c.ok) throw new Error(c.error);
  client = c.value;
  return c.value;
}

/**
 * Prometheus's /api/v1/query: the vector's pairs carry the evaluation instant, the `time` asked
 * for, less `lagSeconds` (0 for Prometheus itself; more for a proxy answering from an older
 * evaluation). /api/v1/series lists `series`.
 */
function prometheus(
  series: readonly Record<string, string>[],
  metric: Record<string, string>,
  value: string,
  lagSeconds: number,
): Handler {
  return (r) => {
    if (r.path === '/api/v1/series') return { body: promSeries(series) };
    if (r.path !== '/api/v1/query') return undefined;
    const t = Number(r.query.get('time')) - lagSeconds;
    return { body: promVector([{ metric, value, t }]) };
  };
}

const SEED_000 = 'manifests/examples/seed-000/adapter/adapter-rules.yaml';
const SERIES_000 = [
  { __name__: 'http_requests_total', kubernetes_namespace: 'default', kubernetes_pod: P1, status: '200' },
];
const podsQ = {
  namespace: 'default',
  metricName: 'http_requests_qps',
  podSelector: sel('app=sample-httpserver'),
  metricSelector: Selector.everything(),
};

describe('prometheus client: sample timestamps', () => {
  it('a Pods sample is stamped with its pair: the evaluation time Prometheus answers, not the client clock', async () => {
    const exact = await setup(SEED_000, prometheus(SERIES_000, { kubernetes_pod: P1 }, '1', 0));
    const fresh = await exact.getPodsMetric(podsQ);
    expect(fresh.ok && fresh.value.map((v) => v.timestamp)).toEqual([NOW]);
    await exact.close();
    await server?.close();
    const lagging = await setup(SEED_000, prometheus(SERIES_000, { kubernetes_pod: P1 }, '1', 600));
    const old = await lagging.getPodsMetric(podsQ);
    expect(old.ok && old.value.map((v) => v.timestamp)).toEqual([NOW - 600_000]);
  });

  it('with adapter parity a Pods sample is stamped with the query time, as prometheus-adapter stamps "now"', async () => {
    const c = await setup(SEED_000, prometheus(SERIES_000, { kubernetes_pod: P1 }, '1', 600), {
      adapterParity: true,
    });
    const r = await c.getPodsMetric(podsQ);
    expect(r.ok && r.value.map((v) => v.timestamp)).toEqual([NOW]);
  });

  it('an External sample is stamped with its pair', async () => {
    const c = await setup(
      'manifests/examples/seed-004/adapter/adapter-external-rules.yaml',
      prometheus([{ __name__: 'queue_messages_cnt', app: 'lanpangzi' }], { app: 'lanpangzi' }, '30', 300),
    );
    const r = await c.getExternalMetric({
      namespace: 'default',
      metricName: 'queue_messages_cnt',
      metricSelector: sel('app=lanpangzi'),
    });
    expect(r.ok && r.value.map((v) => v.timestamp)).toEqual([NOW - 300_000]);
  });

  it('a pod of the resource metrics is stamped with its pairs', async () => {
    const c = await setup(
      'manifests/examples/seed-004/adapter/adapter-resource-rules.yaml',
      prometheus([], { pod: 'web-1', container: 'app' }, '0.25', 120),
    );
    const r = await c.getResourceMetrics({ namespace: 'default', podSelector: sel('app=web') });
    expect(r.ok && r.value.map((v) => [v.pod, v.timestamp])).toEqual([['web-1', NOW - 120_000]]);
  });
});
