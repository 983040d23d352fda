/**
 * `npm run bench:controller`: the real controller over HTTP against the simulator's API server
 * (in a child process) with 1,000 HPAs in 10 namespaces, 10 pods each, mixed metric types,
 * sync period 15 s. After a warm-up pass (first status writes) it measures N sync periods and
 * prints BENCH lines: reconciles per second, p50/p99 lag from the key becoming due to the end of
 * its reconcile, API requests per reconcile by verb, write requests when nothing changed,
 * metrics.k8s.io calls per namespace per sync, and the controller process's peak RSS.
 * `npm run bench:controller` runs it with the V8 flags a pod gets: --max-semi-space-size=2 (the
 * manifests' NODE_OPTIONS) and the old-space limit the image's entrypoint derives from the memory
 * limit (bin/heap-limit.sh), for BENCH_MEMORY_LIMIT_MIB (default 512, what the manifests and
 * chart ship; BENCH lines say which).
 * "Every HPA reconciled every period" is read from the intervals between two reconciles of one
 * HPA: the share within the period plus one second (the p99 lag target) and the longest.
 * BENCH_KUBE_API_QPS and BENCH_KUBE_API_BURST set --kube-api-qps/--kube-api-burst (default: the
 * flags' defaults); the time requests waited for a token is printed per client.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EMBEDDED_RUN_FLAGS, runSettingsFromFlags } from '../../app/settings.js';
import { loadKubeConfig, startController } from '../../app/start.js';
import { silentLogger } from '../../controller/logging.js';

const SYNC_MS = Number(process.env.BENCH_SYNC_MS ?? 15_000);
const MEASURED_SYNCS = Number(process.env.BENCH_SYNCS ?? 3);
const NAMESPACES = Number(process.env.BENCH_NAMESPACES ?? 10);
const HPAS = NAMESPACES * Number(process.env.BENCH_HPAS_PER_NS ?? 100);
const QPS = process.env.BENCH_KUBE_API_QPS;
const BURST = process.env.BENCH_KUBE_API_BURST;

interface Stats {
  byVerb: Record<string, number>;
  metricsResource: number;
  writes: number;
  total: number;
}

const here = dirname(fileURLToPath(import.meta.url));
const childFile = join(here, `bench-cluster${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`);
const child = fork(childFile, [], {
  execArgv: import.meta.url.endsWith('.ts') ? ['--import', 'tsx'] : [],
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const messages: ((m: Record<string, unknown>) => void)[] = [];
child.on('message', (m) => messages.shift()?.(m as Record<string, unknown>));
const next = (): Promise<Record<string, unknown>> => new Promise((r) => messages.push(r));
const ask = (cmd: string): Promise<Record<string, unknown>> => {
  const p = next();
  child.send({ cmd });
  return p;
};

const setupStart = Date.now();
const ready = (await next()) as { kubeconfig: string };
const dir = mkdtempSync(join(tmpdir(), 'hpa-ts-bench-'));
writeFileSync(join(dir, 'kubeconfig'), ready.kubeconfig);
console.error(`bench: cluster with ${HPAS} HPAs ready in ${((Date.now() - setupStart) / 1000).toFixed(1)} s`);

let peakRss = 0;
const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 200);
const lags: number[] = [];
/** per HPA: when its last reconcile ended (ms), and the intervals measured */
const lastReconcileAt = new Map<string, number>();
const intervals: number[] = [];
const reconciledWhileMeasuring = new Set<string>();
let reconciles = 0;
let warmUpCount: ((key: string) => void) | undefined;
let measuring = false;
const settings = runSettingsFromFlags({
  ...EMBEDDED_RUN_FLAGS,
  horizontalPodAutoscalerSyncPeriod: `${SYNC_MS}ms`,
  ...(QPS === undefined ? {} : { kubeApiQps: QPS }),
  ...(BURST === undefined ? {} : { kubeApiBurst: BURST }),
});
const ctl = await startController(
  settings,
  { metricsClient: 'apiserver' },
  {
    kubeConfig: await loadKubeConfig(join(dir, 'kubeconfig')),
    log: silentLogger(),
    onOutcome: (outcome, info) => {
      warmUpCount?.(outcome.key);
      const at = Date.now();
      const previous = lastReconcileAt.get(outcome.key);
      lastReconcileAt.set(outcome.key, at);
      if (!measuring) return;
      if (previous !== undefined) intervals.push(at - previous);
      reconciledWhileMeasuring.add(outcome.key);
      reconciles++;
      if (info.lagMs !== undefined) lags.push(info.lagMs);
    },
  },
);
// Warm-up: the first pass writes every status once (new conditions), which at 10,000 HPAs takes
// longer than a period under the client's rate limit; the steady state starts when every HPA has
// been reconciled twice (its first write behind it), and at least 1.5 periods have gone by.
const reconcilesOf = new Map<string, number>();
warmUpCount = (key) => reconcilesOf.set(key, (reconcilesOf.get(key) ?? 0) + 1);
const warmUpStart = Date.now();
await new Promise((r) => setTimeout(r, SYNC_MS * 1.5));
while (reconcilesOf.size < HPAS || [...reconcilesOf.values()].some((n) => n < 2)) {
  if (Date.now() - warmUpStart > SYNC_MS * 20) throw new Error('bench: the first pass did not end within 20 periods');
  await new Promise((r) => setTimeout(r, 500));
}
warmUpCount = undefined;
console.error(`bench: warm-up took ${((Date.now() - warmUpStart) / 1000).toFixed(1)} s`);
await ask('clear');
measuring = true;
const t0 = Date.now();
await new Promise((r) => setTimeout(r, SYNC_MS * MEASURED_SYNCS));
measuring = false;
const elapsed = (Date.now() - t0) / 1000;
const { stats } = (await ask('stats')) as unknown as { stats: Stats };
// over the whole run (warm-up included): the histogram is not cleared when measuring starts
const throttled = (await ctl.monitor.apiClientThrottled.get()).values.filter((v) => v.metricName?.endsWith('_sum'));
clearInterval(rssTimer);

lags.sort((a, b) => a - b);
const pct = (p: number): number =>
  lags.length === 0 ? NaN : lags[Math.min(lags.length - 1, Math.floor((p / 100) * lags.length))];
const syncs = elapsed / (SYNC_MS / 1000);
console.log(`BENCH controller_hpas ${HPAS} hpas`);
console.log(`BENCH controller_kube_api_qps ${settings.kubeApiQps} qps`);
console.log(`BENCH controller_kube_api_burst ${settings.kubeApiBurst} requests`);
console.log(`BENCH controller_reconciles_per_second ${(reconciles / elapsed).toFixed(1)} reconciles/s`);
console.log(`BENCH controller_lag_p50 ${pct(50).toFixed(1)} ms`);
console.log(`BENCH controller_lag_p99 ${pct(99).toFixed(1)} ms`);
const onTime = intervals.filter((ms) => ms <= SYNC_MS + 1000).length;
console.log(
  `BENCH controller_intervals_within_period_plus_1s ${((100 * onTime) / Math.max(1, intervals.length)).toFixed(2)} %`,
);
console.log(`BENCH controller_interval_max ${(intervals.reduce((a, b) => Math.max(a, b), 0) / 1000).toFixed(2)} s`);
console.log(`BENCH controller_hpas_reconciled ${reconciledWhileMeasuring.size} hpas`);
const heapLimit = (await import('node:v8')).getHeapStatistics().heap_size_limit;
console.log(`BENCH controller_heap_limit ${(heapLimit / 1048576).toFixed(0)} MB`);
for (const [k, n] of Object.entries(stats.byVerb).sort()) {
  console.log(
    `BENCH api_requests_per_reconcile_${k.replace(/[^a-z0-9]+/gi, '_')} ${(n / Math.max(1, reconciles)).toFixed(3)} requests`,
  );
}
console.log(`BENCH write_requests_steady_state ${stats.writes} requests`);
console.log(
  `BENCH metrics_api_calls_per_namespace_per_sync ${(stats.metricsResource / NAMESPACES / syncs).toFixed(2)} calls`,
);
for (const v of throttled)
  console.log(`BENCH api_client_throttled_${String(v.labels.client).replace(/-/g, '_')} ${v.value.toFixed(1)} s`);
console.log(`BENCH controller_peak_rss ${(peakRss / 1024 / 1024).toFixed(0)} MB`);
if (process.env.BENCH_VERBOSE !== undefined) {
  const m = process.memoryUsage();
  console.error(
    `bench: heapUsed ${(m.heapUsed / 1048576).toFixed(0)} MB, heapTotal ${(m.heapTotal / 1048576).toFixed(0)} MB, external ${(m.external / 1048576).toFixed(0)} MB, arrayBuffers ${(m.arrayBuffers / 1048576).toFixed(0)} MB`,
  );
  if (process.env.BENCH_HEAPSNAPSHOT !== undefined)
    (await import('node:v8')).writeHeapSnapshot(process.env.BENCH_HEAPSNAPSHOT);
}

await ctl.stop();
child.send({ cmd: 'exit' });
child.kill();
