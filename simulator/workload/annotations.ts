/**
 * The knobs of the simulated workloads, as annotations on a Deployment or StatefulSet (copied to
 * its ReplicaSets, as the deployment controller copies annotations) or on the pod template. They
 * can be changed live with `kubectl annotate`.
 */

export const SimAnnotation = {
  /** seconds from pod creation to Running (image pull + container start) */
  startupSeconds: 'sim.hpa-ts.io/startup-seconds',
  /** seconds from Running to Ready (readiness probe passes) */
  readinessSeconds: 'sim.hpa-ts.io/readiness-seconds',
  /** requests per second offered to the workload; wins over the scenario's trace while present */
  rps: 'sim.hpa-ts.io/rps',
  /** cpu of an idle pod, millicores */
  cpuBaseMillicores: 'sim.hpa-ts.io/cpu-base-millicores',
  /** cpu per request per second, millicores */
  cpuMillicoresPerRequest: 'sim.hpa-ts.io/cpu-millicores-per-request',
  /** memory working set of an idle pod, MiB */
  memoryBaseMiB: 'sim.hpa-ts.io/memory-base-mib',
  /** extra memory per request per second, KiB */
  memoryKiBPerRequest: 'sim.hpa-ts.io/memory-kib-per-request',
  /** the container that serves requests (default: the first); the others stay at base usage */
  servingContainer: 'sim.hpa-ts.io/serving-container',
  /** requests each Prometheus scrape adds to http_requests_total (the seed app counts /metrics too) */
  requestsPerScrape: 'sim.hpa-ts.io/http-requests-per-scrape',
} as const;
export type SimAnnotation = (typeof SimAnnotation)[keyof typeof SimAnnotation];

/** Defaults: pods like the seed article's (Running after ~2 s, Ready ~1 s later). */
export const WORKLOAD_DEFAULTS = {
  startupSeconds: 2,
  readinessSeconds: 1,
  cpuBaseMillicores: 5,
  cpuMillicoresPerRequest: 1,
  memoryBaseMiB: 64,
  memoryKiBPerRequest: 64,
  requestsPerScrape: 1,
} as const;

/** A non-negative number from the first annotation map that has `key`, else `fallback`. */
export function numberAnnotation(
  maps: readonly (Readonly<Record<string, string>> | undefined)[],
  key: SimAnnotation,
  fallback: number,
): number {
  for (const m of maps) {
    const raw = m?.[key];
    if (raw === undefined) continue;
    const n = Number(raw.trim());
    if (raw.trim() !== '' && Number.isFinite(n) && n >= 0) return n;
  }
  return fallback;
}

export function stringAnnotation(
  maps: readonly (Readonly<Record<string, string>> | undefined)[],
  key: SimAnnotation,
): string | undefined {
  for (const m of maps) {
    const raw = m?.[key];
    if (raw !== undefined && raw !== '') return raw;
  }
  return undefined;
}
