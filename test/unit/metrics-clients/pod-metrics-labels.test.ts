import { describe, expect, it } from '@jest/globals';
import { decodePodMetricsList } from '../../../metrics-clients/apiserver/decode.js';

const list = (labels: unknown[]): string =>
  JSON.stringify({
    kind: 'PodMetricsList',
    apiVersion: 'metrics.k8s.io/v1beta1',
    items: labels.map((l, i) => ({
      metadata: { name: `web-${i}`, namespace: 'default', ...(l === undefined ? {} : { labels: l }) },
      timestamp: '2026-12-07T10:00:00Z',
      window: '30s',
      containers: [{ name: 'app', usage: { cpu: '90m', memory: '10Mi' } }],
    })),
  });

describe('pod metrics labels', () => {
  it('are shared by the pods carrying the same ones, and absent when the item has none', () => {
    const r = decodePodMetricsList(list([{ app: 'web' }, { app: 'web' }, { app: 'api' }, undefined]));
    if (!r.ok) throw new Error(r.error);
    const [a, b, c, none] = r.value;
    expect(a?.labels).toEqual({ app: 'web' });
    expect(b?.labels).toBe(a?.labels);
    expect(c?.labels).toEqual({ app: 'api' });
    expect(none?.labels).toBeUndefined();
  });

  it('that are not a map of strings are an error naming the item, whatever was decoded before', () => {
    expect(decodePodMetricsList(list([{ app: 'web' }, 'app=web']))).toEqual({
      ok: false,
      error: expect.stringContaining('items[1].metadata.labels') as unknown as string,
    });
    expect(decodePodMetricsList(list([{ app: 'web' }, { app: 7 }]))).toEqual({
      ok: false,
      error: expect.stringContaining('items[1].metadata.labels.app') as unknown as string,
    });
  });
});
