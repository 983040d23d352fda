/**
 * The StatefulSet controller (pkg/controller/statefulset), for scaling: pods `<name>-<ordinal>`
 * with stable identities; OrderedReady creates ordinal i only once 0..i-1 are Running and Ready,
 * Parallel creates them all at once; scale-down removes the highest ordinals first.
 */
import { Resources, isStoreError } from '../apiserver/index.js';
import { asNumber, asObject, asString } from '../apiserver/json.js';
import type { KubeObject } from '../apiserver/types.js';
import { CREATE_RETRY_MS, deleteIfPresent, writeStatus, type WorkloadContext } from './context.js';
import { ownerRef, podActive, podFromTemplate, podPhase, podReady } from './pods.js';

function ordinalOf(setName: string, pod: KubeObject): number | undefined {
  const name = pod.metadata.name ?? '';
  if (!name.startsWith(`${setName}-`)) return undefined;
  const rest = name.slice(setName.length + 1);
  return /^\d+$/.test(rest) ? Number(rest) : undefined;
}

export function reconcileStatefulSet(ctx: WorkloadContext, sts: KubeObject): void {
  if (sts.metadata.deletionTimestamp !== undefined) return;
  const spec = asObject(sts.spec) ?? {};
  const desired = asNumber(spec.replicas) ?? 1;
  const name = sts.metadata.name ?? '';
  const ns = sts.metadata.namespace ?? '';
  const revision = `${name}-${ctx.hashes.of(sts.metadata.uid, sts.metadata.generation, spec.template)}`;
  const parallel = spec.podManagementPolicy === 'Parallel';
  const byOrdinal = new Map<number, KubeObject>();
  for (const pod of ctx.owned(sts.metadata.uid, 'pods')) {
    const i = ordinalOf(name, pod);
    if (i !== undefined && podActive(pod)) byOrdinal.set(i, pod);
  }
  const owner = ownerRef(sts, 'apps/v1', 'StatefulSet');
  for (let i = 0; i < desired; i++) {
    const pod = byOrdinal.get(i);
    if (pod === undefined) {
      if (ctx.budget.left <= 0) {
        ctx.retryLater(sts, 0); // the rest of a Parallel scale-up in the next burst
        break;
      }
      ctx.budget.left--;
      const podName = `${name}-${i}`;
      const body = podFromTemplate(spec.template, podName, ns, owner, {
        'controller-revision-hash': revision,
        'statefulset.kubernetes.io/pod-name': podName,
        'apps.kubernetes.io/pod-index': String(i),
      });
      const podSpec = body.spec as Record<string, unknown>;
      podSpec.hostname = podName;
      const service = asString(spec.serviceName);
      if (service !== undefined && service !== '') podSpec.subdomain = service;
      try {
        ctx.store.create(Resources.pods, ns, body);
      } catch (e) {
        if (!isStoreError(e)) throw e;
        if (e.code !== 409 && e.code !== 404) {
          ctx.retryLater(sts, CREATE_RETRY_MS); // refused (e.g. --max-pods): try again later
          break;
        }
      }
      if (!parallel) break;
    } else if (!parallel && !(podPhase(pod) === 'Running' && podReady(pod))) {
      break; // OrderedReady: wait for this ordinal before creating the next
    }
  }
  const extra = [...byOrdinal.entries()].filter(([i]) => i >= desired).sort((a, b) => b[0] - a[0]);
  for (const [, pod] of extra) deleteIfPresent(ctx.store, Resources.pods, pod);
  const pods = ctx.owned(sts.metadata.uid, 'pods').filter(podActive);
  const ready = pods.filter(podReady).length;
  const status: Record<string, unknown> = {
    ...(sts.metadata.generation !== undefined ? { observedGeneration: sts.metadata.generation } : {}),
    replicas: pods.length,
    ...(ready > 0 ? { readyReplicas: ready, availableReplicas: ready } : { availableReplicas: 0 }),
    ...(pods.length > 0 ? { currentReplicas: pods.length, updatedReplicas: pods.length } : {}),
    currentRevision: revision,
    updateRevision: revision,
    collisionCount: 0,
  };
  writeStatus(ctx.store, Resources.statefulSets, sts, status);
}
