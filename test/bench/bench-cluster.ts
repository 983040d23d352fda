/**
 * The cluster side of `npm run bench:controller`, run in its own process so the controller's RSS
 * is measured alone: the simulator's API server with N namespaces × M HPAs × P pods, steady load,
 * and the three metrics API groups answering from fixed values. Talks to the parent over IPC:
 * `{ready, url, kubeconfig}` once populated; `{stats}` (request counts by verb/group) on request.
 */
import { startApiServer } from '../../simulator/apiserver/index.js';

const namespaces = Number(process.env.BENCH_NAMESPACES ?? 10);
const hpasPerNs = Number(process.env.BENCH_HPAS_PER_NS ?? 100);
const podsPerHpa = Number(process.env.BENCH_PODS_PER_HPA ?? 10);

const PODS = { group: '', version: 'v1', resource: 'pods' };
const DEPLOYMENTS = { group: 'apps', version: 'v1', resource: 'deployments' };
const HPAS = { group: 'autoscaling', version: 'v2', resource: 'horizontalpodautoscalers' };
const NAMESPACES = { group: '', version: 'v1', resource: 'namespaces' };

const server = await startApiServer({ port: 0, historyLimit: 200_000, maxRecordedRequests: 10_000_000 });
const longAgo = '2020-01-01T00:00:00Z';
const stamp = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

// Metric types rotate so every kind of work is in the mix: cpu Utilization, a Pods metric, an External metric.
function metricsFor(i: number): unknown[] {
  switch (i % 3) {
    case 0:
      return [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }];
    case 1:
      return [
        {
          type: 'Pods',
          pods: { metric: { name: 'http_requests_qps' }, target: { type: 'AverageValue', averageValue: '50' } },
        },
      ];
    default:
      return [
        {
          type: 'External',
          external: {
            metric: { name: 'queue_messages_cnt', selector: { matchLabels: { queue: `q${i}` } } },
            target: { type: 'AverageValue', averageValue: '30' },
          },
        },
      ];
  }
}

for (let n = 0; n < namespaces; n++) {
  const ns = `bench-${n}`;
  server.store.create(NAMESPACES, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  for (let h = 0; h < hpasPerNs; h++) {
    const app = `app-${h}`;
    server.store.create(DEPLOYMENTS, ns, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: app, namespace: ns },
      spec: {
        replicas: podsPerHpa,
        selector: { matchLabels: { app } },
        template: {
          metadata: { labels: { app } },
          spec: { containers: [{ name: 'app', image: 'x', resources: { requests: { cpu: '100m' } } }] },
        },
      },
    });
    for (let p = 0; p < podsPerHpa; p++) {
      const name = `${app}-${p}`;
      const pod = server.store.create(PODS, ns, {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace: ns, labels: { app } },
        spec: { containers: [{ name: 'app', image: 'x', resources: { requests: { cpu: '100m' } } }] },
      });
      server.store.updateStatus(PODS, ns, name, {
        ...pod,
        status: {
          phase: 'Running',
          startTime: longAgo,
          conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: longAgo }],
        },
      });
    }
    server.store.create(HPAS, ns, {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: app, namespace: ns },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: app },
        minReplicas: 1,
        maxReplicas: 100,
        metrics: metricsFor(h),
      },
    });
  }
}

// Steady values that keep every HPA within tolerance at its current size: nothing should change.
server.registerApiGroup({
  group: 'metrics.k8s.io',
  versions: [
    { version: 'v1beta1', resources: [{ name: 'pods', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] }] },
  ],
  handle: (req) => {
    const ns = req.segments[1];
    const pods = server.store.list(PODS, { namespace: ns, labelSelector: req.query.get('labelSelector') ?? '' }).items;
    const ts = stamp();
    const items = pods.map((p) => ({
      metadata: { name: p.metadata.name, namespace: ns, labels: p.metadata.labels ?? {} },
      timestamp: ts,
      window: '30s',
      containers: [{ name: 'app', usage: { cpu: '50000000n', memory: '104857600' } }],
    }));
    return { status: 200, body: { kind: 'PodMetricsList', apiVersion: 'metrics.k8s.io/v1beta1', metadata: {}, items } };
  },
});
server.registerApiGroup({
  group: 'custom.metrics.k8s.io',
  versions: [
    {
      version: 'v1beta2',
      resources: [{ name: 'pods/http_requests_qps', namespaced: true, kind: 'MetricValueList', verbs: ['get'] }],
    },
  ],
  handle: (req) => {
    const ns = req.segments[1];
    const pods = server.store.list(PODS, { namespace: ns, labelSelector: req.query.get('labelSelector') ?? '' }).items;
    const ts = stamp();
    const items = pods.map((p) => ({
      describedObject: { kind: 'Pod', namespace: ns, name: p.metadata.name, apiVersion: '/v1' },
      metric: { name: 'http_requests_qps', selector: null },
      timestamp: ts,
      value: '50',
    }));
    return {
      status: 200,
      body: { kind: 'MetricValueList', apiVersion: 'custom.metrics.k8s.io/v1beta2', metadata: {}, items },
    };
  },
});
server.registerApiGroup({
  group: 'external.metrics.k8s.io',
  versions: [
    {
      version: 'v1beta1',
      resources: [{ name: 'queue_messages_cnt', namespaced: true, kind: 'ExternalMetricValueList', verbs: ['get'] }],
    },
  ],
  handle: () => ({
    status: 200,
    body: {
      kind: 'ExternalMetricValueList',
      apiVersion: 'external.metrics.k8s.io/v1beta1',
      metadata: {},
      items: [
        { metricName: 'queue_messages_cnt', metricLabels: {}, timestamp: stamp(), value: String(30 * podsPerHpa) },
      ],
    },
  }),
});

server.clearRequests();
process.send?.({ ready: true, url: server.url, kubeconfig: server.kubeconfig() });

process.on('message', (m: { cmd?: string }) => {
  if (m.cmd === 'clear') {
    server.clearRequests();
    process.send?.({ cleared: true });
  } else if (m.cmd === 'stats') {
    const byVerb: Record<string, number> = {};
    let metricsResource = 0;
    let writes = 0;
    for (const r of server.requests) {
      const group = r.apiGroup === '' ? 'core' : r.apiGroup;
      const k = `${r.verb} ${group}`;
      byVerb[k] = (byVerb[k] ?? 0) + 1;
      if (r.apiGroup === 'metrics.k8s.io') metricsResource++;
      if (['create', 'update', 'patch', 'delete'].includes(r.verb)) writes++;
    }
    process.send?.({ stats: { byVerb, metricsResource, writes, total: server.requests.length } });
  } else if (m.cmd === 'exit') {
    void server.close().then(() => process.exit(0));
  }
});
