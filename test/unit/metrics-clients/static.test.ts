import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse as parseYaml } from 'yaml';
import { Selector, parseSelector, queryFor, type MetricSpec } from '../../../algorithms/index.js';
import { StaticMetricsClient } from '../../../metrics-clients/static/client.js';
import {
  loadStaticMetrics,
  parseStaticMetrics,
  type StaticMetricsData,
} from '../../../metrics-clients/static/format.js';

const FILE = `
epoch: 2025-01-01T00:00:00Z
resource:
  - namespace: default
    pod: web-1
    labels: {app: web}
    window: 15.5s
    containers:
      - name: app
        usage: {cpu: 250m, memory: 100Mi}
    at:
      - offset: 60s
        containers: [{name: app, usage: {cpu: 900m, memory: 120Mi}}]
  - namespace: default
    pod: db-1
    labels: {app: db}
    containers: [{name: db, usage: {cpu: "1", memory: 1Gi}}]
pods:
  - namespace: default
    metric: http_requests_qps
    pod: web-1
    labels: {app: web}
    value: 66m
    at:
      - {offset: 30s, value: 1000133m}
      - {offset: 90s, missing: true}
      - {offset: 120s, error: {kind: Unavailable, message: the server is currently unable to handle the request}}
objects:
  - namespace: default
    metric: requests-per-second
    describedObject: {apiVersion: networking.k8s.io/v1, kind: Ingress, name: main-route}
    value: 2k
external:
  - metric: queue_messages_cnt
    labels: {app: lanpangzi, queue: jobs}
    value: 30
`;

const EPOCH = Date.parse('2025-01-01T00:00:00Z');

function data(text = FILE): StaticMetricsData {
  const d = parseStaticMetrics(parseYaml(text));
  if (!d.ok) throw new Error(d.error);
  return d.value;
}

function sel(t: string): Selector {
  const s = parseSelector(t);
  if (!s.ok) throw new Error(s.error.message);
  return s.value;
}

describe('static metrics client', () => {
  it('serves resource usage per container with labels, window and the clock time', async () => {
    let now = EPOCH + 10_000;
    const c = new StaticMetricsClient(data(), () => now);
    const r = await c.getResourceMetrics({ namespace: 'default', podSelector: sel('app=web') });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toHaveLength(1);
    expect(r.value[0]).toMatchObject({
      pod: 'web-1',
      labels: { app: 'web' },
      windowSeconds: 15.5,
      timestamp: EPOCH + 10_000,
    });
    expect(r.value[0].containers[0].usage.cpu.toString()).toBe('250m');
    now = EPOCH + 61_000;
    const later = await c.getResourceMetrics({ namespace: 'default', podSelector: sel('app=web') });
    expect(later.ok && later.value[0].containers[0].usage.cpu.toString()).toBe('900m');
  });

  it('steps pods values over time: value, later value, missing, failure', async () => {
    let now = EPOCH;
    const c = new StaticMetricsClient(data(), () => now);
    const q = {
      namespace: 'default',
      metricName: 'http_requests_qps',
      podSelector: sel('app=web'),
      metricSelector: Selector.everything(),
    };
    const at = async (s: number): Promise<unknown> => {
      now = EPOCH + s * 1000;
      const r = await c.getPodsMetric(q);
      return r.ok ? r.value.map((v) => `${v.pod}=${v.value.toString()}`) : r.error.kind;
    };
    expect(await at(0)).toEqual(['web-1=66m']);
    expect(await at(30)).toEqual(['web-1=1000133m']);
    expect(await at(90)).toEqual([]);
    expect(await at(121)).toBe('Unavailable');
  });

  it('repeats offsets with loop', async () => {
    let now = EPOCH + 70_000;
    const d = data(
      `epoch: 2025-01-01T00:00:00Z\nloop: 60s\npods:\n  - {namespace: n, metric: m, pod: p, value: "1", at: [{offset: 30s, value: "2"}]}\n`,
    );
    const c = new StaticMetricsClient(d, () => now);
    const q = {
      namespace: 'n',
      metricName: 'm',
      podSelector: Selector.everything(),
      metricSelector: Selector.everything(),
    };
    let r = await c.getPodsMetric(q);
    expect(r.ok && r.value[0].value.toString()).toBe('1');
    now = EPOCH + 95_000;
    r = await c.getPodsMetric(q);
    expect(r.ok && r.value[0].value.toString()).toBe('2');
  });

  it('offsets count from the client start when there is no epoch', async () => {
    let now = 1_000_000;
    const c = new StaticMetricsClient(
      data('pods:\n  - {namespace: n, metric: m, pod: p, value: "1", at: [{offset: 5s, value: "2"}]}\n'),
      () => now,
    );
    now += 5_000;
    const r = await c.getPodsMetric({
      namespace: 'n',
      metricName: 'm',
      podSelector: Selector.everything(),
      metricSelector: Selector.everything(),
    });
    expect(r.ok && r.value[0].value.toString()).toBe('2');
  });

  it("answers unknown metrics with NotFound in the adapters' wording", async () => {
    const c = new StaticMetricsClient(data(), () => EPOCH);
    const r = await c.getPodsMetric({
      namespace: 'default',
      metricName: 'nope',
      podSelector: Selector.everything(),
      metricSelector: Selector.everything(),
    });
    expect(r).toEqual({
      ok: false,
      error: {
        kind: 'NotFound',
        api: 'custom',
        path: 'static:pods/default/nope',
        status: 404,
        message: 'the server could not find the metric nope for pods',
      },
    });
    const o = await c.getObjectMetric({
      namespace: 'default',
      metricName: 'requests-per-second',
      describedObject: { kind: 'Ingress', name: 'other', apiVersion: 'networking.k8s.io/v1' },
      metricSelector: Selector.everything(),
    });
    expect(!o.ok && o.error.message).toBe(
      'the server could not find the metric requests-per-second for ingresses.networking.k8s.io other',
    );
  });

  it('matches object and external series by kind, name and labels', async () => {
    const c = new StaticMetricsClient(data(), () => EPOCH);
    const o = await c.getObjectMetric({
      namespace: 'default',
      metricName: 'requests-per-second',
      describedObject: { kind: 'Ingress', name: 'main-route', apiVersion: 'networking.k8s.io/v1' },
      metricSelector: Selector.everything(),
    });
    expect(o.ok && o.value.map((v) => v.value.toString())).toEqual(['2k']);
    const e = await c.getExternalMetric({
      namespace: 'anywhere',
      metricName: 'queue_messages_cnt',
      metricSelector: sel('app=lanpangzi'),
    });
    expect(e.ok && e.value.map((v) => [v.value.toString(), v.labels])).toEqual([
      ['30', { app: 'lanpangzi', queue: 'jobs' }],
    ]);
    const none = await c.getExternalMetric({
      namespace: 'x',
      metricName: 'queue_messages_cnt',
      metricSelector: sel('app=other'),
    });
    expect(none).toEqual({ ok: true, value: [] });
  });

  it('reports bad files with the file and the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'static-'));
    const file = join(dir, 'm.yaml');
    writeFileSync(file, 'pods:\n  - {namespace: n, metric: m, pod: p, value: lots}\n');
    expect(loadStaticMetrics(file)).toEqual({
      ok: false,
      error: expect.stringContaining(`${file}: pods[0].value: quantities must match`) as unknown as string,
    });
    writeFileSync(file, 'pods:\n  - {namespace: n, metric: m, pod: p, value: 1, at: [{value: 2}]}\n');
    expect(loadStaticMetrics(file)).toEqual({
      ok: false,
      error: `${file}: pods[0].at[0]: needs exactly one of offset (e.g. 30s) or time (RFC 3339)`,
    });
    writeFileSync(file, 'podz: []\n');
    expect(loadStaticMetrics(file)).toEqual({
      ok: false,
      error: expect.stringContaining('podz: unknown field') as unknown as string,
    });
  });
});

// Issue 13 item 7: `run` and `explain` build their queries with queryFor (through planReconcile),
// where an absent metric.selector used to become "match nothing" and hide every series; `metrics
// get` parses "" (everything), so it worked with the same file.
describe('static metrics client, queried as run and explain query it', () => {
  const c = new StaticMetricsClient(data(), () => EPOCH);
  const target = { type: 'Value', value: '1' } as const;
  const ask = async (spec: MetricSpec): Promise<unknown> => {
    const q = queryFor(spec, 'default', sel('app=web'));
    const r =
      q.kind === 'pods'
        ? await c.getPodsMetric(q)
        : q.kind === 'object'
          ? await c.getObjectMetric(q)
          : q.kind === 'external'
            ? await c.getExternalMetric(q)
            : undefined;
    return r?.ok === true ? r.value.map((v) => v.value.toString()) : r;
  };

  it('a Pods metric without metric.selector gets every series of the selected pods', async () => {
    const spec: MetricSpec = {
      type: 'Pods',
      pods: { metric: { name: 'http_requests_qps' }, target: { type: 'AverageValue', averageValue: '1' } },
    };
    expect(await ask(spec)).toEqual(['66m']);
  });

  it('an Object metric without metric.selector gets its series', async () => {
    const spec: MetricSpec = {
      type: 'Object',
      object: {
        metric: { name: 'requests-per-second' },
        describedObject: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'main-route' },
        target,
      },
    };
    expect(await ask(spec)).toEqual(['2k']);
  });

  it('an External metric without metric.selector (absent or null) gets every series', async () => {
    for (const selector of [undefined, null]) {
      const spec: MetricSpec = {
        type: 'External',
        external: { metric: { name: 'queue_messages_cnt', ...(selector === null ? { selector } : {}) }, target },
      };
      expect(await ask(spec)).toEqual(['30']);
    }
  });

  it('a metric.selector that is given still filters', async () => {
    const spec: MetricSpec = {
      type: 'External',
      external: { metric: { name: 'queue_messages_cnt', selector: { matchLabels: { app: 'other' } } }, target },
    };
    expect(await ask(spec)).toEqual([]);
  });
});
