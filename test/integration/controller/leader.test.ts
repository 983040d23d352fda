import { afterEach, describe, expect, it } from '@jest/globals';
import type { RunningController } from '../../../app/start.js';
import {
  HPAS,
  addBusyPods,
  busyDeployment,
  cpuMetric,
  hpa,
  replicasOf,
  startCtl,
  startSim,
  waitFor,
  writes,
  type Sim,
} from './harness.js';

let sim: Sim | undefined;
const running: RunningController[] = [];

afterEach(async () => {
  for (const c of running.splice(0)) await c.stop().catch(() => undefined);
  await sim?.close();
});

describe('two controller processes with leader election', () => {
  it('lets only the leader write, and fails over when it stops', async () => {
    sim = await startSim();
    const s = sim;
    busyDeployment(s, 'web', 2, 95);
    s.server.store.create(HPAS, 'default', hpa('web', { maxReplicas: 20, metrics: [cpuMetric(50)] }));
    const a = await startCtl(s, { leaderElect: true, leaderElectIdentity: 'ctl-a' });
    running.push(a);
    const b = await startCtl(s, { leaderElect: true, leaderElectIdentity: 'ctl-b' });
    running.push(b);
    await waitFor('a leader', () => a.isLeader() !== b.isLeader());
    const [leader, standby, leaderId, standbyId] = a.isLeader() ? [a, b, 'ctl-a', 'ctl-b'] : [b, a, 'ctl-b', 'ctl-a'];
    await waitFor('scaled to 4', () => replicasOf(s, 'web') === 4);
    const hpaWrites = (): { userAgent?: string }[] => writes(s).filter((w) => w.resource !== 'leases');
    expect(hpaWrites().every((w) => w.userAgent?.includes(leaderId))).toBe(true);
    expect(hpaWrites().some((w) => w.userAgent?.includes(standbyId))).toBe(false);

    running.splice(running.indexOf(leader), 1);
    await leader.stop();
    await waitFor('standby takes over', () => standby.isLeader(), 10_000);
    addBusyPods(s, 'web', 2, 4, 95);
    await waitFor('the new leader scales to 8', () => replicasOf(s, 'web') === 8);
    expect(hpaWrites().some((w) => w.userAgent?.includes(standbyId))).toBe(true);
  });
});
