/**
 * `npm run test:soak` (on demand, not in CI): the fault rounds for one hour of virtual time with
 * 1,000 HPAs, sampling the process's RSS and heap every virtual minute (after a full GC). Memory
 * is flat when the median RSS of the last five minutes exceeds that of minutes 10–14 by at most
 * RSS_TOLERANCE_PCT: the first ten minutes are warm-up (caches, histories and JIT fill up). Fails
 * on growth beyond that, and on any violation, crash or hang. Sizes: HPA_TS_SOAK_HPAS,
 * HPA_TS_SOAK_MINUTES; seed: HPA_TS_FAULTS_SEED.
 */
import { runRounds } from './rounds.js';

const RSS_TOLERANCE_PCT = 10;
const WARM_UP_MINUTES = 10;
const seed = Number(process.env.HPA_TS_FAULTS_SEED ?? Math.floor(Math.random() * 2 ** 31));
const hpas = Number(process.env.HPA_TS_SOAK_HPAS ?? 1000);
const minutes = Number(process.env.HPA_TS_SOAK_MINUTES ?? 60);
if (minutes < WARM_UP_MINUTES + 10) {
  console.error(`HPA_TS_SOAK_MINUTES must be at least ${WARM_UP_MINUTES + 10}`);
  process.exit(2);
}
const gc = (globalThis as { gc?: () => void }).gc;
console.log(`seed ${seed}`);

interface Sample {
  readonly minute: number;
  readonly rssMb: number;
  readonly heapMb: number;
}
const samples: Sample[] = [];
const mb = (bytes: number): number => Math.round((bytes / 2 ** 20) * 10) / 10;
const started = performance.now();
const r = await runRounds({
  seed,
  hpas,
  rounds: Number.MAX_SAFE_INTEGER,
  virtualMs: minutes * 60_000,
  onStep: (w) => {
    const minute = Math.floor(w.elapsed / 60_000);
    if (minute === (samples.at(-1)?.minute ?? -1)) return;
    gc?.();
    const m = process.memoryUsage();
    samples.push({ minute, rssMb: mb(m.rss), heapMb: mb(m.heapUsed) });
    console.log(`minute ${minute}: rss ${mb(m.rss)} MB, heap ${mb(m.heapUsed)} MB`);
  },
});

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const window = (from: number, to: number): Sample[] => samples.filter((s) => s.minute >= from && s.minute < to);
const last = samples.at(-1)?.minute ?? 0;
const start = window(WARM_UP_MINUTES, WARM_UP_MINUTES + 5);
const end = window(last - 4, last + 1);
const rssStart = median(start.map((s) => s.rssMb));
const rssEnd = median(end.map((s) => s.rssMb));
const growth = Math.round(((rssEnd - rssStart) / rssStart) * 1000) / 10;
const heapStart = median(start.map((s) => s.heapMb));
const heapEnd = median(end.map((s) => s.heapMb));
console.log(
  `soak: ${hpas} HPAs, ${r.virtualMs / 60_000} min of virtual time in ${((performance.now() - started) / 1000).toFixed(0)} s, ${r.faultsInjected} faults`,
);
console.log(`BENCH soak_rss_start_mb ${rssStart}`);
console.log(`BENCH soak_rss_end_mb ${rssEnd}`);
console.log(`BENCH soak_rss_growth_pct ${growth}`);
console.log(`BENCH soak_heap_start_mb ${heapStart}`);
console.log(`BENCH soak_heap_end_mb ${heapEnd}`);
console.log(`BENCH faults_injected ${r.faultsInjected}`);
console.log(`BENCH invariant_checks ${r.checker.checks}`);
console.log(`BENCH invariant_violations ${r.checker.invariantViolations}`);
console.log(`BENCH crashes ${r.checker.crashes}`);
console.log(`BENCH hangs ${r.checker.hangs}`);
for (const v of r.checker.violations.slice(0, 20))
  console.log(`  VIOLATION ${v.invariant} at ${v.at / 1000} s ${v.key}: ${v.detail}`);
if (growth > RSS_TOLERANCE_PCT || r.checker.violations.length > 0) {
  console.log(
    growth > RSS_TOLERANCE_PCT
      ? `FAILED: RSS grew ${growth} % after the warm-up (tolerance ${RSS_TOLERANCE_PCT} %)`
      : `FAILED: replay with HPA_TS_FAULTS_SEED=${seed} npm run test:soak`,
  );
  process.exitCode = 1;
}
