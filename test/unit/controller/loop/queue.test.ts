/**
 * The work queue as the controller uses it (spec §5.3, §5.6): a key waits once however often it
 * is added, is never handed to two workers at once, and one slow or failing HPA does not hold
 * back the others; the workers bound how many HPAs are reconciled at the same time.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { Resources } from '../../../../simulator/apiserver/index.js';
import { Loop, NS } from './harness.js';

let loop: Loop;
afterEach(async () => {
  await loop.stop();
});

/** Edits metadata only: the HPA's generation stays, so the change is queued for the next sync. */
function relabel(name: string, i: number): void {
  const hpa = loop.store.get(Resources.horizontalPodAutoscalers, NS, name);
  loop.store.update(Resources.horizontalPodAutoscalers, NS, name, {
    ...hpa,
    metadata: { ...hpa.metadata, labels: { edit: String(i) } },
  });
}

describe('work-queue de-duplication', () => {
  it('an HPA edited many times within a sync period is reconciled once when its period comes round', async () => {
    loop = new Loop({ syncPeriodMs: 15_000 });
    loop.addWorkload('web');
    await loop.start();
    await loop.runUntil(1);
    expect(loop.reconcileTimes('web')).toEqual([0]);
    for (let i = 0; i < 10; i++) {
      relabel('web', i);
      await loop.runUntil(2 + i);
    }
    await loop.runUntil(29);
    expect(loop.reconcileTimes('web')).toEqual([0, 15]);
  });

  it('a key added while a worker holds it is reconciled once more afterwards, never by two workers at once', async () => {
    loop = new Loop({ workers: 5, gates: { HPAGeneration: true } });
    loop.addWorkload('web');
    loop.metrics.behaviour.set('web', { value: '2', delayMs: 5_000 });
    await loop.start();
    await loop.runUntil(1);
    // five spec changes while the first reconcile waits for its metric: each would enqueue at once
    for (let i = 0; i < 5; i++) {
      const hpa = loop.store.get(Resources.horizontalPodAutoscalers, NS, 'web');
      const spec = hpa.spec as Record<string, unknown>;
      loop.store.update(Resources.horizontalPodAutoscalers, NS, 'web', {
        ...hpa,
        spec: { ...spec, maxReplicas: 11 + i },
      });
      await loop.runUntil(1 + (i + 1) * 0.5);
    }
    await loop.runUntil(14);
    expect(loop.metrics.callTimes('web')).toEqual([0, 5]);
    expect(loop.metrics.maxInFlight).toBe(1);
  });
});

describe('fairness', () => {
  it('one slow HPA does not hold back the others: they are reconciled every sync period meanwhile', async () => {
    loop = new Loop({ workers: 2, syncPeriodMs: 15_000 });
    for (const name of ['slow', 'a', 'b', 'c']) loop.addWorkload(name);
    loop.metrics.behaviour.set('slow', { value: '1', delayMs: 120_000 });
    await loop.start();
    await loop.runUntil(61);
    for (const name of ['a', 'b', 'c']) expect(loop.reconcileTimes(name)).toEqual([0, 15, 30, 45, 60]);
    expect(loop.metrics.callTimes('slow')).toEqual([0]);
    expect(loop.reconcileTimes('slow')).toEqual([]);
  });

  it('an HPA whose metric keeps failing is retried on its own back-off without delaying the others', async () => {
    loop = new Loop({ workers: 1, syncPeriodMs: 15_000, errorBackoffBaseMs: 1_000 });
    for (const name of ['broken', 'a', 'b']) loop.addWorkload(name);
    loop.metrics.behaviour.set('broken', { fail: 'Unavailable' });
    await loop.start();
    await loop.runUntil(61);
    expect(loop.reconcileTimes('broken')).toEqual([0, 1, 3, 7, 15, 30, 45, 60]);
    for (const name of ['a', 'b']) expect(loop.reconcileTimes(name)).toEqual([0, 15, 30, 45, 60]);
  });

  it('the workers bound how many HPAs are reconciled at once; the rest wait their turn', async () => {
    loop = new Loop({ workers: 3, syncPeriodMs: 60_000 });
    const names = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'h7'];
    for (const name of names) {
      loop.addWorkload(name);
      loop.metrics.behaviour.set(name, { value: '1', delayMs: 10_000 });
    }
    await loop.start();
    await loop.runUntil(35);
    expect(loop.metrics.maxInFlight).toBe(3);
    expect(loop.metrics.calls.map((c) => c.startedAt / 1000)).toEqual([0, 0, 0, 10, 10, 10, 20]);
    expect(loop.outcomes.map((o) => o.at / 1000)).toEqual([10, 10, 10, 20, 20, 20, 30]);
  });
});
