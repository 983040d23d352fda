import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { Selector, parseSelector } from '../../../algorithms/index.js';
import { loadAdapterConfig } from '../../../metrics-clients/prometheus/adapter-config.js';
import { PrometheusMetricsClient, type PrometheusClientOptions } from '../../../metrics-clients/prometheus/client.js';
import { PrometheusApi, type PrometheusConnectionOptions } from '../../../metrics-clients/prometheus/http-api.js';
import { silentLogger } from '../../../metrics-clients/shared/observe.js';
import { staticPodLister, type KnownPod } from '../../../metrics-clients/shared/pod-lister.js';
import { StaticRestMapper } from '../../../transport/index.js';
import { type FakeServer, type Handler, promSeries, promVector, startServer } from './fakes.js';

function sel(t: string): Selector {
  const s = parseSelector(t);
  if (!s.ok) throw new Error(s.error.message);
  return s.value;
}

const NOW = 1_695_018_200_000;
const P1 = 'sample-httpserver-6784dcf77c-56th4';
const P2 = 'sample-httpserver-6784dcf77c-df4cd';
const PODS: KnownPod[] = [
  { name: P1, namespace: 'default', labels: { app: 'sample-httpserver' } },
  { name: P2, namespace: 'default', labels: { app: 'sample-httpserver' } },
  { name: 'web-1', namespace: 'default', labels: { app: 'web' } },
];
const SERIES_000 = promSeries([
  { __name__: 'http_requests_total', kubernetes_namespace: 'default', kubernetes_pod: P1, status: '200' },
  { __name__: 'http_requests_total', kubernetes_namespace: 'default', kubernetes_pod: P2, status: '200' },
]);

let server: FakeServer | undefined;
let client: PrometheusMetricsClient | undefined;
afterEach(async () => {
  await client?.close();
  await server?.close();
  server = undefined;
  client = undefined;
});

async function setup(
  configFile: string,
  handler: Handler,
  opts: PrometheusClientOptions = {},
  conn: Partial<PrometheusConnectionOptions> = {},
  now = () => NOW,
): Promise<{ s: FakeServer; c: PrometheusMetricsClient }> {
  server = await startServer(handler);
  const cfg = loadAdapterConfig(configFile);
  if (!cfg.ok) throw new Error(cfg.error.message);
  const api = PrometheusApi.create({ url: server.url, ...conn }, now);
  if (!api.ok) throw new Error(api.error);
  const c = await PrometheusMetricsClient.create(cfg.value, api.value, opts, {
    now,
    restMapper: new StaticRestMapper(),
    podLister: staticPodLister(PODS),
    logger: silentLogger,
  });
  if (!c.ok) throw new Error(c.error);
  client = c.value;
  return { s: server, c: c.value };
}

const seed000 =
  (query: (promql: string) => object | undefined): Handler =>
  (r) => {
    if (r.path === '/api/v1/series') return { body: SERIES_000 };
    if (r.path === '/api/v1/query') {
      const body = query(r.query.get('query') ?? '');
      return body === undefined ? undefined : { body };
    }
    return undefined;
  };

const podsQ = {
  namespace: 'default',
  metricName: 'http_requests_qps',
  podSelector: sel('app=sample-httpserver'),
  metricSelector: Selector.everything(),
};

describe('prometheus client: seed 000 end to end', () => {
  it('discovers series, lists the pods, sends the adapter\'s PromQL and reads "0.066" as 66m', async () => {
    const { s, c } = await setup(
      'manifests/examples/seed-000/adapter/adapter-rules.yaml',
      seed000(() =>
        promVector([
          { metric: { kubernetes_pod: P1 }, value: '0.066' },
          { metric: { kubernetes_pod: P2 }, value: '1000.133' },
        ]),
      ),
    );
    const r = await c.getPodsMetric(podsQ);
    expect(s.requests[0].url).toBe(
      '/api/v1/series?match%5B%5D=%7B__name__%3D~%22%5Ehttp_requests.%2A_total%24%22%2Ckubernetes_namespace%21%3D%22%22%2Ckubernetes_pod%21%3D%22%22%7D&start=1695017600',
    );
    expect(s.requests[1].query.get('query')).toBe(
      `sum(rate(http_requests_total{kubernetes_namespace="default",kubernetes_pod=~"${P1}|${P2}"}[30s])) by (kubernetes_pod)`,
    );
    expect(s.requests[1].query.get('time')).toBe('1695018200');
    expect(r.ok && r.value.map((v) => [v.pod, v.value.toString(), v.timestamp, v.windowSeconds])).toEqual([
      [P1, '66m', 1695018199504, 60],
      [P2, '1000133m', 1695018199504, 60],
    ]);
  });

  it('caches series discovery for the relist interval', async () => {
    let now = NOW;
    const { s, c } = await setup(
      'manifests/examples/seed-000/adapter/adapter-rules.yaml',
      seed000(() => promVector([])),
      { relistIntervalMs: 60_000 },
      {},
      () => now,
    );
    await c.getPodsMetric(podsQ);
    await c.getPodsMetric(podsQ);
    now += 60_000;
    await c.getPodsMetric(podsQ);
    expect(s.requests.filter((r) => r.path === '/api/v1/series')).toHaveLength(2);
  });

  it('answers NotFound for a metric no rule produces, after one early relist', async () => {
    const { s, c } = await setup(
      'manifests/examples/seed-000/adapter/adapter-rules.yaml',
      seed000(() => promVector([])),
      { relistOnMissMs: 0 },
    );
    const r = await c.getPodsMetric({ ...podsQ, metricName: 'nope' });
    expect(r).toEqual({
      ok: false,
      error: {
        kind: 'NotFound',
        api: 'custom',
        path: 'nope',
        status: 404,
        message: 'the server could not find the metric nope for pods',
      },
    });
    expect(s.requests.filter((q) => q.path === '/api/v1/series')).toHaveLength(2);
  });

  it('answers NotFound when no pod matches the selector (no query is sent)', async () => {
    const { s, c } = await setup(
      'manifests/examples/seed-000/adapter/adapter-rules.yaml',
      seed000(() => promVector([])),
    );
    const r = await c.getPodsMetric({ ...podsQ, podSelector: sel('app=none') });
    expect(!r.ok && r.error.message).toBe('the server could not find the metric http_requests_qps for pods');
    expect(s.requests.filter((q) => q.path === '/api/v1/query')).toHaveLength(0);
  });

  it('returns an empty list for an empty vector and leaves out pods without a value', async () => {
    const { c } = await setup(
      'manifests/examples/seed-000/adapter/adapter-rules.yaml',
      seed000((q) => (q.includes('|') ? promVector([{ metric: { kubernetes_pod: P2 }, value: '2' }]) : promVector([]))),
    );
    const some = await c.getPodsMetric(podsQ);
    expect(some.ok && some.value.map((v) => v.pod)).toEqual([P2]);
  });

  it('reports a result that names none of the selected pods (wrong group-by) as NotFound with the query', async () => {
    const { c } = await setup(
      'manifests/examples/seed-000/adapter/adapter-rules.yaml',
      seed000(() => promVector([{ metric: {}, value: '5' }])),
    );
    const r = await c.getPodsMetric(podsQ);
    expect(!r.ok && r.error.kind).toBe('NotFound');
    expect(!r.ok && r.error.path).toContain('sum(rate(http_requests_total{');
    expect(!r.ok && r.error.message).toContain('none has label kubernetes_pod naming a selected pod');
  });

  it('treats NaN and Inf as Malformed, or NaN as 0 with adapter parity', async () => {
    const nan = seed000(() => promVector([{ metric: { kubernetes_pod: P1 }, value: 'NaN' }]));
    const { c } = await setup('manifests/examples/seed-000/adapter/adapter-rules.yaml', nan);
    const r = await c.getPodsMetric(podsQ);
    expect(!r.ok && r.error).toMatchObject({ kind: 'Malformed', api: 'custom' });
    await c.close();
    await server?.close();
    const parity = await setup('manifests/examples/seed-000/adapter/adapter-rules.yaml', nan, { adapterParity: true });
    const p = await parity.c.getPodsMetric(podsQ);
    expect(p.ok && p.value.map((v) => [v.value.toString(), v.timestamp])).toEqual([['0', NOW]]);
    await parity.c.close();
    await server?.close();
    const inf = await setup(
      'manifests/examples/seed-000/adapter/adapter-rules.yaml',
      seed000(() => promVector([{ metric: { kubernetes_pod: P1 }, value: '+Inf' }])),
      { adapterParity: true },
    );
    const i = await inf.c.getPodsMetric(podsQ);
    expect(!i.ok && i.error.kind).toBe('Malformed');
  });

  it('passes Prometheus error bodies through as typed errors with the PromQL in path', async () => {
    const { c } = await setup('manifests/examples/seed-000/adapter/adapter-rules.yaml', (r) =>
      r.path === '/api/v1/series'
        ? { body: SERIES_000 }
        : {
            status: 400,
            body: { status: 'error', errorType: 'bad_data', error: 'invalid parameter "query": 1:14: parse error' },
          },
    );
    const r = await c.getPodsMetric(podsQ);
    expect(!r.ok && r.error).toMatchObject({
      kind: 'Malformed',
      status: 400,
      message: 'bad_data: invalid parameter "query": 1:14: parse error',
    });
    expect(!r.ok && r.error.path).toMatch(/^sum\(rate\(http_requests_total\{/);
  });

  it('reports HTTP errors without an API body and unparsable bodies', async () => {
    const { c } = await setup('manifests/examples/seed-000/adapter/adapter-rules.yaml', (r) =>
      r.path === '/api/v1/series' ? { body: SERIES_000 } : { status: 502, body: 'bad gateway' },
    );
    const r = await c.getPodsMetric(podsQ);
    expect(!r.ok && [r.error.kind, r.error.message]).toEqual([
      'Unavailable',
      'bad_response: unknown response code 502',
    ]);
    if (server !== undefined)
      server.handler = (q) =>
        q.path === '/api/v1/series'
          ? { body: SERIES_000 }
          : {
              body: '{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"x"]}]}}',
              contentType: 'application/json',
            };
    const m = await c.getPodsMetric(podsQ);
    expect(!m.ok && m.error.kind).toBe('Malformed');
  });

  it('fails series discovery as Unavailable when Prometheus is down', async () => {
    const { s, c } = await setup('manifests/examples/seed-000/adapter/adapter-rules.yaml', () => undefined);
    await s.close();
    const r = await c.getPodsMetric(podsQ);
    expect(!r.ok && r.error.kind).toBe('Unavailable');
    expect(!r.ok && r.error.message).toContain(
      'unable to update list of all metrics: unable to fetch metrics for query',
    );
  });
});

describe('prometheus client: other seeds and metric types', () => {
  it('seed 003: an Object metric on a Service and a Namespace metric', async () => {
    const series = promSeries([
      {
        __name__: 'demo_app_button_clicks_total',
        namespace: 'default',
        pod: 'p',
        service: 'prometheus-demo-app',
        job: 'j',
        container: 'c',
      },
    ]);
    const { s, c } = await setup('manifests/examples/seed-003/adapter/adapter-rules.yaml', (r) =>
      r.path === '/api/v1/series'
        ? { body: series }
        : { body: promVector([{ metric: { service: 'prometheus-demo-app', namespace: 'default' }, value: '0.5' }]) },
    );
    const svc = await c.getObjectMetric({
      namespace: 'default',
      metricName: 'demo_app_button_clicks_per_second',
      describedObject: { apiVersion: 'v1', kind: 'Service', name: 'prometheus-demo-app' },
      metricSelector: Selector.everything(),
    });
    expect(s.requests.at(-1)?.query.get('query')).toBe(
      'sum(rate(demo_app_button_clicks_total{namespace="default",service="prometheus-demo-app"}[2m])) by (service)',
    );
    expect(svc.ok && svc.value.map((v) => v.value.toString())).toEqual(['500m']);
    const ns = await c.getObjectMetric({
      namespace: 'default',
      metricName: 'demo_app_button_clicks_per_second',
      describedObject: { apiVersion: 'v1', kind: 'Namespace', name: 'whatever' },
      metricSelector: Selector.everything(),
    });
    expect(s.requests.at(-1)?.query.get('query')).toBe(
      'sum(rate(demo_app_button_clicks_total{namespace="default"}[2m])) by (namespace)',
    );
    expect(ns.ok).toBe(true);
    const missing = await c.getObjectMetric({
      namespace: 'default',
      metricName: 'demo_app_button_clicks_per_second',
      describedObject: { apiVersion: 'v1', kind: 'Service', name: 'other' },
      metricSelector: Selector.everything(),
    });
    expect(!missing.ok && missing.error.message).toBe(
      'the server could not find the metric demo_app_button_clicks_per_second for services other',
    );
  });

  it('seed 004: external metric with namespaced: false', async () => {
    const { s, c } = await setup('manifests/examples/seed-004/adapter/adapter-external-rules.yaml', (r) =>
      r.path === '/api/v1/series'
        ? { body: promSeries([{ __name__: 'queue_messages_cnt', app: 'lanpangzi' }]) }
        : { body: promVector([{ metric: { app: 'lanpangzi' }, value: '30', t: 1695018190 }]) },
    );
    const r = await c.getExternalMetric({
      namespace: 'default',
      metricName: 'queue_messages_cnt',
      metricSelector: sel('app=lanpangzi'),
    });
    expect(s.requests.at(-1)?.query.get('query')).toBe('avg(queue_messages_cnt{app="lanpangzi"})');
    expect(r.ok && r.value.map((v) => [v.value.toString(), v.timestamp, v.labels])).toEqual([
      ['30', 1695018190000, { app: 'lanpangzi' }],
    ]);
    const unknown = await c.getExternalMetric({
      namespace: 'default',
      metricName: 'other',
      metricSelector: Selector.everything(),
    });
    expect(!unknown.ok && unknown.error.message).toBe('the server could not find the metric other for namespaces');
  });

  it('seed 004: resource metrics per pod and container, window 5m, cpu and memory quantities', async () => {
    const { s, c } = await setup('manifests/examples/seed-004/adapter/adapter-resource-rules.yaml', (r) => {
      const q = r.query.get('query') ?? '';
      if (q.includes('container_cpu_usage_seconds_total')) {
        return {
          body: promVector([
            { metric: { pod: 'web-1', container: 'app' }, value: '0.25', t: 1695018100 },
            { metric: { pod: 'web-1', container: 'sidecar' }, value: '-1' },
          ]),
        };
      }
      return { body: promVector([{ metric: { pod: 'web-1', container: 'app' }, value: '104857600' }]) };
    });
    const r = await c.getResourceMetrics({ namespace: 'default', podSelector: sel('app=web') });
    expect(s.requests.map((q) => q.query.get('query')?.split('{')[1]?.split('}')[0])).toEqual([
      'namespace="default",pod="web-1",container!="",pod!=""',
      'namespace="default",pod="web-1",container!="",pod!=""',
    ]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toHaveLength(1);
    expect(r.value[0]).toMatchObject({
      pod: 'web-1',
      namespace: 'default',
      labels: { app: 'web' },
      windowSeconds: 300,
      timestamp: 1695018100000,
    });
    expect(r.value[0].containers.map((x) => [x.name, x.usage.cpu.toString(), x.usage.memory.toString()])).toEqual([
      ['app', '250m', '100Mi'],
      ['sidecar', '0', '0'],
    ]);
  });

  it('has no resource metrics without resourceRules', async () => {
    const { c } = await setup('manifests/examples/seed-000/adapter/adapter-rules.yaml', () => undefined);
    const r = await c.getResourceMetrics({ namespace: 'default', podSelector: Selector.everything() });
    expect(!r.ok && r.error.kind).toBe('Unregistered');
  });
});

describe('prometheus connection: verbs and authentication', () => {
  it('POSTs a query whose URL would be too long, and GETs short ones', async () => {
    const many: KnownPod[] = Array.from({ length: 300 }, (_, i) => ({
      name: `sample-httpserver-6784dcf77c-${String(i).padStart(5, '0')}`,
      labels: { app: 'sample-httpserver' },
    }));
    server = await startServer(seed000(() => promVector([])));
    const cfg = loadAdapterConfig('manifests/examples/seed-000/adapter/adapter-rules.yaml');
    const api = PrometheusApi.create({ url: server.url }, () => NOW);
    if (!cfg.ok || !api.ok) throw new Error('setup');
    const c = await PrometheusMetricsClient.create(
      cfg.value,
      api.value,
      {},
      { now: () => NOW, restMapper: new StaticRestMapper(), podLister: staticPodLister(many), logger: silentLogger },
    );
    if (!c.ok) throw new Error(c.error);
    client = c.value;
    await client.getPodsMetric(podsQ);
    const q = server.requests.find((r) => r.path === '/api/v1/query');
    expect(q?.method).toBe('POST');
    expect(q?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(q?.query.get('query')).toContain('sample-httpserver-6784dcf77c-00299');
    expect(server.requests[0].method).toBe('GET');
  });

  it('sends the bearer token from its file and re-reads it when it changes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'prom-'));
    const token = join(dir, 'token');
    writeFileSync(token, 'first\n');
    const { s, c } = await setup(
      'manifests/examples/seed-000/adapter/adapter-rules.yaml',
      seed000(() => promVector([])),
      {},
      { bearerTokenFile: token },
    );
    await c.getPodsMetric(podsQ);
    writeFileSync(token, 'second-and-longer\n');
    await c.getPodsMetric(podsQ);
    expect(s.requests.map((r) => r.headers.authorization)).toEqual([
      'Bearer first',
      'Bearer first',
      'Bearer second-and-longer',
    ]);
  });

  it('sends basic auth from a password file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'prom-'));
    writeFileSync(join(dir, 'pw'), 's3cret\n');
    const { s, c } = await setup(
      'manifests/examples/seed-000/adapter/adapter-rules.yaml',
      seed000(() => promVector([])),
      {},
      { basicAuth: { username: 'hpa', passwordFile: join(dir, 'pw') } },
    );
    await c.getPodsMetric(podsQ);
    expect(s.requests[0].headers.authorization).toBe(`Basic ${Buffer.from('hpa:s3cret').toString('base64')}`);
  });

  it('names unreadable files in its errors', () => {
    expect(PrometheusApi.create({ url: 'http://127.0.0.1:1', caFile: '/nonexistent/ca.pem' }, () => 0)).toEqual({
      ok: false,
      error: expect.stringContaining('unable to read CA file /nonexistent/ca.pem') as unknown as string,
    });
    expect(PrometheusApi.create({ url: 'not a url' }, () => 0).ok).toBe(false);
  });

  it('times out', async () => {
    const { c } = await setup(
      'manifests/examples/seed-000/adapter/adapter-rules.yaml',
      (r) => (r.path === '/api/v1/series' ? { body: SERIES_000 } : { body: promVector([]), delayMs: 2000 }),
      {},
      { timeoutMs: 100 },
    );
    const r = await c.getPodsMetric(podsQ);
    expect(!r.ok && r.error.kind).toBe('Timeout');
  });
});
