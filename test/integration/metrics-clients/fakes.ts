/**
 * Real HTTP servers on 127.0.0.1:0 that speak the wire shapes of the metrics APIs and of
 * Prometheus, recording every request. Tests close them with closeAllConnections() so jest exits.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';

export interface Recorded {
  readonly method: string;
  /** raw path and query as sent (escapes kept) */
  readonly url: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: string;
  readonly headers: http.IncomingHttpHeaders;
}

export interface Reply {
  readonly status?: number;
  readonly body?: string | object;
  readonly contentType?: string;
  /** wait before answering (timeouts) */
  readonly delayMs?: number;
}

export type Handler = (req: Recorded) => Reply | undefined;

export interface FakeServer {
  readonly url: string;
  readonly requests: Recorded[];
  handler: Handler;
  close(): Promise<void>;
}

export async function startServer(handler: Handler): Promise<FakeServer> {
  const requests: Recorded[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const state: { handler: Handler } = { handler };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '/';
      const u = new URL(url, 'http://x');
      const body = Buffer.concat(chunks).toString('utf8');
      const query = req.method === 'POST' && body !== '' ? new URLSearchParams(body) : u.searchParams;
      const rec: Recorded = {
        method: req.method ?? 'GET',
        url,
        path: decodeURIComponent(u.pathname),
        query,
        body,
        headers: req.headers,
      };
      requests.push(rec);
      const reply: Reply = state.handler(rec) ?? {
        status: 404,
        body: {
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          message: 'the server could not find the requested resource',
          reason: 'NotFound',
          code: 404,
        },
      };
      const send = (): void => {
        const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {});
        res.writeHead(reply.status ?? 200, {
          'Content-Type':
            reply.contentType ?? (typeof reply.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json'),
        });
        res.end(text);
      };
      if (reply.delayMs !== undefined) {
        const t = setTimeout(() => {
          timers.delete(t);
          if (!res.destroyed) send();
        }, reply.delayMs);
        timers.add(t);
      } else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get handler() {
      return state.handler;
    },
    set handler(h: Handler) {
      state.handler = h;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A kubeconfig for an http:// fake (client-node refuses http without insecure-skip-tls-verify). */
export function kubeConfigFor(server: string, token = 'test-token'): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'fake', server, skipTLSVerify: true }],
    users: [{ name: 'u', token }],
    contexts: [{ name: 'c', cluster: 'fake', user: 'u' }],
    currentContext: 'c',
  });
  return kc;
}

export function apiGroupList(customVersions: readonly string[], preferred?: string): object {
  const group = (name: string, versions: readonly string[], pref: string) => ({
    name,
    versions: versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v })),
    preferredVersion: { groupVersion: `${name}/${pref}`, version: pref },
  });
  const groups = [
    group('apps', ['v1'], 'v1'),
    group('networking.k8s.io', ['v1'], 'v1'),
    group('metrics.k8s.io', ['v1beta1'], 'v1beta1'),
  ];
  if (customVersions.length > 0)
    groups.push(group('custom.metrics.k8s.io', customVersions, preferred ?? customVersions[0]));
  groups.push(group('external.metrics.k8s.io', ['v1beta1'], 'v1beta1'));
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

export const RESOURCE_LISTS: Readonly<Record<string, object>> = {
  '/api': { kind: 'APIVersions', versions: ['v1'] },
  '/api/v1': {
    kind: 'APIResourceList',
    groupVersion: 'v1',
    resources: [
      { name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod' },
      { name: 'pods/status', singularName: '', namespaced: true, kind: 'Pod' },
      { name: 'services', singularName: 'service', namespaced: true, kind: 'Service' },
      { name: 'namespaces', singularName: 'namespace', namespaced: false, kind: 'Namespace' },
    ],
  },
  '/apis/apps/v1': {
    kind: 'APIResourceList',
    groupVersion: 'apps/v1',
    resources: [{ name: 'deployments', singularName: 'deployment', namespaced: true, kind: 'Deployment' }],
  },
  '/apis/networking.k8s.io/v1': {
    kind: 'APIResourceList',
    groupVersion: 'networking.k8s.io/v1',
    resources: [{ name: 'ingresses', singularName: 'ingress', namespaced: true, kind: 'Ingress' }],
  },
};

export function promVector(
  samples: ReadonlyArray<{ metric: Record<string, string>; value: string; t?: number }>,
): object {
  return {
    status: 'success',
    data: {
      resultType: 'vector',
      result: samples.map((s) => ({ metric: s.metric, value: [s.t ?? 1695018199.504, s.value] })),
    },
  };
}

export function promSeries(series: ReadonlyArray<Record<string, string>>): object {
  return { status: 'success', data: series };
}
