/**
 * A pass-through proxy in front of Prometheus that pins the evaluation time of instant queries.
 *
 * prometheus-adapter (for kube-controller-manager) and hpa-ts each query at their own `now`, a few
 * milliseconds to seconds apart; a rate() over a window that the load just changed in gives two
 * different answers. So the proxy evaluates every /api/v1/query of a lock-step scenario (the
 * scenario is found from the namespace or scenario label matcher in the PromQL) at one instant per
 * epoch: the epoch's apply time + `settleMs` (by then Prometheus has scraped the new values), and
 * holds a request until that instant is `commitMs` in the past (so every sample at or before it is
 * in the TSDB). Both controllers then read exactly the same data. The adapter's queries carry the
 * header `X-E2E-Client: adapter`; hpa-ts's resource-metric queries are noted for the report.
 */
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { LockstepRun } from './lockstep.js';
import { listen, type Listening } from './listen.js';
import { sleep } from './procs.js';

const NS_MATCHER = /(?:^|[{,\s])(?:kubernetes_namespace|namespace|scenario)\s*=\s*"([^"]+)"/;

export interface PromProxyStats {
  pinned: number;
  passed: number;
  held: number;
  adapterQueries: number;
  hpaTsQueries: number;
}

export class PromProxy {
  private server?: Server;
  port = 0;
  private listening: Listening | undefined;
  readonly stats: PromProxyStats = { pinned: 0, passed: 0, held: 0, adapterQueries: 0, hpaTsQueries: 0 };

  constructor(
    private readonly upstreamPort: number,
    private readonly runs: ReadonlyMap<string, LockstepRun>,
    readonly settleMs = 1500,
    readonly commitMs = 800,
  ) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.listening = await listen(this.server);
    this.port = this.listening.port;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://proxy');
    if (url.pathname === '/api/v1/query') {
      const form = req.method === 'POST' ? new URLSearchParams(body.toString('utf8')) : url.searchParams;
      const query = form.get('query') ?? '';
      const fromAdapter = req.headers['x-e2e-client'] === 'adapter';
      if (fromAdapter) this.stats.adapterQueries++;
      else this.stats.hpaTsQueries++;
      const ns = NS_MATCHER.exec(query)?.[1];
      const run = ns === undefined ? undefined : this.runs.get(ns);
      if (run !== undefined) {
        // (kcm's syncs are seen by metrics-front.ts, also those that never reach Prometheus)
        if (!fromAdapter && /container_cpu_usage_seconds_total|container_memory_working_set_bytes/.test(query))
          run.hpaTsResourceRead();
        const at = run.applyAt + this.settleMs;
        const wait = at + this.commitMs - Date.now();
        if (wait > 0) {
          this.stats.held++;
          await sleep(wait);
        }
        form.set('time', (at / 1000).toFixed(3));
        this.stats.pinned++;
        if (req.method === 'POST') body = Buffer.from(form.toString());
        else url.search = form.toString();
      } else this.stats.passed++;
    }
    const headers: Record<string, string | string[] | undefined> = {
      ...req.headers,
      host: `127.0.0.1:${this.upstreamPort}`,
      'content-length': String(body.length),
    };
    delete headers['x-e2e-client'];
    const up = httpRequest(
      { host: '127.0.0.1', port: this.upstreamPort, method: req.method, path: url.pathname + url.search, headers },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    up.on('error', (e) => {
      if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ status: 'error', errorType: 'unavailable', error: e.message }));
    });
    up.end(body);
  }

  async close(): Promise<void> {
    await this.listening?.close();
  }
}
