/**
 * The Prometheus HTTP API as prometheus-adapter calls it (pkg/client/api.go): `/api/v1/series`
 * with `match[]` and `start`, `/api/v1/query` with `query` and `time` (url.Values.Encode, so keys
 * sorted), the base URL's path kept as a prefix. Authentication as the adapter's flags allow:
 * bearer token file (re-read when it changes), basic auth with a password file, CA file, client
 * certificate and key, and skip-verify. A query string longer than `postThreshold` goes as a POST
 * form, which Prometheus accepts on both endpoints and which avoids the 414s of adapter issue #668.
 */
import { readFileSync, statSync } from 'node:fs';
import { type MetricsApiErrorKind, type Result, err, ok } from '../../algorithms/index.js';
import * as d from '../shared/decode.js';
import { kindForStatus } from '../shared/errors.js';
import { HttpClient, TransportFailure, createAgent, goEncodeQuery } from '../../transport/index.js';
import type { RequestObserver } from '../shared/observe.js';
import type { Series } from './namer.js';

export interface PrometheusConnectionOptions {
  /** e.g. http://prometheus.monitoring.svc:9090 (a path prefix is kept) */
  readonly url: string;
  readonly timeoutMs?: number;
  /** GET, POST, or auto: GET unless the query string exceeds postThreshold (default 4096 bytes) */
  readonly method?: 'GET' | 'POST' | 'auto';
  readonly postThreshold?: number;
  readonly bearerTokenFile?: string;
  readonly basicAuth?: { readonly username: string; readonly passwordFile: string };
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly insecureSkipTlsVerify?: boolean;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface PromFailure {
  readonly kind: MetricsApiErrorKind;
  readonly status?: number;
  readonly message: string;
}

export interface PromSample {
  readonly labels: Readonly<Record<string, string>>;
  /** sample time, epoch ms */
  readonly timestamp: number;
  /** the float as Prometheus printed it ("0.066", "NaN", "+Inf") and its value */
  readonly text: string;
  readonly value: number;
}

export type PromQueryResult =
  | { readonly resultType: 'vector'; readonly samples: readonly PromSample[] }
  | { readonly resultType: 'scalar'; readonly sample: PromSample }
  | { readonly resultType: 'matrix' | 'string' };

/** errorType of a Prometheus error body → our kind */
const ERROR_KINDS: Readonly<Record<string, MetricsApiErrorKind>> = {
  bad_data: 'Malformed',
  timeout: 'Timeout',
  canceled: 'Timeout',
  execution: 'Internal',
  unavailable: 'Unavailable',
  not_found: 'NotFound',
  internal: 'Internal',
};

/** A request that got no answer → our kind (a timeout stays a timeout, a refused connection is unavailability) */
const FAILURE_KINDS: Readonly<Record<TransportFailure, MetricsApiErrorKind>> = {
  [TransportFailure.Timeout]: 'Timeout',
  [TransportFailure.Cancelled]: 'Timeout',
  [TransportFailure.Network]: 'Unavailable',
  [TransportFailure.TooLarge]: 'Malformed',
};

/** model.Time's String(): seconds with up to 3 decimals (strconv.FormatFloat(f, 'f', -1, 64) of whole ms). */
export function formatPromTime(ms: number): string {
  const t = Math.round(ms);
  const whole = Math.trunc(t / 1000);
  const frac = Math.abs(t - whole * 1000);
  if (frac === 0) return String(whole);
  const sign = t < 0 && whole === 0 ? '-' : '';
  return `${sign}${whole}.${String(frac).padStart(3, '0').replace(/0+$/, '')}`;
}

function readFile(path: string, what: string): Result<Buffer, string> {
  try {
    return ok(readFileSync(path));
  } catch (e) {
    return err(`unable to read ${what} ${path}: ${(e as Error).message}`);
  }
}

/** A Prometheus float as printed in JSON: decimal text, NaN, +Inf, -Inf. Anything else is malformed. */
export function parsePromFloat(text: string): number | undefined {
  if (text === 'NaN') return Number.NaN;
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (!/^[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$/.test(text)) return undefined;
  return Number(text);
}

function sample(v: unknown, at: string, labels: Readonly<Record<string, string>>): PromSample {
  const pair = d.array(v, at);
  if (pair.length !== 2 || typeof pair[0] !== 'number' || !Number.isFinite(pair[0]) || typeof pair[1] !== 'string') {
    d.fail(at, 'expected [<unix time>, "<value>"]');
  }
  const text = pair[1] as string;
  const value = parsePromFloat(text);
  if (value === undefined) d.fail(at, `invalid sample value ${JSON.stringify(text)}`);
  return { labels, timestamp: Math.round((pair[0] as number) * 1000), text, value };
}

/**
 * A Prometheus API answer (status code and body text) → its `data`, or the failure it reports.
 * Never throws: any body, any code, is a value or a PromFailure (test/faults fuzzes it).
 */
export function decodePromBody(code: number, text: string): Result<unknown, PromFailure> {
  // codes other than 2xx, 400, 422 and 503 carry no API body
  if (Math.floor(code / 100) !== 2 && code !== 400 && code !== 422 && code !== 503) {
    return err({ kind: kindForStatus(code), status: code, message: `bad_response: unknown response code ${code}` });
  }
  let body: d.Json;
  try {
    body = d.object(d.parseJson(text), '');
  } catch (e) {
    return err({
      kind: code === 503 ? 'Unavailable' : 'Malformed',
      status: code,
      message: `bad_response: ${(e as Error).message}`,
    });
  }
  if (body.status === 'error') {
    const type = typeof body.errorType === 'string' ? body.errorType : 'error';
    const text = typeof body.error === 'string' ? body.error : '';
    return err({
      kind: ERROR_KINDS[type] ?? (code === 503 ? 'Unavailable' : 'Internal'),
      status: code,
      message: `${type}: ${text}`,
    });
  }
  if (body.status !== 'success')
    return err({
      kind: 'Malformed',
      status: code,
      message: `bad_response: unexpected status ${JSON.stringify(body.status)}`,
    });
  return ok(body.data);
}

/** The `data` of a /api/v1/query answer → an instant vector or scalar; anything else is Malformed. */
export function decodePromQueryData(data: unknown): Result<PromQueryResult, PromFailure> {
  try {
    const o = d.object(data, 'data');
    const type = o.resultType;
    if (type === 'vector') {
      const samples = d.array(o.result, 'data.result').map((r, i) => {
        const item = d.object(r, `data.result[${i}]`);
        return sample(item.value, `data.result[${i}].value`, d.stringMap(item.metric, `data.result[${i}].metric`));
      });
      return ok({ resultType: 'vector', samples });
    }
    if (type === 'scalar') return ok({ resultType: 'scalar', sample: sample(o.result, 'data.result', {}) });
    if (type === 'matrix' || type === 'string') return ok({ resultType: type });
    return err({ kind: 'Malformed', message: `bad_response: unknown resultType ${JSON.stringify(type)}` });
  } catch (e) {
    return err({ kind: 'Malformed', message: `bad_response: ${(e as Error).message}` });
  }
}

/** One series of a range query's matrix: its labels and its samples in time order. */
export interface PromRangeSeries {
  readonly labels: Readonly<Record<string, string>>;
  readonly samples: readonly PromSample[];
}

/** The `data` of a /api/v1/query_range answer → its matrix; anything else is Malformed. */
export function decodePromMatrixData(data: unknown): Result<readonly PromRangeSeries[], PromFailure> {
  try {
    const o = d.object(data, 'data');
    if (o.resultType !== 'matrix')
      return err({
        kind: 'Malformed',
        message: `bad_response: expected a matrix, got ${JSON.stringify(o.resultType)}`,
      });
    return ok(
      d.array(o.result, 'data.result').map((r, i) => {
        const item = d.object(r, `data.result[${i}]`);
        const labels = d.stringMap(item.metric, `data.result[${i}].metric`);
        const values = d.array(item.values, `data.result[${i}].values`);
        return { labels, samples: values.map((v, k) => sample(v, `data.result[${i}].values[${k}]`, labels)) };
      }),
    );
  } catch (e) {
    return err({ kind: 'Malformed', message: `bad_response: ${(e as Error).message}` });
  }
}

/**
 * What the adapter engine asks of Prometheus: series discovery and instant queries. PrometheusApi
 * answers over HTTP; the simulator answers from its Tsdb in process.
 */
export interface PrometheusQueryApi {
  /** /api/v1/series?match[]=…&start=…: each series' name and label names. */
  series(match: string, startMs: number, signal?: AbortSignal): Promise<Result<Series[], PromFailure>>;
  /** /api/v1/query?query=…&time=…: an instant vector or scalar. */
  query(promql: string, timeMs: number, signal?: AbortSignal): Promise<Result<PromQueryResult, PromFailure>>;
  close(): void;
}

export class PrometheusApi implements PrometheusQueryApi {
  private token: { key: string; value: string } | undefined;

  private constructor(
    private readonly base: string,
    private readonly transport: HttpClient,
    private readonly opts: PrometheusConnectionOptions,
    private readonly basic: string | undefined,
    private readonly now: () => number,
    private readonly onRequest: RequestObserver | undefined,
  ) {}

  /** Reads the TLS and password files once; errors name the file. */
  static create(
    opts: PrometheusConnectionOptions,
    now: () => number,
    onRequest?: RequestObserver,
  ): Result<PrometheusApi, string> {
    let url: URL;
    try {
      url = new URL(opts.url);
    } catch {
      return err(
        `prometheus url ${JSON.stringify(opts.url)} is not a valid URL (expected e.g. http://prometheus:9090)`,
      );
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      return err(`prometheus url ${JSON.stringify(opts.url)}: only http and https are supported`);
    const tls: { ca?: Buffer; cert?: Buffer; key?: Buffer; rejectUnauthorized?: boolean } = {};
    for (const [field, file, what] of [
      ['ca', opts.caFile, 'CA file'],
      ['cert', opts.certFile, 'client certificate file'],
      ['key', opts.keyFile, 'client key file'],
    ] as const) {
      if (file === undefined || file === '') continue;
      const content = readFile(file, what);
      if (!content.ok) return content;
      tls[field] = content.value;
    }
    if ((tls.cert === undefined) !== (tls.key === undefined))
      return err('a client certificate needs both certFile and keyFile');
    if (opts.insecureSkipTlsVerify === true) tls.rejectUnauthorized = false;
    let basic: string | undefined;
    if (opts.basicAuth !== undefined) {
      const pw = readFile(opts.basicAuth.passwordFile, 'basic auth password file');
      if (!pw.ok) return pw;
      basic = `Basic ${Buffer.from(`${opts.basicAuth.username}:${pw.value.toString('utf8').trim()}`).toString('base64')}`;
    }
    if (opts.bearerTokenFile !== undefined && opts.bearerTokenFile !== '') {
      const t = readFile(opts.bearerTokenFile, 'bearer token file');
      if (!t.ok) return t;
    }
    const base = url.toString().replace(/\/+$/, '');
    return ok(new PrometheusApi(base, new HttpClient(createAgent(base, { tls })), opts, basic, now, onRequest));
  }

  close(): void {
    this.transport.close();
  }

  /** The token file's content, re-read whenever its size or mtime changes (rotated service account tokens). */
  private bearer(): Result<string | undefined, string> {
    const file = this.opts.bearerTokenFile;
    if (file === undefined || file === '') return ok(undefined);
    try {
      const st = statSync(file);
      const key = `${st.mtimeMs}:${st.size}`;
      if (this.token?.key !== key) this.token = { key, value: readFileSync(file, 'utf8').trim() };
      return ok(this.token.value);
    } catch (e) {
      return err(`unable to read bearer token file ${file}: ${(e as Error).message}`);
    }
  }

  private async call(
    endpoint: string,
    params: ReadonlyArray<readonly [string, string]>,
    promql: string | undefined,
    signal?: AbortSignal,
  ): Promise<Result<unknown, PromFailure>> {
    const qs = goEncodeQuery(params);
    const method =
      this.opts.method === 'POST' || (this.opts.method !== 'GET' && qs.length > (this.opts.postThreshold ?? 4096))
        ? 'POST'
        : 'GET';
    const headers: Record<string, string> = { Accept: 'application/json', ...this.opts.headers };
    const token = this.bearer();
    if (!token.ok) return err({ kind: 'Unauthorized', message: token.error });
    if (token.value !== undefined) headers.Authorization = `Bearer ${token.value}`;
    else if (this.basic !== undefined) headers.Authorization = this.basic;
    if (method === 'POST') headers['Content-Type'] = 'application/x-www-form-urlencoded';
    const started = this.now();
    const out = await this.transport.send({
      method,
      url: method === 'GET' ? `${this.base}${endpoint}?${qs}` : `${this.base}${endpoint}`,
      headers,
      body: method === 'POST' ? qs : undefined,
      signal,
      timeoutMs: this.opts.timeoutMs ?? 10_000,
    });
    const path = method === 'GET' ? `${endpoint}?${qs}` : endpoint;
    this.onRequest?.({
      api: 'prometheus',
      method,
      path,
      query: promql,
      status: out.ok ? out.status : 0,
      durationMs: this.now() - started,
    });
    if (!out.ok) return err({ kind: FAILURE_KINDS[out.failure], message: out.message });
    return decodePromBody(out.status, out.text);
  }

  /** GET /api/v1/series?match[]=…&start=…: each series' name and label names. */
  async series(match: string, startMs: number, signal?: AbortSignal): Promise<Result<Series[], PromFailure>> {
    const data = await this.call(
      '/api/v1/series',
      [
        ['match[]', match],
        ['start', formatPromTime(startMs)],
      ],
      undefined,
      signal,
    );
    if (!data.ok) return data;
    try {
      return ok(
        d.array(data.value, 'data').map((s, i) => {
          const labels = d.stringMap(d.object(s, `data[${i}]`), `data[${i}]`);
          return { name: labels.__name__ ?? '', labels: Object.keys(labels).filter((k) => k !== '__name__') };
        }),
      );
    } catch (e) {
      return err({ kind: 'Malformed', message: `bad_response: ${(e as Error).message}` });
    }
  }

  /** GET /api/v1/query?query=…&time=…: an instant vector or scalar. */
  async query(promql: string, timeMs: number, signal?: AbortSignal): Promise<Result<PromQueryResult, PromFailure>> {
    const data = await this.call(
      '/api/v1/query',
      [
        ['query', promql],
        ['time', formatPromTime(timeMs)],
      ],
      promql,
      signal,
    );
    return data.ok ? decodePromQueryData(data.value) : data;
  }

  /** GET /api/v1/query_range?query=…&start=…&end=…&step=…: a matrix (`hpa-ts replay --prometheus-url`). */
  async queryRange(
    promql: string,
    range: { readonly startMs: number; readonly endMs: number; readonly stepMs: number },
    signal?: AbortSignal,
  ): Promise<Result<readonly PromRangeSeries[], PromFailure>> {
    const data = await this.call(
      '/api/v1/query_range',
      [
        ['query', promql],
        ['start', formatPromTime(range.startMs)],
        ['end', formatPromTime(range.endMs)],
        ['step', formatPromTime(range.stepMs)],
      ],
      promql,
      signal,
    );
    return data.ok ? decodePromMatrixData(data.value) : data;
  }
}
