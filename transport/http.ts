/**
 * The one HTTP client of hpa-ts: every request to the API server and to Prometheus goes through
 * here, over one keep-alive agent per destination. It is node:http rather than axios because it
 * measured cheaper per request — about half the CPU time per small JSON answer — and streams watch
 * bodies as they arrive (test/bench/http-client.bench.ts has the figures).
 *
 * Nothing here throws for a failed exchange: a response (any status) comes back with its body, or
 * the reason none arrived — timeout, network, cancelled, too large — as a code with a message
 * worded like Go's `*url.Error` (`Get "https://host/path": dial tcp …: connect: connection
 * refused`), so conditions and events read as upstream's do.
 */
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { goUrlError, networkCause } from './go-url-error.js';

/** TLS material for an https.Agent; undefined fields keep Node's defaults. */
export interface TlsOptions {
  readonly ca?: string | Buffer;
  readonly cert?: string | Buffer;
  readonly key?: string | Buffer;
  readonly pfx?: string | Buffer;
  readonly passphrase?: string;
  readonly rejectUnauthorized?: boolean;
  readonly servername?: string;
}

export interface AgentOptions {
  readonly tls?: TlsOptions;
  /** pooled sockets idle this long are closed; default 4 s (below Node servers' 5 s keepAliveTimeout) */
  readonly idleSocketMs?: number;
  readonly maxSockets?: number;
}

/** Bodies above this are refused rather than buffered (a runaway answer must not take the process down). */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;

export interface HttpClientOptions {
  /** request deadlines on the caller's clock; default real timers */
  readonly setTimer?: SetTimer;
  /** default MAX_BODY_BYTES */
  readonly maxBodyBytes?: number;
}

/** One keep-alive pool for `baseUrl`'s scheme. */
export function createAgent(baseUrl: string, opts: AgentOptions = {}): http.Agent {
  const pool = {
    keepAlive: true,
    maxSockets: opts.maxSockets ?? 64,
    scheduling: 'lifo' as const,
    timeout: opts.idleSocketMs ?? 4_000,
  };
  if (baseUrl.startsWith('http:')) return new http.Agent(pool);
  const tls = Object.fromEntries(Object.entries(opts.tls ?? {}).filter(([, v]) => v !== undefined));
  return new https.Agent({ ...pool, ...tls });
}

/** Why no usable response arrived. */
export const TransportFailure = {
  /** the request's deadline passed */
  Timeout: 'Timeout',
  /** connecting, TLS, or the connection broke */
  Network: 'Network',
  /** the caller aborted */
  Cancelled: 'Cancelled',
  /** the body exceeded the client's limit (MAX_BODY_BYTES by default) */
  TooLarge: 'TooLarge',
} as const;
export type TransportFailure = (typeof TransportFailure)[keyof typeof TransportFailure];

export interface HttpRequest {
  readonly method: string;
  /** absolute URL, already escaped */
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly signal?: AbortSignal;
  /** `send`: the whole exchange; `open`: until the response headers arrive */
  readonly timeoutMs: number;
}

export interface HttpFailure {
  readonly ok: false;
  readonly failure: TransportFailure;
  /** Go's url.Error text */
  readonly message: string;
}

export type HttpOutcome =
  { readonly ok: true; readonly status: number; readonly contentType: string; readonly text: string } | HttpFailure;

/** A response whose headers arrived; the body is read once, whole or line by line. */
export interface OpenResponse {
  readonly ok: true;
  readonly status: number;
  readonly contentType: string;
  /** the whole body (bounded by the client's limit) */
  text(): Promise<HttpOutcome>;
  /**
   * Newline-delimited lines as they arrive (watch streams). `onLine` returning false stops the
   * stream. Resolves ok when the server ends the body or `onLine` stopped it.
   */
  lines(onLine: (line: string) => boolean): Promise<{ readonly ok: true } | HttpFailure>;
}

/** The injected clock's timer, so request deadlines follow virtual or compressed time too. */
export type SetTimer = (ms: number, fn: () => void) => () => void;

const realTimer: SetTimer = (ms, fn) => {
  const t = setTimeout(fn, ms);
  return () => clearTimeout(t);
};

type Opened =
  { readonly ok: true; readonly res: http.IncomingMessage } | { readonly ok: false; readonly cause: unknown };

export class HttpClient {
  private closed = false;
  private readonly setTimer: SetTimer;
  private readonly maxBodyBytes: number;

  constructor(
    private readonly agent: http.Agent,
    opts: HttpClientOptions = {},
  ) {
    this.setTimer = opts.setTimer ?? realTimer;
    this.maxBodyBytes = opts.maxBodyBytes ?? MAX_BODY_BYTES;
  }

  /** One exchange, the body read whole; the deadline covers headers and body, like Go's Client.Timeout. */
  async send(req: HttpRequest): Promise<HttpOutcome> {
    const deadline = this.deadline(req);
    try {
      const opened = await this.connect(req, deadline.signal);
      if (!opened.ok) return this.failure(req, deadline, opened.cause, 'awaiting headers');
      const body = await readBody(opened.res, this.maxBodyBytes);
      if (!body.ok) return this.failure(req, deadline, body.cause, 'reading body', body.tooLarge);
      return { ok: true, status: opened.res.statusCode ?? 0, contentType: contentType(opened.res), text: body.text };
    } finally {
      deadline.cancel();
    }
  }

  /** Sends the request and resolves when the response headers arrive; the deadline ends there. */
  async open(req: HttpRequest): Promise<OpenResponse | HttpFailure> {
    const deadline = this.deadline(req);
    const opened = await this.connect(req, deadline.signal);
    deadline.cancel();
    if (!opened.ok) return this.failure(req, deadline, opened.cause, 'awaiting headers');
    const res = opened.res;
    const fail = (cause: unknown, tooLarge = false): HttpFailure =>
      req.signal?.aborted === true
        ? { ok: false, failure: TransportFailure.Cancelled, message: goUrlError(req, 'context canceled') }
        : tooLarge
          ? { ok: false, failure: TransportFailure.TooLarge, message: tooLargeMessage(req, this.maxBodyBytes) }
          : { ok: false, failure: TransportFailure.Network, message: goUrlError(req, networkCause(cause, req.url)) };
    return {
      ok: true,
      status: res.statusCode ?? 0,
      contentType: contentType(res),
      text: async () => {
        const body = await readBody(res, this.maxBodyBytes);
        if (!body.ok) return fail(body.cause, body.tooLarge);
        return { ok: true, status: res.statusCode ?? 0, contentType: contentType(res), text: body.text };
      },
      lines: async (onLine) => {
        const end = await readLines(res, onLine, req.signal, this.maxBodyBytes);
        return end.ok ? end : fail(end.cause);
      },
    };
  }

  /** Drops pooled connections; requests after close fail. */
  close(): void {
    this.closed = true;
    this.agent.destroy();
  }

  private deadline(req: HttpRequest): { signal: AbortSignal; expired: () => boolean; cancel: () => void } {
    const ac = new AbortController();
    let expired = false;
    const cancel = this.setTimer(req.timeoutMs, () => {
      expired = true;
      ac.abort();
    });
    const signal = req.signal === undefined ? ac.signal : AbortSignal.any([ac.signal, req.signal]);
    return { signal, expired: () => expired, cancel };
  }

  private failure(
    req: HttpRequest,
    deadline: { expired: () => boolean },
    cause: unknown,
    phase: 'awaiting headers' | 'reading body',
    tooLarge = false,
  ): HttpFailure {
    if (tooLarge)
      return { ok: false, failure: TransportFailure.TooLarge, message: tooLargeMessage(req, this.maxBodyBytes) };
    if (deadline.expired()) {
      const why =
        phase === 'awaiting headers'
          ? 'context deadline exceeded (Client.Timeout exceeded while awaiting headers)'
          : 'context deadline exceeded (Client.Timeout or context cancellation while reading body)';
      return { ok: false, failure: TransportFailure.Timeout, message: goUrlError(req, why) };
    }
    if (req.signal?.aborted === true)
      return { ok: false, failure: TransportFailure.Cancelled, message: goUrlError(req, 'context canceled') };
    return { ok: false, failure: TransportFailure.Network, message: goUrlError(req, networkCause(cause, req.url)) };
  }

  private async connect(req: HttpRequest, signal: AbortSignal): Promise<Opened> {
    if (this.closed) return { ok: false, cause: new Error('http: client closed') };
    const first = await this.attempt(req, signal);
    // A pooled connection the server closed while idle fails with ECONNRESET before the server
    // read anything; Node's docs recommend one retry on a fresh socket for exactly this case.
    if (!first.ok && first.reused && !signal.aborted && (first.cause as NodeJS.ErrnoException).code === 'ECONNRESET')
      return this.attempt(req, signal);
    return first;
  }

  private attempt(req: HttpRequest, signal: AbortSignal): Promise<Opened & { reused: boolean }> {
    return new Promise((resolve) => {
      const headers: Record<string, string> = { ...req.headers, 'Accept-Encoding': 'gzip' };
      if (req.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(req.body));
      const lib = req.url.startsWith('https:') ? https : http;
      let r: http.ClientRequest;
      try {
        r = lib.request(req.url, { method: req.method, headers, agent: this.agent, signal }, (res) =>
          resolve({ ok: true, res, reused: r.reusedSocket }),
        );
      } catch (e) {
        // node:http throws at once for a URL it cannot parse (a kubeconfig server without a scheme)
        resolve({ ok: false, cause: e, reused: false });
        return;
      }
      r.on('error', (e) => resolve({ ok: false, cause: e, reused: r.reusedSocket }));
      r.end(req.body);
    });
  }
}

function contentType(res: http.IncomingMessage): string {
  return String(res.headers['content-type'] ?? '');
}

function tooLargeMessage(req: HttpRequest, limit: number): string {
  return goUrlError(req, `response body larger than ${limit} bytes`);
}

/** The body, gunzipped when the server compressed it. */
function decoded(res: http.IncomingMessage): Readable {
  const enc = String(res.headers['content-encoding'] ?? '').toLowerCase();
  if (enc === 'gzip') return res.pipe(zlib.createGunzip());
  if (enc === 'deflate') return res.pipe(zlib.createInflate());
  return res;
}

type BodyOutcome =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly cause: unknown; readonly tooLarge?: boolean };

function readBody(res: http.IncomingMessage, limit: number): Promise<BodyOutcome> {
  return new Promise((resolve) => {
    const body = decoded(res);
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (o: BodyOutcome): void => {
      if (done) return;
      done = true;
      resolve(o);
    };
    body.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        res.destroy();
        finish({ ok: false, cause: undefined, tooLarge: true });
        return;
      }
      chunks.push(c);
    });
    body.on('end', () => finish({ ok: true, text: Buffer.concat(chunks).toString('utf8') }));
    body.on('error', (e) => finish({ ok: false, cause: e }));
    res.on('error', (e) => finish({ ok: false, cause: e }));
    res.on('close', () => {
      if (!res.complete) finish({ ok: false, cause: new Error('unexpected EOF') });
    });
  });
}

function readLines(
  res: http.IncomingMessage,
  onLine: (line: string) => boolean,
  signal: AbortSignal | undefined,
  limit: number,
): Promise<{ readonly ok: true } | { readonly ok: false; readonly cause: unknown }> {
  return new Promise((resolve) => {
    const body = decoded(res);
    let buffer = '';
    let done = false;
    const finish = (o: { ok: true } | { ok: false; cause: unknown }): void => {
      if (done) return;
      done = true;
      signal?.removeEventListener('abort', onAbort);
      resolve(o);
    };
    const onAbort = (): void => {
      res.destroy();
      finish({ ok: false, cause: new Error('context canceled') });
    };
    if (signal?.aborted === true) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    body.setEncoding('utf8');
    body.on('data', (chunk: string) => {
      buffer += chunk;
      let nl = buffer.indexOf('\n');
      while (nl >= 0 && !done) {
        const line = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        nl = buffer.indexOf('\n');
        if (line !== '' && !onLine(line)) {
          res.destroy();
          finish({ ok: true });
        }
      }
      if (buffer.length > limit) {
        res.destroy();
        finish({ ok: false, cause: new Error('watch event larger than the body limit') });
      }
    });
    body.on('end', () => finish({ ok: true }));
    body.on('error', (e) => finish({ ok: false, cause: e }));
    res.on('close', () => {
      if (!res.complete) finish({ ok: false, cause: new Error('unexpected EOF') });
    });
  });
}
