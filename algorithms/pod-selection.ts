/**
 * `hpa-ts.io/pod-selection: owner-references` (docs/annotations.md "Pods by owner"): of the pods
 * the scale's label selector matches, count only those the scale target owns. Upstream counts
 * every pod the selector matches, also those of another workload that shares the labels
 * (kubernetes/kubernetes#124307, KEP-5325); this is opt-in, per HPA.
 *
 * Ownership follows controller ownerReferences (the one with `controller: true`): a Deployment
 * owns a pod through one of its ReplicaSets (pod → ReplicaSet → Deployment); any other kind owns
 * the pods whose controller it is. A reference is the target when their uids are equal; when
 * either uid is unknown, when kind, name and API group are (the version does not matter).
 */
import type { CrossVersionObjectReference } from './api-types.js';
import type { MetricFetch } from './metric-samples.js';
import type { ControllerRef, PodSnapshot } from './pods.js';
import type { Result } from './result.js';

export const PodSelection = {
  /** upstream: every pod the scale's label selector matches (the default) */
  LabelSelector: 'label-selector',
  /** only the pods the scale target owns through controller ownerReferences */
  OwnerReferences: 'owner-references',
} as const;
export type PodSelection = (typeof PodSelection)[keyof typeof PodSelection];

/** A ReplicaSet as owner-references selection reads it: who it is and who controls it. */
export interface ReplicaSetOwnership {
  readonly name: string;
  readonly uid: string;
  readonly controller: ControllerRef | null;
}

/** Why the owners of the pods are not known (the ReplicaSet list failed); the reconcile stops. */
export interface PodOwnersError {
  readonly message: string;
}

/**
 * What the reconciler read for an HPA with owner-references: the namespace's ReplicaSets that
 * the scale selector matches (only for a Deployment target; empty for any other kind).
 */
export type PodOwners = Result<{ readonly replicaSets: readonly ReplicaSetOwnership[] }, PodOwnersError>;

/** The scale target as ownership compares it: the HPA's scaleTargetRef and the uid its Scale carries. */
export interface OwnerTarget {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  /** Scale.metadata.uid (the target's own uid); "" when the scale did not carry one */
  readonly uid: string;
}

export function ownerTargetOf(ref: CrossVersionObjectReference, scaleUid: string | undefined): OwnerTarget {
  return { apiVersion: ref.apiVersion ?? '', kind: ref.kind, name: ref.name, uid: scaleUid ?? '' };
}

/** The API group of an apiVersion: "apps/v1" → "apps", "v1" → "" (the core group). */
export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** Deployments own their pods through ReplicaSets (also the old extensions group's Deployment). */
export function ownsThroughReplicaSets(target: Pick<OwnerTarget, 'apiVersion' | 'kind'>): boolean {
  const group = apiGroup(target.apiVersion);
  return target.kind === 'Deployment' && (group === 'apps' || group === 'extensions');
}

/** Whether `ref` names `target`: by uid when both have one, else by kind, name and API group. */
export function refersTo(ref: ControllerRef, target: OwnerTarget): boolean {
  if (ref.uid !== '' && target.uid !== '') return ref.uid === target.uid;
  return (
    ref.kind === target.kind && ref.name === target.name && apiGroup(ref.apiVersion) === apiGroup(target.apiVersion)
  );
}

const isReplicaSetRef = (ref: ControllerRef): boolean =>
  ref.kind === 'ReplicaSet' && (apiGroup(ref.apiVersion) === 'apps' || apiGroup(ref.apiVersion) === 'extensions');

/**
 * Whether `target` owns a pod: for a Deployment, the pod's controller is one of `replicaSets`
 * (same name, and same uid when both are known: a ReplicaSet recreated under the old name is
 * another object) whose controller is the Deployment; otherwise the pod's controller is the target.
 */
export function ownershipOf(
  target: OwnerTarget,
  replicaSets: readonly ReplicaSetOwnership[],
): (pod: Pick<PodSnapshot, 'controller'>) => boolean {
  if (!ownsThroughReplicaSets(target)) {
    return (pod) => pod.controller != null && refersTo(pod.controller, target);
  }
  const owningSets = new Map<string, ReplicaSetOwnership>();
  for (const rs of replicaSets) {
    if (rs.controller !== null && refersTo(rs.controller, target)) owningSets.set(rs.name, rs);
  }
  return (pod) => {
    const c = pod.controller;
    if (c == null || !isReplicaSetRef(c)) return false;
    const rs = owningSets.get(c.name);
    return rs !== undefined && (c.uid === '' || rs.uid === '' || c.uid === rs.uid);
  };
}

/** The pods the selector matched, split into those the target owns (counted) and the others. */
export interface OwnedPods {
  readonly owned: readonly PodSnapshot[];
  readonly notOwned: readonly PodSnapshot[];
}

export function partitionByOwner(pods: readonly PodSnapshot[], owns: (pod: PodSnapshot) => boolean): OwnedPods {
  const owned: PodSnapshot[] = [];
  const notOwned: PodSnapshot[] = [];
  for (const p of pods) (owns(p) ? owned : notOwned).push(p);
  return { owned, notOwned };
}

/**
 * A metrics answer without the samples of pods that are not counted. The metrics APIs select by
 * labels, so they also answer for the other workload's pods; upstream's replica calculation
 * would count such a sample (pods metrics) or fail on it (a resource sample without its pod's
 * request), so they are dropped before it sees them.
 */
export function onlyCountedPods(fetch: MetricFetch, counted: ReadonlySet<string>): MetricFetch {
  switch (fetch.kind) {
    case 'resource':
      return fetch.result.ok
        ? { kind: 'resource', result: { ok: true, value: fetch.result.value.filter((s) => counted.has(s.pod)) } }
        : fetch;
    case 'pods':
      return fetch.result.ok
        ? { kind: 'pods', result: { ok: true, value: fetch.result.value.filter((s) => counted.has(s.pod)) } }
        : fetch;
    default:
      return fetch;
  }
}
