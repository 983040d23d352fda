import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { RunningController } from '../../../app/start.js';
import { EMPTY_HISTORY } from '../../../algorithms/index.js';
import {
  EVENTS,
  HPAS,
  addBusyPods,
  busyDeployment,
  condition,
  cpuMetric,
  hpa,
  replicasOf,
  startCtl,
  startSim,
  waitFor,
  type Sim,
} from './harness.js';
import { scalableWorkerCrd } from '../../fixtures/crds.js';

let sim: Sim;
let ctl: RunningController | undefined;

beforeEach(async () => {
  sim = await startSim();
});

afterEach(async () => {
  await ctl?.stop();
  ctl = undefined;
  await sim.close();
});

function setup(name: string, replicas: number, cpuEach: number): void {
  busyDeployment(sim, name, replicas, cpuEach);
  sim.server.store.create(HPAS, 'default', hpa(name, { metrics: [cpuMetric(50)] }));
}

describe('the controller under failure', () => {
  it('retries a status update that hits 409 Conflict with a fresh read, in the same reconcile', async () => {
    setup('web', 2, 50);
    sim.server.faults.failNext(
      1,
      { method: 'PUT', resource: 'horizontalpodautoscalers', subresource: 'status' },
      { status: 409, reason: 'Conflict' },
    );
    ctl = await startCtl(sim);
    await waitFor('status written', () => condition(sim, 'web', 'ScalingActive')?.reason === 'ValidMetricFound');
    const statusPuts = sim.server.requests.filter((r) => r.subresource === 'status' && r.method === 'PUT');
    expect(statusPuts[0].status).toBe(409);
    expect(statusPuts[1].status).toBe(200);
    const between = sim.server.requests.slice(
      sim.server.requests.indexOf(statusPuts[0]),
      sim.server.requests.indexOf(statusPuts[1]),
    );
    expect(between.some((r) => r.verb === 'get' && r.resource === 'horizontalpodautoscalers' && r.name === 'web')).toBe(
      true,
    );
    const events = sim.server.store.list(EVENTS, { namespace: 'default' }).items as unknown as { reason: string }[];
    expect(events.some((e) => e.reason === 'FailedUpdateStatus')).toBe(false);
  });

  it('misses no HPA when its watch is dropped and the resume point is gone (410 → relist)', async () => {
    setup('a', 2, 50);
    ctl = await startCtl(sim);
    await waitFor('a reconciled', () => condition(sim, 'a', 'ScalingActive') !== undefined);
    sim.server.faults.expireNextWatches(4);
    sim.server.faults.dropWatches({ abrupt: true });
    setup('b', 2, 95);
    await waitFor('b scaled after the relist', () => replicasOf(sim, 'b') === 4);
    expect(ctl.controller.hpas.get('default/b')).toBeDefined();
  });

  it('survives an HPA deleted while its reconcile is in flight, and forgets it', async () => {
    setup('gone', 2, 95);
    setup('stays', 2, 95);
    // gone's scale GET is parked until the test lets it go: its reconcile is surely in flight
    let release: () => void = () => undefined;
    let parked = false;
    sim.server.faults.wait = () => {
      parked = true;
      return new Promise((resolve) => (release = resolve));
    };
    const slow = sim.server.faults.addLatency(1, { resource: 'deployments', subresource: 'scale', name: 'gone' });
    let goneOutcomes = 0;
    ctl = await startCtl(sim, {}, (o) => {
      if (o.key === 'default/gone') goneOutcomes++;
    });
    await waitFor("gone's scale GET in flight", () => parked);
    sim.server.store.delete(HPAS, 'default', 'gone');
    await waitFor('the other HPA still works', () => replicasOf(sim, 'stays') === 4);
    await waitFor('gone forgotten', () => ctl?.controller.hpas.get('default/gone') === undefined);
    expect(goneOutcomes).toBe(0);
    slow();
    release();
    await waitFor('the reconcile in flight to end', () => goneOutcomes === 1);
    expect(ctl.controller.state.history('default/gone')).toBe(EMPTY_HISTORY);
  });

  it('scales a custom kind through its scale subresource found by discovery', async () => {
    sim.server.store.create(
      { group: 'apiextensions.k8s.io', version: 'v1', resource: 'customresourcedefinitions' },
      undefined,
      scalableWorkerCrd('example.com'),
    );
    const workers = { group: 'example.com', version: 'v1', resource: 'workers' };
    sim.server.store.create(workers, 'default', {
      apiVersion: 'example.com/v1',
      kind: 'Worker',
      metadata: { name: 'w', namespace: 'default' },
      spec: { replicas: 2 },
    });
    const w = sim.server.store.get(workers, 'default', 'w');
    sim.server.store.updateStatus(workers, 'default', 'w', { ...w, status: { replicas: 2, selector: 'app=w' } });
    addBusyPods(sim, 'w', 0, 2, 95);
    sim.server.store.create(HPAS, 'default', {
      ...hpa('w', { metrics: [cpuMetric(50)] }),
      spec: {
        scaleTargetRef: { apiVersion: 'example.com/v1', kind: 'Worker', name: 'w' },
        minReplicas: 1,
        maxReplicas: 10,
        metrics: [cpuMetric(50)],
      },
    });
    ctl = await startCtl(sim);
    await waitFor(
      'worker scaled to 4',
      () =>
        (sim.server.store.get(workers, 'default', 'w') as unknown as { spec: { replicas: number } }).spec.replicas ===
        4,
    );
    expect(
      sim.server.requests.some((r) => r.method === 'PUT' && r.resource === 'workers' && r.subresource === 'scale'),
    ).toBe(true);
  });
});
