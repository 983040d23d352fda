/**
 * Replica counts from per-pod samples (§1.4–§1.7): Resource and ContainerResource metrics,
 * Pods metrics. The single-value calculations (Object, External) are in replica-calc-values.ts.
 */
import {
  metricsApiErrorText,
  type MetricsResult,
  type PodMetricValue,
  type PodResourceUsage,
} from './metric-samples.js';
import { ceilToInt32, wrapInt64 } from './numeric.js';
import {
  groupPods,
  removeSamples,
  type GroupPodsSettings,
  type PodGroups,
  type PodSamples,
  type PodSnapshot,
} from './pods.js';
import type { Profile } from './profile.js';
import { calculateRequests } from './requests.js';
import { err, ok, type Result } from './result.js';
import { podMetricSamples, resourceSamples } from './samples.js';
import type { Instant } from './time.js';
import { isWithinTolerance, type Tolerances } from './tolerance.js';
import { resourceUtilizationRatio, metricUsageRatio } from './usage.js';

/** Everything a replica calculation reads besides the metric itself. */
export interface CalcContext {
  /** pods of the HPA's namespace matching the scale selector (informer cache) */
  readonly pods: readonly PodSnapshot[];
  readonly tolerances: Tolerances;
  readonly groupSettings: GroupPodsSettings;
  readonly profile: Profile;
  readonly now: Instant;
}

/** How a proposal came about, for explanations and dry-run logs. */
export interface CalcDetail {
  readonly ratio: number;
  readonly withinTolerance: boolean;
  readonly readyPods?: number;
  readonly unreadyPods?: readonly string[];
  readonly missingPods?: readonly string[];
  readonly ignoredPods?: readonly string[];
  /** ratio after filling missing/unready pods with conservative values (R1.4.4) */
  readonly rebalancedRatio?: number;
  /** pods counted for Object/External Value targets */
  readonly readyPodCount?: number;
}

export interface CalcResult {
  readonly replicas: number;
  /** average utilization in percent (Utilization targets only) */
  readonly utilization?: number;
  /** milli-units: average usage, object value, external sum or per-pod value, as upstream returns it */
  readonly rawValue: bigint;
  readonly timestamp: Instant;
  readonly detail: CalcDetail;
}

export type CalcOutcome = Result<CalcResult, string>;

function names(set: ReadonlySet<string>): readonly string[] {
  return [...set].sort();
}

/** §6.1 error texts around the resource metrics API. */
function fetchResourceSamples(
  fetch: MetricsResult<PodResourceUsage>,
  resource: string,
  container: string,
  profile: Profile,
): Result<{ samples: PodSamples; timestamp: Instant }, string> {
  if (!fetch.ok) return err(metricsApiErrorText('unable to fetch metrics from resource metrics API', fetch.error));
  if (fetch.value.length === 0) return err('no metrics returned from resource metrics API');
  const samples = resourceSamples(fetch.value, resource, container, profile.missingContainerIsMissingPod);
  if (!samples.ok) return samples;
  return ok({ samples: samples.value, timestamp: fetch.value[0].timestamp });
}

function noReadyMetricsError(profile: Profile): string {
  return profile.noReadyMetricsWording === 'new'
    ? 'did not receive metrics for targeted pods (pods might be unready)'
    : 'did not receive metrics for any ready pods';
}

/**
 * The shared preamble of the per-pod calculations: list the pods (an empty list is an error),
 * group them, and drop the samples of ignored and unready pods (R1.2.1–R1.2.3).
 */
function groupUsable(ctx: CalcContext, samples: PodSamples, resource: string): Result<PodGroups, string> {
  if (ctx.pods.length === 0) return err('no pods returned by selector while calculating replica count');
  const groups = groupPods(ctx.pods, samples, resource, ctx.groupSettings, ctx.now);
  removeSamples(samples, groups.ignoredPods);
  removeSamples(samples, groups.unreadyPods);
  if (samples.size === 0) return err(noReadyMetricsError(ctx.profile));
  return ok(groups);
}

function breakdown(groups: PodGroups): Partial<CalcDetail> {
  return {
    readyPods: groups.readyPodCount,
    unreadyPods: names(groups.unreadyPods),
    missingPods: names(groups.missingPods),
    ignoredPods: names(groups.ignoredPods),
  };
}

/** Resource metric with a Utilization target (upstream GetResourceReplicas, §1.4). */
export function getResourceReplicas(
  ctx: CalcContext,
  currentReplicas: number,
  targetUtilization: number,
  resource: string,
  container: string,
  fetch: MetricsResult<PodResourceUsage>,
): CalcOutcome {
  const fetched = fetchResourceSamples(fetch, resource, container, ctx.profile);
  if (!fetched.ok) return err(`unable to get metrics for resource ${resource}: ${fetched.error}`);
  const { samples, timestamp } = fetched.value;
  const grouped = groupUsable(ctx, samples, resource);
  if (!grouped.ok) return grouped;
  const groups = grouped.value;

  const requests = calculateRequests(ctx.pods, container, resource, ctx.profile);
  if (!requests.ok) return requests;

  const first = resourceUtilizationRatio(samples, requests.value, targetUtilization, ctx.profile.saturate);
  if (!first.ok) return first;
  const { ratio, utilization, rawAverage } = first.value;
  const base = breakdown(groups);
  const result = (replicas: number, detail: Partial<CalcDetail>): CalcOutcome =>
    ok({
      replicas,
      utilization,
      rawValue: rawAverage,
      timestamp,
      detail: { ratio, withinTolerance: isWithinTolerance(ratio, ctx.tolerances), ...base, ...detail },
    });

  const scaleUpWithUnready = groups.unreadyPods.size > 0 && ratio > 1.0;
  if (!scaleUpWithUnready && groups.missingPods.size === 0) {
    if (isWithinTolerance(ratio, ctx.tolerances)) return result(currentReplicas, {});
    return result(ceilToInt32(ratio * groups.readyPodCount, ctx.profile.saturate), {});
  }

  if (groups.missingPods.size > 0) {
    if (ratio < 1.0) {
      // Assume missing pods sit at the target (or 100 %) so scale-down is conservative.
      const fill = BigInt(ctx.profile.missingPodUtilization === 'request' ? 100 : Math.max(100, targetUtilization));
      for (const pod of groups.missingPods) {
        const request = requests.value.get(pod) ?? 0n;
        samples.set(pod, { value: wrapInt64(request * fill) / 100n, timestamp: 0, windowMs: 0 });
      }
    } else if (ratio > 1.0) {
      for (const pod of groups.missingPods) samples.set(pod, { value: 0n, timestamp: 0, windowMs: 0 });
    }
  }
  if (scaleUpWithUnready) {
    for (const pod of groups.unreadyPods) samples.set(pod, { value: 0n, timestamp: 0, windowMs: 0 });
  }

  const second = resourceUtilizationRatio(samples, requests.value, targetUtilization, ctx.profile.saturate);
  if (!second.ok) return second;
  const newRatio = second.value.ratio;
  return rebalanced(ctx, { currentReplicas, ratio, newRatio, sampleCount: samples.size }, (replicas) =>
    result(replicas, { rebalancedRatio: newRatio }),
  );
}

/** The shared tail of R1.4.4 / R1.5.2: never let the rebalanced ratio reverse the direction. */
function rebalanced(
  ctx: CalcContext,
  r: {
    readonly currentReplicas: number;
    /** the usage ratio over the pods with samples */
    readonly ratio: number;
    /** the ratio once missing and unready pods are filled in */
    readonly newRatio: number;
    readonly sampleCount: number;
  },
  result: (replicas: number) => CalcOutcome,
): CalcOutcome {
  const { currentReplicas, ratio, newRatio } = r;
  if (
    isWithinTolerance(newRatio, ctx.tolerances) ||
    (ratio < 1.0 && newRatio > 1.0) ||
    (ratio > 1.0 && newRatio < 1.0)
  ) {
    return result(currentReplicas);
  }
  const newReplicas = ceilToInt32(newRatio * r.sampleCount, ctx.profile.saturate);
  if ((newRatio < 1.0 && newReplicas > currentReplicas) || (newRatio > 1.0 && newReplicas < currentReplicas)) {
    return result(currentReplicas);
  }
  return result(newReplicas);
}

/** Per-pod average targets on raw values (upstream calcPlainMetricReplicas, §1.5). */
function calcPlainMetricReplicas(
  ctx: CalcContext,
  samples: PodSamples,
  currentReplicas: number,
  targetMilli: bigint,
  resource: string,
  timestamp: Instant,
): CalcOutcome {
  const grouped = groupUsable(ctx, samples, resource);
  if (!grouped.ok) return grouped;
  const groups = grouped.value;

  const { ratio, usage } = metricUsageRatio(samples, targetMilli, ctx.profile.saturate);
  const base = breakdown(groups);
  const result = (replicas: number, detail: Partial<CalcDetail>): CalcOutcome =>
    ok({
      replicas,
      rawValue: usage,
      timestamp,
      detail: { ratio, withinTolerance: isWithinTolerance(ratio, ctx.tolerances), ...base, ...detail },
    });

  const scaleUpWithUnready = groups.unreadyPods.size > 0 && ratio > 1.0;
  if (!scaleUpWithUnready && groups.missingPods.size === 0) {
    if (isWithinTolerance(ratio, ctx.tolerances)) return result(currentReplicas, {});
    return result(ceilToInt32(ratio * groups.readyPodCount, ctx.profile.saturate), {});
  }
  if (groups.missingPods.size > 0) {
    const fill = ratio < 1.0 ? targetMilli : ratio > 1.0 ? 0n : undefined;
    if (fill !== undefined)
      for (const pod of groups.missingPods) samples.set(pod, { value: fill, timestamp: 0, windowMs: 0 });
  }
  if (scaleUpWithUnready) {
    for (const pod of groups.unreadyPods) samples.set(pod, { value: 0n, timestamp: 0, windowMs: 0 });
  }
  const newRatio = metricUsageRatio(samples, targetMilli, ctx.profile.saturate).ratio;
  return rebalanced(ctx, { currentReplicas, ratio, newRatio, sampleCount: samples.size }, (replicas) =>
    result(replicas, { rebalancedRatio: newRatio }),
  );
}

/** Resource or ContainerResource metric with an AverageValue target (upstream GetRawResourceReplicas). */
export function getRawResourceReplicas(
  ctx: CalcContext,
  currentReplicas: number,
  targetMilli: bigint,
  resource: string,
  container: string,
  fetch: MetricsResult<PodResourceUsage>,
): CalcOutcome {
  const fetched = fetchResourceSamples(fetch, resource, container, ctx.profile);
  if (!fetched.ok) return err(`unable to get metrics for resource ${resource}: ${fetched.error}`);
  return calcPlainMetricReplicas(
    ctx,
    fetched.value.samples,
    currentReplicas,
    targetMilli,
    resource,
    fetched.value.timestamp,
  );
}

/** Pods metric (upstream GetMetricReplicas, §1.7). */
export function getMetricReplicas(
  ctx: CalcContext,
  currentReplicas: number,
  targetMilli: bigint,
  metricName: string,
  fetch: MetricsResult<PodMetricValue>,
): CalcOutcome {
  if (!fetch.ok) {
    return err(
      `unable to get metric ${metricName}: ${metricsApiErrorText('unable to fetch metrics from custom metrics API', fetch.error)}`,
    );
  }
  if (fetch.value.length === 0)
    return err(`unable to get metric ${metricName}: no metrics returned from custom metrics API`);
  const samples = podMetricSamples(fetch.value);
  return calcPlainMetricReplicas(ctx, samples, currentReplicas, targetMilli, '', fetch.value[0].timestamp);
}
