/**
 * --history-store=configmap (docs/history-store.md): N HPAs spread over K namespaces, each
 * reconciled once per 15 s sync period for 10 minutes of virtual time, against an in-memory
 * ConfigMap API. Counts the writes per namespace per sync period, the bytes per HPA (steady
 * recommendations, and the worst case: a different count at every sync of a 300 s window) and
 * the CPU time of one namespace's write. Run: node --import tsx test/bench/history-store.bench.ts
 */
import { performance } from 'node:perf_hooks';
import { Registry } from 'prom-client';
import { DEFAULT_CONTROLLER_CONFIG, type HorizontalPodAutoscaler, type HpaHistory } from '../../algorithms/index.js';
import { ConfigMapHistoryStore, HistoryStoreMetrics } from '../../controller/history/index.js';
import type { ConfigMapAccess, ConfigMapRecord } from '../../controller/history/index.js';
import { silentLogger } from '../../controller/logging.js';
import { VirtualClock } from '../../simulator/clock.js';

const PERIOD_MS = 15_000;
const MINUTES = 10;

class CountingConfigMaps implements ConfigMapAccess {
  readonly maps = new Map<string, ConfigMapRecord>();
  writes = 0;
  private rv = 0;
  getConfigMap(ns: string, name: string) {
    return Promise.resolve({ ok: true as const, value: this.maps.get(`${ns}/${name}`) ?? null });
  }
  private put(ns: string, name: string, data: Readonly<Record<string, string>>) {
    this.writes++;
    const r = { namespace: ns, name, data, resourceVersion: String(++this.rv) };
    this.maps.set(`${ns}/${name}`, r);
    return Promise.resolve({ ok: true as const, value: r });
  }
  createConfigMap(ns: string, name: string, data: Readonly<Record<string, string>>) {
    return this.put(ns, name, data);
  }
  updateConfigMap(r: ConfigMapRecord) {
    return this.put(r.namespace, r.name, r.data);
  }
}

async function run(hpas: number, namespaces: number, varying: boolean): Promise<void> {
  const clock = new VirtualClock(1_800_000_000_000);
  const access = new CountingConfigMaps();
  const histories = new Map<string, HpaHistory>();
  const objects = new Map<string, HorizontalPodAutoscaler>();
  const keys: string[] = [];
  for (let i = 0; i < hpas; i++) {
    const namespace = `ns-${i % namespaces}`;
    const name = `hpa-${i}`;
    keys.push(`${namespace}/${name}`);
    objects.set(`${namespace}/${name}`, {
      metadata: { namespace, name, uid: `0b3c4d5e-6f70-4182-93a4-${String(i).padStart(12, '0')}` },
      spec: { maxReplicas: 100, scaleTargetRef: { kind: 'Deployment', name } },
    });
  }
  const store = new ConfigMapHistoryStore({
    access,
    source: {
      historyOf: (k) => histories.get(k),
      hpaOf: (k) => objects.get(k),
      restore: (k, h) => histories.set(k, h),
    },
    clock,
    log: silentLogger(),
    config: DEFAULT_CONTROLLER_CONFIG,
    syncPeriodMs: PERIOD_MS,
    metrics: new HistoryStoreMetrics(new Registry()),
  });
  const periods = (MINUTES * 60_000) / PERIOD_MS;
  let sync = 0;
  for (let p = 0; p < periods; p++) {
    for (const [i, key] of keys.entries()) {
      const prev = histories.get(key)?.recommendations ?? [];
      const replicas = varying ? 10 + ((sync + i) % 40) : 10;
      histories.set(key, {
        recommendations: [...prev.slice(-40), { replicas, time: clock.now() }],
        scaleUpEvents: [],
        scaleDownEvents: [],
      });
      store.changed(key);
    }
    sync++;
    await clock.advance(PERIOD_MS);
  }
  await clock.advance(PERIOD_MS);
  const bytes = [...access.maps.values()].reduce(
    (n, m) => n + Object.entries(m.data).reduce((b, [k, v]) => b + k.length + v.length, 0),
    0,
  );
  const label = `${hpas}_hpas_${namespaces}_ns_${varying ? 'varying' : 'steady'}`;
  console.log(
    `BENCH history_writes_per_ns_per_period_${label} ${(access.writes / namespaces / periods).toFixed(2)} writes`,
  );
  console.log(`BENCH history_bytes_per_hpa_${label} ${Math.round(bytes / hpas)} B`);
  // CPU of one namespace's write (encode + compare), the cost a flush puts on the event loop
  const t0 = performance.now();
  for (const key of keys) store.changed(key);
  const cpu0 = performance.now() - t0;
  const t1 = performance.now();
  await store.flushAll();
  console.log(`BENCH history_flush_all_${label} ${(performance.now() - t1 + cpu0).toFixed(1)} ms`);
  store.stop();
}

async function main(): Promise<void> {
  await run(100, 1, false);
  await run(1000, 1, false);
  await run(1000, 1, true);
  await run(1000, 100, false);
  await run(10000, 1000, false);
}

await main();
