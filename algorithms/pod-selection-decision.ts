/**
 * `hpa-ts.io/pod-selection: owner-references` in a decision (docs/annotations.md "Pods by
 * owner"): which ownership the selector check applies, and the PodSelection condition that says
 * how many matched pods were counted and how many were not. Without the annotation nothing here
 * acts (and a PodSelection condition left from an earlier reconcile is removed).
 */
import type { Scale } from './api-types.js';
import { findCondition, removeCondition } from './conditions.js';
import { setReconcileCondition, type Reconcile } from './decision-build.js';
import type { DecideInput } from './decision.js';
import type { MetricFetch } from './metric-samples.js';
import { onlyCountedPods, ownerTargetOf, ownershipOf, PodSelection } from './pod-selection.js';
import type { PodOwnership, SelectorCheck } from './selector-check.js';

/** The condition type this annotation puts on the status, and its reasons. */
export const PodSelectionCondition = {
  type: 'PodSelection',
  /** every pod the selector matched is owned by the target */
  AllPodsOwned: 'AllPodsOwned',
  /** some matched pods are not owned by the target and are not counted */
  PodsNotOwned: 'PodsNotOwned',
} as const;

/** How many not-owned pods an event names; the rest are counted only. */
const NAMED_IN_EVENT = 5;

/** The ownership to check pods against, or undefined when the HPA selects by labels (upstream). */
export function podOwnershipFor(
  input: Pick<DecideInput, 'hpa' | 'annotations' | 'podOwners'>,
  scale: Scale,
): PodOwnership | undefined {
  if (input.annotations?.podSelection !== PodSelection.OwnerReferences) return undefined;
  const owners = input.podOwners ?? { ok: true, value: { replicaSets: [] } };
  if (!owners.ok) return owners;
  const target = ownerTargetOf(input.hpa.spec.scaleTargetRef, scale.metadata.uid);
  return { ok: true, value: ownershipOf(target, owners.value.replicaSets) };
}

/** The metrics answers as the replica calculation may see them: only samples of counted pods. */
export function countedFetches(
  input: DecideInput,
  check: Extract<SelectorCheck, { ok: true }>,
): readonly MetricFetch[] {
  if (check.notOwned === undefined) return input.metrics;
  const counted = new Set(check.pods.map((p) => p.name));
  return input.metrics.map((f) => onlyCountedPods(f, counted));
}

/**
 * The PodSelection condition after a selector check with owner-references, and a Normal
 * PodsNotOwned event naming some of the pods left out when they first appear (the condition's
 * reason turns to PodsNotOwned), not at every reconcile.
 */
export function notePodSelection(r: Reconcile, check: Extract<SelectorCheck, { ok: true }>): void {
  const notOwned = check.notOwned;
  if (notOwned === undefined) return;
  const ref = r.input.hpa.spec.scaleTargetRef;
  const target = `${ref.kind}/${ref.name}`;
  const counted = check.pods.length;
  if (notOwned.length === 0) {
    setReconcileCondition(r, {
      type: PodSelectionCondition.type,
      status: 'True',
      reason: PodSelectionCondition.AllPodsOwned,
      message: `counting the ${counted} pods the selector matches, all owned by ${target}`,
    });
    return;
  }
  const before = findCondition(r.originalStatus.conditions, PodSelectionCondition.type)?.reason;
  const message =
    `counting the ${counted} pods owned by ${target}; ${notOwned.length} more pods the selector matches ` +
    `are not owned by it and not counted`;
  setReconcileCondition(r, {
    type: PodSelectionCondition.type,
    status: 'True',
    reason: PodSelectionCondition.PodsNotOwned,
    message,
  });
  if (before === PodSelectionCondition.PodsNotOwned) return;
  const names = notOwned.slice(0, NAMED_IN_EVENT).map((p) => p.name);
  const more = notOwned.length > NAMED_IN_EVENT ? ` and ${notOwned.length - NAMED_IN_EVENT} more` : '';
  r.events.push({
    type: 'Normal',
    reason: PodSelectionCondition.PodsNotOwned,
    message: `pods matched by the selector but not owned by ${target} are not counted: ${names.join(', ')}${more}`,
  });
}

/** A PodSelection condition left from owner-references goes when the HPA selects by labels again. */
export function dropStalePodSelection(r: Reconcile): void {
  if (r.input.annotations?.podSelection === PodSelection.OwnerReferences) return;
  if (findCondition(r.conditions, PodSelectionCondition.type) === undefined) return;
  r.conditions = removeCondition(r.conditions, PodSelectionCondition.type);
}
