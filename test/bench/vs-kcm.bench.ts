/**
 * `npm run bench:vs-kcm` (on demand, not in CI; docs/benchmarks.md#hpa-ts-and-kube-controller-manager-side-by-side):
 * the same workload on the same real kube-apiserver and etcd (the e2e bed, test/e2e/stack/build.sh
 * builds them) reconciled by kube-controller-manager's HPA controller alone — at its default client
 * limits (20 qps / 30 burst), then raised so that it is not throttled — and then by hpa-ts alone,
 * at its defaults (200 / 400) and raised the same way, one after the other, for the same window
 * (BENCH_CONTENDERS picks some). Sizes: BENCH_SIZES (default
 * 100,1000,5000 HPAs; 100 per namespace, 10 pods each, a third each on memory Utilization, a Pods
 * metric and an Object metric; sync period 15 s). Per controller and size it prints the absolute
 * figures and, last, the ratios hpa-ts / kube-controller-manager as BENCH lines.
 */
import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../e2e/bed/hpa-ts.js';
import { freePorts } from '../e2e/bed/ports.js';
import { spawnProc, type Proc } from '../e2e/bed/procs.js';
import { serveMetricsApis } from '../e2e/bed/solo.js';
import { Stack } from '../e2e/bed/stack.js';
import {
  auditOffset,
  cpuSeconds,
  figuresOf,
  peakRssMb,
  requestsIn,
  type Client,
  type Figures,
} from './vs-kcm/measure.js';
import { AtTargetMetrics, createWorkload } from './vs-kcm/workload.js';

const SIZES = (process.env.BENCH_SIZES ?? '100,1000,5000').split(',').map(Number);
const PERIOD_MS = 15_000;
const WINDOW_MS = Number(process.env.BENCH_WINDOW_S ?? 90) * 1000;
/** the longest wait for a controller's first pass before its window starts */
const WARMUP_MAX_MS = Number(process.env.BENCH_WARMUP_MAX_S ?? 180) * 1000;
/** upstream's default --concurrent-horizontal-pod-autoscaler-syncs, for both */
const WORKERS = 5;
const KCM_HPA: Client = { username: 'system:serviceaccount:kube-system:horizontal-pod-autoscaler' };
const HPA_TS: Client = { userAgentPrefix: 'hpa-ts/' };

const CONTENDERS = ['kcm_default_limits', 'kcm_raised_limits', 'hpa_ts', 'hpa_ts_raised_limits'] as const;
type Contender = (typeof CONTENDERS)[number];
/** BENCH_CONTENDERS: a comma-separated subset, in this order */
const RUN = (process.env.BENCH_CONTENDERS ?? CONTENDERS.join(',')).split(',') as Contender[];
/** the raised client limits, the same for both: high enough that neither is throttled */
const RAISED = { qps: 2000, burst: 4000 };

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const fmt = (n: number, digits = 2): string => (Number.isFinite(n) ? n.toFixed(digits) : 'NaN');
const log = (msg: string): void =>
  void process.stderr.write(`${new Date().toISOString().slice(11, 19)} vs-kcm: ${msg}\n`);

async function startHpaTs(stack: Stack, raised: boolean): Promise<Proc> {
  const [port] = await freePorts(1);
  // the compiled CLI with the V8 flags the shipped Deployment gives it (its NODE_OPTIONS, and the
  // heap limit the image's entrypoint derives from its 512Mi memory limit); tsx would add its
  // transpiler to the process
  return spawnProc(
    'hpa-ts',
    process.execPath,
    [
      '--max-semi-space-size=2',
      '--max-old-space-size=384',
      join(REPO_ROOT, 'dist/app/main.js'),
      'run',
      '--kubeconfig',
      stack.adminKubeconfig,
      '--leader-elect=false',
      '--horizontal-pod-autoscaler-sync-period',
      '15s',
      '--concurrent-horizontal-pod-autoscaler-syncs',
      String(WORKERS),
      '--bind-address',
      `127.0.0.1:${port}`,
      '--log-level',
      'warn',
      ...(raised ? ['--kube-api-qps', String(RAISED.qps), '--kube-api-burst', String(RAISED.burst)] : []),
    ],
    join(stack.dir, 'hpa-ts.log'),
    { cwd: REPO_ROOT, env: { ...process.env, NODE_OPTIONS: '' } },
  );
}

const isHpaTs = (who: Contender): boolean => who.startsWith('hpa_ts');

async function startContender(stack: Stack, who: Contender): Promise<Proc> {
  if (isHpaTs(who)) {
    await stack.restartKcm({ hpaController: false });
    return startHpaTs(stack, who === 'hpa_ts_raised_limits');
  }
  const apiLimits = who === 'kcm_default_limits' ? ('defaults' as const) : RAISED;
  // the HPA controller alone, so that the process's CPU and memory are its own
  return stack.restartKcm({ hpaController: true, hpaControllerOnly: true, apiLimits });
}

/** Waits until `client` has reconciled 95 % of the HPAs since `since` (or WARMUP_MAX_MS). */
async function warmUp(stack: Stack, client: Client, offset: number, since: number, hpas: number): Promise<void> {
  for (;;) {
    await sleep(5000);
    const seen = (await requestsIn(stack.auditLogFile, offset, client, since, Date.now())).reconciles.size;
    if (seen >= 0.95 * hpas || Date.now() - since >= WARMUP_MAX_MS) {
      log(`warm-up: ${seen} of ${hpas} HPAs reconciled in ${((Date.now() - since) / 1000).toFixed(0)} s`);
      return;
    }
  }
}

async function measure(stack: Stack, who: Contender, hpas: number): Promise<Figures> {
  const offset = auditOffset(stack.auditLogFile);
  const since = Date.now();
  const proc = await startContender(stack, who);
  const client = isHpaTs(who) ? HPA_TS : KCM_HPA;
  await warmUp(stack, client, offset, since, hpas);
  const from = Date.now();
  const cpu0 = cpuSeconds(proc.pid);
  await sleep(WINDOW_MS);
  const cpu1 = cpuSeconds(proc.pid);
  const rss = peakRssMb(proc.pid);
  if (isHpaTs(who)) await proc.stop(10_000);
  await sleep(2000); // the audit log is written asynchronously
  const req = await requestsIn(stack.auditLogFile, offset, client, from, from + WINDOW_MS);
  return figuresOf(req, {
    hpas,
    from,
    windowMs: WINDOW_MS,
    periodMs: PERIOD_MS,
    cpuSeconds: cpu1 - cpu0,
    peakRssMb: rss,
  });
}

function print(size: number, who: Contender, f: Figures): void {
  const b = (name: string, v: string, unit: string): void =>
    console.log(`BENCH vs_kcm_${size}_${who}_${name} ${v} ${unit}`);
  b('reconciles_per_s', fmt(f.reconcilesPerSecond), 'reconciles/s');
  b('requests_per_reconcile', fmt(f.requestsPerReconcile), 'requests');
  b('cpu_s_per_1000_reconciles', fmt(f.cpuSecondsPer1000Reconciles), 's');
  b('peak_rss', fmt(f.peakRssMb, 0), 'MB');
  b('achieved_period', fmt(f.achievedPeriodPct, 1), '%');
  // the time one pass over every HPA takes at the rate achieved; longer than the window, no HPA
  // is reconciled twice in it and the lag below is NaN (it is then at least pass − period)
  b('pass', fmt(size / f.reconcilesPerSecond, 1), 's');
  b('lag_p50', fmt(f.lagP50Ms, 0), 'ms');
  b('lag_p99', fmt(f.lagP99Ms, 0), 'ms');
  for (const [kind, n] of [...f.perReconcileByKind].sort()) console.log(`  ${who} ${kind}: ${fmt(n, 3)} per reconcile`);
}

function printRatios(size: number, ours: Figures, theirs: Figures, vs: string): void {
  const r = (name: string, a: number, b: number): void =>
    console.log(`BENCH vs_kcm_${size}_${name}_ratio_${vs} ${fmt(a / b, 2)}`);
  r('requests_per_reconcile', ours.requestsPerReconcile, theirs.requestsPerReconcile);
  r('cpu_per_reconcile', ours.cpuSecondsPer1000Reconciles, theirs.cpuSecondsPer1000Reconciles);
  r('peak_rss', ours.peakRssMb, theirs.peakRssMb);
  r('reconciles_per_s', ours.reconcilesPerSecond, theirs.reconcilesPerSecond);
}

async function main(): Promise<void> {
  log(
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB; node ${process.version}`,
  );
  if (process.env.BENCH_NO_BUILD === undefined)
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: REPO_ROOT, stdio: 'inherit' });
  const stack = await Stack.start({
    name: 'vs-kcm',
    hpaController: false,
    workloadControllers: false,
    syncPeriod: '15s',
    concurrentHpaSyncs: WORKERS,
    auditLog: 'all-requests',
  });
  const metrics = new AtTargetMetrics();
  let api: Awaited<ReturnType<typeof serveMetricsApis>> | undefined;
  try {
    api = await serveMetricsApis(stack, metrics);
    let created = 0;
    for (const size of SIZES) {
      const t0 = Date.now();
      await createWorkload(stack, created, size);
      created = metrics.hpas = size;
      log(`${size} HPAs, ${size * 10} pods created in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
      const fig = new Map<Contender, Figures>();
      for (const who of RUN) {
        const f = await measure(stack, who, size);
        fig.set(who, f);
        print(size, who, f);
      }
      const pairs: [Contender, Contender, string][] = [
        ['hpa_ts', 'kcm_default_limits', 'defaults'],
        ['hpa_ts_raised_limits', 'kcm_raised_limits', 'raised'],
        ['hpa_ts', 'kcm_raised_limits', 'hpa_ts_defaults_vs_kcm_raised'],
      ];
      for (const [ours, theirs, name] of pairs) {
        const a = fig.get(ours);
        const b = fig.get(theirs);
        if (a !== undefined && b !== undefined) printRatios(size, a, b, name);
      }
    }
  } finally {
    await api?.close();
    await stack.stop();
  }
}

main().catch((e: unknown) => {
  console.error(`vs-kcm: ${(e as Error).stack ?? String(e)}`);
  process.exit(1);
});
