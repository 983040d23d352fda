/**
 * `hpa-ts replay --prometheus-url`: the prometheus-adapter rule engine run at each step of a past
 * range, against a test double that speaks Prometheus's HTTP API (/api/v1/series and
 * /api/v1/query_range, matrices as Prometheus returns them).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replay } from '../../../app/replay-command.js';
import { promSeries, startServer, type FakeServer, type Recorded } from '../metrics-clients/fakes.js';
import { ROOT } from './cli-process.js';

const FROM = Date.parse('2025-03-01T10:00:00Z');
const RULES = join(ROOT, 'manifests/examples/seed-000/adapter/adapter-rules.yaml');
const HPA = `
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: default}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 1
  maxReplicas: 10
  metrics:
    - type: Pods
      pods:
        metric: {name: http_requests_qps}
        target: {type: AverageValue, averageValue: "50"}
`;

/** Two pods at 100 requests per second each for two minutes, then 10 each. */
function matrix(req: Recorded): object {
  const q = req.query.get('query') ?? '';
  const start = Number(req.query.get('start'));
  const end = Number(req.query.get('end'));
  const step = Number(req.query.get('step'));
  const named = /kubernetes_pod=~?"([^"]*)"/.exec(q);
  const pods = q.includes('kubernetes_pod!=""') ? ['web-a', 'web-b'] : (named?.[1].split('|') ?? []);
  const values: [number, string][] = [];
  for (let t = start; t <= end; t += step) values.push([t, t - start < 120 ? '100' : '10']);
  return {
    status: 'success',
    data: { resultType: 'matrix', result: pods.map((p) => ({ metric: { kubernetes_pod: p }, values })) },
  };
}

let prom: FakeServer;
const dir = mkdtempSync(join(tmpdir(), 'hpa-ts-replay-prom-'));
const hpaFile = join(dir, 'hpa.yaml');

beforeAll(async () => {
  writeFileSync(hpaFile, HPA);
  prom = await startServer((req) => {
    if (req.path === '/api/v1/series')
      return {
        body: promSeries([
          { __name__: 'http_requests_total', kubernetes_namespace: 'default', kubernetes_pod: 'web-a' },
          { __name__: 'http_requests_total', kubernetes_namespace: 'default', kubernetes_pod: 'web-b' },
        ]),
      };
    if (req.path === '/api/v1/query_range') return { body: matrix(req) };
    return undefined;
  });
});
afterAll(async () => {
  await prom.close();
  rmSync(dir, { recursive: true, force: true });
});

async function run(flags: Record<string, string>): Promise<{ code: number; out: string; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await replay(
    flags,
    (s) => out.push(s),
    (s) => err.push(s),
  );
  return { code, out: out.join('\n'), err };
}

describe('replay from Prometheus', () => {
  it("replays the rule's query_range answers: 2 pods at 100 against 50 scale to 4, which then share the load", async () => {
    const r = await run({
      hpa: hpaFile,
      prometheusUrl: prom.url,
      adapterConfig: RULES,
      from: new Date(FROM).toISOString(),
      to: new Date(FROM + 180_000).toISOString(),
      step: '15s',
      output: 'json',
    });
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    const v = (
      JSON.parse(r.out) as {
        variants: { replicas: number[]; timeline: { t: number; metrics: { value: string }[] }[] }[];
      }
    ).variants[0];
    expect(v.replicas).toEqual([2, 4]);
    // the recorded total (200) shared by the replay's 4 pods is the target: no further scaling
    const during = v.timeline.filter((s) => s.t >= 15 && s.t < 120).map((s) => s.metrics[0].value);
    expect(during.length).toBeGreaterThan(0);
    expect(new Set(during)).toEqual(new Set(['50']));
    // after two minutes the pods report 10 each; the default 5-minute scale-down window holds 4
    expect(v.timeline[v.timeline.length - 1].metrics[0].value).toBe('5');
    // the adapter rule's PromQL, sent as query_range over the range, never as an instant query
    const ranges = prom.requests.filter((q) => q.path === '/api/v1/query_range');
    expect(prom.requests.filter((q) => q.path === '/api/v1/query')).toEqual([]);
    expect(ranges.map((q) => q.query.get('query'))).toEqual(
      expect.arrayContaining([
        'sum(rate(http_requests_total{kubernetes_namespace="default",kubernetes_pod!=""}[30s])) by (kubernetes_pod)',
        'sum(rate(http_requests_total{kubernetes_namespace="default",kubernetes_pod=~"web-a|web-b"}[30s])) by (kubernetes_pod)',
      ]),
    );
    for (const q of ranges) {
      expect(q.query.get('start')).toBe(String(FROM / 1000));
      expect(q.query.get('end')).toBe(String(FROM / 1000 + 180));
      expect(q.query.get('step')).toBe('15');
    }
    // one range query per distinct PromQL
    expect(new Set(ranges.map((q) => q.query.get('query'))).size).toBe(ranges.length);
  });

  it('names the flag of a bad range, and stops with exit 1 when Prometheus fails', async () => {
    const base = { hpa: hpaFile, prometheusUrl: prom.url, adapterConfig: RULES };
    expect(await run({ ...base, from: 'yesterday', to: '2025-03-01T10:00:00Z' })).toMatchObject({
      code: 2,
      err: ['error: --from "yesterday" is not an RFC 3339 time'],
    });
    // a local time without a zone (Date.parse would read it in the machine's zone)
    expect(await run({ ...base, from: '2025-03-01T09:00:00Z', to: '2025-03-01 10:00' })).toMatchObject({
      code: 2,
      err: ['error: --to "2025-03-01 10:00" is not an RFC 3339 time'],
    });
    expect(await run({ ...base, from: '2025-03-01T10:00:00Z', to: '2025-03-01T09:00:00Z' })).toMatchObject({
      code: 2,
      err: ['error: --to 2025-03-01T09:00:00Z must be after --from 2025-03-01T10:00:00Z'],
    });
    const down = await startServer(() => ({
      status: 503,
      body: { status: 'error', errorType: 'unavailable', error: 'down' },
    }));
    try {
      const r = await run({
        ...base,
        prometheusUrl: down.url,
        from: '2025-03-01T10:00:00Z',
        to: '2025-03-01T10:01:00Z',
      });
      expect(r.code).toBe(1);
      expect(r.err).toHaveLength(1);
      expect(r.err[0]).toMatch(/^error: http:\/\/127\.0\.0\.1:\d+: .*unavailable: down/);
    } finally {
      await down.close();
    }
  });
});
