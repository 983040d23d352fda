/**
 * The connection to the API server, from a client-node KubeConfig (kubeconfig file or in-cluster),
 * shared by everything that talks to it: the controller's cluster adapter and informers, and the
 * `apiserver` metrics client. client-node 1.4.0 opens one TCP (+TLS) connection per call and turns
 * list items into class instances (typescript-stack.md §1.4, §1.6), so it is asked only for what
 * it is good at — server URL, TLS material, authentication (token files and exec plugins refresh
 * inside it) — and requests go as raw JSON over one keep-alive agent of ours. One process opens
 * one connection: one pool, one auth cache.
 */
import http from 'node:http';
import type https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import {
  type ApiError,
  ApiFailure,
  type ApiResult,
  type RequestedResource,
  errorFromResponse,
  failureError,
} from './errors.js';
import { goUrlError } from './go-url-error.js';
import { type QueryParams, withQuery } from './go-url.js';
import { type HttpFailure, HttpClient, type SetTimer, createAgent } from './http.js';
import type { ApiRateLimits } from './rate-limit.js';

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

export interface ApiRequest {
  readonly verb: KubeVerb;
  /** resource label for request metrics: `pods`, `deployments/scale`, `discovery`, … */
  readonly resource: string;
  /** escaped path without the query */
  readonly path: string;
  readonly query?: QueryParams;
  /** serialised as JSON */
  readonly body?: unknown;
  readonly contentType?: string;
  /** names the request in client-go's generic error messages: `(get pods.metrics.k8s.io *)` */
  readonly requested?: RequestedResource;
  /** default: the connection's requestTimeoutMs */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export interface ApiResponse {
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
}

/** One request as the observer hook sees it: for request metrics, logs and `--show-query`. */
export interface RequestObservation {
  readonly verb: KubeVerb;
  readonly resource: string;
  readonly method: string;
  /** path and query, without scheme and host */
  readonly path: string;
  /** HTTP status, 0 when no response arrived */
  readonly status: number;
  readonly durationMs: number;
}

export type RequestObserver = (o: RequestObservation) => void;

export interface ApiServerConnectionOptions {
  readonly userAgent?: string;
  /** default 30 s; a request may ask for its own */
  readonly requestTimeoutMs?: number;
  /** auth headers are re-derived from the kubeconfig at most this often; default 5 s */
  readonly authCacheMs?: number;
  /** durations and the auth cache; default Date.now */
  readonly now?: () => number;
  /** request deadlines on the caller's clock; default real timers */
  readonly setTimer?: SetTimer;
  /** client-side rate limits (--kube-api-qps, --kube-api-burst): a token per request, per client; default none */
  readonly rateLimits?: ApiRateLimits;
}

/** client-node's https options → plain headers (Authorization, impersonation, basic auth). */
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

/** What is wrong with a kubeconfig's `server`, or undefined when it is an http(s) URL. */
function serverUrlProblem(server: string): string | undefined {
  const expected = 'expected https://HOST[:PORT] (or http:// with insecure-skip-tls-verify)';
  if (server === '') return `no server: ${expected}`;
  let url: URL | undefined;
  try {
    url = new URL(server);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:'))
    return `server ${JSON.stringify(server)} is not an http(s) URL: ${expected}`;
  return undefined;
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class ApiServerConnection {
  /** server URL without a trailing slash ('' when the kubeconfig names no cluster) */
  readonly server: string;
  private client: Promise<HttpClient> | undefined;
  private auth: { at: number; headers: Promise<Record<string, string>> } | undefined;
  private closed = false;
  /** aborts requests still waiting for a rate-limit token when the connection closes */
  private readonly closing = new AbortController();
  private readonly now: () => number;

  private constructor(
    private readonly kc: KubeConfig,
    private readonly opts: ApiServerConnectionOptions,
  ) {
    this.server = (kc.getCurrentCluster()?.server ?? '').replace(/\/+$/, '');
    this.now = opts.now ?? Date.now;
  }

  /** The connection of the kubeconfig's current context; nothing is opened before the first request. */
  static fromKubeConfig(kc: KubeConfig, opts: ApiServerConnectionOptions = {}): ApiServerConnection {
    return new ApiServerConnection(kc, opts);
  }

  /**
   * Checks the server URL and builds the TLS agent now, so a kubeconfig that cannot work (no
   * cluster, a server without a scheme, an http:// server without insecure-skip-tls-verify,
   * unreadable certificate files) is reported at start-up, naming the problem; `source` names
   * where the kubeconfig came from (its file) in the message.
   */
  async check(source?: string): Promise<{ ok: true } | { ok: false; error: string }> {
    const where = source === undefined ? 'kubeconfig' : `kubeconfig ${source}`;
    const cluster = this.kc.getCurrentCluster();
    if (cluster === null) return { ok: false, error: `${where}: the current context names no cluster` };
    const named = `${where}: cluster ${JSON.stringify(cluster.name)}`;
    const bad = serverUrlProblem(this.server);
    if (bad !== undefined) return { ok: false, error: `${named}: ${bad}` };
    try {
      await this.httpClient();
      return { ok: true };
    } catch (e) {
      return { ok: false, error: `${named} (${this.server}): ${describe(e)}` };
    }
  }

  /** One request; any 2xx answer with its body, anything else as an ApiError. */
  async request(req: ApiRequest, observe?: RequestObserver): Promise<ApiResult<ApiResponse>> {
    const method = METHOD[req.verb];
    const path = withQuery(req.path, req.query);
    const throttled = await this.throttle(req.path, method, path, req.signal);
    if (!throttled.ok) return throttled;
    const started = this.now();
    const report = (status: number): void =>
      observe?.({ verb: req.verb, resource: req.resource, method, path, status, durationMs: this.now() - started });
    const prepared = await this.prepare(req, method, path);
    if (!prepared.ok) {
      report(0);
      return prepared;
    }
    const out = await prepared.value.client.send(prepared.value.http);
    report(out.ok ? out.status : 0);
    if (!out.ok) return { ok: false, error: failureError(out.failure, method, path, out.message) };
    if (out.status < 200 || out.status > 206)
      return {
        ok: false,
        error: errorFromResponse(method, path, out.status, out.contentType, out.text, req.requested),
      };
    return { ok: true, value: out };
  }

  /** A request whose answer is JSON: the parsed body (undefined when empty). */
  async requestJson(req: ApiRequest, observe?: RequestObserver): Promise<ApiResult<unknown>> {
    const r = await this.request(req, observe);
    if (!r.ok) return r;
    if (r.value.text === '') return { ok: true, value: undefined };
    try {
      return { ok: true, value: JSON.parse(r.value.text) as unknown };
    } catch (e) {
      const path = withQuery(req.path, req.query);
      return {
        ok: false,
        error: failureError(ApiFailure.Decode, METHOD[req.verb], path, `invalid JSON in response: ${describe(e)}`),
      };
    }
  }

  /**
   * A watch stream: `onObject` gets every newline-delimited JSON object; resolves ok when the
   * server ends the stream or `signal` aborts it, an ApiError when it breaks. Only connecting is
   * bounded by the request timeout; silence afterwards is the informer's watchdog's business.
   */
  async stream(
    req: ApiRequest,
    signal: AbortSignal,
    onObject: (obj: unknown) => void,
    observe?: RequestObserver,
  ): Promise<ApiResult<void>> {
    const method = METHOD[req.verb];
    const path = withQuery(req.path, req.query);
    const throttled = await this.throttle(req.path, method, path, signal);
    if (!throttled.ok) return signal.aborted ? { ok: true, value: undefined } : throttled;
    const started = this.now();
    const report = (status: number): void =>
      observe?.({ verb: req.verb, resource: req.resource, method, path, status, durationMs: this.now() - started });
    const prepared = await this.prepare({ ...req, signal }, method, path);
    if (!prepared.ok) {
      report(0);
      return prepared;
    }
    const opened = await prepared.value.client.open(prepared.value.http);
    if (!opened.ok) {
      report(0);
      return signal.aborted ? { ok: true, value: undefined } : this.failed(opened, method, path);
    }
    report(opened.status);
    if (opened.status >= 300) {
      const body = await opened.text();
      const text = body.ok ? body.text : '';
      return {
        ok: false,
        error: errorFromResponse(method, path, opened.status, opened.contentType, text, req.requested),
      };
    }
    let malformed: string | undefined;
    const end = await opened.lines((line) => {
      let obj: unknown;
      try {
        obj = JSON.parse(line);
      } catch {
        malformed = line.slice(0, 200);
        return false;
      }
      onObject(obj);
      return true;
    });
    if (malformed !== undefined)
      return {
        ok: false,
        error: failureError(ApiFailure.Decode, method, path, `malformed watch event: ${malformed}`),
      };
    if (!end.ok && !signal.aborted) return this.failed(end, method, path);
    return { ok: true, value: undefined };
  }

  /** Drops pooled connections; requests after close fail. */
  close(): void {
    this.closed = true;
    this.closing.abort();
    const p = this.client;
    this.client = undefined;
    void p?.then((c) => c.close()).catch(() => undefined);
  }

  /**
   * Waits for the request's rate-limit token (client-go's tryThrottle); a request cancelled or a
   * connection closed meanwhile fails as Cancelled without being sent. Request durations start after it.
   */
  private async throttle(
    rawPath: string,
    method: string,
    path: string,
    signal: AbortSignal | undefined,
  ): Promise<ApiResult<void>> {
    const limits = this.opts.rateLimits;
    if (limits === undefined) return { ok: true, value: undefined };
    try {
      await limits.wait(rawPath, signal, this.closing.signal);
      return { ok: true, value: undefined };
    } catch {
      // client-go's words (tryThrottle returns it as it is, not as a url.Error)
      const message = 'client rate limiter Wait returned an error: context canceled';
      return { ok: false, error: failureError(ApiFailure.Cancelled, method, path, message) };
    }
  }

  private failed(f: HttpFailure, method: string, path: string): { ok: false; error: ApiError } {
    return { ok: false, error: failureError(f.failure, method, path, f.message) };
  }

  private async prepare(
    req: ApiRequest,
    method: string,
    path: string,
  ): Promise<ApiResult<{ client: HttpClient; http: Parameters<HttpClient['send']>[0] }>> {
    const url = `${this.server}${path}`;
    const fail = (failure: ApiFailure, message: string): { ok: false; error: ApiError } => ({
      ok: false,
      error: failureError(failure, method, path, goUrlError({ method, url }, message)),
    });
    const credentials = (message: string): { ok: false; error: ApiError } => fail(ApiFailure.Credentials, message);
    if (this.closed) return fail(ApiFailure.Cancelled, 'http: client closed');
    if (this.server === '') return credentials('no current cluster in kubeconfig');
    let client: HttpClient;
    let auth: Record<string, string>;
    try {
      client = await this.httpClient();
    } catch (e) {
      return credentials(describe(e));
    }
    try {
      auth = await this.authHeaders();
    } catch (e) {
      return credentials(`getting credentials: ${describe(e)}`);
    }
    const headers: Record<string, string> = { ...auth, Accept: 'application/json' };
    if (this.opts.userAgent !== undefined) headers['User-Agent'] = this.opts.userAgent;
    let body: string | undefined;
    if (req.body !== undefined) {
      body = JSON.stringify(req.body);
      headers['Content-Type'] = req.contentType ?? 'application/json';
    }
    const timeoutMs = req.timeoutMs ?? this.opts.requestTimeoutMs ?? 30_000;
    return { ok: true, value: { client, http: { method, url, headers, body, signal: req.signal, timeoutMs } } };
  }

  private httpClient(): Promise<HttpClient> {
    this.client ??= this.makeClient().catch((e: unknown) => {
      this.client = undefined; // a kubeconfig file fixed meanwhile may work next time
      throw e;
    });
    return this.client;
  }

  private async makeClient(): Promise<HttpClient> {
    const tls: https.RequestOptions = {};
    // Throws for http:// without skipTLSVerify, like every client-node call would.
    await this.kc.applyToHTTPSOptions(tls);
    const cluster = this.kc.getCurrentCluster();
    const setTimer = this.opts.setTimer;
    if (cluster?.proxyUrl !== undefined && cluster.proxyUrl !== '' && tls.agent instanceof http.Agent)
      return new HttpClient(tls.agent, { setTimer }); // client-node's proxy agent; no pooling through proxies
    const agent = createAgent(this.server, {
      idleSocketMs: 30_000,
      tls: {
        ca: tls.ca as string | Buffer | undefined,
        cert: tls.cert as string | Buffer | undefined,
        key: tls.key as string | Buffer | undefined,
        pfx: tls.pfx as string | Buffer | undefined,
        passphrase: tls.passphrase,
        servername: tls.servername,
        rejectUnauthorized: tls.rejectUnauthorized,
      },
    });
    return new HttpClient(agent, { setTimer });
  }

  /** Authorization (and impersonation) headers from the kubeconfig, cached briefly; failures are not cached. */
  private authHeaders(): Promise<Record<string, string>> {
    const now = this.now();
    const ttl = this.opts.authCacheMs ?? 5_000;
    if (this.auth !== undefined && now - this.auth.at < ttl && now >= this.auth.at) return this.auth.headers;
    const fresh: https.RequestOptions = { headers: {} };
    const headers = this.kc.applyToHTTPSOptions(fresh).then(() => headersOf(fresh));
    this.auth = { at: now, headers };
    headers.catch(() => {
      if (this.auth?.headers === headers) this.auth = undefined;
    });
    return headers;
  }
}
