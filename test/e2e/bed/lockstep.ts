/**
 * The lock-step workload: the bed plays the Deployment controller and the kubelet for the
 * side-by-side scenarios, so that everything an HPA decision reads changes only at moments the bed
 * chooses — never while one of the two controllers is reading.
 *
 * Time is cut into epochs per scenario. kube-controller-manager's HPA controller syncs each HPA
 * once per sync period P; the bed sees each sync start (its first metrics request, user
 * system:serviceaccount:kube-system:horizontal-pod-autoscaler) and applies the next epoch P/2
 * later — after hpa-ts (shadow) has compared that sync, well before the next one. Applying an
 * epoch: bring the pods to the Deployment's spec.replicas (create / delete), write every pod's
 * status for its readiness pattern, write the Deployment's status, and switch the metric values
 * served (metrics APIs, or the /metrics endpoints Prometheus scrapes) to the new epoch's.
 */
import { formatInstant } from '../../../algorithms/index.js';
import type { Kube, KubeObject } from './kube.js';
import {
  epochValues,
  podPhase,
  type ContainerSpec,
  type EpochValues,
  type PodPattern,
  type PodPhase,
  type Signal,
} from './load.js';
import { sleep } from './procs.js';

export interface LockstepScenario {
  readonly namespace: string;
  /** Deployment (and HPA) name */
  readonly name: string;
  readonly initialReplicas: number;
  readonly containers: readonly ContainerSpec[];
  readonly signals: readonly Signal[];
  /** pod n (in creation order) gets patterns[n % length] */
  readonly patterns: readonly PodPattern[];
  /** epochs after the initial one */
  readonly epochs: number;
}

export interface BedPod {
  readonly name: string;
  readonly index: number;
  readonly createdEpoch: number;
  readonly createdAt: Date;
  readonly pattern: PodPattern;
  readonly labels: Record<string, string>;
  phase: PodPhase;
  readyTransition?: string;
  written?: string;
}

export interface EpochRecord {
  readonly epoch: number;
  readonly at: number;
  /** when the apply's writes were done */
  readonly endAt: number;
  readonly replicas: number;
  readonly pods: readonly { name: string; running: boolean; ready: boolean; hasMetrics: boolean }[];
}

/** One scenario's workload, driven in lock-step with kube-controller-manager's syncs. */
export class LockstepRun {
  epoch = 0;
  readonly pods = new Map<string, BedPod>();
  values: EpochValues = { pods: new Map(), objects: new Map(), external: new Map() };
  /** RFC 3339 second of the current epoch's apply: the metrics' timestamp */
  timestamp = formatInstant(Date.now());
  applyAt = Date.now();
  readonly kcmSyncs: number[] = [];
  readonly hpaTsResourceReads: number[] = [];
  readonly history: EpochRecord[] = [];
  /** last time the bed's HPA watch saw kcm write this HPA's status */
  lastStatusEventAt = 0;
  /** last time hpa-ts finished a reconcile of this HPA */
  lastHpaTsOutcomeAt = 0;
  finished = false;
  /** when the caller created the HPA */
  hpaCreatedAt = 0;
  private created = 0;
  private lastKcmReadAt = 0;
  private applyTimer: NodeJS.Timeout | undefined;
  private fallbackTimer: NodeJS.Timeout | undefined;
  private applying: Promise<void> | undefined;
  private resolveDone: () => void = () => undefined;
  readonly done: Promise<void>;
  readonly labels: Record<string, string>;
  errors: string[] = [];

  constructor(
    readonly s: LockstepScenario,
    private readonly kube: Kube,
    private readonly periodMs: number,
    /** called after every apply (the Prometheus exporter follows the values) */
    private readonly onApplied?: (run: LockstepRun) => void,
    /** when, after a kcm sync, the next epoch is applied (fraction of the period) */
    private readonly applyPhase = 0.5,
  ) {
    this.done = new Promise((r) => (this.resolveDone = r));
    this.labels = { app: s.name, 'e2e.hpa-ts.io/scenario': s.namespace };
  }

  private get base(): string {
    return `/apis/apps/v1/namespaces/${this.s.namespace}/deployments/${this.s.name}`;
  }

  /** Creates the Deployment and its initial pods (epoch 0). The HPA is created by the caller. */
  async setup(): Promise<void> {
    const s = this.s;
    await this.kube.create(`/apis/apps/v1/namespaces/${s.namespace}/deployments`, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: s.name, namespace: s.namespace, labels: { app: s.name } },
      spec: {
        replicas: s.initialReplicas,
        selector: { matchLabels: this.labels },
        template: { metadata: { labels: this.labels }, spec: { containers: this.containerSpecs() } },
      },
    });
    await this.apply(true);
    this.armFallback(2 * this.periodMs);
    // let both controllers' informers see the pods before the HPA exists (1.37 syncs a new HPA at once)
    await sleep(300);
  }

  private containerSpecs(): unknown[] {
    return this.s.containers.map((c) => ({
      name: c.name,
      image: 'registry.invalid/e2e/app:1',
      resources: { requests: { cpu: `${c.cpuRequestMilli}m`, memory: String(c.memoryRequestBytes) } },
    }));
  }

  /** A metrics request of kube-controller-manager's HPA controller for this namespace. */
  kcmRead(now = Date.now()): void {
    const gap = now - this.lastKcmReadAt;
    this.lastKcmReadAt = now;
    if (gap < this.periodMs / 2) return;
    this.kcmSyncs.push(now);
    if (!this.finished) this.schedule(this.periodMs * this.applyPhase);
  }

  /** A resource-metrics read of hpa-ts for this namespace (the report tells cached answers apart). */
  hpaTsResourceRead(now = Date.now()): void {
    this.hpaTsResourceReads.push(now);
  }

  /**
   * kube-controller-manager wrote this HPA's status: a sync, even when its metrics requests never
   * reached the bed (e.g. prometheus-adapter answered "metric not found" before asking Prometheus).
   */
  kcmStatusWrite(now = Date.now()): void {
    this.lastStatusEventAt = now;
    // a write follows its sync's reads (which the bed may have held a moment): only a write with no
    // read in the whole period before it marks a sync of its own
    if (now - this.lastKcmReadAt > 0.9 * this.periodMs) this.kcmRead(now - 20);
  }

  private schedule(delayMs: number): void {
    if (this.finished) return;
    clearTimeout(this.applyTimer);
    this.applyTimer = setTimeout(() => void this.applyNext(), delayMs);
    this.armFallback(delayMs + 1.5 * this.periodMs);
  }

  /** No kcm sync seen for a while (its metrics fail the same way every time): keep the epochs going, one per period. */
  private armFallback(delayMs: number): void {
    clearTimeout(this.fallbackTimer);
    this.fallbackTimer = setTimeout(() => this.schedule(0), delayMs);
  }

  private async applyNext(): Promise<void> {
    if (this.applying !== undefined || this.finished) return;
    // let hpa-ts finish comparing kcm's last status write before anything changes
    const t0 = Date.now();
    while (this.lastStatusEventAt > this.lastHpaTsOutcomeAt && Date.now() - t0 < 1000) await sleep(20);
    this.applying = this.apply(false).catch((e: unknown) => {
      this.errors.push(`epoch ${this.epoch}: ${(e as Error).message}`);
    });
    await this.applying;
    this.applying = undefined;
    if (this.epoch >= this.s.epochs) this.finish();
  }

  finish(): void {
    this.finished = true;
    clearTimeout(this.applyTimer);
    clearTimeout(this.fallbackTimer);
    this.resolveDone();
  }

  private async apply(initial: boolean): Promise<void> {
    if (!initial) this.epoch++;
    const now = new Date();
    const dep = await this.kube.get(this.base);
    const replicas = (dep.spec?.replicas as number | undefined) ?? 0;
    await this.reconcilePods(replicas, now);
    await this.writePodStatuses(now);
    const live = [...this.pods.values()];
    this.values = epochValues(
      this.s.signals,
      this.s.containers,
      live.map((p) => ({ name: p.name, phase: p.phase, weight: p.pattern.weight })),
      this.epoch,
    );
    this.timestamp = formatInstant(now.getTime());
    this.applyAt = now.getTime();
    const ready = live.filter((p) => p.phase.ready).length;
    await this.writeDeploymentStatus(dep, live.length, ready);
    this.history.push({
      epoch: this.epoch,
      at: now.getTime(),
      endAt: Date.now(),
      replicas,
      pods: live.map((p) => ({ name: p.name, ...p.phase })),
    });
    this.onApplied?.(this);
  }

  private async reconcilePods(replicas: number, now: Date): Promise<void> {
    const live = [...this.pods.values()];
    if (live.length > replicas) {
      // like the ReplicaSet controller: unready first, then the newest
      const victims = live
        .sort((a, b) => Number(a.phase.ready) - Number(b.phase.ready) || b.index - a.index)
        .slice(0, live.length - replicas);
      await Promise.all(
        victims.map(async (p) => {
          await this.kube.delete(`/api/v1/namespaces/${this.s.namespace}/pods/${p.name}`);
          this.pods.delete(p.name);
        }),
      );
    }
    const creates: Promise<void>[] = [];
    for (let n = live.length; n < replicas; n++) {
      const index = this.created++;
      const name = `${this.s.name}-${String(index).padStart(3, '0')}`;
      const pod: BedPod = {
        name,
        index,
        createdEpoch: this.epoch,
        createdAt: now,
        pattern: this.s.patterns[index % this.s.patterns.length],
        labels: this.labels,
        phase: { running: false, ready: false, hasMetrics: false },
      };
      this.pods.set(name, pod);
      creates.push(
        this.kube
          .create(`/api/v1/namespaces/${this.s.namespace}/pods`, {
            apiVersion: 'v1',
            kind: 'Pod',
            metadata: { name, namespace: this.s.namespace, labels: this.labels },
            spec: { containers: this.containerSpecs(), automountServiceAccountToken: false },
          })
          .then(() => undefined),
      );
    }
    await Promise.all(creates);
  }

  private podStatus(p: BedPod, now: Date): unknown {
    const ph = p.phase;
    if (!ph.running)
      return {
        phase: 'Pending',
        conditions: [
          {
            type: 'PodScheduled',
            status: 'False',
            reason: 'Unschedulable',
            lastTransitionTime: formatInstant(p.createdAt.getTime()),
          },
        ],
      };
    const startTime = p.pattern.oldStart ? new Date(p.createdAt.getTime() - 3600_000) : p.createdAt;
    const readyStatus = ph.ready ? 'True' : 'False';
    if (p.readyTransition === undefined || !p.readyTransition.startsWith(readyStatus))
      p.readyTransition = `${readyStatus}@${formatInstant(now.getTime())}`;
    const ltt = p.readyTransition.split('@')[1];
    return {
      phase: 'Running',
      startTime: formatInstant(startTime.getTime()),
      conditions: [
        { type: 'PodScheduled', status: 'True', lastTransitionTime: formatInstant(p.createdAt.getTime()) },
        { type: 'Initialized', status: 'True', lastTransitionTime: formatInstant(startTime.getTime()) },
        { type: 'ContainersReady', status: readyStatus, lastTransitionTime: ltt },
        { type: 'Ready', status: readyStatus, lastTransitionTime: ltt },
      ],
      containerStatuses: this.s.containers.map((c) => ({
        name: c.name,
        image: 'registry.invalid/e2e/app:1',
        imageID: '',
        ready: ph.ready,
        restartCount: 0,
        started: true,
        state: { running: { startedAt: formatInstant(startTime.getTime()) } },
      })),
    };
  }

  private async writePodStatuses(now: Date): Promise<void> {
    await Promise.all(
      [...this.pods.values()].map(async (p) => {
        p.phase = podPhase(p.pattern, this.epoch - p.createdEpoch);
        const status = this.podStatus(p, now);
        const text = JSON.stringify(status);
        if (text === p.written) return;
        await this.kube.mergePatch(`/api/v1/namespaces/${this.s.namespace}/pods/${p.name}/status`, { status });
        p.written = text;
      }),
    );
  }

  private async writeDeploymentStatus(dep: KubeObject, replicas: number, ready: number): Promise<void> {
    const st = dep.status ?? {};
    if (
      st.replicas === replicas &&
      (st.readyReplicas ?? 0) === ready &&
      st.observedGeneration === dep.metadata.generation
    )
      return;
    await this.kube.mergePatch(`${this.base}/status`, {
      status: {
        observedGeneration: dep.metadata.generation,
        replicas,
        updatedReplicas: replicas,
        readyReplicas: ready,
        availableReplicas: ready,
        unavailableReplicas: Math.max(0, replicas - ready),
      },
    });
  }

  stop(): void {
    this.finish();
  }
}
