import type { PodLoad, PodSeriesSpec, WorkloadProfile } from './types.js';

/**
 * What `dt` seconds of load do to a workload's pods (model.ts `advance`): every running container
 * burns its base cpu; every Ready pod takes `perPod` requests (its share of what the workload was
 * offered), which its serving container pays for in cpu and its counter series count.
 */
export function servePods(
  pods: Iterable<PodLoad>,
  load: {
    readonly perPod: number;
    readonly profile: WorkloadProfile;
    readonly series: readonly PodSeriesSpec[];
    readonly dt: number;
  },
): void {
  const { perPod, profile, series, dt } = load;
  for (const p of pods) {
    if (!p.running) continue;
    for (const c of p.containers) c.cpuSecondsTotal += profile.cpuBase * dt;
    if (!p.ready) continue;
    p.requestsTotal += perPod;
    const serving = p.containers.find((c) => c.serving);
    if (serving !== undefined) serving.cpuSecondsTotal += perPod * profile.cpuPerRequest;
    for (const sp of series) {
      if (sp.kind !== 'counter') continue;
      p.counters.set(sp.name, (p.counters.get(sp.name) ?? 0) + sp.base * dt + sp.perRequest * perPod);
    }
  }
}
