/**
 * An HPA deleted while its reconcile is in flight (a slow metric, or a relist after the API server
 * lost its state) leaves nothing behind: the reconcile in flight is still reported (its write, if
 * any, happened), but its per-HPA series are gone from /metrics and it is not requeued. Found by the real-stack etcd wipe
 * (controller-faults.e2e.test.ts), where a ghost's series came back after the relist.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { Resources } from '../../../../simulator/apiserver/index.js';
import { Loop, NS } from './harness.js';

let loop: Loop;
afterEach(async () => {
  await loop.stop();
});

describe('an HPA deleted while its reconcile is in flight', () => {
  it('leaves no series on /metrics and is not reconciled again', async () => {
    loop = new Loop({ syncPeriodMs: 15_000 });
    loop.addWorkload('web');
    loop.addWorkload('api');
    loop.metrics.behaviour.set('web', { value: '4', delayMs: 5_000 });
    await loop.start();
    await loop.runUntil(1);
    loop.store.delete(Resources.horizontalPodAutoscalers, NS, 'web');
    await loop.runUntil(40);
    const text = await loop.monitor.registry.metrics();
    expect(text).toMatch(/hpa_name="api"/);
    expect(text).not.toMatch(/hpa_name="web"/);
    expect(loop.reconcileTimes('web')).toEqual([5]);
    expect(loop.metrics.callTimes('web')).toEqual([0]);
  });
});
