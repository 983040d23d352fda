/**
 * The secure port (--secure-port): /healthz, /readyz and /metrics over HTTPS, each request
 * authenticated and authorized through the API server (delegated-auth.ts) before it is served,
 * with kube-controller-manager's answers: 401 `Unauthorized` and 403 `forbidden: User … cannot get
 * path …` as Kubernetes Status objects, 500 when the access review could not be made. The
 * certificate is --tls-cert-file/--tls-private-key-file (re-read when they change, so a rotated
 * certificate is served without a restart) or a self-signed one made at start-up.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import { failureStatus } from '../../transport/index.js';
import { listen, type Handler, type Listening } from '../http-server.js';
import type { DelegatedAuth } from './delegated-auth.js';
import { selfSignedCertificate } from './self-signed.js';

export interface TlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
}

export interface SecureServerOptions {
  readonly port: number;
  /** undefined: every interface */
  readonly host?: string;
  /** undefined: self-signed */
  readonly tls?: TlsFiles;
  readonly auth: DelegatedAuth;
  readonly handler: Handler;
  readonly now: () => number;
  /** how often the certificate files are checked for a change (0: never) */
  readonly reloadIntervalMs?: number;
  readonly onReloadError?: (message: string) => void;
}

export interface SecureListening extends Listening {
  /** the PEM certificate served now */
  certificate(): string;
  /** re-reads --tls-cert-file and --tls-private-key-file; what went wrong, if anything */
  reload(): string | undefined;
}

const RELOAD_MS = 60_000;

function status(res: ServerResponse, code: number, reason: string, message: string, details?: object): void {
  res.writeHead(code, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
  res.end(`${JSON.stringify(failureStatus(code, reason, message, details))}\n`);
}

function readPair(tls: TlsFiles): { cert: string; key: string } {
  return { cert: readFileSync(tls.certFile, 'utf8'), key: readFileSync(tls.keyFile, 'utf8') };
}

/** Wraps `handler` in delegated authentication and authorization. */
export function authorizing(auth: DelegatedAuth, handler: Handler): Handler {
  return (req, res) => {
    void (async () => {
      const who = await auth.authenticate(req.headers.authorization);
      if (!who.ok) return status(res, 401, 'Unauthorized', 'Unauthorized');
      const path = new URL(req.url ?? '/', 'https://localhost').pathname;
      const verb = (req.method ?? 'GET').toLowerCase();
      const may = await auth.authorize(who.user, verb, path);
      if (may.decision === 'deny') return status(res, 403, 'Forbidden', may.message, {});
      if (may.decision === 'error') {
        res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end(`Internal Server Error: ${JSON.stringify(path)}: ${may.message}\n`);
        return;
      }
      handler(req, res);
    })().catch((e: unknown) => {
      if (!res.headersSent) status(res, 500, 'InternalError', e instanceof Error ? e.message : String(e));
    });
  };
}

export async function startSecureServer(o: SecureServerOptions): Promise<SecureListening> {
  const names = ['localhost', hostname(), '127.0.0.1', '::1'];
  let pair = o.tls === undefined ? undefined : readPair(o.tls);
  if (pair === undefined) {
    const made = selfSignedCertificate(names, o.now());
    pair = { cert: made.certPem, key: made.keyPem };
  }
  const server: Server = createServer({ ...pair, minVersion: 'TLSv1.2' }, authorizing(o.auth, o.handler));
  const listening = await listen(server, o.host, o.port);
  const reload = (): string | undefined => {
    if (o.tls === undefined || pair === undefined) return undefined;
    try {
      const next = readPair(o.tls);
      if (next.cert === pair.cert && next.key === pair.key) return undefined;
      server.setSecureContext({ ...next, minVersion: 'TLSv1.2' });
      pair = next;
      return undefined;
    } catch (e) {
      // keep serving the certificate that worked
      return `cannot reload ${o.tls.certFile} / ${o.tls.keyFile}: ${e instanceof Error ? e.message : String(e)}`;
    }
  };
  const interval = o.reloadIntervalMs ?? RELOAD_MS;
  const timer =
    o.tls !== undefined && interval > 0
      ? setInterval(() => {
          const problem = reload();
          if (problem !== undefined) o.onReloadError?.(problem);
        }, interval)
      : undefined;
  timer?.unref();
  return {
    ...listening,
    certificate: () => pair?.cert ?? '',
    reload,
    close: async () => {
      if (timer !== undefined) clearInterval(timer);
      await listening.close();
    },
  };
}
