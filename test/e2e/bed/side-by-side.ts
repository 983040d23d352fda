/**
 * The side-by-side bed: kube-controller-manager's HPA controller owns the HPAs, hpa-ts runs beside
 * it in shadow mode (with the shadow overlay's ServiceAccount and RBAC), and the lock-step workload
 * feeds both the same pods and metric values. Metrics come either from the bed's aggregated
 * metrics API (`apiserver` path) or from real Prometheus + prometheus-adapter (`prometheus` path,
 * see prometheus.ts). Scenarios run concurrently, each in its own namespace.
 */
import type { RunningController } from '../../../app/start.js';
import type { MetricsFlags } from '../../../metrics-clients/index.js';
import type { Cause } from './classify.js';
import {
  ComparisonRecorder,
  summarize,
  type AgreementSummary,
  type ComparisonRecord,
  type FeatureTagger,
} from './compare.js';
import { decisionFeatures } from './features.js';
import { startHpaTsInProcess } from './hpa-ts.js';
import type { WatchHandle } from './kube.js';
import { LockstepRun, type EpochRecord } from './lockstep.js';
import { LockstepProvider } from './lockstep-provider.js';
import { GROUPS, startMetricsApi, type MetricsApiServer } from './metrics-api.js';
import { servingCert } from './pki.js';
import { classifyAll, writeReport } from './report.js';
import { startPromBed, type PromBed } from './prometheus.js';
import { sleep } from './procs.js';
import { installOverlayIdentity, overlayExists, type OverlayIdentity } from './rbac.js';
import { MetricsRoundTrip } from './roundtrip.js';
import type { GeneratedScenario } from './scenarios.js';
import { Stack } from './stack.js';

export const METRICS_SERVICE = { name: 'hpa-ts-e2e-metrics', namespace: 'kube-system' } as const;
const PROBE_NAMESPACE = 'e2e-phase-probe';

export interface ScenarioResult {
  readonly scenario: GeneratedScenario;
  readonly comparisons: readonly ComparisonRecord[];
  readonly kcmSyncs: number;
  readonly epochs: number;
  readonly errors: readonly string[];
  readonly finalReplicas: number;
  readonly epochHistory: readonly EpochRecord[];
  readonly kcmSyncTimes: readonly number[];
  readonly hpaTsResourceReads: readonly number[];
  readonly hpaCreatedAt: number;
  /** every hpa-ts reconcile of the scenario's HPA (time, and whether it compared a kcm sync) */
  readonly hpaTsOutcomes: readonly { at: number; compared: boolean }[];
}

export interface ClassifiedDisagreement {
  readonly record: ComparisonRecord;
  readonly causes: readonly Cause[];
  readonly result: ScenarioResult;
}

export interface SideBySideOptions {
  readonly name: string;
  readonly periodMs: number;
  /** --horizontal-pod-autoscaler-downscale-stabilization for both controllers */
  readonly downscaleStabilization: string;
  /** how hpa-ts reads metrics (default: the aggregated APIs through kube-apiserver) */
  readonly metrics?: MetricsFlags;
  /** extra hpa-ts feature gates */
  readonly featureGates?: string;
  /** when, after each kube-controller-manager sync, the bed applies the next epoch (fraction of the period; default 0.5) */
  readonly applyPhase?: number;
}

export class SideBySideBed {
  readonly provider = new LockstepProvider();
  metricsApi?: MetricsApiServer;
  prom?: PromBed;
  hpaTs?: RunningController & { logFile: string };
  identity?: OverlayIdentity;
  recorder?: ComparisonRecorder;
  private hpaWatch?: WatchHandle;
  readonly results: ScenarioResult[] = [];
  /** called after every epoch is applied (the Prometheus exporter follows the values) */
  onApplied?: (run: LockstepRun) => void;
  readonly notes: string[] = [];
  private readonly roundTrip: MetricsRoundTrip;
  private constructor(
    readonly stack: Stack,
    readonly opts: SideBySideOptions,
  ) {
    this.roundTrip = new MetricsRoundTrip(stack);
  }

  static async start(opts: SideBySideOptions): Promise<SideBySideBed> {
    const stack = await Stack.start({
      name: opts.name,
      hpaController: true,
      workloadControllers: false,
      syncPeriod: `${opts.periodMs / 1000}s`,
      downscaleStabilization: opts.downscaleStabilization,
    });
    return new SideBySideBed(stack, opts);
  }

  /** The bed's aggregated metrics API for all three groups (the `apiserver` path). */
  async serveMetricsApis(groups: readonly (keyof typeof GROUPS)[] = ['resource', 'custom', 'external']): Promise<void> {
    const cert = servingCert(this.stack.pki, 'metrics-api', [
      `${METRICS_SERVICE.name}.${METRICS_SERVICE.namespace}.svc`,
    ]);
    this.metricsApi = await startMetricsApi({
      ...cert,
      frontProxyCa: this.stack.pki.frontProxyCaCert,
      provider: this.provider,
    });
    const svc = { ...METRICS_SERVICE, port: this.metricsApi.port };
    for (const g of groups) {
      const versions = GROUPS[g].versions;
      for (const [i, v] of versions.entries())
        await this.stack.registerApiService(GROUPS[g].group, v, svc, this.stack.pki.caCert, 200 - i * 50);
    }
    for (const g of groups)
      for (const v of GROUPS[g].versions) await this.stack.waitApiServiceAvailable(`${v}.${GROUPS[g].group}`);
  }

  /** Real Prometheus + prometheus-adapter with the seeds' rule files (the `prometheus` path). */
  async servePrometheus(): Promise<PromBed> {
    const prom = await startPromBed(this.stack, this.provider.runs, (info) => this.provider.observe(info));
    this.prom = prom;
    this.onApplied = (run) => prom.exporter.update(run);
    return prom;
  }

  /**
   * kube-controller-manager syncs every HPA at one phase of the sync period (its informer's resync
   * tick), hpa-ts at the phase of its own resync tick. A probe HPA (External metric, no pods) shows
   * kcm's phase; hpa-ts is then (re)started until its periodic reconciles fall just before kcm's
   * syncs — so that its own periodic reconciles read the same epoch as kcm, at nearly the same time.
   */
  private async probeKcmPhase(): Promise<number> {
    const { stack } = this;
    const P = this.opts.periodMs;
    const ns = PROBE_NAMESPACE;
    const probe = { namespace: ns, reads: [] as number[] };
    this.provider.probe = probe;
    // Prometheus path: the adapter answers from a fixed series (kcm's requests reach the provider through metrics-front.ts)
    if (this.prom !== undefined) this.prom.exporter.setStaticExternal(ns, `queue_messages_cnt{scenario="${ns}"}`, 1);
    await stack.createNamespace(ns);
    await stack.kube.create(`/apis/apps/v1/namespaces/${ns}/deployments`, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'probe', namespace: ns },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'probe' } },
        template: {
          metadata: { labels: { app: 'probe' } },
          spec: { containers: [{ name: 'c', image: 'registry.invalid/probe:1' }] },
        },
      },
    });
    await stack.kube.create(`/apis/autoscaling/v2/namespaces/${ns}/horizontalpodautoscalers`, {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'probe', namespace: ns },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'probe' },
        minReplicas: 1,
        maxReplicas: 2,
        metrics: [
          {
            type: 'External',
            external: {
              metric: { name: 'queue_messages_cnt', selector: { matchLabels: { scenario: ns } } },
              target: { type: 'Value', value: '1' },
            },
          },
        ],
      },
    });
    const syncs = (): number[] => probe.reads.filter((t, i) => i === 0 || t - probe.reads[i - 1] > P / 2);
    const t0 = Date.now();
    // the first sync is at creation; from the second on, they follow kcm's informer resync tick
    while (syncs().length < 3 && Date.now() - t0 < 10 * P) await sleep(50);
    const s = syncs();
    if (s.length < 2)
      throw new Error(`phase probe: kube-controller-manager read the probe's metric ${probe.reads.length} times`);
    return s[s.length - 1] % P;
  }

  /** hpa-ts in shadow mode, with the shadow overlay's identity when manifests/overlays/shadow exists. */
  async startHpaTs(metrics: MetricsFlags | undefined = this.opts.metrics): Promise<void> {
    const P = this.opts.periodMs;
    const kcmPhase = await this.probeKcmPhase();
    // hpa-ts's resync tick fires one period after its workers start (on winning the lease)
    // just before kcm's syncs: hpa-ts's periodic reconcile then reads what kcm is about to read
    // (after kcm's sync it would read kcm's new scale with the old pods — a recommendation kcm never made)
    const target = (kcmPhase - 300 + P) % P;
    const circ = (d: number): number => (((d % P) + P + P / 2) % P) - P / 2;
    for (let attempt = 1; ; attempt++) {
      const calledAt = Date.now();
      const leaderAt = await this.startHpaTsOnce(metrics);
      const off = circ((leaderAt % P) - target);
      this.phases = { kcm: kcmPhase, hpaTs: leaderAt % P, attempts: attempt };
      if (Math.abs(off) <= 250 || attempt >= 4) {
        if (Math.abs(off) > 250)
          this.notes.push(`could not align hpa-ts's resync phase with kube-controller-manager's (off by ${off} ms)`);
        return;
      }
      // restart with the start shifted so that the same start-up time lands on the target
      const startup = leaderAt - calledAt;
      await this.hpaTs?.stop();
      this.hpaTs = undefined;
      this.recorder?.reset();
      const wantCall = (target - startup + 2 * P) % P;
      await sleep((wantCall - (Date.now() % P) + 2 * P) % P);
    }
  }

  /** phases (ms within the sync period) of both controllers' periodic syncs, after alignment */
  phases: { kcm: number; hpaTs: number; attempts: number } | undefined;

  /** Starts hpa-ts; resolves with the time its workers started (it won the lease). */
  private async startHpaTsOnce(metrics: MetricsFlags | undefined): Promise<number> {
    let kubeconfig = this.stack.adminKubeconfig;
    let leaseNamespace: string | undefined;
    if (overlayExists('shadow')) {
      this.identity = await installOverlayIdentity(this.stack, 'shadow');
      kubeconfig = this.identity.kubeconfig;
      leaseNamespace = this.identity.namespace;
    } else {
      this.notes.push('manifests/overlays/shadow not found: hpa-ts ran as the admin user');
    }
    this.hpaWatch?.stop();
    this.hpaWatch = this.stack.kube.watch('/apis/autoscaling/v2/horizontalpodautoscalers', (type, hpa) => {
      if (type !== 'MODIFIED') return;
      // in these suites only kube-controller-manager writes HPA statuses (hpa-ts is in shadow mode)
      this.provider.runs.get(hpa.metadata.namespace ?? '')?.kcmStatusWrite();
    });
    this.recorder ??= new ComparisonRecorder(
      () => this.hpaTs?.shadow,
      (ns) => this.provider.runs.get(ns)?.epoch ?? -1,
      (key) => this.hpaTs?.controller.state.history(key),
      this.tagFeatures,
    );
    const recorder = this.recorder;
    this.hpaTs = await startHpaTsInProcess(
      this.stack,
      {
        kubeconfig,
        shadow: true,
        ...(leaseNamespace !== undefined ? { leaseNamespace } : {}),
        ...(metrics !== undefined ? { metrics } : {}),
        ...(this.opts.featureGates !== undefined ? { featureGates: this.opts.featureGates } : {}),
        logName: 'hpa-ts-shadow',
      },
      (outcome) => {
        recorder.onOutcome(outcome);
        const run = this.provider.runs.get(outcome.key.split('/')[0]);
        if (run !== undefined) run.lastHpaTsOutcomeAt = Date.now();
      },
    );
    if (leaseNamespace !== undefined) {
      const t0 = Date.now();
      while (!this.hpaTs.isLeader() && Date.now() - t0 < 30_000) await sleep(5);
      if (!this.hpaTs.isLeader()) throw new Error('hpa-ts did not acquire its lease');
    }
    return Date.now();
  }

  /** The features a compared decision exercised, from the bed's pods at that epoch (features.ts). */
  private readonly tagFeatures: FeatureTagger = (outcome, builtinConditions) => {
    const run = this.provider.runs.get(outcome.key.split('/')[0]);
    if (outcome.hpa === undefined || run === undefined) return [];
    return decisionFeatures({
      decision: outcome.decision,
      hpa: outcome.hpa,
      builtinConditions,
      pods: [...run.pods.values()].map((p) => ({ oldStart: p.pattern.oldStart, ...p.phase })),
      periodMs: this.opts.periodMs,
      minor: this.stack.minor,
    });
  };

  /** Runs one scenario to its end; returns its comparisons. */
  async runScenario(sc: GeneratedScenario): Promise<ScenarioResult> {
    const { stack } = this;
    const ns = sc.lockstep.namespace;
    await stack.createNamespace(ns, { 'e2e.hpa-ts.io/suite': this.opts.name });
    const run = new LockstepRun(
      sc.lockstep,
      stack.kube,
      this.opts.periodMs,
      (r) => this.onApplied?.(r),
      this.opts.applyPhase ?? 0.5,
    );
    this.provider.add(run);
    await run.setup();
    // Prometheus: the first epoch's values must be scraped (and the pinned instant passed) before
    // either controller reads, or both would wait for it on their first sync
    if (this.prom !== undefined) await sleep(this.prom.proxy.settleMs + this.prom.proxy.commitMs);
    await stack.kube.create(`/apis/autoscaling/v2/namespaces/${ns}/horizontalpodautoscalers`, sc.hpa);
    run.hpaCreatedAt = Date.now();
    const limit = (sc.lockstep.epochs + 6) * this.opts.periodMs * 2;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), limit)));
    const timedOut = await Promise.race([run.done.then(() => false), timeout]);
    clearTimeout(timer);
    if (timedOut) {
      run.errors.push(`timed out after ${limit} ms at epoch ${run.epoch}`);
      run.stop();
    }
    // one more kcm sync reads the last epoch; let hpa-ts compare it
    await sleep(this.opts.periodMs * 1.25);
    const dep = await stack.kube.get(`/apis/apps/v1/namespaces/${ns}/deployments/${sc.lockstep.name}`);
    await stack.kube.delete(`/apis/autoscaling/v2/namespaces/${ns}/horizontalpodautoscalers/${sc.lockstep.name}`);
    const result: ScenarioResult = {
      scenario: sc,
      comparisons: await this.roundTrip.throughApiServer(this.recorder?.forNamespace(ns) ?? []),
      kcmSyncs: run.kcmSyncs.length,
      epochs: run.epoch,
      errors: run.errors,
      finalReplicas: (dep.spec?.replicas as number | undefined) ?? 0,
      epochHistory: run.history,
      kcmSyncTimes: run.kcmSyncs,
      hpaTsResourceReads: run.hpaTsResourceReads,
      hpaCreatedAt: run.hpaCreatedAt,
      hpaTsOutcomes: this.recorder?.outcomes.get(ns) ?? [],
    };
    this.results.push(result);
    return result;
  }

  /** Runs all scenarios, `concurrency` at a time. */
  async runAll(
    scenarios: readonly GeneratedScenario[],
    concurrency: number,
    onDone?: (r: ScenarioResult, n: number) => void,
  ): Promise<void> {
    let next = 0;
    let finished = 0;
    const worker = async (): Promise<void> => {
      while (next < scenarios.length) {
        const sc = scenarios[next++];
        let r: ScenarioResult;
        try {
          r = await this.runScenario(sc);
        } catch (e) {
          r = {
            scenario: sc,
            comparisons: [],
            kcmSyncs: 0,
            epochs: 0,
            errors: [(e as Error).message],
            finalReplicas: 0,
            epochHistory: [],
            kcmSyncTimes: [],
            hpaTsResourceReads: [],
            hpaCreatedAt: 0,
            hpaTsOutcomes: [],
          };
          this.results.push(r);
        }
        onDone?.(r, ++finished);
      }
    };
    // stagger the starts so that the scenarios' sync phases spread over the period
    await Promise.all(
      Array.from({ length: Math.min(concurrency, scenarios.length) }, async (_, i) => {
        await sleep((i * this.opts.periodMs) / Math.min(concurrency, scenarios.length));
        await worker();
      }),
    );
  }

  summary(): AgreementSummary {
    return summarize(
      this.results.flatMap((r) => r.comparisons),
      this.results.length,
    );
  }

  /** Every disagreement with its cause(s). */
  disagreements(): ClassifiedDisagreement[] {
    return classifyAll(this);
  }

  /** Disagreement counts by cause. */
  causes(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const d of this.disagreements()) for (const c of d.causes) out[c] = (out[c] ?? 0) + 1;
    return out;
  }

  /** Writes the full report (every disagreement with its inputs) as JSON; returns the path. */
  writeReport(file: string, extra: Record<string, unknown> = {}): string {
    return writeReport(this, file, extra);
  }

  async stop(): Promise<void> {
    for (const run of this.provider.runs.values()) run.stop();
    this.hpaWatch?.stop();
    await this.hpaTs?.stop().catch(() => undefined);
    await this.metricsApi?.close();
    await this.prom?.close();
    await this.stack.stop();
  }
}
