import http from 'node:http';
import https from 'node:https';
import { HttpMethod, RequestContext, type KubeConfig } from '@kubernetes/client-node';
import type { Clock } from '../clock.js';
import type { ClusterError, ClusterResult } from '../ports.js';
import { httpError, transportError } from './errors.js';

/**
 * HTTP to the API server for the client-node adapter. client-node 1.4.0 opens one TCP (+TLS)
 * connection per call and its generated APIs turn list items into class instances with Date
 * fields (typescript-stack.md §1.4, §1.6), so we keep client-node for what it is good at — the
 * kubeconfig, TLS material and authentication (token files, exec plugins, OIDC) — and send raw
 * JSON ourselves over one keep-alive agent. Objects stay plain JSON, exactly as on the wire.
 */

export type KubeVerb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete';

const METHOD: Readonly<Record<KubeVerb, string>> = {
  get: 'GET',
  list: 'GET',
  watch: 'GET',
  create: 'POST',
  update: 'PUT',
  patch: 'PATCH',
  delete: 'DELETE',
};

/** The HTTP method of a Kubernetes verb (errors carry the method, like client-go's messages). */
export function httpMethod(verb: KubeVerb): string {
  return METHOD[verb];
}

export interface KubeRequest {
  readonly verb: KubeVerb;
  /** resource label for request metrics: `pods`, `deployments/scale`, `discovery`, … */
  readonly resource: string;
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  readonly contentType?: string;
}

export interface TransportOptions {
  readonly kubeConfig: KubeConfig;
  readonly clock: Clock;
  readonly requestTimeoutMs: number;
  readonly userAgent: string;
  /** verb, resource, HTTP status (0 when no response arrived), duration */
  readonly onRequest?: (verb: string, resource: string, code: number, durationMs: number) => void;
  /** auth headers are re-derived from the kubeconfig at most this often (client-node reads CA files per call) */
  readonly authCacheMs?: number;
}

type Opened =
  { readonly ok: true; readonly res: http.IncomingMessage } | { readonly ok: false; readonly cause: unknown };

class TimeoutError extends Error {
  constructor(ms: number) {
    super(`timed out after ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

export class KubeTransport {
  private agentPromise: Promise<http.Agent> | undefined;
  private auth: { at: number; headers: Promise<Record<string, string>> } | undefined;
  private closed = false;

  constructor(private readonly opts: TransportOptions) {}

  /** One request; the parsed JSON body (undefined when empty) or the failure as a ClusterError. */
  async request(req: KubeRequest): Promise<ClusterResult<unknown>> {
    const start = this.opts.clock.now();
    const timeout = this.timeoutSignal();
    try {
      const opened = await this.open(req, timeout.signal);
      if (!opened.ok) return this.fail(req, start, 0, transportError(METHOD[req.verb], req.path, opened.cause));
      const body = await readAll(opened.res);
      const code = opened.res.statusCode ?? 0;
      if (!body.ok) {
        const cause: unknown = timeout.signal.aborted ? timeout.signal.reason : body.cause;
        return this.fail(req, start, code, transportError(METHOD[req.verb], req.path, cause));
      }
      this.report(req, start, code);
      if (code >= 400) return { ok: false, error: httpError(METHOD[req.verb], req.path, code, body.text) };
      if (body.text === '') return { ok: true, value: undefined };
      try {
        return { ok: true, value: JSON.parse(body.text) as unknown };
      } catch (e) {
        return {
          ok: false,
          error: transportError(METHOD[req.verb], req.path, `invalid JSON in response: ${String(e)}`),
        };
      }
    } finally {
      timeout.cancel();
    }
  }

  /**
   * A watch stream: calls `onObject` for every newline-delimited JSON object and resolves when
   * the server ends the stream (ok) or it breaks (error). Aborting `signal` ends it with ok.
   * Only connecting is bounded by the request timeout; silence afterwards is the informer's
   * watchdog's business.
   */
  async stream(req: KubeRequest, signal: AbortSignal, onObject: (obj: unknown) => void): Promise<ClusterResult<void>> {
    const start = this.opts.clock.now();
    const timeout = this.timeoutSignal(signal);
    const opened = await this.open(req, timeout.signal);
    timeout.cancel();
    if (!opened.ok) {
      if (signal.aborted) return { ok: true, value: undefined };
      return this.fail(req, start, 0, transportError(METHOD[req.verb], req.path, opened.cause));
    }
    const res = opened.res;
    const code = res.statusCode ?? 0;
    this.report(req, start, code);
    if (code >= 400) {
      const body = await readAll(res);
      return { ok: false, error: httpError(METHOD[req.verb], req.path, code, body.ok ? body.text : '') };
    }
    return new Promise<ClusterResult<void>>((resolve) => {
      let buffer = '';
      let settled = false;
      const finish = (r: ClusterResult<void>): void => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        resolve(r);
      };
      const onAbort = (): void => {
        res.destroy();
        finish({ ok: true, value: undefined });
      };
      signal.addEventListener('abort', onAbort, { once: true });
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let nl = buffer.indexOf('\n');
        while (nl >= 0 && !settled) {
          const line = buffer.slice(0, nl).trim();
          buffer = buffer.slice(nl + 1);
          nl = buffer.indexOf('\n');
          if (line === '') continue;
          let obj: unknown;
          try {
            obj = JSON.parse(line);
          } catch {
            res.destroy();
            finish({
              ok: false,
              error: transportError('GET', req.path, `malformed watch event: ${line.slice(0, 200)}`),
            });
            return;
          }
          onObject(obj);
        }
      });
      res.on('end', () => finish({ ok: true, value: undefined }));
      res.on('close', () => {
        if (signal.aborted) finish({ ok: true, value: undefined });
        else if (!res.complete) finish({ ok: false, error: transportError('GET', req.path, 'watch stream broken') });
        else finish({ ok: true, value: undefined });
      });
      res.on('error', (e) =>
        finish(
          signal.aborted ? { ok: true, value: undefined } : { ok: false, error: transportError('GET', req.path, e) },
        ),
      );
    });
  }

  /** Drops pooled connections; requests after close fail. */
  close(): void {
    this.closed = true;
    const p = this.agentPromise;
    this.agentPromise = undefined;
    void p?.then((a) => a.destroy()).catch(() => undefined);
  }

  private fail<T>(req: KubeRequest, start: number, code: number, error: ClusterError): ClusterResult<T> {
    this.report(req, start, code);
    return { ok: false, error };
  }

  private report(req: KubeRequest, start: number, code: number): void {
    this.opts.onRequest?.(req.verb, req.resource, code, this.opts.clock.now() - start);
  }

  /** The request timeout as a signal on the injected clock, optionally joined with a caller's signal. */
  private timeoutSignal(outer?: AbortSignal): { signal: AbortSignal; cancel: () => void } {
    const ac = new AbortController();
    const ms = this.opts.requestTimeoutMs;
    const cancelTimer = this.opts.clock.setTimer(ms, () => ac.abort(new TimeoutError(ms)));
    const signal = outer === undefined ? ac.signal : AbortSignal.any([ac.signal, outer]);
    return { signal, cancel: cancelTimer };
  }

  /** Sends the request and resolves when the response headers arrive. */
  private async open(req: KubeRequest, signal: AbortSignal): Promise<Opened> {
    if (this.closed) return { ok: false, cause: new Error('client closed') };
    const server = this.opts.kubeConfig.getCurrentCluster()?.server;
    if (server === undefined || server === '')
      return { ok: false, cause: new Error('no current cluster in kubeconfig') };
    const url = new URL(server.replace(/\/+$/, '') + req.path);
    for (const [k, v] of Object.entries(req.query ?? {})) url.searchParams.set(k, v);
    let agent: http.Agent;
    let headers: Record<string, string>;
    try {
      agent = await this.agent();
      headers = { ...(await this.authHeaders(url.toString())) };
    } catch (e) {
      return { ok: false, cause: e };
    }
    headers['Accept'] = 'application/json';
    headers['User-Agent'] = this.opts.userAgent;
    let payload: string | undefined;
    if (req.body !== undefined) {
      payload = JSON.stringify(req.body);
      headers['Content-Type'] = req.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    const send = (): Promise<Opened & { reused: boolean }> =>
      new Promise((resolve) => {
        const lib = url.protocol === 'https:' ? https : http;
        const r = lib.request(url, { method: METHOD[req.verb], headers, agent, signal }, (res) =>
          resolve({ ok: true, res, reused: r.reusedSocket }),
        );
        r.on('error', (e) =>
          resolve({
            ok: false,
            cause: signal.aborted && signal.reason instanceof Error ? signal.reason : e,
            reused: r.reusedSocket,
          }),
        );
        r.end(payload);
      });
    const first = await send();
    // A pooled connection the server closed while idle fails with ECONNRESET before the server
    // read anything; Node's docs recommend one retry on a fresh socket for exactly this case.
    if (!first.ok && first.reused && !signal.aborted && (first.cause as NodeJS.ErrnoException).code === 'ECONNRESET')
      return send();
    return first;
  }

  private agent(): Promise<http.Agent> {
    this.agentPromise ??= this.makeAgent().catch((e: unknown) => {
      this.agentPromise = undefined; // a failing exec plugin may work next time
      throw e;
    });
    return this.agentPromise;
  }

  private async makeAgent(): Promise<http.Agent> {
    const kc = this.opts.kubeConfig;
    const tls: https.RequestOptions = {};
    // Throws for http:// without skipTLSVerify, like every client-node call would.
    await kc.applyToHTTPSOptions(tls);
    const cluster = kc.getCurrentCluster();
    if (cluster?.proxyUrl !== undefined && cluster.proxyUrl !== '' && tls.agent instanceof http.Agent) {
      return tls.agent; // client-node's proxy agent; no pooling through proxies
    }
    const pool = { keepAlive: true, keepAliveMsecs: 30_000, maxSockets: 64, scheduling: 'lifo' as const };
    if (cluster?.server.startsWith('http:') === true) return new http.Agent(pool);
    return new https.Agent({
      ...pool,
      ca: tls.ca,
      cert: tls.cert,
      key: tls.key,
      pfx: tls.pfx,
      passphrase: tls.passphrase,
      servername: tls.servername,
      ...(tls.rejectUnauthorized !== undefined ? { rejectUnauthorized: tls.rejectUnauthorized } : {}),
    });
  }

  /** Authorization (and impersonation) headers from the kubeconfig, cached briefly. */
  private authHeaders(url: string): Promise<Record<string, string>> {
    const now = this.opts.clock.now();
    const ttl = this.opts.authCacheMs ?? 1000;
    if (this.auth !== undefined && now - this.auth.at < ttl) return this.auth.headers;
    const headers = (async () => {
      const ctx = new RequestContext(url, HttpMethod.GET);
      await this.opts.kubeConfig.applySecurityAuthentication(ctx);
      return ctx.getHeaders();
    })();
    this.auth = { at: now, headers };
    headers.catch(() => {
      if (this.auth?.headers === headers) this.auth = undefined;
    });
    return headers;
  }
}

function readAll(res: http.IncomingMessage): Promise<{ ok: true; text: string } | { ok: false; cause: unknown }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let done = false;
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => {
      done = true;
      resolve({ ok: true, text: Buffer.concat(chunks).toString('utf8') });
    });
    res.on('error', (e) => {
      done = true;
      resolve({ ok: false, cause: e });
    });
    res.on('close', () => {
      if (!done) resolve({ ok: false, cause: new Error('connection closed before the response was complete') });
    });
  });
}
