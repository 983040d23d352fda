/**
 * One keep-alive HTTP(S) connection pool per adapter, driven through axios. The metrics adapters
 * are the only place that talks HTTP for metrics, so this is where network failures become data:
 * `send` never throws — it returns the status and body, or why no response arrived (timeout,
 * network, cancelled), worded like Go's `*url.Error` so conditions read as upstream's do.
 */
import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';

export interface HttpRequest {
  readonly method: 'GET' | 'POST';
  /** absolute URL, already escaped */
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly signal?: AbortSignal;
  readonly timeoutMs: number;
}

export type HttpOutcome =
  | { readonly ok: true; readonly status: number; readonly contentType: string; readonly text: string }
  | { readonly ok: false; readonly failure: 'timeout' | 'network' | 'cancelled'; readonly message: string };

/** TLS material for an https.Agent; undefined fields keep Node's defaults. */
export interface TlsOptions {
  readonly ca?: string | Buffer;
  readonly cert?: string | Buffer;
  readonly key?: string | Buffer;
  readonly rejectUnauthorized?: boolean;
  readonly servername?: string;
}

/** Keep-alive sockets close after this idle time, below Node's 5 s server keepAliveTimeout (stack notes §5.15). */
const IDLE_SOCKET_MS = 4_000;
/** Bodies above this are refused rather than buffered (a runaway answer must not take the controller down). */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

export function createAgent(baseUrl: string, tls: TlsOptions = {}): http.Agent {
  const common = { keepAlive: true, maxSockets: 32, timeout: IDLE_SOCKET_MS };
  if (baseUrl.startsWith('http:')) return new http.Agent(common);
  return new https.Agent({ ...common, ...tls });
}

export class HttpTransport {
  private readonly axios: AxiosInstance;

  constructor(private readonly agent: http.Agent) {
    this.axios = axios.create({
      httpAgent: agent,
      httpsAgent: agent,
      // HTTP(S)_PROXY from the environment must not reroute cluster or Prometheus traffic silently.
      proxy: false,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
      maxContentLength: MAX_BODY_BYTES,
      maxBodyLength: MAX_BODY_BYTES,
      decompress: true,
    });
  }

  async send(req: HttpRequest): Promise<HttpOutcome> {
    const timeout = AbortSignal.timeout(req.timeoutMs);
    const signal = req.signal === undefined ? timeout : AbortSignal.any([req.signal, timeout]);
    let res: AxiosResponse<unknown>;
    try {
      res = await this.axios.request({
        method: req.method,
        url: req.url,
        headers: { ...req.headers },
        data: req.body,
        signal,
      });
    } catch (e) {
      if (timeout.aborted)
        return {
          ok: false,
          failure: 'timeout',
          message: goUrlError(req, 'context deadline exceeded (Client.Timeout exceeded while awaiting headers)'),
        };
      if (req.signal?.aborted === true)
        return { ok: false, failure: 'cancelled', message: goUrlError(req, 'context canceled') };
      return { ok: false, failure: 'network', message: goUrlError(req, networkCause(e, req.url)) };
    }
    const text =
      typeof res.data === 'string' ? res.data : res.data === undefined || res.data === null ? '' : String(res.data);
    const contentType = String(res.headers['content-type'] ?? '');
    return { ok: true, status: res.status, contentType, text };
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Go's url.Error text: `Get "https://host/path?q": <cause>`. */
function goUrlError(req: HttpRequest, cause: string): string {
  const op = req.method[0] + req.method.slice(1).toLowerCase();
  return `${op} ${JSON.stringify(req.url)}: ${cause}`;
}

interface NodeErrorLike {
  readonly code?: unknown;
  readonly message?: unknown;
  readonly address?: unknown;
  readonly port?: unknown;
  readonly hostname?: unknown;
  readonly cause?: unknown;
}

function networkCause(e: unknown, url: string): string {
  const outer = (typeof e === 'object' && e !== null ? e : {}) as NodeErrorLike;
  const inner = (typeof outer.cause === 'object' && outer.cause !== null ? outer.cause : outer) as NodeErrorLike;
  const code = typeof inner.code === 'string' ? inner.code : typeof outer.code === 'string' ? outer.code : '';
  let host: string;
  try {
    host = new URL(url).host;
  } catch {
    host = '';
  }
  const addr =
    typeof inner.address === 'string' && typeof inner.port === 'number' ? `${inner.address}:${inner.port}` : host;
  switch (code) {
    case 'ECONNREFUSED':
      return `dial tcp ${addr}: connect: connection refused`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `dial tcp: lookup ${typeof inner.hostname === 'string' ? inner.hostname : host}: no such host`;
    case 'ECONNRESET':
      return `read tcp ${addr}: read: connection reset by peer`;
    case 'ETIMEDOUT':
      return `dial tcp ${addr}: i/o timeout`;
    case 'EHOSTUNREACH':
      return `dial tcp ${addr}: connect: no route to host`;
    default: {
      const message = typeof inner.message === 'string' && inner.message !== '' ? inner.message : String(e);
      return message === 'socket hang up' ? 'EOF' : message;
    }
  }
}
