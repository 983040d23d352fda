/**
 * A TLS pass-through in front of prometheus-adapter, registered as the metrics APIServices in its
 * place: kube-apiserver's aggregator talks to it (front-proxy client cert, X-Remote-User), it tells
 * the bed who asked for which namespace, and forwards the request to the adapter as the aggregator
 * would (the same front-proxy client cert and headers). The bed thus sees every metrics request of
 * kube-controller-manager, also those the adapter answers without asking Prometheus.
 */
import { createServer, request as httpsRequest, Agent, type Server } from 'node:https';
import { readFileSync } from 'node:fs';
import type { TLSSocket } from 'node:tls';
import { clientCertServing, listen } from './listen.js';
import type { MetricsApi, MetricsRequestInfo } from './metrics-api.js';

export interface MetricsFront {
  readonly port: number;
  close(): Promise<void>;
}

export async function startMetricsFront(opts: {
  /** serving cert/key of the front (SAN <service>.<namespace>.svc) */
  cert: string;
  key: string;
  frontProxyCa: string;
  /** what the front presents to the adapter */
  frontProxyClientCert: string;
  frontProxyClientKey: string;
  /** the CA of the adapter's serving cert */
  ca: string;
  upstreamPort: number;
  observe: (info: MetricsRequestInfo) => void;
}): Promise<MetricsFront> {
  const agent = new Agent({
    keepAlive: true,
    maxSockets: 64,
    ca: readFileSync(opts.ca),
    cert: readFileSync(opts.frontProxyClientCert),
    key: readFileSync(opts.frontProxyClientKey),
    servername: 'localhost',
  });
  const server: Server = createServer(clientCertServing(opts), (req, res) => {
    const sock = req.socket as TLSSocket;
    const fromAggregator = sock.authorized && (sock.getPeerCertificate()?.subject?.CN ?? '') === 'front-proxy-client';
    if (!fromAggregator) {
      res.writeHead(401).end();
      return;
    }
    const path = req.url ?? '/';
    const m = /^\/apis\/(metrics|custom\.metrics|external\.metrics)\.k8s\.io\/[^/]+\/namespaces\/([^/?]+)/.exec(path);
    const user = req.headers['x-remote-user'];
    if (m !== null && typeof user === 'string') {
      const api: MetricsApi = m[1] === 'metrics' ? 'resource' : m[1] === 'custom.metrics' ? 'custom' : 'external';
      opts.observe({ user, api, namespace: decodeURIComponent(m[2]), path });
    }
    const up = httpsRequest(
      {
        host: '127.0.0.1',
        port: opts.upstreamPort,
        method: req.method,
        path,
        headers: { ...req.headers, host: `127.0.0.1:${opts.upstreamPort}` },
        agent,
      },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    up.on('error', (e) => {
      if (!res.headersSent) res.writeHead(503, { 'Content-Type': 'text/plain' });
      res.end(e.message);
    });
    req.pipe(up);
  });
  const listening = await listen(server);
  return {
    port: listening.port,
    close: () => {
      agent.destroy();
      return listening.close();
    },
  };
}
