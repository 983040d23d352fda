/**
 * hpa-ts on the bed, two ways: in this process through `startController` (the shadow suites need
 * its ShadowComparator and every reconcile outcome), or as the real CLI in a child process
 * (`node --import tsx app/main.ts run …`, what users run). Either way its flags mirror
 * kube-controller-manager's (sync period, tolerance, stabilization, cpu initialization, readiness
 * delay) and --emulated-version is the version of the binaries built.
 */
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KubeConfig } from '@kubernetes/client-node';
import { runSettingsFromFlags, type RunFlags } from '../../../app/settings.js';
import { startController, type RunningController } from '../../../app/start.js';
import { createLogger } from '../../../controller/logging.js';
import type { ReconcileOutcome } from '../../../controller/reconciler.js';
import type { MetricsFlags } from '../../../metrics-clients/index.js';
import { freePorts } from './ports.js';
import { spawnProc, waitUntil, type Proc } from './procs.js';
import type { Stack } from './stack.js';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface HpaTsOptions {
  readonly kubeconfig: string;
  readonly shadow?: boolean;
  readonly hpaSource?: 'builtin' | 'crd';
  readonly metrics?: MetricsFlags;
  /** lease namespace; leader election off when undefined */
  readonly leaseNamespace?: string;
  readonly logName?: string;
  readonly logLevel?: string;
  readonly featureGates?: string;
  /** more `run` flags for the child process (e.g. --leader-elect-identity) */
  readonly extraArgs?: readonly string[];
}

function flagsFor(stack: Stack, o: HpaTsOptions) {
  const k = stack.kcmFlags;
  return {
    kubeconfig: o.kubeconfig,
    horizontalPodAutoscalerSyncPeriod: k.syncPeriod,
    horizontalPodAutoscalerTolerance: k.tolerance,
    horizontalPodAutoscalerDownscaleStabilization: k.downscaleStabilization,
    horizontalPodAutoscalerCpuInitializationPeriod: k.cpuInitializationPeriod,
    horizontalPodAutoscalerInitialReadinessDelay: k.initialReadinessDelay,
    concurrentHorizontalPodAutoscalerSyncs: '20',
    emulatedVersion: stack.emulatedVersion,
    featureGates: o.featureGates ?? '',
    dryRun: false,
    shadow: o.shadow ?? false,
    hpaSource: o.hpaSource ?? 'builtin',
    leaderElect: o.leaseNamespace !== undefined,
    leaderElectLeaseDuration: '15s',
    leaderElectRenewDeadline: '10s',
    leaderElectRetryPeriod: '2s',
    leaderElectResourceName: 'hpa-ts',
    ...(o.leaseNamespace !== undefined ? { leaderElectResourceNamespace: o.leaseNamespace } : {}),
    bindAddress: '127.0.0.1:0',
    eventComponent: 'horizontal-pod-autoscaler',
    // upstream retries a failed HPA one sync period later
    errorBackoffBase: '0',
    // a generous client-side budget: the bed measures the controller, not its rate limit
    kubeApiQps: '1000',
    kubeApiBurst: '2000',
    logLevel: o.logLevel ?? 'info',
    logFormat: 'json',
  } satisfies RunFlags;
}

/** hpa-ts in this process; logs (JSON lines) go to <stack dir>/<logName>.log. */
export async function startHpaTsInProcess(
  stack: Stack,
  o: HpaTsOptions,
  onOutcome?: (outcome: ReconcileOutcome) => void,
): Promise<RunningController & { logFile: string }> {
  const settings = runSettingsFromFlags(flagsFor(stack, o));
  const kc = new KubeConfig();
  kc.loadFromFile(o.kubeconfig);
  const logFile = join(stack.dir, `${o.logName ?? 'hpa-ts'}.log`);
  const log = createLogger({
    level: settings.logLevel,
    format: 'json',
    destination: createWriteStream(logFile, { flags: 'a' }),
  });
  const running = await startController(settings, o.metrics ?? { metricsClient: 'apiserver' }, {
    kubeConfig: kc,
    log,
    defaultMetrics: false,
    ...(onOutcome !== undefined ? { onOutcome } : {}),
  });
  return Object.assign(running, { logFile });
}

/** CLI flags for the same settings (child-process mode). */
function cliArgs(stack: Stack, o: HpaTsOptions, port: number): string[] {
  const f = flagsFor(stack, o);
  // prettier-ignore
  const args = [
    'run',
    '--kubeconfig', o.kubeconfig,
    '--horizontal-pod-autoscaler-sync-period', f.horizontalPodAutoscalerSyncPeriod,
    '--horizontal-pod-autoscaler-tolerance', f.horizontalPodAutoscalerTolerance,
    '--horizontal-pod-autoscaler-downscale-stabilization', f.horizontalPodAutoscalerDownscaleStabilization,
    '--horizontal-pod-autoscaler-cpu-initialization-period', f.horizontalPodAutoscalerCpuInitializationPeriod,
    '--horizontal-pod-autoscaler-initial-readiness-delay', f.horizontalPodAutoscalerInitialReadinessDelay,
    '--emulated-version', f.emulatedVersion,
    '--hpa-source', f.hpaSource,
    '--bind-address', `127.0.0.1:${port}`,
    '--error-backoff-base', '0',
    '--kube-api-qps', f.kubeApiQps,
    '--kube-api-burst', f.kubeApiBurst,
    '--log-level', f.logLevel,
    '--log-format', 'json',
  ];
  if (f.featureGates !== '') args.push('--feature-gates', f.featureGates);
  if (o.shadow === true) args.push('--shadow');
  if (o.leaseNamespace !== undefined)
    args.push('--leader-elect=true', '--leader-elect-resource-namespace', o.leaseNamespace);
  else args.push('--leader-elect=false');
  const m = o.metrics ?? { metricsClient: 'apiserver' };
  if (m.metricsClient !== undefined) args.push('--metrics-client', m.metricsClient);
  if (m.prometheusUrl !== undefined) args.push('--prometheus-url', m.prometheusUrl);
  if (m.adapterConfig !== undefined) args.push('--adapter-config', m.adapterConfig);
  if (m.metricsRelistIntervalMs !== undefined) args.push('--metrics-relist-interval', `${m.metricsRelistIntervalMs}ms`);
  args.push(...(o.extraArgs ?? []));
  return args;
}

export interface HpaTsProcess {
  readonly proc: Proc;
  readonly port: number;
  /** GET /metrics of the process */
  metrics(): Promise<string>;
  stop(): Promise<void>;
}

/** The real CLI in a child process; ready when /readyz answers 200. */
export async function startHpaTsProcess(stack: Stack, o: HpaTsOptions): Promise<HpaTsProcess> {
  const [port] = await freePorts(1);
  const proc = spawnProc(
    o.logName ?? 'hpa-ts',
    process.execPath,
    ['--import', 'tsx', join(REPO_ROOT, 'app/main.ts'), ...cliArgs(stack, o, port)],
    join(stack.dir, `${o.logName ?? 'hpa-ts'}.log`),
    { cwd: REPO_ROOT, env: { ...process.env, NODE_OPTIONS: '' } },
  );
  stack.procs.push(proc);
  const base = `http://127.0.0.1:${port}`;
  await waitUntil('hpa-ts /readyz', async () => (await fetch(`${base}/readyz`)).ok, { timeoutMs: 60_000, proc });
  return {
    proc,
    port,
    metrics: async () => (await fetch(`${base}/metrics`)).text(),
    stop: () => proc.stop(10_000),
  };
}

/** Sum of `hpa_ts_api_requests_total` samples with code="403" in a /metrics text. */
export function forbiddenRequests(metricsText: string): { total: number; lines: string[] } {
  const lines = metricsText
    .split('\n')
    .filter((l) => l.startsWith('hpa_ts_api_requests_total{') && l.includes('code="403"'));
  return { total: lines.reduce((a, l) => a + Number(l.split(' ').pop()), 0), lines };
}
