/**
 * One sync period of 100 HPAs in one namespace (10 pods each; half on Resource cpu, half on a Pods
 * metric) against a local fake metrics API over HTTP, with 5 workers as kube-controller-manager
 * runs by default (--concurrent-horizontal-pod-autoscaler-syncs). Counts the HTTP requests that
 * reach the API with the bare apiserver client and with the caching wrapper.
 * Run: node --import tsx test/bench/metrics-cache.bench.ts
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { KubeConfig } from '@kubernetes/client-node';
import { Selector, parseSelector } from '../../algorithms/index.js';
import {
  ApiServerMetricsClient,
  CachingMetricsClient,
  type MetricsClient,
  ApiServerConnection,
} from '../../metrics-clients/index.js';

const HPAS = 100;
const PODS_PER_HPA = 10;
const WORKERS = 5;
const NS = 'bench';

function podsOf(h: number): string[] {
  return Array.from({ length: PODS_PER_HPA }, (_, p) => `app${h}-pod-${p}`);
}

function podMetrics(filter: (app: string) => boolean): object {
  const items = [];
  for (let h = 0; h < HPAS; h++) {
    if (!filter(`app${h}`)) continue;
    for (const name of podsOf(h)) {
      items.push({
        metadata: { name, namespace: NS, labels: { app: `app${h}` } },
        timestamp: '2025-01-01T00:00:00Z',
        window: '30s',
        containers: [{ name: 'c', usage: { cpu: '250m', memory: '64Mi' } }],
      });
    }
  }
  return { kind: 'PodMetricsList', apiVersion: 'metrics.k8s.io/v1beta1', metadata: {}, items };
}

async function main(): Promise<void> {
  let requests = 0;
  const server = http.createServer((req, res) => {
    requests++;
    const u = new URL(req.url ?? '/', 'http://x');
    let body: object;
    if (u.pathname === '/apis') {
      body = {
        groups: [
          {
            name: 'custom.metrics.k8s.io',
            versions: [{ groupVersion: 'custom.metrics.k8s.io/v1beta2' }],
            preferredVersion: { groupVersion: 'custom.metrics.k8s.io/v1beta2' },
          },
        ],
      };
    } else if (u.pathname.startsWith('/apis/metrics.k8s.io/')) {
      const selector = u.searchParams.get('labelSelector');
      body = podMetrics((app) => selector === null || selector === `app=${app}`);
    } else {
      const app = (u.searchParams.get('labelSelector') ?? '').slice(4);
      const h = Number(app.slice(3));
      body = {
        kind: 'MetricValueList',
        apiVersion: 'custom.metrics.k8s.io/v1beta2',
        items: podsOf(h).map((name) => ({
          describedObject: { kind: 'Pod', name, apiVersion: '/v1' },
          metric: { name: 'qps' },
          timestamp: '2025-01-01T00:00:00Z',
          value: '66m',
        })),
      };
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'b', server: url, skipTLSVerify: true }],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'c', cluster: 'b', user: 'u' }],
    currentContext: 'c',
  });

  const selectors: Selector[] = [];
  for (let h = 0; h < HPAS; h++) {
    const s = parseSelector(`app=app${h}`);
    if (!s.ok) throw new Error(s.error.message);
    selectors.push(s.value);
  }

  async function syncPeriod(client: MetricsClient): Promise<void> {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < HPAS) {
        const h = next++;
        const r =
          h % 2 === 0
            ? await client.getResourceMetrics({ namespace: NS, podSelector: selectors[h], resource: 'cpu' })
            : await client.getPodsMetric({
                namespace: NS,
                metricName: 'qps',
                podSelector: selectors[h],
                metricSelector: Selector.everything(),
              });
        if (!r.ok || r.value.length !== PODS_PER_HPA)
          throw new Error(`HPA ${h}: ${r.ok ? `${r.value.length} items` : r.error.message}`);
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, worker));
  }

  async function measure(
    wrap: (c: ApiServerMetricsClient) => MetricsClient,
  ): Promise<{ requests: number; ms: number }> {
    const conn = ApiServerConnection.fromKubeConfig(kc, { now: () => performance.now() });
    const client = wrap(new ApiServerMetricsClient(conn, {}, { now: () => performance.now() }));
    await syncPeriod(client); // warm-up period: connections, discovery, JIT
    if (client instanceof CachingMetricsClient) client.invalidate();
    else (client as ApiServerMetricsClient).invalidate();
    requests = 0;
    const start = performance.now();
    await syncPeriod(client);
    const ms = performance.now() - start;
    const counted = requests;
    await client.close();
    return { requests: counted, ms };
  }

  const uncached = await measure((c) => c);
  const cached = await measure((c) => new CachingMetricsClient(c, {}, () => performance.now()));
  server.closeAllConnections();
  server.close();
  console.log(`BENCH metrics_requests_uncached ${uncached.requests} requests`);
  console.log(`BENCH metrics_requests_cached ${cached.requests} requests`);
  console.log(`BENCH metrics_sync_period_uncached ${uncached.ms.toFixed(1)} ms`);
  console.log(`BENCH metrics_sync_period_cached ${cached.ms.toFixed(1)} ms`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
