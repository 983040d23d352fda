/**
 * What a reconcile reads from and writes to the cluster and the metrics APIs, one function per
 * request pattern (reconciler.ts decides when): the scale read through discovery, the scale and
 * status writes with their retries on 409 Conflict, the ReplicaSets of pod-selection, the metrics.
 */
import {
  ownsThroughReplicaSets,
  PodSelection,
  statusEqual,
  type DecideInput,
  type HorizontalPodAutoscaler,
  type HorizontalPodAutoscalerStatus,
  type HpaAnnotations,
  type MetricFetch,
  type MetricQuery,
  type PodOwners,
  type Profile,
  type Scale,
  type ScaleReadError,
  type ScaleWrite,
} from '../algorithms/index.js';
import type { MetricsClient } from '../metrics-clients/port.js';
import type { Clock } from './clock.js';
import type { ClusterAccess, ClusterError, ClusterResult, ScaleTarget } from './ports.js';

const STATUS_WRITE_ATTEMPTS = 3;

export function clusterMessage(e: ClusterError): string {
  return e.message;
}

/** A scale read, and the target it was read from (what a scale write goes to). */
export interface ScaleRead {
  readonly result: DecideInput['scale'];
  readonly target?: ScaleTarget;
}

/** Resolves the target through discovery and reads its scale (upstream scaleForResourceMappings, §3.2). */
export async function readScale(cluster: ClusterAccess, hpa: HorizontalPodAutoscaler): Promise<ScaleRead> {
  const ref = hpa.spec.scaleTargetRef;
  const fail = (stage: ScaleReadError['stage'], message: string): { result: DecideInput['scale'] } => ({
    result: { ok: false, error: { stage, message } },
  });
  const apiVersion = ref.apiVersion ?? '';
  if (apiVersion.split('/').length > 2) {
    return fail('apiVersion', `unexpected GroupVersion string: ${apiVersion}`);
  }
  const mappings = await cluster.resolveScaleTarget(apiVersion, ref.kind);
  if (!mappings.ok) return fail('mapping', mappings.error.message);
  if (mappings.value.length === 0) return fail('get', 'unrecognized resource');
  let firstError: string | undefined;
  for (const target of mappings.value) {
    const res = await cluster.getScale(target, hpa.metadata.namespace ?? '', ref.name);
    if (res.ok) return { result: { ok: true, value: res.value }, target };
    firstError ??= res.error.message;
  }
  return fail('get', firstError ?? 'unrecognized resource');
}

/**
 * PUT of the scale with the read resourceVersion; on 409 Conflict re-read and retry, up to the
 * profile's attempts, 10 ms apart (V9, client-go retry.DefaultRetry).
 */
export async function writeScale(
  io: { readonly cluster: ClusterAccess; readonly clock: Clock; readonly profile: Profile },
  write: {
    readonly target: ScaleTarget;
    readonly namespace: string;
    readonly scale: Scale;
    readonly replicas: number;
    /** the HPA it is written for: a sharded replica's write fence asks that HPA's shard */
    readonly hpa: string;
  },
): Promise<ScaleWrite> {
  const { target, namespace, scale, replicas, hpa } = write;
  let current = scale;
  const attempts = Math.max(1, io.profile.scaleUpdateAttempts);
  let lastError = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const res = await io.cluster.updateScale(
      target,
      namespace,
      { ...current, spec: { ...current.spec, replicas } },
      { hpa },
    );
    if (res.ok) return { kind: 'written' };
    lastError = clusterMessage(res.error);
    if (res.error.status !== 409 || attempt === attempts) break;
    await io.clock.sleep(10);
    const fresh = await io.cluster.getScale(target, namespace, scale.metadata.name);
    if (fresh.ok) current = fresh.value;
    // whoever we conflicted with already set the replicas we want: writing them would change nothing
    if (fresh.ok && fresh.value.spec.replicas === replicas) return { kind: 'written' };
  }
  return { kind: 'failed', message: lastError };
}

/**
 * PUT of the status; on 409 Conflict (our cached resourceVersion is stale: someone edited the
 * HPA) read the HPA fresh and try again, a few times. Upstream leaves this to the next sync;
 * retrying now keeps `kubectl describe hpa` current after an edit.
 */
export async function writeStatus(
  cluster: ClusterAccess,
  hpa: HorizontalPodAutoscaler,
  status: HorizontalPodAutoscalerStatus,
): Promise<ClusterResult<HorizontalPodAutoscaler>> {
  let target = hpa;
  let res = await cluster.updateHpaStatus(target, status);
  for (let attempt = 1; attempt < STATUS_WRITE_ATTEMPTS && !res.ok && res.error.status === 409; attempt++) {
    const fresh = await cluster.getHpa(hpa.metadata.namespace ?? '', hpa.metadata.name);
    if (!fresh.ok) return fresh.error.status === 404 ? res : fresh;
    target = fresh.value;
    // the copy we missed may already say what we would write (our own earlier write, which
    // the informer has not delivered): writing it again would change nothing, and it is in place
    if (statusEqual(target.status, status)) return fresh;
    res = await cluster.updateHpaStatus(target, status);
  }
  return res;
}

/**
 * With `hpa-ts.io/pod-selection: owner-references` on a Deployment: its pods' owners are
 * ReplicaSets, listed fresh (narrowed by the scale's selector, which every ReplicaSet the
 * Deployment controls matches) once per reconcile of such an HPA only. Any other HPA or kind
 * reads nothing more.
 */
export async function listPodOwners(
  cluster: ClusterAccess,
  hpa: HorizontalPodAutoscaler,
  annotations: HpaAnnotations,
  scale: Scale,
): Promise<PodOwners | undefined> {
  if (annotations.podSelection !== PodSelection.OwnerReferences) return undefined;
  const ref = hpa.spec.scaleTargetRef;
  const selector = scale.status.selector ?? '';
  if (!ownsThroughReplicaSets({ apiVersion: ref.apiVersion ?? '', kind: ref.kind }) || selector === '')
    return undefined;
  const listed = await cluster.listReplicaSets(hpa.metadata.namespace ?? '', selector);
  return listed.ok
    ? { ok: true, value: { replicaSets: listed.value } }
    : { ok: false, error: { message: `listing replicasets: ${clusterMessage(listed.error)}` } };
}

/** One metric of the spec, from the metrics client. */
export async function fetchMetric(m: MetricsClient, q: MetricQuery): Promise<MetricFetch> {
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
