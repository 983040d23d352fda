import { afterEach, describe, expect, it } from '@jest/globals';
import type { RunningController } from '../../../app/start.js';
import {
  DEPLOYMENTS,
  HPAS,
  busyDeployment,
  condition,
  cpuMetric,
  deployment,
  hpa,
  hpaStatus,
  startCtl,
  startSim,
  waitFor,
  type Sim,
} from './harness.js';

/**
 * Issue 13 item 5: the API server loses its state — the simulator is killed and restarted empty
 * on the same port. The controller must notice (its resourceVersion was never issued by the new
 * server) and relist, dropping the HPAs the new server does not have: a ghost HPA on the same
 * Deployment would make a new real one AmbiguousSelector.
 */
let sim: Sim | undefined;
let ctl: RunningController | undefined;

afterEach(async () => {
  await ctl?.stop().catch(() => undefined);
  await sim?.close();
});

function workload(s: Sim, hpaName: string): void {
  busyDeployment(s, 'web', 2, 50);
  s.server.store.create(HPAS, 'default', {
    ...hpa('web', { maxReplicas: 10, metrics: [cpuMetric(50)] }),
    metadata: { name: hpaName, namespace: 'default' },
  });
}

describe('an API server restarted empty on the same port', () => {
  it('is relisted: the old HPA is forgotten and the new one on the same Deployment is not AmbiguousSelector', async () => {
    sim = await startSim();
    const port = sim.server.port;
    workload(sim, 'web-old');
    // many writes, so the old server's resourceVersion is well ahead of what the new one will issue
    for (let i = 0; i < 50; i++) sim.server.store.create(DEPLOYMENTS, 'default', deployment(`filler-${i}`, 1));
    ctl = await startCtl(sim);
    const c = ctl;
    await waitFor('the old HPA reconciled', () => condition(sim as Sim, 'web-old', 'ScalingActive')?.status === 'True');

    await sim.close();
    sim = await startSim({ port });
    workload(sim, 'web-new');
    const s = sim;
    await waitFor('the new HPA reconciled', () => hpaStatus(s, 'web-new').conditions !== undefined);
    await waitFor('the old HPA forgotten', () => c.controller.hpas.get('default/web-old') === undefined, 10_000);
    expect([...c.controller.hpas.keys()]).toEqual(['default/web-new']);
    await waitFor('ScalingActive on the new HPA', () => condition(s, 'web-new', 'ScalingActive') !== undefined);
    expect(condition(s, 'web-new', 'ScalingActive')).toMatchObject({ status: 'True', reason: 'ValidMetricFound' });
  });
});
