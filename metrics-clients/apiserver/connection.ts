/**
 * The API server connection behind the `apiserver` adapter, taken from a client-node KubeConfig
 * (kubeconfig file or in-cluster). client-node 1.4.0 builds a new agent per call (no keep-alive),
 * so it is asked only for what it knows — server URL, CA, client certificate, skip-TLS, and the
 * auth headers (token files and exec plugins refresh inside it) — and requests go through one
 * keep-alive agent of ours (typescript-stack.md §1.4).
 */
import type https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { type Result, err, ok } from '../../algorithms/index.js';
import { HttpTransport, createAgent } from '../shared/http.js';
import { describeThrown } from '../shared/errors.js';

export interface ApiConnection {
  /** server URL without a trailing slash */
  readonly server: string;
  readonly transport: HttpTransport;
  /** Authorization / impersonation headers for the next request. */
  headers(): Promise<Readonly<Record<string, string>>>;
  close(): void;
}

/** Auth headers are re-derived at most this often: exec plugins are costly, tokens live for minutes. */
const AUTH_CACHE_MS = 5_000;

function headersOf(opts: https.RequestOptions): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.headers ?? {})) {
    if (typeof v === 'string') out[k] = v;
    else if (typeof v === 'number') out[k] = String(v);
    else if (Array.isArray(v)) out[k] = v.join(', ');
  }
  if (typeof opts.auth === 'string' && opts.auth !== '')
    out.Authorization = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
  return out;
}

/**
 * Opens the connection described by the current context. Errors (no cluster, an http:// server
 * without insecure-skip-tls-verify, unreadable certificate files) come back as text naming the
 * problem.
 */
export async function connectionFromKubeConfig(
  kc: KubeConfig,
  now: () => number,
): Promise<Result<ApiConnection, string>> {
  const cluster = kc.getCurrentCluster();
  if (cluster === null) return err('kubeconfig: the current context names no cluster');
  const server = cluster.server.replace(/\/+$/, '');
  const opts: https.RequestOptions = {};
  try {
    await kc.applyToHTTPSOptions(opts);
  } catch (e) {
    return err(`kubeconfig: cluster ${JSON.stringify(cluster.name)} (${server}): ${describeThrown(e)}`);
  }
  const agent = createAgent(server, {
    ca: opts.ca as string | Buffer | undefined,
    cert: opts.cert as string | Buffer | undefined,
    key: opts.key as string | Buffer | undefined,
    rejectUnauthorized: opts.rejectUnauthorized,
    servername: opts.servername,
  });
  const transport = new HttpTransport(agent);
  let cached: { at: number; headers: Promise<Record<string, string>> } | undefined;
  return ok({
    server,
    transport,
    headers(): Promise<Readonly<Record<string, string>>> {
      const t = now();
      if (cached === undefined || t - cached.at >= AUTH_CACHE_MS || t < cached.at) {
        const fresh: https.RequestOptions = { headers: {} };
        const headers = kc.applyToHTTPSOptions(fresh).then(() => headersOf(fresh));
        // a failed refresh is not cached: the next request tries again
        headers.catch(() => {
          cached = undefined;
        });
        cached = { at: t, headers };
      }
      return cached.headers;
    },
    close(): void {
      transport.close();
    },
  });
}
