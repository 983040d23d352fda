/**
 * Replica counts from a single value (§1.8–§1.11): Object and External metrics, Value and
 * AverageValue targets. The per-pod calculations are in replica-calc.ts.
 */
import type { CrossVersionObjectReference } from './api-types.js';
import {
  metricsApiErrorText,
  type ExternalMetricValue,
  type MetricsResult,
  type ObjectMetricValue,
} from './metric-samples.js';
import { MAX_INT64, ceilToInt32, floatToInt64, floatToInt64Amd64, toFloat, wrapInt64 } from './numeric.js';
import { countReadyPods } from './pods.js';
import type { Profile } from './profile.js';
import type { CalcContext, CalcOutcome } from './replica-calc.js';
import { err, ok, type Result } from './result.js';
import { GO_ZERO_TIME } from './time.js';
import { isWithinTolerance } from './tolerance.js';

/** The single object value, or the error text upstream's custom metrics client gives. */
function objectValue(fetch: MetricsResult<ObjectMetricValue>): Result<ObjectMetricValue, string> {
  if (!fetch.ok) return err(metricsApiErrorText('unable to fetch metrics from custom metrics API', fetch.error));
  if (fetch.value.length !== 1) {
    return err(
      `unable to fetch metrics from custom metrics API: the custom metrics API server returned ${fetch.value.length} results when we asked for exactly one`,
    );
  }
  return ok(fetch.value[0]);
}

function objectFetchError(
  ctx: CalcContext,
  metricName: string,
  obj: CrossVersionObjectReference,
  namespace: string,
  inner: string,
): string {
  return ctx.profile.objectFetchErrorWording === 'newest'
    ? `unable to get metric ${metricName} on ${obj.kind} ${namespace}/${obj.name}: ${inner}`
    : `unable to get metric ${metricName}: ${obj.kind} on ${namespace} ${obj.name}/${inner}`;
}

/** Object/External Value targets: ratio × ready pods, or ceil(ratio) at zero replicas (getUsageRatioReplicaCount). */
function usageRatioReplicaCount(
  ctx: CalcContext,
  currentReplicas: number,
  ratio: number,
): Result<{ replicas: number; readyPodCount?: number }, string> {
  if (currentReplicas !== 0) {
    if (isWithinTolerance(ratio, ctx.tolerances)) return ok({ replicas: currentReplicas });
    if (ctx.pods.length === 0) {
      return err('unable to calculate ready pods: no pods returned by selector while calculating replica count');
    }
    const ready = countReadyPods(ctx.pods);
    return ok({ replicas: ceilToInt32(ratio * ready, ctx.profile.saturate), readyPodCount: ready });
  }
  return ok({ replicas: ceilToInt32(ratio, ctx.profile.saturate) });
}

/** Object metric, Value target (upstream GetObjectMetricReplicas, §1.8). */
export function getObjectMetricReplicas(
  ctx: CalcContext,
  currentReplicas: number,
  targetMilli: bigint,
  metricName: string,
  obj: CrossVersionObjectReference,
  namespace: string,
  fetch: MetricsResult<ObjectMetricValue>,
): CalcOutcome {
  const value = objectValue(fetch);
  if (!value.ok) return err(objectFetchError(ctx, metricName, obj, namespace, value.error));
  const usage = value.value.value.milliValue();
  const ratio = toFloat(usage) / toFloat(targetMilli);
  const count = usageRatioReplicaCount(ctx, currentReplicas, ratio);
  if (!count.ok) return count;
  const within = currentReplicas !== 0 && isWithinTolerance(ratio, ctx.tolerances);
  return ok({
    replicas: count.value.replicas,
    rawValue: usage,
    timestamp: GO_ZERO_TIME,
    detail: { ratio, withinTolerance: within, readyPodCount: count.value.readyPodCount },
  });
}

/**
 * Which guards getPerPodUsage has (R1.9.2): the newest checks for MaxInt64 and then for 0
 * replicas; released versions check MaxInt64 only (External, from 1.34) or nothing.
 */
export type PerPodUsageChecks = 'newest' | 'maxOnly' | 'none';

const externalChecks: Readonly<Record<Profile['perPodUsageGuards'], PerPodUsageChecks>> = {
  none: 'none',
  externalMax: 'maxOnly',
  newest: 'newest',
};

/**
 * ceil(usage / statusReplicas) as upstream reports a per-pod value (getPerPodUsage, R1.9.2).
 * Without the zero check a target at 0 replicas divides by zero, and Go's plain conversion of
 * ±Inf/NaN gives MinInt64 on amd64 — kube-controller-manager 1.33 to 1.35 report
 * "-9223372036854775808m" there (measured), so the emulated release does too.
 */
export function perPodUsage(usage: bigint, statusReplicas: number, checks: PerPodUsageChecks = 'newest'): bigint {
  if (checks !== 'none' && toFloat(usage) >= 9223372036854775808) return MAX_INT64;
  if (checks !== 'newest') return floatToInt64Amd64(Math.ceil(toFloat(usage) / statusReplicas));
  if (statusReplicas === 0) return 0n;
  return floatToInt64(Math.ceil(toFloat(usage) / statusReplicas));
}

/** Per-pod targets on a single value: Object/External AverageValue (R1.9.1, R1.11.1). */
function perPodReplicas(
  ctx: CalcContext,
  statusReplicas: number,
  usage: bigint,
  targetMilli: bigint,
): { replicas: number; ratio: number; within: boolean } {
  const ratio = toFloat(usage) / (toFloat(targetMilli) * statusReplicas);
  const within = isWithinTolerance(ratio, ctx.tolerances);
  const replicas = within ? statusReplicas : ceilToInt32(toFloat(usage) / toFloat(targetMilli), ctx.profile.saturate);
  return { replicas, ratio, within };
}

/** Object metric, AverageValue target (upstream GetObjectPerPodMetricReplicas, §1.9). */
export function getObjectPerPodMetricReplicas(
  ctx: CalcContext,
  statusReplicas: number,
  targetMilli: bigint,
  metricName: string,
  obj: CrossVersionObjectReference,
  namespace: string,
  fetch: MetricsResult<ObjectMetricValue>,
): CalcOutcome {
  const value = objectValue(fetch);
  if (!value.ok) return err(objectFetchError(ctx, metricName, obj, namespace, value.error));
  const usage = value.value.value.milliValue();
  const { replicas, ratio, within } = perPodReplicas(ctx, statusReplicas, usage, targetMilli);
  return ok({
    replicas,
    rawValue: perPodUsage(usage, statusReplicas, ctx.profile.perPodUsageGuards === 'newest' ? 'newest' : 'none'),
    timestamp: value.value.timestamp,
    detail: { ratio, withinTolerance: within },
  });
}

function externalValues(
  fetch: MetricsResult<ExternalMetricValue>,
  where: string,
): Result<readonly ExternalMetricValue[], string> {
  if (!fetch.ok)
    return err(
      `unable to get external metric ${where}: ${metricsApiErrorText('unable to fetch metrics from external metrics API', fetch.error)}`,
    );
  if (fetch.value.length === 0)
    return err(`unable to get external metric ${where}: no metrics returned from external metrics API`);
  return ok(fetch.value);
}

/** External metric, Value target (upstream GetExternalMetricReplicas, §1.10). */
export function getExternalMetricReplicas(
  ctx: CalcContext,
  currentReplicas: number,
  targetMilli: bigint,
  where: string,
  fetch: MetricsResult<ExternalMetricValue>,
): CalcOutcome {
  const values = externalValues(fetch, where);
  if (!values.ok) return values;
  let total = 0n;
  for (const v of values.value) {
    total += v.value.milliValue();
    if (ctx.profile.saturate && total > MAX_INT64) total = MAX_INT64;
  }
  total = wrapInt64(total);
  const ratio = toFloat(total) / toFloat(targetMilli);
  const count = usageRatioReplicaCount(ctx, currentReplicas, ratio);
  if (!count.ok) return count;
  const within = currentReplicas !== 0 && isWithinTolerance(ratio, ctx.tolerances);
  return ok({
    replicas: count.value.replicas,
    rawValue: total,
    timestamp: GO_ZERO_TIME,
    detail: { ratio, withinTolerance: within, readyPodCount: count.value.readyPodCount },
  });
}

/** External metric, AverageValue target (upstream GetExternalPerPodMetricReplicas, §1.11). */
export function getExternalPerPodMetricReplicas(
  ctx: CalcContext,
  statusReplicas: number,
  targetMilli: bigint,
  where: string,
  fetch: MetricsResult<ExternalMetricValue>,
): CalcOutcome {
  const values = externalValues(fetch, where);
  if (!values.ok) return values;
  let total = 0n;
  for (const v of values.value) {
    total = wrapInt64(total + v.value.milliValue());
    // A negative running sum means overflow (or negative values): upstream pins it at MaxInt64.
    if (total < 0n) {
      total = MAX_INT64;
      break;
    }
  }
  const { replicas, ratio, within } = perPodReplicas(ctx, statusReplicas, total, targetMilli);
  return ok({
    replicas,
    rawValue: perPodUsage(total, statusReplicas, externalChecks[ctx.profile.perPodUsageGuards]),
    timestamp: values.value[0].timestamp,
    detail: { ratio, withinTolerance: within },
  });
}
