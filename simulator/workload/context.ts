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
}

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
