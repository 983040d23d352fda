/**
 * What `hpa-ts run` serves: the plain port of --bind-address (local use) and, with --secure-port,
 * the same endpoints over HTTPS behind authentication and authorization delegated to the API
 * server — through --authentication-kubeconfig / --authorization-kubeconfig, or else through the
 * controller's own API-server connection (one pool, one auth cache).
 */
import type { Registry } from 'prom-client';
import { err, ok } from '../algorithms/index.js';
import type { Clock } from '../controller/clock.js';
import { healthAndMetrics, startHttpServer, type HealthState } from '../controller/http-server.js';
import type { Logger } from '../controller/logging.js';
import { DelegatedAuth, type ReviewClient } from '../controller/serving/delegated-auth.js';
import { startSecureServer } from '../controller/serving/secure-server.js';
import { ApiServerConnection, type RequestObserver } from '../transport/index.js';
import { findKubeConfig } from './kubeconfig.js';
import type { SecureServingSettings } from './serving-settings.js';

export interface Serving {
  readonly httpPort: number;
  /** undefined without --secure-port */
  readonly securePort?: number;
  close(): Promise<void>;
}

export interface ServingOptions {
  readonly bindAddress: string;
  readonly secure: SecureServingSettings | null;
  readonly registry: Registry;
  readonly health: HealthState;
  /** the controller's connection: reviews go there unless a kubeconfig of their own is given */
  readonly connection?: ApiServerConnection;
  readonly clock: Clock;
  readonly log: Logger;
  /** sees each review request (the API request metrics count them) */
  readonly observe?: RequestObserver;
}

function reviewsOver(connection: ApiServerConnection, resource: string, observe?: RequestObserver): ReviewClient {
  return async (path, body) => {
    const r = await connection.requestJson({ verb: 'create', resource, path, body }, observe);
    return r.ok ? ok(r.value) : err(r.error.message);
  };
}

/** The connection of --authentication-kubeconfig or --authorization-kubeconfig; an error names the flag. */
async function connectionFrom(kubeconfig: string, flag: string): Promise<ApiServerConnection> {
  const found = await findKubeConfig(kubeconfig);
  if (!found.ok || found.value === undefined)
    throw new Error(`${flag}: ${found.ok ? 'no kubeconfig' : found.error.message}`);
  const c = ApiServerConnection.fromKubeConfig(found.value, { userAgent: 'hpa-ts-serving' });
  const usable = await c.check();
  if (!usable.ok) {
    c.close();
    throw new Error(`${flag}: ${usable.error}`);
  }
  return c;
}

/** Starts the plain port and, when configured, the secure one; throws naming the flag that is wrong. */
export async function startServing(o: ServingOptions): Promise<Serving> {
  const served = { registry: o.registry, health: o.health };
  const plain = await startHttpServer({ ...served, bindAddress: o.bindAddress });
  const s = o.secure;
  if (s === null) return { httpPort: plain.port, close: () => plain.close() };
  const own: ApiServerConnection[] = [];
  try {
    const authn =
      s.authenticationKubeconfig === undefined
        ? o.connection
        : await connectionFrom(s.authenticationKubeconfig, '--authentication-kubeconfig');
    const authz =
      s.authorizationKubeconfig === undefined
        ? o.connection
        : await connectionFrom(s.authorizationKubeconfig, '--authorization-kubeconfig');
    for (const c of [authn, authz]) if (c !== undefined && c !== o.connection) own.push(c);
    if (authn === undefined || authz === undefined)
      o.log.warn(
        { reason: 'SecureServing' },
        'no API server to delegate to: tokens are not reviewed and only the always-allowed paths are served',
      );
    const auth = new DelegatedAuth({
      ...(authn === undefined ? {} : { tokenReviews: reviewsOver(authn, 'tokenreviews', o.observe) }),
      ...(authz === undefined ? {} : { accessReviews: reviewsOver(authz, 'subjectaccessreviews', o.observe) }),
      tokenCacheTtlMs: s.tokenCacheTtlMs,
      allowCacheTtlMs: s.allowCacheTtlMs,
      denyCacheTtlMs: s.denyCacheTtlMs,
      alwaysAllow: s.alwaysAllowPaths,
      now: () => o.clock.now(),
    });
    const secure = await startSecureServer({
      port: s.port,
      ...(s.bindAddress === undefined ? {} : { host: s.bindAddress }),
      ...(s.tls === undefined ? {} : { tls: s.tls }),
      auth,
      handler: healthAndMetrics(served),
      now: () => o.clock.now(),
      onReloadError: (message) => o.log.warn({ reason: 'CertificateReload' }, message),
    });
    return {
      httpPort: plain.port,
      securePort: secure.port,
      close: async () => {
        await secure.close();
        await plain.close();
        for (const c of own) c.close();
      },
    };
  } catch (e) {
    await plain.close();
    for (const c of own) c.close();
    throw e;
  }
}
