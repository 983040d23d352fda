/** Shared bits of the API server integration tests. */
import { KubeConfig } from '@kubernetes/client-node';
import type { ApiServerHandle } from '../../../simulator/apiserver/index.js';

export function kubeConfigFor(server: ApiServerHandle): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(server.kubeconfig());
  return kc;
}

/** Polls until `check` returns true (real sockets: no fake timers). */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** ApiException.body is the raw response text in client-node 1.4.0. */
export function statusBody(e: unknown): {
  code?: number;
  reason?: string;
  message?: string;
  details?: { causes?: Array<{ field?: string; reason?: string; message?: string }> };
} {
  const body = (e as { body?: unknown }).body;
  return typeof body === 'string'
    ? (JSON.parse(body) as ReturnType<typeof statusBody>)
    : (body as ReturnType<typeof statusBody>);
}

export const hpaBody = (name: string) => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
    minReplicas: 1,
    maxReplicas: 10,
    metrics: [
      {
        type: 'Pods',
        pods: { metric: { name: 'http_requests_qps' }, target: { type: 'AverageValue', averageValue: '50000m' } },
      },
    ],
  },
});

export const deploymentBody = (name: string, replicas = 1) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, labels: { app: name } },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } },
  },
});
