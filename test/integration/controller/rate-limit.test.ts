import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { RunningController } from '../../../app/start.js';
import { HPAS, busyDeployment, cpuMetric, hpa, replicasOf, startCtl, startSim, waitFor, type Sim } from './harness.js';

let sim: Sim;
let ctl: RunningController | undefined;

beforeEach(async () => {
  sim = await startSim();
  busyDeployment(sim, 'web', 2, 90);
  sim.server.store.create(HPAS, 'default', hpa('web', { maxReplicas: 10, metrics: [cpuMetric(50)] }));
});

afterEach(async () => {
  await ctl?.stop();
  ctl = undefined;
  await sim.close();
});

/** `client` → count of requests that waited, from the controller's /metrics text. */
async function throttledCounts(port: number): Promise<Map<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const out = new Map<string, number>();
  for (const m of text.matchAll(/^hpa_ts_api_client_throttled_seconds_count\{client="([^"]+)"\} (\S+)$/gm))
    out.set(m[1] ?? '', Number(m[2]));
  return out;
}

describe('--kube-api-qps and --kube-api-burst over HTTP', () => {
  it('space the controller’s requests out, still scale, and count the waiting on /metrics', async () => {
    ctl = await startCtl(sim, { kubeApiQps: '10', kubeApiBurst: '1' });
    await waitFor('scale to 4', () => replicasOf(sim, 'web') === 4);
    const counts = await throttledCounts(ctl.httpPort);
    expect(counts.get('controller')).toBeGreaterThan(0);
  });

  it('leave requests alone at the default budget of a small cluster', async () => {
    ctl = await startCtl(sim);
    await waitFor('scale to 4', () => replicasOf(sim, 'web') === 4);
    expect(await throttledCounts(ctl.httpPort)).toEqual(new Map());
  });
});
