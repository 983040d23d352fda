/**
 * Error back-off: a failed reconcile is retried after --error-backoff-base, doubling per failure up
 * to the sync period; a success starts over; `0` retries one sync period later, like upstream.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { Loop, gaps } from './harness.js';

let loop: Loop;
afterEach(async () => {
  await loop.stop();
});

describe('error back-off', () => {
  it('retries a failing HPA after 1 s, 2 s, 4 s, 8 s, then once per sync period', async () => {
    loop = new Loop({ syncPeriodMs: 15_000, errorBackoffBaseMs: 1_000 });
    loop.addWorkload('web');
    loop.metrics.behaviour.set('web', { fail: 'Unavailable' });
    await loop.start();
    await loop.runUntil(76);
    expect(gaps(loop.reconcileTimes('web'))).toEqual([1, 2, 4, 8, 15, 15, 15, 15]);
  });

  it('doubles from the configured base and never waits longer than the sync period', async () => {
    loop = new Loop({ syncPeriodMs: 10_000, errorBackoffBaseMs: 300 });
    loop.addWorkload('web');
    loop.metrics.behaviour.set('web', { fail: 'Timeout' });
    await loop.start();
    await loop.runUntil(40);
    expect(gaps(loop.reconcileTimes('web'))).toEqual([0.3, 0.6, 1.2, 2.4, 4.8, 9.6, 10, 10]);
  });

  it('with --error-backoff-base=0 retries one sync period later, like upstream', async () => {
    loop = new Loop({ syncPeriodMs: 15_000, errorBackoffBaseMs: 0 });
    loop.addWorkload('web');
    loop.metrics.behaviour.set('web', { fail: 'Unavailable' });
    await loop.start();
    await loop.runUntil(61);
    expect(loop.reconcileTimes('web')).toEqual([0, 15, 30, 45, 60]);
  });

  it('starts over from the base after a success', async () => {
    loop = new Loop({ syncPeriodMs: 15_000, errorBackoffBaseMs: 1_000 });
    loop.addWorkload('web');
    loop.metrics.behaviour.set('web', { fail: 'Unavailable' });
    await loop.start();
    await loop.runUntil(7.5); // failures at 0, 1, 3, 7
    loop.metrics.behaviour.set('web', { value: '1' });
    await loop.runUntil(30.5); // the retry at 15 succeeds; the next sync at 30 fails again
    loop.metrics.behaviour.set('web', { fail: 'Unavailable' });
    await loop.runUntil(45.5);
    expect(loop.reconcileTimes('web')).toEqual([0, 1, 3, 7, 15, 30, 45]);
    expect(loop.outcomes.map((o) => o.outcome.error === undefined)).toEqual([
      false,
      false,
      false,
      false,
      true,
      true,
      false,
    ]);
    await loop.runUntil(52);
    expect(loop.reconcileTimes('web').slice(-4)).toEqual([45, 46, 48, 52]);
  });
});
