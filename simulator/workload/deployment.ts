/**
 * The Deployment controller (pkg/controller/deployment), reduced to what an autoscaled workload
 * needs: the ReplicaSet of the current pod template is `<deployment>-<pod-template-hash>` and
 * carries spec.replicas; after a template change the new ReplicaSet gets all replicas at once and
 * the old ones are scaled to zero when it is fully available (a surge-everything rollout); status
 * sums the ReplicaSets like upstream's syncRolloutStatus.
 */
import { formatInstant } from '../../algorithms/index.js';
import { Resources, isStoreError } from '../apiserver/index.js';
import { asArray, asNumber, asObject, asString, cloneJson, jsonEqual } from '../apiserver/json.js';
import type { KubeObject } from '../apiserver/types.js';
import { writeStatus, type WorkloadContext } from './context.js';
import { annotationsOf, ownerRef } from './pods.js';

export const POD_TEMPLATE_HASH = 'pod-template-hash';
const REVISION = 'deployment.kubernetes.io/revision';
const DESIRED = 'deployment.kubernetes.io/desired-replicas';
const MAX = 'deployment.kubernetes.io/max-replicas';
/** deploymentutil.FailedRSCreateReason */
const FAILED_RS_CREATE = 'ReplicaSetCreateError';
/** Annotations the deployment controller does not copy to ReplicaSets (skipCopyAnnotation). */
const NOT_COPIED = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION,
  'deployment.kubernetes.io/revision-history',
]);

function num(v: unknown, fallback: number): number {
  return asNumber(v) ?? fallback;
}

/** maxSurge of a RollingUpdate strategy, resolved against `replicas` (percent rounds up). */
function maxSurge(spec: Record<string, unknown>, replicas: number): number {
  const ru = asObject(asObject(spec.strategy)?.rollingUpdate);
  const v = ru?.maxSurge ?? '25%';
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(String(v));
  return m === null ? 0 : Math.ceil((replicas * Number(m[1])) / 100);
}

function maxUnavailable(spec: Record<string, unknown>, replicas: number): number {
  const ru = asObject(asObject(spec.strategy)?.rollingUpdate);
  const v = ru?.maxUnavailable ?? '25%';
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(String(v));
  return m === null ? 0 : Math.floor((replicas * Number(m[1])) / 100);
}

function copiedAnnotations(d: KubeObject): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(annotationsOf(d))) if (!NOT_COPIED.has(k)) out[k] = v;
  return out;
}

function revisionOf(rs: KubeObject): number {
  return Number(annotationsOf(rs)[REVISION] ?? '0') || 0;
}

function newReplicaSetBody(
  d: KubeObject,
  hash: string,
  replicas: number,
  revision: number,
  surge: number,
): Record<string, unknown> {
  const spec = asObject(d.spec) ?? {};
  const template = cloneJson(asObject(spec.template) ?? {});
  const tmeta = (asObject(template.metadata) ?? {}) as Record<string, unknown>;
  const labels = { ...((asObject(tmeta.labels) ?? {}) as Record<string, string>), [POD_TEMPLATE_HASH]: hash };
  template.metadata = { ...tmeta, labels };
  const selector = cloneJson(asObject(spec.selector) ?? {});
  selector.matchLabels = {
    ...((asObject(selector.matchLabels) ?? {}) as Record<string, string>),
    [POD_TEMPLATE_HASH]: hash,
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata.name ?? ''}-${hash}`,
      namespace: d.metadata.namespace,
      labels,
      annotations: {
        ...copiedAnnotations(d),
        [REVISION]: String(revision),
        [DESIRED]: String(replicas),
        [MAX]: String(replicas + surge),
      },
      ownerReferences: [ownerRef(d, 'apps/v1', 'Deployment')],
    },
    spec: {
      replicas,
      ...(spec.minReadySeconds !== undefined ? { minReadySeconds: spec.minReadySeconds } : {}),
      selector,
      template,
    },
  };
}

/** Updates a ReplicaSet's replicas and copied annotations when they differ. */
function syncReplicaSet(ctx: WorkloadContext, d: KubeObject, rs: KubeObject, replicas: number, surge: number): void {
  const annotations = {
    ...copiedAnnotations(d),
    [REVISION]: annotationsOf(rs)[REVISION] ?? '1',
    [DESIRED]: String(num(asObject(d.spec)?.replicas, 1)),
    [MAX]: String(num(asObject(d.spec)?.replicas, 1) + surge),
  };
  const spec = asObject(rs.spec) ?? {};
  if (spec.replicas === replicas && jsonEqual(rs.metadata.annotations ?? {}, annotations)) return;
  const next = cloneJson(rs) as Record<string, unknown> & { metadata: Record<string, unknown> };
  next.metadata.annotations = annotations;
  (next.spec as Record<string, unknown>).replicas = replicas;
  try {
    ctx.store.update(Resources.replicaSets, rs.metadata.namespace, rs.metadata.name ?? '', next);
  } catch (e) {
    // gone or changed meanwhile: the next pass sees it; refused: upstream logs and requeues
    if (!isStoreError(e)) throw e;
  }
}

/**
 * getNewReplicaSet when the create is refused (e.g. a Deployment name of 244+ characters makes
 * `<name>-<hash>` longer than 253; upstream does not shorten it): the Progressing condition goes
 * False with reason ReplicaSetCreateError and the API server's message, nothing else changes.
 */
function replicaSetCreateFailed(ctx: WorkloadContext, d: KubeObject, rsName: string, error: string): void {
  const old = asObject(d.status) ?? {};
  const message = `Failed to create new replica set "${rsName}": ${error}`;
  const now = formatInstant(ctx.now);
  const others = asArray(old.conditions).filter((c) => asObject(c)?.type !== 'Progressing');
  const progressing = condition(asArray(old.conditions), 'Progressing', false, FAILED_RS_CREATE, message, now);
  writeStatus(ctx.store, Resources.deployments, d, {
    ...old,
    ...(d.metadata.generation !== undefined ? { observedGeneration: d.metadata.generation } : {}),
    conditions: [...others, progressing],
  });
}

function condition(
  old: readonly unknown[],
  type: string,
  status: boolean,
  reason: string,
  message: string,
  now: string,
): Record<string, unknown> {
  const prev = old.map(asObject).find((c) => c?.type === type);
  const s = status ? 'True' : 'False';
  const sameStatus = prev?.status === s;
  const same = sameStatus && prev?.reason === reason && prev?.message === message;
  return {
    type,
    status: s,
    lastUpdateTime: same ? (asString(prev?.lastUpdateTime) ?? now) : now,
    lastTransitionTime: sameStatus ? (asString(prev?.lastTransitionTime) ?? now) : now,
    reason,
    message,
  };
}

export function reconcileDeployment(ctx: WorkloadContext, d: KubeObject): void {
  if (d.metadata.deletionTimestamp !== undefined) return;
  const spec = asObject(d.spec) ?? {};
  const desired = num(spec.replicas, 1);
  const oldStatus = asObject(d.status) ?? {};
  const hash = ctx.hashes.of(d.metadata.uid, d.metadata.generation, spec.template, num(oldStatus.collisionCount, 0));
  const surge = maxSurge(spec, desired);
  const all = ctx.owned(d.metadata.uid, 'replicasets').filter((rs) => rs.metadata.deletionTimestamp === undefined);
  let current = all.find((rs) => (rs.metadata.labels ?? {})[POD_TEMPLATE_HASH] === hash);
  if (current === undefined) {
    const revision = Math.max(0, ...all.map(revisionOf)) + 1;
    try {
      current = ctx.store.create(
        Resources.replicaSets,
        d.metadata.namespace,
        newReplicaSetBody(d, hash, desired, revision, surge),
      );
    } catch (e) {
      if (!isStoreError(e)) throw e;
      if (e.code !== 409 && e.code !== 404)
        replicaSetCreateFailed(ctx, d, `${d.metadata.name ?? ''}-${hash}`, e.message);
      return;
    }
  } else {
    syncReplicaSet(ctx, d, current, desired, surge);
  }
  const olds = all.filter((rs) => rs !== current && rs.metadata.name !== current?.metadata.name);
  const currentAvailable = num(asObject(current.status)?.availableReplicas, 0);
  if (currentAvailable >= desired) {
    for (const rs of olds) if (num(asObject(rs.spec)?.replicas, 0) !== 0) syncReplicaSet(ctx, d, rs, 0, surge);
  }
  const sets = ctx.owned(d.metadata.uid, 'replicasets');
  const fresh = sets.find((rs) => rs.metadata.name === current?.metadata.name) ?? current;
  const sum = (field: string): number => sets.reduce((n, rs) => n + num(asObject(rs.status)?.[field], 0), 0);
  const replicas = sum('replicas');
  const ready = sum('readyReplicas');
  const available = sum('availableReplicas');
  const updated = num(asObject(fresh.status)?.replicas, 0);
  const unavailable = Math.max(0, desired - available);
  const now = formatInstant(ctx.now);
  const oldConds = asArray(oldStatus.conditions);
  const minAvailable = available >= desired - maxUnavailable(spec, desired);
  const complete = updated === desired && replicas === desired && available >= desired;
  const rsName = fresh.metadata.name ?? '';
  const status: Record<string, unknown> = {
    ...(d.metadata.generation !== undefined ? { observedGeneration: d.metadata.generation } : {}),
    ...(replicas > 0 ? { replicas } : {}),
    ...(updated > 0 ? { updatedReplicas: updated } : {}),
    ...(ready > 0 ? { readyReplicas: ready } : {}),
    ...(available > 0 ? { availableReplicas: available } : {}),
    ...(unavailable > 0 ? { unavailableReplicas: unavailable } : {}),
    conditions: [
      condition(
        oldConds,
        'Available',
        minAvailable,
        minAvailable ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
        minAvailable ? 'Deployment has minimum availability.' : 'Deployment does not have minimum availability.',
        now,
      ),
      condition(
        oldConds,
        'Progressing',
        true,
        complete ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated',
        complete ? `ReplicaSet "${rsName}" has successfully progressed.` : `ReplicaSet "${rsName}" is progressing.`,
        now,
      ),
    ],
  };
  writeStatus(ctx.store, Resources.deployments, d, status);
}
