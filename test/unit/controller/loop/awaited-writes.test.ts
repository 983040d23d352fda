/**
 * The stale-cache guard (gate StaleControllerConsistencyHPA, V15): after writing an HPA's status
 * the controller does not reconcile that HPA from a cached copy older than its own write; it waits
 * for the informer to deliver the write. Without the gate it reconciles from the stale copy.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { Resources } from '../../../../simulator/apiserver/index.js';
import { Loop, NS } from './harness.js';

let loop: Loop;
afterEach(async () => {
  await loop.stop();
});

/** web scales 1 → 4 at T0 and writes its status, which the informer is then slow to deliver. */
async function writeThenLag(staleGuard: boolean): Promise<string> {
  loop = new Loop({ syncPeriodMs: 15_000, gates: { StaleControllerConsistencyHPA: staleGuard } });
  loop.addWorkload('web');
  loop.metrics.behaviour.set('web', { value: '4' });
  await loop.startInformers();
  loop.holdWatchEvents();
  await loop.startWorkers();
  await loop.runUntil(1);
  const first = loop.outcomes[0].outcome;
  expect(first).toMatchObject({ scaled: 4, statusWritten: true });
  return first.writtenResourceVersion ?? '';
}

describe('awaited status writes', () => {
  it('with StaleControllerConsistencyHPA, no reconcile runs from a copy older than our own status write', async () => {
    const written = await writeThenLag(true);
    await loop.runUntil(20);
    expect(loop.metrics.callTimes('web')).toEqual([0]);
    expect(loop.reconcileTimes('web')).toEqual([0]);

    await loop.releaseWatchEvents();
    await loop.runUntil(20.2);
    const times = loop.reconcileTimes('web');
    expect(times).toHaveLength(2);
    expect(times[1]).toBeGreaterThanOrEqual(20);
    expect(times[1]).toBeLessThanOrEqual(20.1);
    expect(loop.outcomes[1].outcome.hpa?.metadata.resourceVersion).toBe(written);
  });

  it('without the gate, the next sync reconciles from the stale copy', async () => {
    const written = await writeThenLag(false);
    await loop.runUntil(16);
    expect(loop.reconcileTimes('web')).toEqual([0, 15]);
    const stale = loop.outcomes[1].outcome.hpa?.metadata.resourceVersion;
    expect(stale).not.toBe(written);
    expect(Number(stale)).toBeLessThan(Number(written));
  });
});

describe('a status write the informer never delivers', () => {
  it('is waited for two sync periods, then the HPA is read fresh and its status put right', async () => {
    loop = new Loop({ syncPeriodMs: 15_000 });
    loop.addWorkload('web', { targetType: 'Value', target: '10' });
    loop.metrics.behaviour.set('web', { value: '10' });
    await loop.start();
    await loop.runUntil(1);
    // the metric fails at 15 s: ScalingActive False is written, and the informer stops delivering
    loop.metrics.behaviour.set('web', { fail: 'Unavailable' });
    loop.holdWatchEvents();
    await loop.runUntil(16);
    expect(activeOf(loop)).toBe('False');
    loop.metrics.behaviour.set('web', { value: '10' });
    await loop.runUntil(44);
    expect(loop.reconcileTimes('web')).toEqual([0, 15]);
    // at 45 s: a fresh read, not the cached copy from before the failure (which already says
    // True, so the status would look unchanged and the False written at 15 s would stay)
    await loop.runUntil(46);
    expect(loop.reconcileTimes('web')).toHaveLength(3);
    expect(activeOf(loop)).toBe('True');
  });
});

function activeOf(l: Loop): string | undefined {
  const hpa = l.store.get(Resources.horizontalPodAutoscalers, NS, 'web') as {
    status?: { conditions?: { type: string; status: string }[] };
  };
  return hpa.status?.conditions?.find((c) => c.type === 'ScalingActive')?.status;
}
