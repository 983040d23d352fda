import type { HorizontalPodAutoscaler, LabelSelector, MetricSpec, Scale } from './api-types.js';
import { chooseBranch } from './decide.js';
import type { DecideInput } from './decision.js';
import { Selector, selectorFromLabelSelector, type SelectorError } from './labels.js';
import type { MetricQuery } from './metric-samples.js';
import { podOwnershipFor } from './pod-selection-decision.js';
import type { PodSnapshot } from './pods.js';
import type { Profile } from './profile.js';
import { ok, type Result } from './result.js';
import { validateAndParseSelector, type SelectorCheck, type SelectorRegistryEntry } from './selector-check.js';

export interface ReconcilePlan {
  /** one per spec.metrics entry; none off the metrics path or when the scale selector is rejected */
  readonly queries: readonly MetricQuery[];
  /**
   * The scale selector check (null off the metrics path). Give it to decide() as
   * `selectorCheck` with the same pods and selectors, so the check runs once per reconcile.
   */
  readonly selectorCheck: SelectorCheck | null;
}

/**
 * What to fetch for one HPA before deciding. Pure, so the reconciler does all its I/O first and
 * then calls decide() once.
 */
export function planReconcile(
  hpa: HorizontalPodAutoscaler,
  scale: Scale,
  namespacePods: readonly PodSnapshot[],
  selectors: readonly SelectorRegistryEntry[],
  profile: Profile,
  selection: Pick<DecideInput, 'annotations' | 'podOwners'> = {},
): ReconcilePlan {
  const input: Pick<DecideInput, 'hpa' | 'profile'> = { hpa, profile };
  if (chooseBranch(input, scale.spec.replicas ?? 0) !== 'metrics') return { queries: [], selectorCheck: null };
  const key = `${hpa.metadata.namespace ?? ''}/${hpa.metadata.name}`;
  const ownership = podOwnershipFor({ hpa, ...selection }, scale);
  const check = validateAndParseSelector(
    key,
    scale.status.selector ?? '',
    namespacePods,
    selectors,
    profile,
    ownership,
  );
  if (!check.ok) return { queries: [], selectorCheck: check };
  const queries = (hpa.spec.metrics ?? []).map((m) => queryFor(m, hpa.metadata.namespace ?? '', check.selector));
  return { queries, selectorCheck: check };
}

/**
 * A metric's `metric.selector` as the metrics APIs apply it. Upstream converts it with
 * LabelSelectorAsSelector, so an absent one is labels.Nothing(); but the metrics client only sends
 * its String(), "", which the custom and external metrics APIs read as no labelSelector: every
 * series. Adapters that match series themselves (static, in-process) get that meaning here, the
 * one place run, explain and simulate build their queries, instead of "match nothing".
 */
function metricSelector(ls: LabelSelector | null | undefined): Result<Selector, SelectorError> {
  return ls === null || ls === undefined ? ok(Selector.everything()) : selectorFromLabelSelector(ls);
}

export function queryFor(spec: MetricSpec, namespace: string, podSelector: Selector): MetricQuery {
  switch (spec.type) {
    case 'Resource':
      if (spec.resource === undefined) return { kind: 'none' };
      return { kind: 'resource', namespace, podSelector, resource: spec.resource.name };
    case 'ContainerResource':
      if (spec.containerResource === undefined) return { kind: 'none' };
      return {
        kind: 'resource',
        namespace,
        podSelector,
        resource: spec.containerResource.name,
        container: spec.containerResource.container,
      };
    case 'Pods': {
      if (spec.pods === undefined) return { kind: 'none' };
      const sel = metricSelector(spec.pods.metric.selector);
      if (!sel.ok) return { kind: 'none' };
      return { kind: 'pods', namespace, metricName: spec.pods.metric.name, podSelector, metricSelector: sel.value };
    }
    case 'Object': {
      if (spec.object === undefined) return { kind: 'none' };
      const sel = metricSelector(spec.object.metric.selector);
      if (!sel.ok) return { kind: 'none' };
      const t = spec.object.target;
      const valid = (t.type === 'Value' && t.value != null) || (t.type === 'AverageValue' && t.averageValue != null);
      if (!valid) return { kind: 'none' };
      return {
        kind: 'object',
        namespace,
        metricName: spec.object.metric.name,
        describedObject: spec.object.describedObject,
        metricSelector: sel.value,
      };
    }
    case 'External': {
      if (spec.external === undefined) return { kind: 'none' };
      const sel = metricSelector(spec.external.metric.selector);
      if (!sel.ok) return { kind: 'none' };
      return { kind: 'external', namespace, metricName: spec.external.metric.name, metricSelector: sel.value };
    }
    default:
      return { kind: 'none' };
  }
}
