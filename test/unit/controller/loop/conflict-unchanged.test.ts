/**
 * A status or scale write that conflicts (409: what we read is stale) is retried on a fresh read,
 * but not when the fresh copy already holds what we were about to write: that write would change
 * nothing. Found by the fault suite (test/faults: no write when nothing changed), where
 * the informer lagged behind the controller's own last write.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { Resources } from '../../../../simulator/apiserver/index.js';
import { Loop, NS } from './harness.js';

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

describe('a scale write that conflicts', () => {
  it('is not repeated when the fresh scale already has the replicas decided', async () => {
    loop = new Loop({ syncPeriodMs: 15_000 });
    loop.addWorkload('web');
    // the metric answers after 5 s: the scale is read before, written after
    loop.metrics.behaviour.set('web', { value: '4', delayMs: 5_000 });
    await loop.start();
    await loop.runUntil(1);
    // meanwhile someone else sets the replicas to what the controller is about to decide
    const scale = loop.store.getScale(Resources.deployments, NS, 'web');
    loop.store.updateScale(Resources.deployments, NS, 'web', { ...scale, spec: { replicas: 4 } });
    await loop.runUntil(6);
    // one PUT with the read resourceVersion (409), a fresh GET showing 4, and no second PUT
    expect(loop.clusterWrites.filter((w) => w === 'updateScale')).toHaveLength(1);
    expect(loop.outcomes[0].outcome.error).toBeUndefined();
  });
});
