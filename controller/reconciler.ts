import {
  decide,
  failedUpdateStatus,
  historyAfter,
  planReconcile,
  settleRescale,
  specErrorsOf,
  statusEqual,
  type ControllerConfig,
  type DecideInput,
  type Decision,
  type FieldError,
  type HorizontalPodAutoscaler,
  type HorizontalPodAutoscalerStatus,
  type HpaAnnotations,
  type HpaHistory,
  type PodSnapshot,
  type Profile,
  type ReconcileError,
  type ScaleWrite,
  unclampedUpdate,
  withUnclampedReplicas,
  type SelectorCheck,
} from '../algorithms/index.js';
import type { MetricsClient } from '../metrics-clients/port.js';
import { annotationsOf } from './annotations-of.js';
import type { Clock } from './clock.js';
import type { ClusterAccess } from './ports.js';
import {
  clusterMessage,
  fetchMetric,
  listPodOwners,
  readScale,
  writeScale,
  writeStatus,
  type ScaleRead,
} from './reconcile-io.js';
import type { ShadowRounds } from './shadow.js';
import type { ControllerState } from './state.js';

/** The scale of an HPA that is not acted on: never read. */
const notRead: ScaleRead = {
  result: { ok: false, error: { stage: 'get', message: 'not read: the HPA spec is invalid' } },
};

/** How writes are handled: for real, not at all (dry-run), or not at all while comparing (shadow). */
export type WriteMode = 'write' | 'dry-run' | 'shadow';

export interface EventSink {
  record(
    obj: { namespace: string; name: string; uid?: string; resourceVersion?: string; kind: string; apiVersion: string },
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
  ): void;
}

export interface ReconcilerDeps {
  readonly cluster: ClusterAccess;
  readonly metrics: MetricsClient;
  readonly hpas: { get(key: string): HorizontalPodAutoscaler | undefined };
  readonly pods: { inNamespace(namespace: string): readonly PodSnapshot[] };
  readonly state: ControllerState;
  readonly events: EventSink;
  readonly clock: Clock;
  readonly config: ControllerConfig;
  readonly profile: Profile;
  readonly mode: WriteMode;
  /** kind of the objects reconciled, for events (HorizontalPodAutoscaler, or the CRD kind) */
  readonly hpaKind?: { kind: string; apiVersion: string };
  /**
   * CRD mode: the status also carries unclampedReplicas (docs/recommendation.md), a field of
   * hpa-ts's own HPA kind; autoscaling/v2 HPAs are never given a field upstream lacks
   */
  readonly unclampedReplicasInStatus?: boolean;
  /** shadow mode: one recommendation per built-in sync (shadow.ts) */
  readonly rounds?: ShadowRounds;
  /** --horizontal-pod-autoscaler-sync-period: hpa-ts.io/fallback-* counts a failure once per half period */
  readonly syncPeriodMs?: number;
}

export interface ReconcileOutcome {
  readonly key: string;
  readonly deleted: boolean;
  readonly decision?: Decision;
  readonly hpa?: HorizontalPodAutoscaler;
  /** the replica count written to the scale subresource, if any */
  readonly scaled?: number;
  readonly statusWritten: boolean;
  /** resourceVersion the status write produced (for the stale-cache guard, V15) */
  readonly writtenResourceVersion?: string;
  /** the error upstream's reconcile would return (status write failures included) */
  readonly error?: ReconcileError;
  readonly durationMs: number;
  /** fetch time of each spec.metrics entry, by index */
  readonly metricDurationsMs: ReadonlyMap<number, number>;
}

/** What the built-in controller did in this round (shadow mode, shadow.ts). */
interface BuiltinRound {
  readonly currentReplicas: number;
  readonly desiredReplicas: number;
  readonly rescaled: boolean;
  readonly readStatus?: HorizontalPodAutoscalerStatus;
}

/** What a reconcile read before deciding. */
interface Gathered {
  readonly input: DecideInput;
  readonly scale: ScaleRead;
  readonly plan: ReturnType<typeof planReconcile> | undefined;
  readonly priorHistory: HpaHistory;
  readonly metricDurationsMs: Map<number, number>;
}

/** The scale as read, with the replica count the built-in controller saw (shadow mode). */
function withReplicas(read: ScaleRead, replicas: number): ScaleRead {
  if (!read.result.ok) return read;
  const value = read.result.value;
  return { ...read, result: { ok: true, value: { ...value, spec: { ...value.spec, replicas } } } };
}

/** With owner-references, the pods the HPA counts and so claims (selector-check.ts); else undefined: all its selector matches. */
function countedPods(check: SelectorCheck | null): ReadonlySet<string> | undefined {
  if (check === null) return undefined;
  const pods = check.ok ? (check.notOwned === undefined ? undefined : check.pods) : check.counted;
  return pods === undefined ? undefined : new Set(pods.map((p) => p.name));
}

/**
 * One reconcile of one HPA key (upstream reconcileKey + reconcileAutoscaler): read what the
 * decision needs, let the algorithms decide, then perform exactly the writes the decision implies.
 */
export class Reconciler {
  private readonly hpaKind: { kind: string; apiVersion: string };
  /** validation per object version: the cache replaces the object when it changes */
  private readonly validated = new WeakMap<HorizontalPodAutoscaler, readonly FieldError[]>();

  constructor(private readonly deps: ReconcilerDeps) {
    this.hpaKind = deps.hpaKind ?? { kind: 'HorizontalPodAutoscaler', apiVersion: 'autoscaling/v2' };
  }

  /** The HPA's own sync period for hpa-ts.io/fallback-* (fallback.ts); nothing without it. */
  private fallbackPeriod(a: HpaAnnotations): { syncPeriodMs?: number } {
    const period = a.syncPeriodMs ?? this.deps.syncPeriodMs;
    return a.fallback === null || period === undefined ? {} : { syncPeriodMs: period };
  }

  /** Shadow mode: notes the round, and whether this reconcile's recommendation is kept (ShadowRounds). */
  private records(key: string, comparison: boolean, now: number, before: HpaHistory): boolean {
    const rounds = this.deps.rounds;
    if (rounds === undefined) return true;
    if (comparison) rounds.compared(key, now);
    else if (rounds.periodicRecords(key, now)) rounds.periodic(key, now, before);
    else return false;
    return true;
  }

  /**
   * `builtin` (shadow mode): decide as if the scale read the replica count the built-in controller
   * saw (it may have rescaled since), and remember its rescale as a scale event, so the behavior
   * policies count the changes that really happened to the workload.
   */
  async reconcile(key: string, builtin?: BuiltinRound): Promise<ReconcileOutcome> {
    const { deps } = this;
    const start = deps.clock.now();
    const hpa = deps.hpas.get(key);
    if (hpa === undefined) {
      deps.state.deleteHistory(key);
      deps.rounds?.forget(key);
      return {
        key,
        deleted: true,
        statusWritten: false,
        durationMs: deps.clock.now() - start,
        metricDurationsMs: new Map(),
      };
    }
    const gathered = await this.gather(key, hpa, builtin);
    const { input, scale, plan } = gathered;
    const namespace = hpa.metadata.namespace ?? '';
    const decided = decide(input);
    if (decided.selector !== null)
      deps.state.updateSelector(namespace, key, decided.selector, countedPods(plan?.selectorCheck ?? null));
    const { decision, scaled } = await this.rescale(key, namespace, decided, scale, input.now);
    this.remember(key, decision, builtin, input.now, gathered.priorHistory);
    const published = deps.mode === 'write' ? await this.publish(hpa, decision) : { statusWritten: false };
    const error = published.error ?? decision.error ?? undefined;
    return {
      key,
      deleted: false,
      decision,
      hpa,
      ...(scaled !== undefined ? { scaled } : {}),
      statusWritten: published.statusWritten,
      ...(published.writtenResourceVersion !== undefined
        ? { writtenResourceVersion: published.writtenResourceVersion }
        : {}),
      ...(error !== undefined ? { error } : {}),
      durationMs: deps.clock.now() - start,
      metricDurationsMs: gathered.metricDurationsMs,
    };
  }

  /** Reads what the decision needs: the scale, the pods, the metrics of the plan. */
  private async gather(
    key: string,
    hpa: HorizontalPodAutoscaler,
    builtin: BuiltinRound | undefined,
  ): Promise<Gathered> {
    const { deps } = this;
    const namespace = hpa.metadata.namespace ?? '';
    const specErrors = this.specErrors(hpa);
    // parsed once per HPA version, shared with the requeue that reads its sync period
    const annotations = annotationsOf(hpa);
    // shadow mode: decide on the status the built-in read, not on the one it has just written
    const decidedOn = builtin?.readStatus !== undefined ? { ...hpa, status: builtin.readStatus } : hpa;
    // An invalid HPA is not acted on (§8.2): no scale read, no metrics, no scale write.
    const read = specErrors.length > 0 ? notRead : await readScale(deps.cluster, hpa);
    const scale = builtin !== undefined ? withReplicas(read, builtin.currentReplicas) : read;
    const pods = deps.pods.inNamespace(namespace);
    const selectors = deps.state.selectorEntries(namespace);
    const podOwners = scale.result.ok
      ? await listPodOwners(deps.cluster, hpa, annotations, scale.result.value)
      : undefined;
    const selection = { annotations, ...(podOwners === undefined ? {} : { podOwners }) };
    const plan = scale.result.ok
      ? planReconcile(decidedOn, scale.result.value, pods, selectors, deps.profile, selection)
      : undefined;
    const metricDurationsMs = new Map<number, number>();
    const metrics = await Promise.all(
      (plan?.queries ?? []).map(async (q, i) => {
        const t0 = deps.clock.now();
        const f = await fetchMetric(deps.metrics, q);
        metricDurationsMs.set(i, deps.clock.now() - t0);
        return f;
      }),
    );
    const now = deps.clock.now();
    const priorHistory = deps.state.history(key);
    const input: DecideInput = {
      hpa: decidedOn,
      scale: scale.result,
      pods,
      metrics,
      selectors,
      selectorCheck: plan?.selectorCheck ?? null,
      history:
        builtin !== undefined && deps.rounds !== undefined
          ? deps.rounds.forComparison(key, priorHistory, now)
          : priorHistory,
      config: deps.config,
      profile: deps.profile,
      now,
      ...(specErrors.length > 0 ? { specErrors } : {}),
      ...this.fallbackPeriod(annotations),
      ...selection,
    };
    return { input, scale, plan, priorHistory, metricDurationsMs };
  }

  /** Writes the scale the decision asks for (write mode only), and settles the decision on the result. */
  private async rescale(
    key: string,
    namespace: string,
    decision: Decision,
    scale: ScaleRead,
    now: number,
  ): Promise<{ decision: Decision; scaled?: number }> {
    const { deps } = this;
    if (decision.rescale === null) return { decision };
    let write: ScaleWrite = { kind: 'skipped' };
    const to = decision.rescale.to;
    if (deps.mode === 'write') {
      if (!scale.result.ok || scale.target === undefined)
        throw new Error(`${key}: a rescale was planned without a scale read`);
      write = await writeScale(deps, {
        target: scale.target,
        namespace,
        scale: scale.result.value,
        replicas: to,
        hpa: key,
      });
    }
    // A success is stamped with the decision's time, a failure when it is known.
    const settled = settleRescale(decision, write, write.kind === 'failed' ? deps.clock.now() : now);
    return write.kind === 'written' ? { decision: settled, scaled: to } : { decision: settled };
  }

  /** The HPA's history after this decision (and the built-in's rescale in shadow mode). */
  private remember(
    key: string,
    decision: Decision,
    builtin: BuiltinRound | undefined,
    now: number,
    priorHistory: HpaHistory,
  ): void {
    const { deps } = this;
    const builtinRescale =
      builtin?.rescaled === true ? { from: builtin.currentReplicas, to: builtin.desiredReplicas } : undefined;
    // Deleted while we were deciding: do not resurrect its history (upstream drops it on NotFound).
    if (deps.hpas.get(key) === undefined) deps.state.deleteHistory(key);
    else if (this.records(key, builtin !== undefined, now, priorHistory))
      deps.state.setHistory(key, historyAfter(decision, { now, builtinRescale }));
  }

  /** Write mode: the decision's events, then its status if it changed. */
  private async publish(
    hpa: HorizontalPodAutoscaler,
    decision: Decision,
  ): Promise<{ statusWritten: boolean; writtenResourceVersion?: string; error?: ReconcileError }> {
    const { deps } = this;
    const ref = {
      namespace: hpa.metadata.namespace ?? '',
      name: hpa.metadata.name,
      uid: hpa.metadata.uid,
      resourceVersion: hpa.metadata.resourceVersion,
      ...this.hpaKind,
    };
    for (const ev of decision.events) deps.events.record(ref, ev.type, ev.reason, ev.message);
    const status = this.statusToWrite(hpa, decision);
    if (status === undefined) return { statusWritten: false };
    const res = await writeStatus(deps.cluster, hpa, status);
    if (res.ok) {
      const writtenResourceVersion = res.value.metadata.resourceVersion;
      return writtenResourceVersion === undefined
        ? { statusWritten: true }
        : { statusWritten: true, writtenResourceVersion };
    }
    deps.events.record(ref, 'Warning', 'FailedUpdateStatus', clusterMessage(res.error));
    return { statusWritten: false, error: failedUpdateStatus(hpa.metadata.name, clusterMessage(res.error)) };
  }

  /** The status to write, if it differs from the one read: upstream's, or in CRD mode with unclampedReplicas. */
  private statusToWrite(hpa: HorizontalPodAutoscaler, d: Decision): HorizontalPodAutoscalerStatus | undefined {
    if (this.deps.unclampedReplicasInStatus !== true) return d.statusChanged ? d.status : undefined;
    const status = withUnclampedReplicas(d.status, hpa.status, unclampedUpdate(d.unclamped));
    return statusEqual(hpa.status, status) ? undefined : status;
  }

  /** The API server's validation of this version of the HPA (CRD mode may store what it rejects). */
  private specErrors(hpa: HorizontalPodAutoscaler): readonly FieldError[] {
    let errors = this.validated.get(hpa);
    if (errors === undefined) {
      errors = specErrorsOf(hpa);
      this.validated.set(hpa, errors);
    }
    return errors;
  }
}
