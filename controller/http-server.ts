import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Server as TlsServer } from 'node:https';
import type { Registry } from 'prom-client';

export interface HealthState {
  /** the process is alive and its event loop turns */
  live(): boolean;
  /** caches synced: ready to serve; a standby replica is ready too (it is warm) */
  ready(): boolean;
  /** holds the leader lease (or leader election is off): the one that reconciles */
  active(): boolean;
}

export interface ServedState {
  readonly registry: Registry;
  readonly health: HealthState;
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A listening server and how to close it (open connections included). */
export interface Listening {
  readonly server: Server | TlsServer;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * /healthz, /readyz and /metrics, the same on the plain and the secure port. Semantics
 * (docs/controller.md, "Health and /metrics"): /readyz answers 200 once the informer caches have
 * synced, on every replica; which replica reconciles is shown by `/readyz?verbose`
 * (`active: leader|standby`) and the `hpa_ts_leader` gauge, so a standby stays in the Service and
 * its /metrics keep being scraped.
 */
export function healthAndMetrics(opts: ServedState): Handler {
  return (req, res) => {
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
  };
}

/** Listens on `port` (0: a free one) of `host` (undefined: every interface). */
export function listen(server: Server | TlsServer, host: string | undefined, port: number): Promise<Listening> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const done = (): void => {
      server.off('error', reject);
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
    };
    if (host === undefined) server.listen(port, done);
    else server.listen(port, host, done);
  });
}

/**
 * The plain HTTP port of --bind-address: no authentication, for local use (the manifests bind it
 * to 127.0.0.1: `kubectl port-forward` reaches it, the pod network does not).
 */
export function startHttpServer(opts: ServedState & { bindAddress: string }): Promise<Listening> {
  const { host, port } = parseBindAddress(opts.bindAddress);
  return listen(createServer(healthAndMetrics(opts)), host, port);
}

/** ":8080", "0.0.0.0:8080", "127.0.0.1:0", "[::]:8080" → host and port. */
export function parseBindAddress(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(text.trim());
  if (m === null) throw new Error(`invalid --bind-address "${text}": expected HOST:PORT, e.g. :8080 or 127.0.0.1:8080`);
  const host = m[1] ?? (m[2] === '' ? '0.0.0.0' : m[2]);
  return { host, port: Number(m[3]) };
}
