import { describe, expect, it } from '@jest/globals';
import { Registry } from 'prom-client';
import {
  DEFAULT_CONTROLLER_CONFIG,
  encodeHistory,
  type HorizontalPodAutoscaler,
  type HpaHistory,
} from '../../../algorithms/index.js';
import { ConfigMapHistoryStore, HistoryStoreMetrics } from '../../../controller/history/index.js';
import type { ConfigMapAccess, ConfigMapRecord } from '../../../controller/history/index.js';
import { silentLogger } from '../../../controller/logging.js';
import type { ClusterResult } from '../../../controller/ports.js';
import { VirtualClock } from '../../../simulator/clock.js';

const T0 = 1_800_000_000_000;
const PERIOD = 15_000;
const BOUNDS = { recommendationWindowSeconds: 300, scaleUpPeriodSeconds: 0, scaleDownPeriodSeconds: 0 };

/** ConfigMaps in a map, with resourceVersions and 409s like the API server's; `fail` makes the next calls fail. */
class FakeConfigMaps implements ConfigMapAccess {
  readonly maps = new Map<string, ConfigMapRecord>();
  readonly calls: string[] = [];
  fail = 0;
  private rv = 1;

  private err<T>(status: number): ClusterResult<T> {
    return { ok: false, error: { status, message: `HTTP ${status}`, verb: 'x', path: 'x' } };
  }

  getConfigMap(namespace: string, name: string): Promise<ClusterResult<ConfigMapRecord | null>> {
    this.calls.push(`get ${namespace}`);
    if (this.fail > 0 && this.fail--) return Promise.resolve(this.err(503));
    return Promise.resolve({ ok: true, value: this.maps.get(`${namespace}/${name}`) ?? null });
  }

  put(namespace: string, name: string, data: Readonly<Record<string, string>>): ConfigMapRecord {
    const record = { namespace, name, data: { ...data }, resourceVersion: String(++this.rv) };
    this.maps.set(`${namespace}/${name}`, record);
    return record;
  }

  createConfigMap(
    namespace: string,
    name: string,
    data: Readonly<Record<string, string>>,
  ): Promise<ClusterResult<ConfigMapRecord>> {
    this.calls.push(`create ${namespace}`);
    if (this.fail > 0 && this.fail--) return Promise.resolve(this.err(503));
    if (this.maps.has(`${namespace}/${name}`)) return Promise.resolve(this.err(409));
    return Promise.resolve({ ok: true, value: this.put(namespace, name, data) });
  }

  updateConfigMap(record: ConfigMapRecord): Promise<ClusterResult<ConfigMapRecord>> {
    this.calls.push(`update ${record.namespace}`);
    if (this.fail > 0 && this.fail--) return Promise.resolve(this.err(503));
    const stored = this.maps.get(`${record.namespace}/${record.name}`);
    if (stored === undefined) return Promise.resolve(this.err(404));
    if (stored.resourceVersion !== record.resourceVersion) return Promise.resolve(this.err(409));
    return Promise.resolve({ ok: true, value: this.put(record.namespace, record.name, record.data) });
  }

  writes(): string[] {
    return this.calls.filter((c) => !c.startsWith('get'));
  }
}

function hpa(namespace: string, name: string, uid = `uid-${name}`): HorizontalPodAutoscaler {
  return {
    metadata: { namespace, name, uid },
    spec: { maxReplicas: 10, scaleTargetRef: { kind: 'Deployment', name } },
  };
}

function setup(opts: { maxBytes?: number } = {}) {
  const clock = new VirtualClock(T0);
  const access = new FakeConfigMaps();
  const hpas = new Map<string, HorizontalPodAutoscaler>();
  const histories = new Map<string, HpaHistory>();
  const registry = new Registry();
  const metrics = new HistoryStoreMetrics(registry);
  const store: ConfigMapHistoryStore = new ConfigMapHistoryStore({
    access,
    source: {
      historyOf: (k) => histories.get(k),
      hpaOf: (k) => hpas.get(k),
      restore: (k, h) => {
        histories.set(k, h);
        store.changed(k);
      },
    },
    clock,
    log: silentLogger(),
    config: DEFAULT_CONTROLLER_CONFIG,
    syncPeriodMs: PERIOD,
    metrics,
    ...(opts.maxBytes === undefined ? {} : { maxBytes: opts.maxBytes }),
  });
  const reconcile = (key: string, replicas: number): void => {
    const prev = histories.get(key)?.recommendations ?? [];
    histories.set(key, {
      recommendations: [...prev, { replicas, time: clock.now() }],
      scaleUpEvents: [],
      scaleDownEvents: [],
    });
    store.changed(key);
  };
  const add = (namespace: string, name: string): void => {
    hpas.set(`${namespace}/${name}`, hpa(namespace, name));
  };
  const metric = async (name: string, labels: Record<string, string> = {}): Promise<number> => {
    const m = (await registry.getMetricsAsJSON()).find((x) => x.name === name);
    const v = m?.values.find((x) => Object.entries(labels).every(([k, l]) => x.labels[k] === l));
    return Number(v?.value ?? 0);
  };
  return { clock, access, hpas, histories, store, reconcile, add, metric };
}

describe('writing', () => {
  it('coalesces: one write per namespace per sync period, whatever the number of reconciles', async () => {
    const s = setup();
    for (let i = 0; i < 50; i++) s.add('shop', `web-${i}`);
    s.add('blog', 'api');
    for (let period = 0; period < 4; period++) {
      for (let i = 0; i < 50; i++) {
        s.reconcile(`shop/web-${i}`, 3);
        await s.clock.advance(PERIOD / 50);
      }
      s.reconcile('blog/api', 2);
    }
    await s.clock.advance(PERIOD);
    const shop = s.access.writes().filter((c) => c.endsWith('shop')).length;
    expect(shop).toBeGreaterThanOrEqual(4);
    expect(shop).toBeLessThanOrEqual(5); // 4 periods + the last coalesced batch
    expect(Object.keys(s.access.maps.get('shop/hpa-ts-history')?.data ?? {})).toHaveLength(50);
    expect(s.access.writes().filter((c) => c.endsWith('blog')).length).toBeLessThanOrEqual(5);
  });

  it('writes nothing when the persisted form did not change', async () => {
    const s = setup();
    s.add('shop', 'web');
    s.reconcile('shop/web', 3);
    await s.clock.advance(PERIOD);
    const before = s.access.writes().length;
    s.store.changed('shop/web');
    await s.clock.advance(PERIOD);
    expect(s.access.writes().length).toBe(before);
    expect(await s.metric('hpa_ts_history_store_writes_total', { result: 'unchanged' })).toBe(1);
  });

  it('never runs inside the call that reports a change: changed() only schedules', () => {
    const s = setup();
    s.add('shop', 'web');
    s.reconcile('shop/web', 3);
    expect(s.access.calls).toEqual([]);
  });

  it('retries a failed write one period later, counts and never throws', async () => {
    const s = setup();
    s.add('shop', 'web');
    s.access.fail = 2;
    s.reconcile('shop/web', 3);
    await s.clock.advance(2000);
    expect(s.access.maps.size).toBe(0);
    expect(await s.metric('hpa_ts_history_store_writes_total', { result: 'error' })).toBe(1);
    await s.clock.advance(PERIOD);
    await s.clock.advance(PERIOD);
    expect(s.access.maps.get('shop/hpa-ts-history')?.data.web).toBeDefined();
  });

  it('re-reads and merges on a 409: values of HPAs it has no history for are kept, its own win', async () => {
    const s = setup();
    s.add('shop', 'web');
    s.add('shop', 'api');
    s.reconcile('shop/web', 3);
    await s.clock.advance(2000);
    // another writer (a previous leader finishing) changes the ConfigMap meanwhile
    const theirs = encodeHistory(
      { recommendations: [{ replicas: 7, time: T0 }], scaleUpEvents: [], scaleDownEvents: [] },
      { bounds: BOUNDS, now: T0, uid: 'uid-api' },
    );
    s.access.put('shop', 'hpa-ts-history', {
      ...s.access.maps.get('shop/hpa-ts-history')?.data,
      api: theirs,
      gone: theirs,
    });
    s.reconcile('shop/web', 2);
    await s.clock.advance(PERIOD);
    const data = s.access.maps.get('shop/hpa-ts-history')?.data ?? {};
    expect(data.api).toBe(theirs);
    expect(data.gone).toBeUndefined();
    expect(JSON.parse(data.web ?? '{}').history.recommendations).toEqual([
      { replicas: 3, time: T0 },
      { replicas: 2, time: T0 + 2000 },
    ]);
    expect(await s.metric('hpa_ts_history_store_writes_total', { result: 'conflict' })).toBe(1);
  });

  it('drops the key of a deleted HPA', async () => {
    const s = setup();
    s.add('shop', 'web');
    s.add('shop', 'api');
    s.reconcile('shop/web', 3);
    s.reconcile('shop/api', 3);
    await s.clock.advance(PERIOD);
    s.hpas.delete('shop/api');
    s.histories.delete('shop/api');
    s.store.changed('shop/api');
    await s.clock.advance(PERIOD);
    expect(Object.keys(s.access.maps.get('shop/hpa-ts-history')?.data ?? {})).toEqual(['web']);
  });

  it('leaves out what does not fit under the size limit, says so on /metrics, and writes the rest', async () => {
    const s = setup({ maxBytes: 300 });
    for (const n of ['a', 'b', 'c', 'd']) {
      s.add('shop', n);
      s.reconcile(`shop/${n}`, 3);
    }
    await s.clock.advance(PERIOD);
    const kept = Object.keys(s.access.maps.get('shop/hpa-ts-history')?.data ?? {});
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(4);
    expect(await s.metric('hpa_ts_history_store_unpersisted_hpas', { namespace: 'shop' })).toBe(4 - kept.length);
  });
});

describe('loading', () => {
  it('restores valid histories of cached HPAs, reports corrupt, foreign and stale values, and never throws', async () => {
    const s = setup();
    s.add('shop', 'web');
    s.add('shop', 'api');
    s.add('shop', 'db');
    const good = encodeHistory(
      { recommendations: [{ replicas: 9, time: T0 - 60_000 }], scaleUpEvents: [], scaleDownEvents: [] },
      { bounds: BOUNDS, now: T0, uid: 'uid-web' },
    );
    const foreign = encodeHistory(
      { recommendations: [], scaleUpEvents: [], scaleDownEvents: [] },
      { bounds: BOUNDS, now: T0, uid: 'someone-else' },
    );
    s.access.put('shop', 'hpa-ts-history', { web: good, api: '{"version":1,"history":', db: foreign, deleted: good });
    const r = await s.store.load(['shop', 'empty']);
    expect(r).toEqual({ restored: 1, rejected: 2 });
    expect(s.histories.get('shop/web')?.recommendations).toEqual([{ replicas: 9, time: T0 - 60_000 }]);
    expect(s.histories.has('shop/api')).toBe(false);
    expect(await s.metric('hpa_ts_history_store_rejected_values_total', { code: 'NotJson' })).toBe(1);
    expect(await s.metric('hpa_ts_history_store_rejected_values_total', { code: 'ForeignUid' })).toBe(1);
    expect(await s.metric('hpa_ts_history_store_rejected_values_total', { code: 'StaleKey' })).toBe(1);
    expect(await s.metric('hpa_ts_history_store_loads_total', { result: 'none' })).toBe(1);
    // the stale key goes at the next write; the corrupt values stay until their HPAs have a history
    await s.clock.advance(PERIOD);
    expect(Object.keys(s.access.maps.get('shop/hpa-ts-history')?.data ?? {}).sort()).toEqual(['api', 'db', 'web']);
  });

  it('starts without what it cannot read, and counts it', async () => {
    const s = setup();
    s.add('shop', 'web');
    s.access.fail = 1;
    expect(await s.store.load(['shop'])).toEqual({ restored: 0, rejected: 0 });
    expect(await s.metric('hpa_ts_history_store_loads_total', { result: 'error' })).toBe(1);
  });

  it('does not replace a history the controller already has', async () => {
    const s = setup();
    s.add('shop', 'web');
    s.access.put('shop', 'hpa-ts-history', {
      web: encodeHistory(
        { recommendations: [{ replicas: 9, time: T0 }], scaleUpEvents: [], scaleDownEvents: [] },
        { bounds: BOUNDS, now: T0 },
      ),
    });
    s.reconcile('shop/web', 1);
    await s.store.load(['shop']);
    expect(s.histories.get('shop/web')?.recommendations).toEqual([{ replicas: 1, time: T0 }]);
  });
});
