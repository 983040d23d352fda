/**
 * The ReplicaSet controller (pkg/controller/replicaset): keeps spec.replicas pods alive, creating
 * `<rs>-<5 chars>` pods from the template and, on scale-down, deleting the pods upstream ranks
 * first (ActivePodsWithRanks: pending before running, unready before ready, most recently ready
 * first, newest first); then reports status.
 */
import { parseInstant } from '../../algorithms/index.js';
import { Resources } from '../apiserver/index.js';
import { asArray, asNumber, asObject, asString } from '../apiserver/json.js';
import type { KubeObject } from '../apiserver/types.js';
import { createNamed, deleteIfPresent, writeStatus, type WorkloadContext } from './context.js';
import { randomSuffix } from './names.js';
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
  if (active.length < desired) {
    const owner = ownerRef(rs, 'apps/v1', 'ReplicaSet');
    for (let i = active.length; i < desired; i++) {
      createNamed(
        ctx.store,
        Resources.pods,
        ns,
        () => `${rsName}-${randomSuffix(ctx.random)}`,
        (name) => podFromTemplate(spec.template, name, ns, owner),
      );
    }
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
  };
  writeStatus(ctx.store, Resources.replicaSets, rs, status);
}
