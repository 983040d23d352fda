import {
  decide,
  failedUpdateStatus,
  historyAfter,
  ownsThroughReplicaSets,
  parseHpaAnnotations,
  PodSelection,
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
  type MetricFetch,
  type MetricQuery,
  type PodOwners,
  type PodSnapshot,
  type Profile,
  type ReconcileError,
  type Scale,
  type ScaleReadError,
  type ScaleWrite,
  unclampedUpdate,
  withUnclampedReplicas,
  type SelectorCheck,
} from '../algorithms/index.js';
import type { MetricsClient } from '../metrics-clients/port.js';
import type { Clock } from './clock.js';
import type { ClusterAccess, ClusterError, ClusterResult, ScaleTarget } from './ports.js';
import type { ShadowRounds } from './shadow.js';
import type { ControllerState } from './state.js';

const STATUS_WRITE_ATTEMPTS = 3;

/** The scale of an HPA that is not acted on: never read. */
const notRead: { result: DecideInput['scale']; target?: ScaleTarget } = {
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

function clusterMessage(e: ClusterError): string {
  return e.message;
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

  /** Shadow mode: notes the round, and whether this reconcile's recommendation is kept (ShadowRounds). */
  /** The HPA's own sync period for hpa-ts.io/fallback-* (fallback.ts); nothing without it. */
  private fallbackPeriod(a: HpaAnnotations): { syncPeriodMs?: number } {
    const period = a.syncPeriodMs ?? this.deps.syncPeriodMs;
    return a.fallback === null || period === undefined ? {} : { syncPeriodMs: period };
  }

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
  async reconcile(
    key: string,
    builtin?: {
      currentReplicas: number;
      desiredReplicas: number;
      rescaled: boolean;
      readStatus?: HorizontalPodAutoscalerStatus;
    },
  ): Promise<ReconcileOutcome> {
    const currentReplicasOverride = builtin?.currentReplicas;
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
    const namespace = hpa.metadata.namespace ?? '';
    const specErrors = this.specErrors(hpa);
    // read once per reconcile for the decision (the loop reads the sync period to requeue)
    const annotations = parseHpaAnnotations(hpa.metadata.annotations);
    // shadow mode: decide on the status the built-in read, not on the one it has just written
    const decidedOn = builtin?.readStatus !== undefined ? { ...hpa, status: builtin.readStatus } : hpa;
    // An invalid HPA is not acted on (§8.2): no scale read, no metrics, no scale write.
    const read = specErrors.length > 0 ? notRead : await this.readScale(hpa);
    const scale =
      currentReplicasOverride !== undefined && read.result.ok
        ? {
            ...read,
            result: {
              ok: true as const,
              value: { ...read.result.value, spec: { ...read.result.value.spec, replicas: currentReplicasOverride } },
            },
          }
        : read;
    const pods = deps.pods.inNamespace(namespace);
    const selectors = deps.state.selectorEntries(namespace);
    const podOwners = scale.result.ok ? await this.podOwners(hpa, annotations, scale.result.value) : undefined;
    const selection = { annotations, ...(podOwners === undefined ? {} : { podOwners }) };
    const plan = scale.result.ok
      ? planReconcile(decidedOn, scale.result.value, pods, selectors, deps.profile, selection)
      : undefined;
    const queries = plan?.queries ?? [];
    const metricDurationsMs = new Map<number, number>();
    const metrics = await Promise.all(
      queries.map(async (q, i) => {
        const t0 = deps.clock.now();
        const f = await this.fetch(q);
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
    let decision = decide(input);
    if (decision.selector !== null)
      deps.state.updateSelector(namespace, key, decision.selector, countedPods(plan?.selectorCheck ?? null));

    let scaled: number | undefined;
    if (decision.rescale !== null) {
      let write: ScaleWrite = { kind: 'skipped' };
      if (deps.mode === 'write') {
        if (!scale.result.ok || scale.target === undefined)
          throw new Error(`${key}: a rescale was planned without a scale read`);
        write = await this.writeScale(scale.target, namespace, scale.result.value, decision.rescale.to, key);
        if (write.kind === 'written') scaled = decision.rescale.to;
      }
      // A success is stamped with the decision's time, a failure when it is known.
      decision = settleRescale(decision, write, write.kind === 'failed' ? deps.clock.now() : now);
    }
    const builtinRescale =
      builtin?.rescaled === true ? { from: builtin.currentReplicas, to: builtin.desiredReplicas } : undefined;
    // Deleted while we were deciding: do not resurrect its history (upstream drops it on NotFound).
    if (deps.hpas.get(key) === undefined) deps.state.deleteHistory(key);
    else if (this.records(key, builtin !== undefined, now, priorHistory))
      deps.state.setHistory(key, historyAfter(decision, { now, builtinRescale }));

    let error = decision.error ?? undefined;
    let statusWritten = false;
    let writtenResourceVersion: string | undefined;
    if (deps.mode === 'write') {
      const ref = {
        namespace,
        name: hpa.metadata.name,
        uid: hpa.metadata.uid,
        resourceVersion: hpa.metadata.resourceVersion,
        ...this.hpaKind,
      };
      for (const ev of decision.events) deps.events.record(ref, ev.type, ev.reason, ev.message);
      const status = this.statusToWrite(hpa, decision);
      if (status !== undefined) {
        const res = await this.writeStatus(hpa, status);
        if (res.ok) {
          statusWritten = true;
          writtenResourceVersion = res.value.metadata.resourceVersion;
        } else {
          deps.events.record(ref, 'Warning', 'FailedUpdateStatus', clusterMessage(res.error));
          error = failedUpdateStatus(hpa.metadata.name, clusterMessage(res.error));
        }
      }
    }
    const outcome: ReconcileOutcome = {
      key,
      deleted: false,
      decision,
      hpa,
      ...(scaled !== undefined ? { scaled } : {}),
      statusWritten,
      ...(writtenResourceVersion !== undefined ? { writtenResourceVersion } : {}),
      ...(error !== undefined ? { error } : {}),
      durationMs: deps.clock.now() - start,
      metricDurationsMs,
    };
    return outcome;
  }

  /** The status to write, if it differs from the one read: upstream's, or in CRD mode with unclampedReplicas. */
  private statusToWrite(hpa: HorizontalPodAutoscaler, d: Decision): HorizontalPodAutoscalerStatus | undefined {
    if (this.deps.unclampedReplicasInStatus !== true) return d.statusChanged ? d.status : undefined;
    const status = withUnclampedReplicas(d.status, hpa.status, unclampedUpdate(d.unclamped));
    return statusEqual(hpa.status, status) ? undefined : status;
  }

  /**
   * With `hpa-ts.io/pod-selection: owner-references` on a Deployment: its pods' owners are
   * ReplicaSets, listed fresh (narrowed by the scale's selector, which every ReplicaSet the
   * Deployment controls matches) once per reconcile of such an HPA only. Any other HPA or kind
   * reads nothing more.
   */
  private async podOwners(
    hpa: HorizontalPodAutoscaler,
    annotations: HpaAnnotations,
    scale: Scale,
  ): Promise<PodOwners | undefined> {
    if (annotations.podSelection !== PodSelection.OwnerReferences) return undefined;
    const ref = hpa.spec.scaleTargetRef;
    const selector = scale.status.selector ?? '';
    if (!ownsThroughReplicaSets({ apiVersion: ref.apiVersion ?? '', kind: ref.kind }) || selector === '')
      return undefined;
    const listed = await this.deps.cluster.listReplicaSets(hpa.metadata.namespace ?? '', selector);
    return listed.ok
      ? { ok: true, value: { replicaSets: listed.value } }
      : { ok: false, error: { message: `listing replicasets: ${clusterMessage(listed.error)}` } };
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

  /**
   * PUT of the status; on 409 Conflict (our cached resourceVersion is stale: someone edited the
   * HPA) read the HPA fresh and try again, a few times. Upstream leaves this to the next sync;
   * retrying now keeps `kubectl describe hpa` current after an edit.
   */
  private async writeStatus(
    hpa: HorizontalPodAutoscaler,
    status: HorizontalPodAutoscalerStatus,
  ): Promise<ClusterResult<HorizontalPodAutoscaler>> {
    let target = hpa;
    let res = await this.deps.cluster.updateHpaStatus(target, status);
    for (let attempt = 1; attempt < STATUS_WRITE_ATTEMPTS && !res.ok && res.error.status === 409; attempt++) {
      const fresh = await this.deps.cluster.getHpa(hpa.metadata.namespace ?? '', hpa.metadata.name);
      if (!fresh.ok) return fresh.error.status === 404 ? res : fresh;
      target = fresh.value;
      // the copy we missed may already say what we would write (our own earlier write, which
      // the informer has not delivered): writing it again would change nothing, and it is in place
      if (statusEqual(target.status, status)) return fresh;
      res = await this.deps.cluster.updateHpaStatus(target, status);
    }
    return res;
  }

  /** Resolves the target through discovery and reads its scale (upstream scaleForResourceMappings, §3.2). */
  private async readScale(
    hpa: HorizontalPodAutoscaler,
  ): Promise<{ result: DecideInput['scale']; target?: ScaleTarget }> {
    const ref = hpa.spec.scaleTargetRef;
    const fail = (stage: ScaleReadError['stage'], message: string): { result: DecideInput['scale'] } => ({
      result: { ok: false, error: { stage, message } },
    });
    const apiVersion = ref.apiVersion ?? '';
    if (apiVersion.split('/').length > 2) {
      return fail('apiVersion', `unexpected GroupVersion string: ${apiVersion}`);
    }
    const mappings = await this.deps.cluster.resolveScaleTarget(apiVersion, ref.kind);
    if (!mappings.ok) return fail('mapping', mappings.error.message);
    if (mappings.value.length === 0) return fail('get', 'unrecognized resource');
    let firstError: string | undefined;
    for (const target of mappings.value) {
      const res = await this.deps.cluster.getScale(target, hpa.metadata.namespace ?? '', ref.name);
      if (res.ok) return { result: { ok: true, value: res.value }, target };
      firstError ??= res.error.message;
    }
    return fail('get', firstError ?? 'unrecognized resource');
  }

  /**
   * PUT of the scale with the read resourceVersion; on 409 Conflict re-read and retry, up to the
   * profile's attempts, 10 ms apart (V9, client-go retry.DefaultRetry).
   */
  private async writeScale(
    target: ScaleTarget,
    namespace: string,
    scale: Scale,
    replicas: number,
    /** the HPA it is written for: a sharded replica's write fence asks that HPA's shard */
    hpa: string,
  ): Promise<ScaleWrite> {
    let current = scale;
    const attempts = Math.max(1, this.deps.profile.scaleUpdateAttempts);
    let lastError = '';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const res = await this.deps.cluster.updateScale(
        target,
        namespace,
        { ...current, spec: { ...current.spec, replicas } },
        { hpa },
      );
      if (res.ok) return { kind: 'written' };
      lastError = clusterMessage(res.error);
      if (res.error.status !== 409 || attempt === attempts) break;
      await this.deps.clock.sleep(10);
      const fresh = await this.deps.cluster.getScale(target, namespace, scale.metadata.name);
      if (fresh.ok) current = fresh.value;
      // whoever we conflicted with already set the replicas we want: writing them would change nothing
      if (fresh.ok && fresh.value.spec.replicas === replicas) return { kind: 'written' };
    }
    return { kind: 'failed', message: lastError };
  }

  private async fetch(q: MetricQuery): Promise<MetricFetch> {
    const m = this.deps.metrics;
    switch (q.kind) {
      case 'resource':
        return { kind: 'resource', result: await m.getResourceMetrics(q) };
      case 'pods':
        return { kind: 'pods', result: await m.getPodsMetric(q) };
      case 'object':
        return { kind: 'object', result: await m.getObjectMetric(q) };
      case 'external':
        return { kind: 'external', result: await m.getExternalMetric(q) };
      default:
        return { kind: 'none' };
    }
  }
}
