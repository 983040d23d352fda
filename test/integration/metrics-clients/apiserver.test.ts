import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from '@jest/globals';
import { Selector, parseSelector } from '../../../algorithms/index.js';
import { ApiServerMetricsClient } from '../../../metrics-clients/apiserver/client.js';
import { ApiServerConnection } from '../../../transport/index.js';
import { type FakeServer, RESOURCE_LISTS, apiGroupList, kubeConfigFor, startServer, type Handler } from './fakes.js';

const SEED_000_ANSWER = readFileSync('manifests/examples/seed-000/adapter/custom-metrics-answer.json', 'utf8');

function sel(t: string): Selector {
  const s = parseSelector(t);
  if (!s.ok) throw new Error(s.error.message);
  return s.value;
}

let server: FakeServer | undefined;
let client: ApiServerMetricsClient | undefined;
afterEach(async () => {
  await client?.close();
  await server?.close();
  server = undefined;
  client = undefined;
});

async function setup(
  handler: Handler,
  opts: { timeoutMs?: number } = {},
  now = () => 0,
): Promise<{ server: FakeServer; client: ApiServerMetricsClient }> {
  server = await startServer(handler);
  const conn = ApiServerConnection.fromKubeConfig(kubeConfigFor(server.url), { now });
  client = new ApiServerMetricsClient(conn, opts, { now });
  return { server, client };
}

/** A cluster serving custom metrics in `versions` (preferred first) plus discovery documents. */
function cluster(versions: readonly string[], routes: Handler): Handler {
  return (r) => {
    if (r.path === '/apis') return { body: apiGroupList(versions) };
    if (RESOURCE_LISTS[r.path] !== undefined) return { body: RESOURCE_LISTS[r.path] };
    return routes(r);
  };
}

const podsQuery = {
  namespace: 'default',
  metricName: 'http_requests_qps',
  podSelector: sel('app=sample-httpserver'),
  metricSelector: Selector.everything(),
};

describe('apiserver client: resource metrics (metrics.k8s.io)', () => {
  it('sends labelSelector form-encoded, parses Go duration windows and keeps labels', async () => {
    const { server: s, client: c } = await setup((r) =>
      r.path === '/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods'
        ? {
            body: {
              kind: 'PodMetricsList',
              apiVersion: 'metrics.k8s.io/v1beta1',
              metadata: {},
              items: [
                {
                  metadata: { name: 'p1', namespace: 'shop', labels: { app: 'web' } },
                  timestamp: '2025-01-01T00:00:00Z',
                  window: '1m0s',
                  containers: [{ name: 'c1', usage: { cpu: '12345678n', memory: '100Mi' } }],
                },
                {
                  metadata: { name: 'p2', namespace: 'shop' },
                  timestamp: '2025-01-01T00:00:01.5Z',
                  window: '15.5s',
                  containers: [],
                },
                {
                  metadata: { name: 'p3', namespace: 'shop' },
                  timestamp: '2025-01-01T00:00:01Z',
                  window: '100ms',
                  containers: [],
                },
              ],
            },
          }
        : undefined,
    );
    const r = await c.getResourceMetrics({ namespace: 'shop', podSelector: sel('app=web,tier in (b,a)') });
    expect(s.requests[0].url).toBe(
      '/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods?labelSelector=app%3Dweb%2Ctier+in+%28a%2Cb%29',
    );
    expect(s.requests[0].headers.authorization).toBe('Bearer test-token');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.map((p) => [p.pod, p.windowSeconds, p.labels])).toEqual([
      ['p1', 60, { app: 'web' }],
      ['p2', 15.5, undefined],
      ['p3', 0.1, undefined],
    ]);
    expect(r.value[0].containers[0].usage.cpu.milliValue()).toBe(13n);
    expect(r.value[1].timestamp).toBe(Date.parse('2025-01-01T00:00:01.5Z'));
  });

  it('omits an empty labelSelector', async () => {
    const { server: s, client: c } = await setup(() => ({ body: { items: [] } }));
    await c.getResourceMetrics({ namespace: 'default', podSelector: Selector.everything() });
    expect(s.requests[0].url).toBe('/apis/metrics.k8s.io/v1beta1/namespaces/default/pods');
  });

  it('reports an unavailable aggregated API as client-go does', async () => {
    const { client: c } = await setup(() => ({ status: 503, body: 'service unavailable\n' }));
    const r = await c.getResourceMetrics({ namespace: 'default', podSelector: sel('app=x') });
    expect(r).toEqual({
      ok: false,
      error: {
        kind: 'Unavailable',
        api: 'resource',
        path: '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods?labelSelector=app%3Dx',
        status: 503,
        message: 'the server is currently unable to handle the request (get pods.metrics.k8s.io)',
      },
    });
  });

  it('turns a bad window into Malformed', async () => {
    const { client: c } = await setup(() => ({
      body: { items: [{ metadata: { name: 'p' }, window: '30', containers: [] }] },
    }));
    const r = await c.getResourceMetrics({ namespace: 'default', podSelector: Selector.everything() });
    expect(!r.ok && r.error).toMatchObject({
      kind: 'Malformed',
      message: 'unable to decode PodMetricsList: items[0].window: time: missing unit in duration "30"',
    });
  });
});

describe('apiserver client: custom metrics version by discovery', () => {
  it('uses v1beta2 when preferred and reads its item shape', async () => {
    const { server: s, client: c } = await setup(
      cluster(['v1beta2', 'v1beta1'], (r) =>
        r.path === '/apis/custom.metrics.k8s.io/v1beta2/namespaces/default/pods/*/http_requests_qps'
          ? {
              body: {
                kind: 'MetricValueList',
                apiVersion: 'custom.metrics.k8s.io/v1beta2',
                items: [
                  {
                    describedObject: { kind: 'Pod', name: 'p1', apiVersion: '/v1' },
                    metric: { name: 'http_requests_qps' },
                    timestamp: '2022-02-18T09:25:53Z',
                    windowSeconds: 30,
                    value: '1000133m',
                  },
                ],
              },
            }
          : undefined,
      ),
    );
    const r = await c.getPodsMetric(podsQuery);
    expect(s.requests.map((q) => q.url)).toEqual([
      '/apis',
      '/apis/custom.metrics.k8s.io/v1beta2/namespaces/default/pods/%2A/http_requests_qps?labelSelector=app%3Dsample-httpserver',
    ]);
    expect(r.ok && r.value.map((v) => [v.pod, v.value.toString(), v.windowSeconds])).toEqual([['p1', '1000133m', 30]]);
  });

  it('uses v1beta1 when the server lists only v1beta1, and converts the seed 000 answer ("66m", no window → 60 s)', async () => {
    const { server: s, client: c } = await setup(
      cluster(['v1beta1'], (r) =>
        r.path === '/apis/custom.metrics.k8s.io/v1beta1/namespaces/default/pods/*/http_requests_qps'
          ? { body: SEED_000_ANSWER, contentType: 'application/json' }
          : undefined,
      ),
    );
    const r = await c.getPodsMetric(podsQuery);
    expect(s.requests[1].url).toBe(
      '/apis/custom.metrics.k8s.io/v1beta1/namespaces/default/pods/%2A/http_requests_qps?labelSelector=app%3Dsample-httpserver',
    );
    expect(
      r.ok && r.value.map((v) => [v.pod, v.value.toString(), v.value.milliValue(), v.windowSeconds, v.timestamp]),
    ).toEqual([['sample-httpserver-6784dcf77c-56th4', '66m', 66n, 60, Date.parse('2022-02-18T09:25:53Z')]]);
  });

  it('re-discovers once when a cached v1beta2 is no longer served, and then uses v1beta1', async () => {
    let versions: string[] = ['v1beta2', 'v1beta1'];
    const { server: s, client: c } = await setup((r) => {
      if (r.path === '/apis') return { body: apiGroupList(versions) };
      if (r.path.startsWith('/apis/custom.metrics.k8s.io/v1beta1/')) return { body: SEED_000_ANSWER };
      return undefined; // v1beta2 paths: 404 "the server could not find the requested resource"
    });
    const first = await c.getPodsMetric(podsQuery);
    expect(first.ok).toBe(false);
    versions = ['v1beta1'];
    const second = await c.getPodsMetric(podsQuery);
    expect(second.ok && second.value[0].value.toString()).toBe('66m');
    expect(s.requests.map((q) => q.path)).toEqual([
      '/apis',
      '/apis/custom.metrics.k8s.io/v1beta2/namespaces/default/pods/*/http_requests_qps',
      '/apis', // re-discovery after the 404: still v1beta2, so no retry
      '/apis/custom.metrics.k8s.io/v1beta2/namespaces/default/pods/*/http_requests_qps',
      '/apis',
      '/apis/custom.metrics.k8s.io/v1beta1/namespaces/default/pods/*/http_requests_qps',
    ]);
  });

  it('does not fall back on a 404 for a metric the adapter does not have', async () => {
    const notFound = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'the server could not find the metric http_requests_qps for pods',
      reason: 'NotFound',
      code: 404,
    };
    const { server: s, client: c } = await setup(
      cluster(['v1beta2', 'v1beta1'], () => ({ status: 404, body: notFound })),
    );
    const r = await c.getPodsMetric(podsQuery);
    expect(!r.ok && r.error).toMatchObject({
      kind: 'NotFound',
      status: 404,
      message: 'the server could not find the metric http_requests_qps for pods',
    });
    expect(s.requests.filter((q) => q.path === '/apis')).toHaveLength(1);
  });

  it('reports a missing custom metrics API as Unregistered', async () => {
    const { client: c } = await setup(cluster([], () => undefined));
    const r = await c.getPodsMetric(podsQuery);
    expect(r).toEqual({
      ok: false,
      error: {
        kind: 'Unregistered',
        api: 'custom',
        path: '/apis',
        message: 'no custom metrics API (custom.metrics.k8s.io) registered',
      },
    });
  });

  it('caches the version until invalidated', async () => {
    const { server: s, client: c } = await setup(cluster(['v1beta1'], () => ({ body: SEED_000_ANSWER })));
    await c.getPodsMetric(podsQuery);
    await c.getPodsMetric(podsQuery);
    c.invalidate();
    await c.getPodsMetric(podsQuery);
    expect(s.requests.filter((q) => q.path === '/apis')).toHaveLength(2);
  });

  it('sends metricLabelSelector and the 503 message names the request', async () => {
    const { server: s, client: c } = await setup(
      cluster(['v1beta1'], () => ({ status: 503, body: 'service unavailable' })),
    );
    const r = await c.getPodsMetric({ ...podsQuery, metricSelector: sel('verb=GET') });
    expect(s.requests[1].url).toBe(
      '/apis/custom.metrics.k8s.io/v1beta1/namespaces/default/pods/%2A/http_requests_qps?labelSelector=app%3Dsample-httpserver&metricLabelSelector=verb%3DGET',
    );
    expect(!r.ok && r.error.message).toBe(
      'the server is currently unable to handle the request (get pods.custom.metrics.k8s.io *)',
    );
  });

  it.each([
    [
      401,
      'Unauthorized',
      'the server has asked for the client to provide credentials (get pods.custom.metrics.k8s.io *)',
    ],
    [403, 'Forbidden', 'forbidden text (get pods.custom.metrics.k8s.io *)'],
    [
      500,
      'Internal',
      'an error on the server ("forbidden text") has prevented the request from succeeding (get pods.custom.metrics.k8s.io *)',
    ],
    [
      502,
      'Unavailable',
      'an error on the server ("forbidden text") has prevented the request from succeeding (get pods.custom.metrics.k8s.io *)',
    ],
  ])('maps HTTP %i to %s', async (status, kind, message) => {
    const { client: c } = await setup(cluster(['v1beta1'], () => ({ status, body: 'forbidden text' })));
    const r = await c.getPodsMetric(podsQuery);
    expect(!r.ok && [r.error.kind, r.error.message]).toEqual([kind, message]);
  });

  it('times out with a Go-like message', async () => {
    const { client: c } = await setup(
      cluster(['v1beta1'], () => ({ body: SEED_000_ANSWER, delayMs: 2000 })),
      { timeoutMs: 100 },
    );
    const r = await c.getPodsMetric(podsQuery);
    expect(!r.ok && r.error.kind).toBe('Timeout');
    expect(!r.ok && r.error.message).toMatch(
      /^Get "http:\/\/127\.0\.0\.1:\d+\/apis\/custom\.metrics\.k8s\.io\/v1beta1\/namespaces\/default\/pods\/%2A\/http_requests_qps\?labelSelector=app%3Dsample-httpserver": context deadline exceeded/,
    );
  });

  it('turns bodies that are not MetricValueLists into Malformed', async () => {
    const { client: c } = await setup(
      cluster(['v1beta1'], () => ({ body: '{"items": [{"value": "a lot"}]}', contentType: 'application/json' })),
    );
    const r = await c.getPodsMetric(podsQuery);
    expect(!r.ok && r.error.kind).toBe('Malformed');
    expect(!r.ok && r.error.message).toContain(
      'unable to decode MetricValueList: items[0].value: quantities must match',
    );
  });

  it('reports a refused connection as Unavailable', async () => {
    const { server: s, client: c } = await setup(() => undefined);
    await s.close();
    const r = await c.getExternalMetric({
      namespace: 'default',
      metricName: 'q',
      metricSelector: Selector.everything(),
    });
    expect(!r.ok && r.error.kind).toBe('Unavailable');
    expect(!r.ok && r.error.message).toContain('connect: connection refused');
  });
});

describe('apiserver client: object and external metrics', () => {
  const objectRoutes: Handler = (r) =>
    r.path.startsWith('/apis/custom.metrics.k8s.io/v1beta2/')
      ? {
          body: {
            apiVersion: 'custom.metrics.k8s.io/v1beta2',
            items: [
              {
                describedObject: { kind: 'X', name: 'x' },
                metric: { name: 'm' },
                timestamp: '2025-01-01T00:00:00Z',
                value: '2k',
              },
            ],
          },
        }
      : undefined;

  it.each([
    [
      'networking.k8s.io/v1',
      'Ingress',
      'main-route',
      '/apis/custom.metrics.k8s.io/v1beta2/namespaces/default/ingresses.networking.k8s.io/main-route/requests-per-second',
    ],
    [
      'apps/v1',
      'Deployment',
      'web',
      '/apis/custom.metrics.k8s.io/v1beta2/namespaces/default/deployments.apps/web/requests-per-second',
    ],
    ['v1', 'Service', 'svc', '/apis/custom.metrics.k8s.io/v1beta2/namespaces/default/services/svc/requests-per-second'],
    [
      'v1',
      'Namespace',
      'ignored',
      '/apis/custom.metrics.k8s.io/v1beta2/namespaces/default/metrics/requests-per-second',
    ],
  ])('maps %s %s to its group-qualified plural', async (apiVersion, kind, name, path) => {
    const { server: s, client: c } = await setup(cluster(['v1beta2'], objectRoutes));
    const r = await c.getObjectMetric({
      namespace: 'default',
      metricName: 'requests-per-second',
      describedObject: { apiVersion, kind, name },
      metricSelector: Selector.everything(),
    });
    expect(s.requests.at(-1)?.url).toBe(path);
    expect(r.ok && r.value.map((v) => [v.value.toString(), v.windowSeconds])).toEqual([['2k', 60]]);
  });

  it('reports an unmappable kind as upstream does (seed 004: Ingress in extensions/v1beta1)', async () => {
    const { client: c } = await setup(cluster(['v1beta2'], objectRoutes));
    const r = await c.getObjectMetric({
      namespace: 'default',
      metricName: 'requests-per-second',
      describedObject: { apiVersion: 'extensions/v1beta1', kind: 'Ingress', name: 'main-route' },
      metricSelector: Selector.everything(),
    });
    expect(!r.ok && r.error.message).toBe(
      'unable to map kind Ingress.extensions to resource: no matches for kind "Ingress" in group "extensions"',
    );
  });

  it('reads external metrics with labels and windows', async () => {
    const { server: s, client: c } = await setup((r) =>
      r.path === '/apis/external.metrics.k8s.io/v1beta1/namespaces/default/queue_messages_cnt'
        ? {
            body: {
              kind: 'ExternalMetricValueList',
              apiVersion: 'external.metrics.k8s.io/v1beta1',
              items: [
                {
                  metricName: 'queue_messages_cnt',
                  metricLabels: { app: 'lanpangzi' },
                  timestamp: '2025-01-01T00:00:00Z',
                  window: 60,
                  value: '95',
                },
              ],
            },
          }
        : undefined,
    );
    const r = await c.getExternalMetric({
      namespace: 'default',
      metricName: 'queue_messages_cnt',
      metricSelector: sel('app=lanpangzi'),
    });
    expect(s.requests[0].url).toBe(
      '/apis/external.metrics.k8s.io/v1beta1/namespaces/default/queue_messages_cnt?labelSelector=app%3Dlanpangzi',
    );
    expect(r.ok && r.value.map((v) => [v.value.toString(), v.labels, v.windowSeconds])).toEqual([
      ['95', { app: 'lanpangzi' }, 60],
    ]);
  });

  it('names the external resource in a 404 as client-go does', async () => {
    const { client: c } = await setup(() => ({ status: 404, body: 'nope' }));
    const r = await c.getExternalMetric({
      namespace: 'default',
      metricName: 'queue',
      metricSelector: Selector.everything(),
    });
    expect(!r.ok && r.error.message).toBe(
      'the server could not find the requested resource (get queue.external.metrics.k8s.io)',
    );
  });
});
