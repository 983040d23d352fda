import { MAX_INT32, MAX_INT64, MIN_INT32, toFloat } from './numeric.js';
import type { PodSamples } from './pods.js';
import { err, ok, type Result } from './result.js';

export interface UtilizationRatio {
  readonly ratio: number;
  /** integer percent of request, truncated (R1.3.2) */
  readonly utilization: number;
  /** average usage per counted pod, milli-units */
  readonly rawAverage: bigint;
}

/**
 * Utilization of the samples whose pod has a request (upstream GetResourceUtilizationRatio).
 * The ratio comes from the truncated integer percentage, not the exact quotient; samples of
 * pods the informer does not know are skipped here but still count in len(metrics) elsewhere.
 * Sums are exact (bigint) where upstream's int64 could overflow.
 */
export function resourceUtilizationRatio(
  samples: PodSamples,
  requests: ReadonlyMap<string, bigint>,
  targetUtilization: number,
  saturate: boolean,
): Result<UtilizationRatio, string> {
  const fast = utilizationInDoubles(samples, requests, targetUtilization);
  if (fast !== undefined) return fast;
  let metricsTotal = 0n;
  let requestsTotal = 0n;
  let n = 0n;
  for (const [pod, sample] of samples) {
    const request = requests.get(pod);
    if (request === undefined) continue;
    metricsTotal += sample.value;
    requestsTotal += request;
    n++;
  }
  if (requestsTotal === 0n) return err('no metrics returned matched known pods');
  let pct = (metricsTotal * 100n) / requestsTotal;
  if (saturate) {
    if (pct > BigInt(MAX_INT32)) pct = BigInt(MAX_INT32);
    if (pct < BigInt(MIN_INT32)) pct = BigInt(MIN_INT32);
  } else {
    pct = BigInt.asIntN(32, pct);
  }
  const utilization = Number(pct);
  return ok({ ratio: utilization / targetUtilization, utilization, rawAverage: clamp64(metricsTotal / n) });
}

export interface UsageRatio {
  readonly ratio: number;
  /** average per sample, milli-units (int64 truncating division) */
  readonly usage: bigint;
}

/** Average of all samples against a per-pod target (upstream GetMetricUsageRatio). */
export function metricUsageRatio(samples: PodSamples, targetMilli: bigint, saturate: boolean): UsageRatio {
  const fast = usageInDoubles(samples, targetMilli);
  if (fast !== undefined) return fast;
  let total = 0n;
  for (const s of samples.values()) total += s.value;
  let usage = total / BigInt(samples.size);
  if (saturate) usage = clamp64(usage);
  return { ratio: toFloat(usage) / toFloat(targetMilli), usage };
}

function clamp64(x: bigint): bigint {
  return x > MAX_INT64 ? MAX_INT64 : x;
}

/** 2^53 / 100: sums below this stay exact in doubles even after the ×100 of the percentage. */
const SAFE_SUM = 2 ** 53 / 100;

/**
 * The same computation in doubles when every sum stays an exact integer below 2^53 — the
 * common case — so no BigInt is allocated per sample. Integer division of exact integers below
 * 2^53 by `Math.trunc(a / b)` is exact. Returns undefined when the bigint path is needed.
 */
function utilizationInDoubles(
  samples: PodSamples,
  requests: ReadonlyMap<string, bigint>,
  targetUtilization: number,
): Result<UtilizationRatio, string> | undefined {
  let metricsTotal = 0;
  let requestsTotal = 0;
  let n = 0;
  for (const [pod, sample] of samples) {
    const request = requests.get(pod);
    if (request === undefined) continue;
    metricsTotal += Number(sample.value);
    requestsTotal += Number(request);
    n++;
    if (Math.abs(metricsTotal) >= SAFE_SUM || Math.abs(requestsTotal) >= SAFE_SUM) return undefined;
  }
  if (requestsTotal === 0) return err('no metrics returned matched known pods');
  const utilization = Math.trunc((metricsTotal * 100) / requestsTotal);
  return ok({ ratio: utilization / targetUtilization, utilization, rawAverage: BigInt(Math.trunc(metricsTotal / n)) });
}

/** metricUsageRatio in doubles when the sum is exact; undefined otherwise. */
function usageInDoubles(samples: PodSamples, targetMilli: bigint): UsageRatio | undefined {
  let total = 0;
  for (const s of samples.values()) {
    total += Number(s.value);
    if (Math.abs(total) >= SAFE_SUM) return undefined;
  }
  const usage = Math.trunc(total / samples.size);
  return { ratio: usage / Number(targetMilli), usage: BigInt(usage) };
}
