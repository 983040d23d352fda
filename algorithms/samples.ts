import type { PodMetricValue, PodResourceUsage } from './metric-samples.js';
import type { PodSample, PodSamples } from './pods.js';
import { err, ok, type Result } from './result.js';

/** Upstream's default window when a custom-metrics item has none (metricServerDefaultMetricWindow). */
export const DEFAULT_METRIC_WINDOW_SECONDS = 60;

/**
 * Per-pod samples of one resource from metrics.k8s.io items (upstream getPodMetrics /
 * getContainerMetrics, §6.1). A pod with no containers, or with any container lacking the
 * resource, gets no sample and so counts as missing; with a named container only that container
 * counts. Later items for the same pod overwrite earlier ones.
 */
export function resourceSamples(
  items: readonly PodResourceUsage[],
  resource: string,
  container: string,
  missingContainerIsMissingPod = true,
): Result<PodSamples, string> {
  const samples: PodSamples = new Map();
  for (const item of items) {
    let value: bigint | undefined;
    if (container === '') {
      if (item.containers.length === 0) continue;
      let sum = 0n;
      let missing = false;
      for (const c of item.containers) {
        const q = c.usage[resource];
        if (q === undefined) {
          missing = true;
          break;
        }
        sum += q.milliValue();
      }
      if (missing) continue;
      value = sum;
    } else {
      const c = item.containers.find((x) => x.name === container);
      if (c === undefined && !missingContainerIsMissingPod) {
        // before ≈1.32 (V6) an absent container failed the whole metric
        return err(`container ${container} not present in metrics for pod ${item.namespace ?? ''}/${item.pod}`);
      }
      const q = c?.usage[resource];
      if (q === undefined) continue;
      value = q.milliValue();
    }
    const sample: PodSample = { value, timestamp: item.timestamp, windowMs: item.windowSeconds * 1000 };
    samples.set(item.pod, sample);
  }
  return ok(samples);
}

/** Per-pod samples of a custom metric (upstream customMetricsClient.GetRawMetric, §6.2). */
export function podMetricSamples(items: readonly PodMetricValue[]): PodSamples {
  const samples: PodSamples = new Map();
  for (const item of items) {
    samples.set(item.pod, {
      value: item.value.milliValue(),
      timestamp: item.timestamp,
      windowMs: item.windowSeconds * 1000,
    });
  }
  return samples;
}
