import { afterEach, describe, expect, it } from '@jest/globals';
import type { RunningController } from '../../../app/start.js';
import type { Recommendation } from '../../../algorithms/index.js';
import type { ReconcileOutcome } from '../../../controller/reconciler.js';
import {
  HPAS,
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

const CONFIGMAPS = { group: '', version: 'v1', resource: 'configmaps' } as const;
const WINDOW_S = 4;

let sim: Sim | undefined;
const running: RunningController[] = [];

afterEach(async () => {
  for (const c of running.splice(0)) await c.stop().catch(() => undefined);
  await sim?.close();
  sim = undefined;
});

/** `web` at `replicas` ready pods using `cpu` % of their request, and its HPA (target 50 %). */
function world(s: Sim, replicas: number, cpu: number, behavior: Record<string, unknown>): void {
  busyDeployment(s, 'web', replicas, cpu);
  s.server.store.create(HPAS, 'default', hpa('web', { maxReplicas: 10, metrics: [cpuMetric(50)], behavior }));
}

function setCpu(s: Sim, cpu: number): void {
  for (const pod of s.cpu.keys()) s.cpu.set(pod, cpu);
}

/** Starts a controller that records its decisions; `first()` is its first decision of web. */
async function controller(s: Sim, store: 'memory' | 'configmap', extra: Record<string, string | boolean> = {}) {
  const outcomes: ReconcileOutcome[] = [];
  const startedAt = Date.now();
  const ctl = await startCtl(s, { historyStore: store, ...extra }, (o) => outcomes.push(o));
  running.push(ctl);
  const first = (): Promise<readonly Recommendation[]> =>
    waitFor(
      'a decision',
      () => outcomes.find((o) => o.decision !== undefined)?.decision?.history.recommendations ?? undefined,
    );
  return { ctl, outcomes, startedAt, first };
}

function storedHistory(s: Sim): { recommendations: Recommendation[] } | undefined {
  let cm: { data?: Record<string, string> } | undefined;
  try {
    cm = s.server.store.get(CONFIGMAPS, 'default', 'hpa-ts-history') as { data?: Record<string, string> };
  } catch {
    return undefined; // not created yet
  }
  const text = cm?.data?.web;
  return text === undefined
    ? undefined
    : (JSON.parse(text) as { history: { recommendations: Recommendation[] } }).history;
}

async function stop(c: RunningController): Promise<void> {
  running.splice(running.indexOf(c), 1);
  await c.stop();
}

describe('--history-store=configmap', () => {
  it('keeps a scale-down window across a restart: the new process continues it, not a new one', async () => {
    sim = await startSim();
    const s = sim;
    world(s, 4, 50, { scaleDown: { stabilizationWindowSeconds: WINDOW_S } });
    const a = await controller(s, 'configmap');
    await waitFor('a few reconciles at 4', () => a.outcomes.filter((o) => o.decision !== undefined).length >= 3);
    setCpu(s, 10); // desired 1 from now on; the window holds 4
    await waitFor('a low recommendation', () =>
      a.outcomes.some((o) => o.decision?.history.recommendations?.some((r) => r.replicas === 1)),
    );
    await stop(a.ctl);
    const stored = storedHistory(s);
    const lastHigh = Math.max(...(stored?.recommendations ?? []).filter((r) => r.replicas === 4).map((r) => r.time));
    expect(Number.isFinite(lastHigh)).toBe(true);

    const b = await controller(s, 'configmap');
    // the window B works with started before B did: it is the one A kept, restored before B's first reconcile
    const firstRecs = await b.first();
    expect(firstRecs.some((r) => r.replicas === 4 && r.time === lastHigh && r.time < b.startedAt)).toBe(true);
    await waitFor('scaled down to 1', () => replicasOf(s, 'web') === 1, 20_000);
    // not before the window A started ended
    expect(Date.now()).toBeGreaterThanOrEqual(lastHigh + WINDOW_S * 1000);
  });

  it('control: with --history-store=memory the restarted process starts a new window at its first reconcile', async () => {
    sim = await startSim();
    const s = sim;
    world(s, 4, 10, { scaleDown: { stabilizationWindowSeconds: WINDOW_S } });
    const a = await controller(s, 'memory');
    await waitFor('a reconcile', () => a.outcomes.some((o) => o.decision !== undefined));
    await stop(a.ctl);
    const b = await controller(s, 'memory');
    const firstRecs = await b.first();
    expect(firstRecs.every((r) => r.time >= b.startedAt)).toBe(true);
    expect(storedHistory(s)).toBeUndefined();
    expect(writes(s).some((w) => w.resource === 'configmaps')).toBe(false);
  });

  it('keeps the scale-down policy’s events across a leader failover; memory forgets them and scales down early', async () => {
    // one pod per 60 s, no window: after 3 → 2 the next pod may go only 60 s later
    const behavior = {
      scaleDown: { stabilizationWindowSeconds: 0, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] },
    };
    for (const store of ['configmap', 'memory'] as const) {
      sim = await startSim();
      const s = sim;
      world(s, 3, 10, behavior);
      const a = await controller(s, store, { leaderElect: true, leaderElectIdentity: `a-${store}` });
      const b = await controller(s, store, { leaderElect: true, leaderElectIdentity: `b-${store}` });
      await waitFor('a leader', () => a.ctl.isLeader() || b.ctl.isLeader());
      const [first, second] = a.ctl.isLeader() ? [a, b] : [b, a];
      await waitFor('one pod removed', () => replicasOf(s, 'web') === 2);
      if (store === 'configmap') await waitFor('the event stored', () => storedHistory(s) !== undefined);
      await stop(first.ctl);
      await waitFor('the standby leads', () => second.ctl.isLeader(), 10_000);
      if (store === 'memory') {
        await waitFor('memory: the new leader removes the next pod at once', () => replicasOf(s, 'web') === 1, 10_000);
      } else {
        await waitFor('five reconciles of the new leader', () => second.outcomes.filter((o) => o.decision).length >= 5);
        expect(replicasOf(s, 'web')).toBe(2);
        const limited = second.outcomes.at(-1)?.decision?.status.conditions?.find((c) => c.type === 'ScalingLimited');
        expect(limited?.reason).toBe('ScaleDownLimit');
        const cmWriters = writes(s)
          .filter((w) => w.resource === 'configmaps')
          .map((w) => w.userAgent ?? '');
        expect(cmWriters.length).toBeGreaterThan(0);
      }
      for (const c of running.splice(0)) await c.stop().catch(() => undefined);
      await s.close();
      sim = undefined;
    }
  });

  it('drops the key of a deleted HPA', async () => {
    sim = await startSim();
    const s = sim;
    world(s, 2, 50, { scaleDown: { stabilizationWindowSeconds: WINDOW_S } });
    await controller(s, 'configmap');
    await waitFor('stored', () => storedHistory(s) !== undefined);
    s.server.store.delete(HPAS, 'default', 'web');
    await waitFor('its key gone', () => storedHistory(s) === undefined);
  });
});
