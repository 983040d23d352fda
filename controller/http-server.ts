import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

export interface HealthState {
  /** the process is alive and its event loop turns */
  live(): boolean;
  /** caches synced: ready to serve; a standby replica is ready too (it is warm) */
  ready(): boolean;
  /** holds the leader lease (or leader election is off): the one that reconciles */
  active(): boolean;
}

/**
 * /healthz, /readyz and /metrics. Semantics (docs/controller.md, "Health and /metrics"): /readyz answers 200
 * once the informer caches have synced, on every replica; which replica reconciles is shown by
 * `/readyz?verbose` (`active: leader|standby`) and the `hpa_ts_leader` gauge, so a standby
 * stays in the Service and its /metrics keep being scraped.
 */
export function startHttpServer(opts: {
  bindAddress: string;
  registry: Registry;
  health: HealthState;
}): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const { host, port } = parseBindAddress(opts.bindAddress);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const verbose = url.searchParams.has('verbose');
    const text = (code: number, body: string, type = 'text/plain; charset=utf-8'): void => {
      res.writeHead(code, { 'Content-Type': type });
      res.end(body);
    };
    switch (url.pathname) {
      case '/healthz':
      case '/livez':
        return opts.health.live() ? text(200, 'ok') : text(500, 'not live');
      case '/readyz': {
        const ready = opts.health.ready();
        const body = verbose
          ? `[${ready ? '+' : '-'}]informer-sync ${ready ? 'ok' : 'not synced'}\nactive: ${opts.health.active() ? 'leader' : 'standby'}\n${ready ? 'readyz check passed' : 'readyz check failed'}`
          : ready
            ? 'ok'
            : 'informer caches not synced';
        return text(ready ? 200 : 503, body);
      }
      case '/metrics':
        opts.registry
          .metrics()
          .then((m) => text(200, m, opts.registry.contentType))
          .catch((e: unknown) => text(500, String(e)));
        return;
      default:
        return text(404, 'not found');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const addr = server.address();
      const actual = typeof addr === 'object' && addr !== null ? addr.port : port;
      resolve({
        server,
        port: actual,
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      });
    });
  });
}

/** ":8080", "0.0.0.0:8080", "127.0.0.1:0", "[::]:8080" → host and port. */
export function parseBindAddress(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(text.trim());
  if (m === null) throw new Error(`invalid --bind-address "${text}": expected HOST:PORT, e.g. :8080 or 127.0.0.1:8080`);
  const host = m[1] ?? (m[2] === '' ? '0.0.0.0' : m[2]);
  return { host, port: Number(m[3]) };
}
