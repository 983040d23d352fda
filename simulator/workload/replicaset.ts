/**
 * The ReplicaSet controller (pkg/controller/replicaset): keeps spec.replicas pods alive, creating
 * `<rs>-<5 chars>` pods from the template and, on scale-down, deleting the pods upstream ranks
 * first (ActivePodsWithRanks: pending before running, unready before ready, most recently ready
 * first, newest first); then reports status.
 */
import { formatInstant, parseInstant } from '../../algorithms/index.js';
import { Resources, isStoreError } from '../apiserver/index.js';
import { asArray, asNumber, asObject, asString } from '../apiserver/json.js';
import type { KubeObject } from '../apiserver/types.js';
import { CREATE_RETRY_MS, createNamed, deleteIfPresent, writeStatus, type WorkloadContext } from './context.js';
import { generatedName } from './names.js';
import { ownerRef, podActive, podFromTemplate, podPhase, podReady } from './pods.js';

const PHASE_RANK: Readonly<Record<string, number>> = { Pending: 0, Unknown: 1, Running: 2 };

function readySince(pod: KubeObject): number {
  for (const c of asArray(asObject(pod.status)?.conditions)) {
    const o = asObject(c);
    if (o?.type === 'Ready' && o.status === 'True') return parseInstant(asString(o.lastTransitionTime) ?? '') || 0;
  }
  return 0;
}

function created(pod: KubeObject): number {
  return parseInstant(pod.metadata.creationTimestamp ?? '') || 0;
}

/** controller.ActivePodsWithRanks' Less, the parts a simulated cluster exercises: first = deleted first. */
export function deletionOrder(a: KubeObject, b: KubeObject): number {
  const pa = PHASE_RANK[podPhase(a)] ?? 1;
  const pb = PHASE_RANK[podPhase(b)] ?? 1;
  if (pa !== pb) return pa - pb;
  const ra = podReady(a);
  const rb = podReady(b);
  if (ra !== rb) return ra ? 1 : -1;
  if (ra && rb) {
    const d = readySince(b) - readySince(a);
    if (d !== 0) return d;
  }
  const c = created(b) - created(a);
  if (c !== 0) return c;
  return (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1;
}

export function reconcileReplicaSet(ctx: WorkloadContext, rs: KubeObject): void {
  if (rs.metadata.deletionTimestamp !== undefined) return;
  const spec = asObject(rs.spec) ?? {};
  const desired = asNumber(spec.replicas) ?? 1;
  const ns = rs.metadata.namespace ?? '';
  const rsName = rs.metadata.name ?? '';
  const active = ctx.owned(rs.metadata.uid, 'pods').filter(podActive);
  let failure: string | undefined;
  if (active.length < desired) {
    const owner = ownerRef(rs, 'apps/v1', 'ReplicaSet');
    const n = Math.min(desired - active.length, ctx.budget.left);
    for (let i = 0; i < n && failure === undefined; i++) {
      ctx.budget.left--;
      try {
        createNamed(
          ctx.store,
          Resources.pods,
          ns,
          () => generatedName(`${rsName}-`, ctx.random),
          (name) => withGenerateName(podFromTemplate(spec.template, name, ns, owner), `${rsName}-`),
        );
      } catch (e) {
        if (!isStoreError(e)) throw e;
        failure = e.message; // e.g. over the simulator's --max-pods: stop this sync, as slowStartBatch does
      }
    }
    if (failure !== undefined) ctx.retryLater(rs, CREATE_RETRY_MS);
    else if (active.length + n < desired) ctx.retryLater(rs, 0);
  } else if (active.length > desired) {
    const victims = [...active].sort(deletionOrder).slice(0, active.length - desired);
    for (const pod of victims) deleteIfPresent(ctx.store, Resources.pods, pod);
  }
  const pods = ctx.owned(rs.metadata.uid, 'pods').filter(podActive);
  const ready = pods.filter(podReady).length;
  const status: Record<string, unknown> = {
    replicas: pods.length,
    ...(pods.length > 0 ? { fullyLabeledReplicas: pods.length } : {}),
    ...(ready > 0 ? { readyReplicas: ready, availableReplicas: ready } : {}),
    ...(rs.metadata.generation !== undefined ? { observedGeneration: rs.metadata.generation } : {}),
    ...replicaFailure(rs, failure, ctx.now),
  };
  writeStatus(ctx.store, Resources.replicaSets, rs, status);
}

/**
 * calculateStatus' ReplicaFailure condition: True with reason FailedCreate and the API server's
 * error while creates are refused; gone after a sync without a refusal.
 */
function replicaFailure(rs: KubeObject, failure: string | undefined, now: number): { conditions?: unknown[] } {
  if (failure === undefined) return {};
  const prev = asArray(asObject(rs.status)?.conditions)
    .map(asObject)
    .find((c) => c?.type === 'ReplicaFailure' && c.status === 'True');
  const since = asString(prev?.lastTransitionTime) ?? formatInstant(now);
  return {
    conditions: [
      { type: 'ReplicaFailure', status: 'True', lastTransitionTime: since, reason: 'FailedCreate', message: failure },
    ],
  };
}

/** The pod as the ReplicaSet controller asks for it (generateName `<rs>-`), named here for reproducible runs. */
function withGenerateName(pod: Record<string, unknown>, generateName: string): Record<string, unknown> {
  return { ...pod, metadata: { ...(pod.metadata as Record<string, unknown>), generateName } };
}
