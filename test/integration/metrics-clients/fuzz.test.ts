/**
 * Whatever a metrics API or Prometheus answers, the adapters return a value or a typed error —
 * never a throw, never a hang. Bodies are arbitrary JSON, arbitrary text, and valid bodies with one
 * field mutated.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { MetricsApiErrorKind, Selector, parseSelector } from '../../../algorithms/index.js';
import { ApiServerMetricsClient } from '../../../metrics-clients/apiserver/client.js';
import { ApiServerConnection, StaticRestMapper } from '../../../transport/index.js';
import { loadAdapterConfig } from '../../../metrics-clients/prometheus/adapter-config.js';
import { PrometheusMetricsClient } from '../../../metrics-clients/prometheus/client.js';
import { PrometheusApi } from '../../../metrics-clients/prometheus/http-api.js';
import { silentLogger } from '../../../metrics-clients/shared/observe.js';
import { staticPodLister } from '../../../metrics-clients/shared/pod-lister.js';
import { type FakeServer, apiGroupList, kubeConfigFor, startServer } from './fakes.js';

const KINDS = new Set(Object.values(MetricsApiErrorKind));
const app = parseSelector('app=x');
if (!app.ok) throw new Error('selector');

let body = '';
let status = 200;
let server: FakeServer;
let api: ApiServerMetricsClient;
let prom: PrometheusMetricsClient;

beforeAll(async () => {
  server = await startServer((r) => {
    if (r.path === '/apis') return { body: apiGroupList(['v1beta2']) };
    if (r.path === '/api/v1/series')
      return {
        body: {
          status: 'success',
          data: [{ __name__: 'http_requests_total', kubernetes_namespace: 'default', kubernetes_pod: 'p1' }],
        },
      };
    return { status, body, contentType: 'application/json' };
  });
  const conn = ApiServerConnection.fromKubeConfig(kubeConfigFor(server.url), { now: () => 0 });
  api = new ApiServerMetricsClient(conn, { timeoutMs: 2000 }, { now: () => 0 });
  const cfg = loadAdapterConfig('manifests/examples/seed-000/adapter/adapter-rules.yaml');
  const papi = PrometheusApi.create({ url: server.url, timeoutMs: 2000 }, () => 1e12);
  if (!cfg.ok || !papi.ok) throw new Error('setup');
  const p = await PrometheusMetricsClient.create(
    cfg.value,
    papi.value,
    {},
    {
      now: () => 1e12,
      restMapper: new StaticRestMapper(),
      podLister: staticPodLister([{ name: 'p1', labels: { app: 'x' } }]),
      logger: silentLogger,
    },
  );
  if (!p.ok) throw new Error(p.error);
  prom = p.value;
});

afterAll(async () => {
  await api.close();
  await prom.close();
  await server.close();
});

function wellFormed(r: { ok: boolean; error?: { kind: string; message: string; path: string } }): boolean {
  if (r.ok) return true;
  return (
    r.error !== undefined &&
    KINDS.has(r.error.kind as MetricsApiErrorKind) &&
    typeof r.error.message === 'string' &&
    typeof r.error.path === 'string'
  );
}

const VALID_METRICS = {
  kind: 'MetricValueList',
  apiVersion: 'custom.metrics.k8s.io/v1beta2',
  items: [
    {
      describedObject: { kind: 'Pod', name: 'p1' },
      metric: { name: 'm' },
      timestamp: '2025-01-01T00:00:00Z',
      windowSeconds: 60,
      value: '66m',
    },
  ],
};
const VALID_PODMETRICS = {
  items: [
    {
      metadata: { name: 'p', labels: { a: 'b' } },
      timestamp: '2025-01-01T00:00:00Z',
      window: '30s',
      containers: [{ name: 'c', usage: { cpu: '1m' } }],
    },
  ],
};
const VALID_PROM = {
  status: 'success',
  data: { resultType: 'vector', result: [{ metric: { kubernetes_pod: 'p1' }, value: [1695018199.504, '0.066'] }] },
};

/** A valid body with one value somewhere replaced by arbitrary JSON. */
function mutated(valid: unknown): fc.Arbitrary<string> {
  const paths: string[][] = [];
  const walk = (v: unknown, p: string[]): void => {
    paths.push(p);
    if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) walk(x, [...p, k]);
  };
  walk(valid, []);
  return fc.tuple(fc.constantFrom(...paths.filter((p) => p.length > 0)), fc.jsonValue()).map(([path, value]) => {
    const copy = JSON.parse(JSON.stringify(valid)) as Record<string, unknown>;
    let cur: Record<string, unknown> = copy;
    for (const k of path.slice(0, -1)) cur = cur[k] as Record<string, unknown>;
    cur[path[path.length - 1]] = value;
    return JSON.stringify(copy);
  });
}

const anyBody = fc.oneof(fc.json(), fc.string(), fc.constant(''), fc.constant('{"items":'));
const anyStatus = fc.constantFrom(200, 200, 200, 400, 401, 403, 404, 422, 500, 502, 503, 504);

describe('fuzzed bodies never crash the adapters', () => {
  it('apiserver: custom, resource and external answers', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(anyBody, mutated(VALID_METRICS), mutated(VALID_PODMETRICS)),
        anyStatus,
        async (b, s) => {
          body = b;
          status = s;
          const results = [
            await api.getPodsMetric({
              namespace: 'default',
              metricName: 'm',
              podSelector: app.value,
              metricSelector: Selector.everything(),
            }),
            await api.getResourceMetrics({ namespace: 'default', podSelector: app.value }),
            await api.getExternalMetric({
              namespace: 'default',
              metricName: 'q',
              metricSelector: Selector.everything(),
            }),
            await api.getObjectMetric({
              namespace: 'default',
              metricName: 'm',
              describedObject: { kind: 'Namespace', name: 'x', apiVersion: 'v1' },
              metricSelector: Selector.everything(),
            }),
          ];
          return results.every(wellFormed);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('prometheus: query answers', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(anyBody, mutated(VALID_PROM)), anyStatus, async (b, s) => {
        body = b;
        status = s;
        const r = await prom.getPodsMetric({
          namespace: 'default',
          metricName: 'http_requests_qps',
          podSelector: app.value,
          metricSelector: Selector.everything(),
        });
        const e = await prom.getExternalMetric({
          namespace: 'default',
          metricName: 'x',
          metricSelector: Selector.everything(),
        });
        return wellFormed(r) && wellFormed(e);
      }),
      { numRuns: 150 },
    );
  });

  it('keeps valid answers valid', async () => {
    body = JSON.stringify(VALID_PROM);
    status = 200;
    const r = await prom.getPodsMetric({
      namespace: 'default',
      metricName: 'http_requests_qps',
      podSelector: app.value,
      metricSelector: Selector.everything(),
    });
    expect(r.ok && r.value[0].value.toString()).toBe('66m');
  });
});
