/**
 * ownerReferences as `hpa-ts.io/pod-selection: owner-references` reads them
 * (algorithms/pod-selection.ts): a pod's or ReplicaSet's controller reference, and a ReplicaSet's
 * identity. Raw API JSON in, plain types out; never throws.
 */
import type { ControllerRef, ReplicaSetOwnership } from '../algorithms/index.js';

type Obj = Readonly<Record<string, unknown>>;

function obj(v: unknown): Obj | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/**
 * The ownerReference with `controller: true` of an object's metadata, or null. The API server
 * allows at most one; a reference without kind or name cannot name an owner and is not one.
 */
export function controllerRefFromApi(metadata: unknown): ControllerRef | null {
  const refs = obj(metadata)?.ownerReferences;
  if (!Array.isArray(refs)) return null;
  for (const raw of refs) {
    const r = obj(raw);
    if (r?.controller !== true) continue;
    const ref = { apiVersion: str(r.apiVersion), kind: str(r.kind), name: str(r.name), uid: str(r.uid) };
    return ref.kind === '' || ref.name === '' ? null : ref;
  }
  return null;
}

/** An apps/v1 ReplicaSet → its name, uid and controller; undefined when it has no name. */
export function replicaSetOwnershipFromApi(raw: unknown): ReplicaSetOwnership | undefined {
  const md = obj(obj(raw)?.metadata);
  const name = str(md?.name);
  if (name === '') return undefined;
  return { name, uid: str(md?.uid), controller: controllerRefFromApi(md) };
}
