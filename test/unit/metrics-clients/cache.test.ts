import { describe, expect, it } from '@jest/globals';
import {
  type MetricsResult,
  type PodResourceUsage,
  Quantity,
  Selector,
  parseSelector,
} from '../../../algorithms/index.js';
import { CachingMetricsClient } from '../../../metrics-clients/cache.js';
import type { MetricsClient } from '../../../metrics-clients/port.js';

function sel(t: string): Selector {
  const s = parseSelector(t);
  if (!s.ok) throw new Error(s.error.message);
  return s.value;
}

function pod(name: string, app: string | undefined): PodResourceUsage {
  return {
    pod: name,
    namespace: 'ns',
    ...(app === undefined ? {} : { labels: { app } }),
    timestamp: 0,
    windowSeconds: 30,
    containers: [{ name: 'c', usage: { cpu: Quantity.parse('100m') } }],
  };
}

/** A fake port that counts calls and answers one event-loop turn later (so concurrent callers overlap). */
class Fake implements MetricsClient {
  calls: string[] = [];
  labelled = true;
  invalidated = 0;
  async getResourceMetrics(q: { namespace: string; podSelector: Selector }): Promise<MetricsResult<PodResourceUsage>> {
    this.calls.push(`resource ${q.namespace} ${q.podSelector.toString()}`);
    await new Promise((r) => setImmediate(r));
    const all = [
      pod('a1', this.labelled ? 'a' : undefined),
      pod('b1', this.labelled ? 'b' : undefined),
      pod('a2', this.labelled ? 'a' : undefined),
    ];
    return {
      ok: true,
      value: this.labelled
        ? all
        : all.filter((p) => q.podSelector.isEmpty() || p.pod.startsWith(q.podSelector.toString().slice(4))),
    };
  }
  async getPodsMetric(q: { metricName: string }): Promise<MetricsResult<never>> {
    this.calls.push(`pods ${q.metricName}`);
    await new Promise((r) => setImmediate(r));
    return { ok: true, value: [] };
  }
  async getObjectMetric(): Promise<MetricsResult<never>> {
    this.calls.push('object');
    return { ok: true, value: [] };
  }
  async getExternalMetric(): Promise<MetricsResult<never>> {
    this.calls.push('external');
    return { ok: false, error: { kind: 'Unavailable', api: 'external', path: '/x', message: 'down' } };
  }
  invalidate(): void {
    this.invalidated++;
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

describe('caching metrics client', () => {
  it('fetches resource metrics once per namespace and sync period, filtering by labels locally', async () => {
    const inner = new Fake();
    let now = 0;
    const c = new CachingMetricsClient(inner, {}, () => now);
    const [a, b] = await Promise.all([
      c.getResourceMetrics({ namespace: 'ns', podSelector: sel('app=a') }),
      c.getResourceMetrics({ namespace: 'ns', podSelector: sel('app=b') }),
    ]);
    expect(a.ok && a.value.map((p) => p.pod)).toEqual(['a1', 'a2']);
    expect(b.ok && b.value.map((p) => p.pod)).toEqual(['b1']);
    const again = await c.getResourceMetrics({ namespace: 'ns', podSelector: sel('app in (a,b)') });
    expect(again.ok && again.value.map((p) => p.pod)).toEqual(['a1', 'b1', 'a2']);
    expect(inner.calls).toEqual(['resource ns ']);
    expect(c.stats()).toMatchObject({
      requests: { resource: 1 },
      misses: { resource: 1 },
      inflightJoins: { resource: 1 },
      hits: { resource: 1 },
    });
    now = 15_000; // next sync period
    await c.getResourceMetrics({ namespace: 'ns', podSelector: sel('app=a') });
    expect(inner.calls).toHaveLength(2);
  });

  it('falls back to one request per selector when items carry no labels', async () => {
    const inner = new Fake();
    inner.labelled = false;
    const c = new CachingMetricsClient(inner, {}, () => 0);
    const r = await c.getResourceMetrics({ namespace: 'ns', podSelector: sel('app=a') });
    expect(r.ok && r.value.map((p) => p.pod)).toEqual(['a1', 'a2']);
    expect(inner.calls).toEqual(['resource ns ', 'resource ns app=a']);
    expect(c.stats().resourceFallbacks).toBe(1);
  });

  it('does not cache custom metrics by default but shares a request in flight', async () => {
    const inner = new Fake();
    const c = new CachingMetricsClient(inner, {}, () => 0);
    const q = { namespace: 'ns', metricName: 'qps', podSelector: sel('app=a'), metricSelector: Selector.everything() };
    await Promise.all([c.getPodsMetric(q), c.getPodsMetric(q)]);
    await c.getPodsMetric(q);
    expect(inner.calls).toEqual(['pods qps', 'pods qps']);
    expect(c.stats()).toMatchObject({ requests: { pods: 2 }, inflightJoins: { pods: 1 }, hits: { pods: 0 } });
  });

  it('caches custom and external answers for a TTL when asked, errors included', async () => {
    const inner = new Fake();
    let now = 0;
    const c = new CachingMetricsClient(inner, { customTtlMs: 1000, externalTtlMs: 1000 }, () => now);
    const q = { namespace: 'ns', metricName: 'qps', podSelector: sel('app=a'), metricSelector: Selector.everything() };
    await c.getPodsMetric(q);
    await c.getPodsMetric(q);
    const e1 = await c.getExternalMetric({ namespace: 'ns', metricName: 'q', metricSelector: Selector.everything() });
    const e2 = await c.getExternalMetric({ namespace: 'ns', metricName: 'q', metricSelector: Selector.everything() });
    expect(e1).toEqual(e2);
    now = 1000;
    await c.getPodsMetric(q);
    expect(inner.calls).toEqual(['pods qps', 'external', 'pods qps']);
    expect(c.stats().hits).toEqual({ resource: 0, pods: 1, object: 0, external: 1 });
  });

  it('invalidate() forgets answers and forwards to the wrapped client', async () => {
    const inner = new Fake();
    const c = new CachingMetricsClient(inner, {}, () => 0);
    await c.getResourceMetrics({ namespace: 'ns', podSelector: sel('app=a') });
    c.invalidate();
    await c.getResourceMetrics({ namespace: 'ns', podSelector: sel('app=a') });
    expect(inner.calls).toHaveLength(2);
    expect(inner.invalidated).toBe(1);
  });

  it('a caller that gives up gets "context canceled" without cancelling the others', async () => {
    const inner = new Fake();
    const c = new CachingMetricsClient(inner, {}, () => 0);
    const ac = new AbortController();
    const q = { namespace: 'ns', metricName: 'qps', podSelector: sel('app=a'), metricSelector: Selector.everything() };
    const first = c.getPodsMetric(q, ac.signal);
    const second = c.getPodsMetric(q);
    ac.abort();
    expect(await first).toEqual({
      ok: false,
      error: { kind: 'Timeout', api: 'custom', path: 'pods', message: 'context canceled' },
    });
    expect(await second).toEqual({ ok: true, value: [] });
  });
});
