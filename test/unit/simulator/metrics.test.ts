import { describe, expect, it } from '@jest/globals';
import { Selector, parseSelector } from '../../../algorithms/index.js';
import { loadAdapterConfig } from '../../../metrics-clients/index.js';
import { Resources } from '../../../simulator/apiserver/index.js';
import { customMetricsGroup, externalMetricsGroup, resourceMetricsGroup } from '../../../simulator/metrics/apis.js';
import { InProcessMetricsClient } from '../../../simulator/metrics/in-process-client.js';
import { deployment, testCluster, type TestCluster } from './helpers.js';

const SEED_000_RULES = new URL('../../../manifests/examples/seed-000/adapter/adapter-rules.yaml', import.meta.url)
  .pathname;

function sel(text: string): Selector {
  const r = parseSelector(text);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

function seed000Cluster(): TestCluster {
  const rules = loadAdapterConfig(SEED_000_RULES);
  if (!rules.ok) throw new Error(rules.error.message);
  return testCluster({ adapterConfig: rules.value });
}

function request(segments: string[], query: Record<string, string> = {}, version = 'v1beta2') {
  return {
    method: 'GET',
    group: '',
    version,
    segments,
    query: new URLSearchParams(query),
    headers: {},
    body: undefined,
  };
}

describe('load spread over Ready pods', () => {
  it('offers the trace to the workload and splits it evenly over its Ready pods', async () => {
    const c = testCluster({ workloads: new Map([['default/web', { trace: { type: 'constant', rps: 300 } }]]) });
    c.store.create(Resources.deployments, 'default', deployment('web', { replicas: 3 }));
    await c.run(10);
    expect(c.sim.load.offered('default/web')).toBe(300);
    expect(c.sim.load.readyPods('default/web')).toBe(3);
    expect(c.sim.load.perPodRps('default/web')).toBe(100);
  });

  it('the sim.hpa-ts.io/rps annotation wins over the trace while it is present', async () => {
    const c = testCluster({ workloads: new Map([['default/web', { trace: { type: 'constant', rps: 300 } }]]) });
    c.store.create(Resources.deployments, 'default', deployment('web'));
    await c.run(5);
    c.store.patch(Resources.deployments, 'default', 'web', 'application/merge-patch+json', {
      metadata: { annotations: { 'sim.hpa-ts.io/rps': '1000' } },
    });
    expect(c.sim.load.offered('default/web')).toBe(1000);
    c.store.patch(Resources.deployments, 'default', 'web', 'application/merge-patch+json', {
      metadata: { annotations: { 'sim.hpa-ts.io/rps': null } },
    });
    expect(c.sim.load.offered('default/web')).toBe(300);
  });

  it('a queue grows with arrivals and drains by the Ready consumers', async () => {
    const c = testCluster({
      queues: [
        {
          metric: 'queue_messages_cnt',
          labels: { app: 'q' },
          arrivals: { type: 'constant', rps: 10 },
          workload: 'default/worker',
          perPodPerSecond: 4,
        },
      ],
    });
    c.store.create(Resources.deployments, 'default', deployment('worker', { replicas: 2 }));
    await c.run(103);
    // 3 s of arrivals alone, then 100 s at 10 - 2 × 4 = 2 per second
    expect(c.sim.load.queueDepths()[0].depth).toBeCloseTo(30 + 200, 0);
  });
});

describe('metrics.k8s.io like metrics-server', () => {
  it('cpu is the rate between the last two 15 s samples: new pods have none, values change only every 15 s', async () => {
    const c = testCluster({ workloads: new Map([['default/web', { trace: { type: 'constant', rps: 200 } }]]) });
    c.store.create(Resources.deployments, 'default', deployment('web'));
    await c.run(16);
    expect(c.sim.metrics.podMetrics('default', sel('app=web'))).toEqual({ ok: true, value: [] });
    await c.run(15);
    const r = c.sim.metrics.podMetrics('default', sel('app=web'));
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value).toHaveLength(1);
    // 5m base + 200 rps × 1m per request, once Ready for the whole window
    expect(r.value[0].containers[0].cpu).toBeCloseTo(0.205, 3);
    expect(r.value[0].windowMs).toBe(15_000);
  });

  it('serves PodMetricsList with cpu in n, memory in Ki and window "15s"', async () => {
    const c = testCluster({ workloads: new Map([['default/web', { trace: { type: 'constant', rps: 200 } }]]) });
    c.store.create(Resources.deployments, 'default', deployment('web'));
    await c.run(40);
    const group = resourceMetricsGroup(c.sim.metrics, () => c.clock.now());
    const res = await group.handle(request(['namespaces', 'default', 'pods'], { labelSelector: 'app=web' }, 'v1beta1'));
    expect(res.status).toBe(200);
    const body = res.body as {
      kind: string;
      items: {
        window: string;
        timestamp: string;
        metadata: { labels: object };
        containers: { usage: { cpu: string; memory: string } }[];
      }[];
    };
    expect(body.kind).toBe('PodMetricsList');
    expect(body.items[0].window).toBe('15s');
    expect(body.items[0].timestamp).toBe('2025-01-01T00:00:30Z');
    expect(body.items[0].metadata.labels).toMatchObject({ app: 'web' });
    expect(body.items[0].containers[0].usage.cpu).toMatch(/^\d+(n|m|)$/);
    expect(body.items[0].containers[0].usage.memory).toMatch(/^\d+Ki$/);
  });
});

describe("custom.metrics.k8s.io like prometheus-adapter with seed 000's rule", () => {
  it('an idle pod of the seed app reads 66m of http_requests_qps (its own scrapes, once per 15 s)', async () => {
    const c = seed000Cluster();
    c.store.create(Resources.deployments, 'default', deployment('sample-httpserver'));
    await c.run(61);
    const r = await c.sim.metrics.podsMetric(
      'default',
      'http_requests_qps',
      sel('app=sample-httpserver'),
      Selector.everything(),
    );
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.map((v) => v.value.toString())).toEqual(['66m']);
  });

  it('under 1000 rps the pod reads about 1000 per second', async () => {
    const c = testCluster({
      adapterConfig: seed000Cluster().sim.opts.adapterConfig,
      workloads: new Map([['default/sample-httpserver', { trace: { type: 'constant', rps: 1000 } }]]),
    });
    c.store.create(Resources.deployments, 'default', deployment('sample-httpserver'));
    await c.run(61);
    const r = await c.sim.metrics.podsMetric(
      'default',
      'http_requests_qps',
      sel('app=sample-httpserver'),
      Selector.everything(),
    );
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value[0].value.toString()).toBe('1000066m');
  });

  it('answers v1beta1 the way the seed article shows it, and v1beta2 with metric.name', async () => {
    const c = seed000Cluster();
    c.store.create(Resources.deployments, 'default', deployment('sample-httpserver'));
    await c.run(61);
    const group = customMetricsGroup(c.sim.metrics, []);
    const v1 = await group.handle(request(['namespaces', 'default', 'pods', '*', 'http_requests_qps'], {}, 'v1beta1'));
    const pod = c.pods()[0].metadata.name;
    expect(v1).toEqual({
      status: 200,
      body: {
        kind: 'MetricValueList',
        apiVersion: 'custom.metrics.k8s.io/v1beta1',
        metadata: { selfLink: '/apis/custom.metrics.k8s.io/v1beta1/namespaces/default/pods/%2A/http_requests_qps' },
        items: [
          {
            describedObject: { kind: 'Pod', namespace: 'default', name: pod, apiVersion: '/v1' },
            metricName: 'http_requests_qps',
            timestamp: '2025-01-01T00:01:01Z',
            value: '66m',
            selector: null,
          },
        ],
      },
    });
    const v2 = await group.handle(request(['namespaces', 'default', 'pods', '*', 'http_requests_qps']));
    expect((v2.body as { items: { metric: unknown }[] }).items[0].metric).toEqual({
      name: 'http_requests_qps',
      selector: null,
    });
  });

  it("serves the namespace metric (namespaces/{ns}/metrics/{metric}) summed over the namespace's pods", async () => {
    const c = testCluster({
      adapterConfig: seed000Cluster().sim.opts.adapterConfig,
      workloads: new Map([['default/sample-httpserver', { trace: { type: 'constant', rps: 100 } }]]),
    });
    c.store.create(Resources.deployments, 'default', deployment('sample-httpserver', { replicas: 2 }));
    await c.run(61);
    const group = customMetricsGroup(c.sim.metrics, []);
    const res = await group.handle(request(['namespaces', 'default', 'metrics', 'http_requests_qps']));
    expect(res.status).toBe(200);
    const item = (res.body as { items: { describedObject: unknown; value: string }[] }).items[0];
    expect(item.describedObject).toEqual({ kind: 'Namespace', name: 'default', apiVersion: '/v1' });
    expect(item.value).toBe('100133m');
  });

  it('an unknown metric is a 404 Status; an outage is a 503', async () => {
    const c = seed000Cluster();
    c.store.create(Resources.deployments, 'default', deployment('sample-httpserver'));
    await c.run(31);
    const group = customMetricsGroup(c.sim.metrics, []);
    const missing = await group.handle(request(['namespaces', 'default', 'pods', '*', 'nope_qps']));
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({
      kind: 'Status',
      reason: 'NotFound',
      message: 'the server could not find the metric nope_qps for pods',
    });
    c.sim.metrics.addOutage('custom', c.clock.now(), c.clock.now() + 60_000);
    const down = await group.handle(request(['namespaces', 'default', 'pods', '*', 'http_requests_qps']));
    expect(down).toMatchObject({ status: 503, body: { reason: 'ServiceUnavailable' } });
  });

  it('the in-process client returns what the apiserver client would decode, and 503 as Unavailable', async () => {
    const c = seed000Cluster();
    c.store.create(Resources.deployments, 'default', deployment('sample-httpserver'));
    await c.run(61);
    const client = new InProcessMetricsClient(c.sim.metrics);
    const q = {
      namespace: 'default',
      metricName: 'http_requests_qps',
      podSelector: sel('app=sample-httpserver'),
      metricSelector: Selector.everything(),
    };
    const r = await client.getPodsMetric(q);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value[0]).toMatchObject({ windowSeconds: 60, timestamp: Date.UTC(2025, 0, 1, 0, 1, 1) });
    expect(r.value[0].value.toString()).toBe('66m');
    c.sim.metrics.addOutage('custom', c.clock.now(), c.clock.now() + 1000);
    expect(await client.getPodsMetric(q)).toMatchObject({
      ok: false,
      error: { kind: 'Unavailable', status: 503, api: 'custom' },
    });
  });
});

describe('external.metrics.k8s.io and object metrics', () => {
  it('serves a queue through the seed 004 externalRule (namespaced: false, avg)', async () => {
    const rules = loadAdapterConfig(
      new URL('../../../manifests/examples/seed-004/adapter/adapter-external-rules.yaml', import.meta.url).pathname,
    );
    if (!rules.ok) throw new Error(rules.error.message);
    const c = testCluster({
      adapterConfig: rules.value,
      queues: [
        {
          metric: 'queue_messages_cnt',
          labels: { app: 'lanpangzi' },
          arrivals: { type: 'constant', rps: 2 },
          perPodPerSecond: 0,
        },
      ],
    });
    await c.run(30);
    const group = externalMetricsGroup(c.sim.metrics, []);
    const res = await group.handle(
      request(['namespaces', 'default', 'queue_messages_cnt'], { labelSelector: 'app=lanpangzi' }, 'v1beta1'),
    );
    expect(res).toEqual({
      status: 200,
      body: {
        kind: 'ExternalMetricValueList',
        apiVersion: 'external.metrics.k8s.io/v1beta1',
        metadata: {},
        items: [{ metricName: 'queue_messages_cnt', metricLabels: {}, timestamp: '2025-01-01T00:00:30Z', value: '60' }],
      },
    });
  });

  it("serves an Ingress requests-per-second from its workload's load", async () => {
    const c = testCluster({
      workloads: new Map([['default/sample-app', { trace: { type: 'constant', rps: 2500 } }]]),
      objects: [
        {
          namespace: 'default',
          describedObject: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'main-route' },
          metric: 'requests-per-second',
          workload: 'default/sample-app',
        },
      ],
    });
    const client = new InProcessMetricsClient(c.sim.metrics);
    const r = await client.getObjectMetric({
      namespace: 'default',
      metricName: 'requests-per-second',
      describedObject: { apiVersion: 'extensions/v1beta1', kind: 'Ingress', name: 'main-route' },
      metricSelector: Selector.everything(),
    });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.map((v) => v.value.toString())).toEqual(['2500']);
  });
});
