/** What the reconcile functions of the workload controllers share. */
import { isStoreError, type GroupVersionResource, type ObjectStore } from '../apiserver/index.js';
import { jsonEqual } from '../apiserver/json.js';
import type { KubeObject } from '../apiserver/types.js';
import type { TemplateHashes } from './names.js';

export interface WorkloadContext {
  readonly store: ObjectStore;
  readonly now: number;
  readonly random: () => number;
  readonly hashes: TemplateHashes;
  /** live objects whose controller owner has this uid (pods of a ReplicaSet, ReplicaSets of a Deployment) */
  owned(ownerUid: string | undefined, resource: 'pods' | 'replicasets'): readonly KubeObject[];
  /**
   * Pods this pass may still create (upstream's burstReplicas, 500, shared by every workload):
   * a scale-up to 100,000 proceeds in bursts, the event loop (HTTP, signals) running between them.
   */
  readonly budget: { left: number };
  /** Reconcile `obj` again after `delayMs` of the clock (0: the next turn): its work is not done. */
  retryLater(obj: KubeObject, delayMs: number): void;
}

/** kube-controller-manager's burstReplicas: pods a workload controller creates or deletes per sync. */
export const BURST_REPLICAS = 500;

/** How long a workload whose pod creates were refused waits before trying again (a requeue with back-off upstream). */
export const CREATE_RETRY_MS = 10_000;

/** Writes `status` unless it is already the object's status; a vanished object is not an error. */
export function writeStatus(
  store: ObjectStore,
  gvr: GroupVersionResource,
  obj: KubeObject,
  status: Record<string, unknown>,
): void {
  if (jsonEqual(obj.status, status)) return;
  const name = obj.metadata.name ?? '';
  try {
    store.updateStatus(gvr, obj.metadata.namespace, name, { metadata: { name }, status });
  } catch (e) {
    if (!isStoreError(e) || e.code !== 404) throw e;
  }
}

/** Deletes, ignoring an object that is already gone. */
export function deleteIfPresent(store: ObjectStore, gvr: GroupVersionResource, obj: KubeObject): void {
  try {
    store.delete(gvr, obj.metadata.namespace, obj.metadata.name ?? '', { propagationPolicy: 'Background' });
  } catch (e) {
    if (!isStoreError(e) || e.code !== 404) throw e;
  }
}

/** Creates with a generated name, drawing again when the name is taken (AlreadyExists). */
export function createNamed(
  store: ObjectStore,
  gvr: GroupVersionResource,
  namespace: string,
  makeName: () => string,
  body: (name: string) => Record<string, unknown>,
): KubeObject | undefined {
  for (let attempt = 0; attempt < 10; attempt++) {
    try {
      return store.create(gvr, namespace, body(makeName()));
    } catch (e) {
      if (isStoreError(e) && e.code === 409) continue;
      if (isStoreError(e) && e.code === 404) return undefined; // the namespace is going away
      throw e;
    }
  }
  return undefined;
}
