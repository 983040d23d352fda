/**
 * The Prometheus HTTP API over the simulator's Tsdb, on its own port: /api/v1/query,
 * /api/v1/query_range, /api/v1/series, /api/v1/labels, /api/v1/label/<name>/values (GET, or POST
 * with a form body, as Prometheus accepts), answering with Prometheus' response shapes. Enough for
 * prometheus-adapter — and for hpa-ts' own `prometheus` metrics client with the seed rule files.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseInstant } from '../../algorithms/index.js';
import { evaluate, type QueryValue } from './promql/eval.js';
import type { Tsdb } from './tsdb.js';
import { formatPromValue, seriesInRange } from './tsdb-api.js';

function parseTime(text: string | null, fallback: number): number | undefined {
  if (text === null || text === '') return fallback;
  if (/^-?\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const t = parseInstant(text);
  return Number.isNaN(t) ? undefined : t;
}

function resultJson(v: QueryValue, t: number): unknown {
  const ts = t / 1000;
  switch (v.resultType) {
    case 'scalar':
      return { resultType: 'scalar', result: [ts, formatPromValue(v.value)] };
    case 'vector':
      return {
        resultType: 'vector',
        result: v.samples.map((s) => ({ metric: s.labels, value: [ts, formatPromValue(s.value)] })),
      };
    case 'matrix':
      return {
        resultType: 'matrix',
        result: v.series.map((s) => ({
          metric: s.labels,
          values: s.points.map((p) => [p.t / 1000, formatPromValue(p.v)]),
        })),
      };
  }
}

export interface PrometheusServerHandle {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

async function params(req: IncomingMessage, url: URL): Promise<URLSearchParams> {
  const out = new URLSearchParams(url.searchParams);
  if (req.method === 'POST') {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    for (const [k, v] of new URLSearchParams(Buffer.concat(chunks).toString('utf8'))) out.append(k, v);
  }
  return out;
}

/** The request handler (exported for in-process tests). */
export function prometheusHandler(db: Tsdb, now: () => number): (req: IncomingMessage, res: ServerResponse) => void {
  const send = (res: ServerResponse, code: number, body: unknown): void => {
    res.writeHead(code, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const bad = (res: ServerResponse, error: string, errorType = 'bad_data', code = 400): void =>
    send(res, code, { status: 'error', errorType, error });
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://prometheus');
    void params(req, url).then((p) => {
      const path = url.pathname;
      if (path === '/-/ready' || path === '/-/healthy') {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end('Prometheus Server is Ready.\n');
        return;
      }
      if (path === '/api/v1/query') {
        const t = parseTime(p.get('time'), now());
        if (t === undefined)
          return bad(
            res,
            `invalid parameter "time": cannot parse ${JSON.stringify(p.get('time'))} to a valid timestamp`,
          );
        const q = p.get('query') ?? '';
        const r = evaluate(db, q, t);
        if (!r.ok) return bad(res, `invalid parameter "query": ${r.error}`);
        return send(res, 200, { status: 'success', data: resultJson(r.value, t) });
      }
      if (path === '/api/v1/query_range') {
        const start = parseTime(p.get('start'), Number.NaN);
        const end = parseTime(p.get('end'), Number.NaN);
        const step = Number(p.get('step') ?? '');
        if (start === undefined || end === undefined || Number.isNaN(start) || Number.isNaN(end) || !(step > 0)) {
          return bad(res, 'invalid parameters: start, end and a positive step are required');
        }
        if ((end - start) / (step * 1000) > 11_000)
          return bad(res, 'exceeded maximum resolution of 11,000 points per timeseries');
        const series = new Map<string, { metric: Record<string, string>; values: [number, string][] }>();
        for (let t = start; t <= end; t += step * 1000) {
          const r = evaluate(db, p.get('query') ?? '', t);
          if (!r.ok) return bad(res, `invalid parameter "query": ${r.error}`);
          const samples =
            r.value.resultType === 'vector'
              ? r.value.samples
              : r.value.resultType === 'scalar'
                ? [{ labels: {}, value: r.value.value }]
                : [];
          for (const s of samples) {
            const key = JSON.stringify(s.labels);
            let e = series.get(key);
            if (e === undefined) series.set(key, (e = { metric: { ...s.labels }, values: [] }));
            e.values.push([t / 1000, formatPromValue(s.value)]);
          }
        }
        return send(res, 200, { status: 'success', data: { resultType: 'matrix', result: [...series.values()] } });
      }
      if (path === '/api/v1/series' || path === '/api/v1/labels' || path.startsWith('/api/v1/label/')) {
        const start = parseTime(p.get('start'), Number.NEGATIVE_INFINITY) ?? Number.NEGATIVE_INFINITY;
        const end = parseTime(p.get('end'), now()) ?? now();
        const matches = p.getAll('match[]');
        if (path === '/api/v1/series' && matches.length === 0) return bad(res, 'no match[] parameter provided');
        const listed = seriesInRange(db, matches.length === 0 ? ['{__name__=~".+"}'] : matches, start, end);
        if (!listed.ok) return bad(res, listed.error);
        const found = listed.value;
        if (path === '/api/v1/series') return send(res, 200, { status: 'success', data: [...found.values()] });
        if (path === '/api/v1/labels') {
          const names = new Set<string>();
          for (const l of found.values()) for (const k of Object.keys(l)) names.add(k);
          return send(res, 200, { status: 'success', data: [...names].sort() });
        }
        const name = decodeURIComponent(path.slice('/api/v1/label/'.length).replace(/\/values$/, ''));
        const values = new Set<string>();
        for (const l of found.values()) if (l[name] !== undefined) values.add(l[name]);
        return send(res, 200, { status: 'success', data: [...values].sort() });
      }
      return bad(res, `unknown path ${path}`, 'not_found', 404);
    });
  };
}

/** Serves the API on 127.0.0.1:`port` (0 = any free port). */
export async function startPrometheusServer(
  db: Tsdb,
  now: () => number,
  port = 0,
  host = '127.0.0.1',
): Promise<PrometheusServerHandle> {
  const server: Server = createServer(prometheusHandler(db, now));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${actual}`,
    port: actual,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
