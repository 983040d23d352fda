/** Shared bits of the client-node adapter's integration tests (real HTTP against the simulator's API server). */
import net from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import type { ApiServerHandle } from '../../../../simulator/apiserver/index.js';
import { scalableWorkerCrd } from '../../../fixtures/crds.js';

export function kubeConfigFor(server: ApiServerHandle, url?: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(server.kubeconfig());
  if (url === undefined) return kc;
  const kc2 = new KubeConfig();
  kc2.loadFromOptions({
    clusters: kc.clusters.map((c) => ({ ...c, server: url })),
    users: kc.users,
    contexts: kc.contexts,
    currentContext: kc.currentContext,
  });
  return kc2;
}

/** Polls until `check` holds (real sockets, real time). */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A TCP relay in front of the server that counts client connections (to see keep-alive at work). */
export async function connectionCounter(
  port: number,
): Promise<{ url: string; connections: () => number; close: () => Promise<void> }> {
  let count = 0;
  const sockets = new Set<net.Socket>();
  const relay = net.createServer((client) => {
    count++;
    const upstream = net.connect(port, '127.0.0.1');
    sockets.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const address = relay.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    connections: () => count,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => relay.close(() => resolve()));
    },
  };
}

export const hpaBody = (name: string, maxReplicas = 10): Record<string, unknown> => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
    minReplicas: 1,
    maxReplicas,
    metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
  },
});

export const deploymentBody = (name: string, replicas = 1): Record<string, unknown> => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, labels: { app: name } },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } },
  },
});

export const workerCrd = scalableWorkerCrd('adapter.hpa-ts.io');
