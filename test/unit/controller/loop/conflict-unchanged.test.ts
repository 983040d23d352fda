/**
 * A status write that conflicts (409: our cached copy is stale) is retried on a fresh read, but
 * not when the fresh copy already holds the status we were about to write: that write would
 * change nothing. Found by the fault suite (test/faults: no write when nothing changed), where
 * the informer lagged behind the controller's own last write.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { Loop } from './harness.js';

let loop: Loop;
afterEach(async () => {
  await loop.stop();
});

describe('a status write that conflicts', () => {
  it('is not repeated on the fresh copy when that copy already holds the same status', async () => {
    // without the stale-cache guard a sync reconciles from a copy older than our last write
    loop = new Loop({ syncPeriodMs: 15_000, gates: { StaleControllerConsistencyHPA: false } });
    loop.addWorkload('web', { targetType: 'Value', target: '10' });
    loop.metrics.behaviour.set('web', { value: '10' });
    await loop.start();
    await loop.runUntil(1);
    // the metric moves within the tolerance: the next status differs in currentMetrics only
    loop.metrics.behaviour.set('web', { value: '10.5' });
    loop.holdWatchEvents();
    await loop.runUntil(16);
    const puts = (): number => loop.clusterWrites.filter((w) => w === 'updateHpaStatus').length;
    const before = puts();
    // at 30 s the stale copy yields the status written at 15 s: one PUT (409), a fresh GET
    // showing that status in place, and no second PUT
    await loop.runUntil(31);
    expect(loop.reconcileTimes('web')).toEqual([0, 15, 30]);
    expect(puts() - before).toBe(1);
    expect(loop.outcomes[2].outcome.error).toBeUndefined();
  });
});
