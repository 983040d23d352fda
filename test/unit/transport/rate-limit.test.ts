import { describe, expect, it } from '@jest/globals';
import { VirtualClock } from '../../../simulator/clock.js';
import {
  ApiRateLimits,
  TokenBucket,
  apiClientOf,
  effectiveLimit,
  type ApiClientName,
} from '../../../transport/index.js';

const T0 = Date.UTC(2026, 0, 1);
const LEASE = '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/hpa-ts';
const SCALE = '/apis/apps/v1/namespaces/shop/deployments/web/scale';

/** Starts `n` takes at once; resolves with the virtual time (ms after T0) at which each got its token. */
function takeTimes(clock: VirtualClock, take: () => Promise<unknown>, n: number): Promise<number>[] {
  return Array.from({ length: n }, () => take().then(() => clock.now() - T0));
}

describe('a token bucket (client-go flowcontrol, x/time/rate)', () => {
  it('lets a burst through at once, then spaces requests 1/qps apart', async () => {
    const clock = new VirtualClock(T0);
    const bucket = new TokenBucket(10, 3, clock);
    const done = takeTimes(clock, () => bucket.take(), 6);
    await clock.advance(1_000);
    expect(await Promise.all(done)).toEqual([0, 0, 0, 100, 200, 300]);
  });

  it('refills while idle, but never beyond burst', async () => {
    const clock = new VirtualClock(T0);
    const bucket = new TokenBucket(10, 2, clock);
    await Promise.all(takeTimes(clock, () => bucket.take(), 2));
    await clock.advance(60_000);
    const done = takeTimes(clock, () => bucket.take(), 3);
    await clock.advance(1_000);
    expect(await Promise.all(done)).toEqual([60_000, 60_000, 60_100]);
  });

  it('reports the milliseconds a take waited', async () => {
    const clock = new VirtualClock(T0);
    const bucket = new TokenBucket(4, 1, clock);
    const waits = [bucket.take(), bucket.take()];
    await clock.advance(1_000);
    expect(await Promise.all(waits)).toEqual([0, 250]);
  });

  it('gives the token of an aborted wait back', async () => {
    const clock = new VirtualClock(T0);
    const bucket = new TokenBucket(1, 1, clock);
    await bucket.take();
    const ac = new AbortController();
    const aborted = bucket.take(ac.signal);
    ac.abort();
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
    const next = takeTimes(clock, () => bucket.take(), 1);
    await clock.advance(5_000);
    expect(await Promise.all(next)).toEqual([1_000]);
  });
});

describe('client-go rest.Config defaulting of qps and burst', () => {
  it('takes 0 for client-go’s defaults (5, 10) and a negative qps for no limit', () => {
    expect(effectiveLimit({ qps: 0, burst: 0 })).toEqual({ qps: 5, burst: 10 });
    expect(effectiveLimit({ qps: 20, burst: 30 })).toEqual({ qps: 20, burst: 30 });
    expect(effectiveLimit({ qps: -1, burst: 30 })).toBeUndefined();
  });
});

describe('the buckets of a process (one per client)', () => {
  it('name the client of a request by its API group', () => {
    const of = (p: string): ApiClientName => apiClientOf(p);
    expect(of(LEASE)).toBe('leader-election');
    expect(of('/apis/metrics.k8s.io/v1beta1/namespaces/a/pods')).toBe('resource-metrics');
    expect(of('/apis/custom.metrics.k8s.io/v1beta2/namespaces/a/pods/*/qps')).toBe('custom-metrics');
    expect(of('/apis/external.metrics.k8s.io/v1beta1/namespaces/a/queue')).toBe('external-metrics');
    expect(of('/apis/authorization.k8s.io/v1/subjectaccessreviews')).toBe('delegated-auth');
    expect(of(SCALE)).toBe('controller');
    expect(of('/api/v1/pods')).toBe('controller');
    expect(of('/apis')).toBe('controller');
  });

  it('never delay a lease renewal behind a saturated controller bucket', async () => {
    const clock = new VirtualClock(T0);
    const throttled: Array<[string, number]> = [];
    const limits = new ApiRateLimits({ qps: 20, burst: 30, clock, onThrottled: (c, ms) => throttled.push([c, ms]) });
    const controller = takeTimes(clock, () => limits.wait(SCALE), 1_000);
    await clock.advance(0);
    let renewedAt: number | undefined;
    void limits.wait(LEASE).then(() => (renewedAt = clock.now() - T0));
    await clock.advance(0);
    expect(renewedAt).toBe(0);
    await clock.advance(60_000);
    const times = await Promise.all(controller);
    // 30 at once, then 20 a second: the 1,000th request goes out 48.5 s later
    expect(times[29]).toBe(0);
    expect(times[999]).toBe(48_500);
    expect(throttled.every(([c]) => c === 'controller')).toBe(true);
    expect(throttled).toHaveLength(970);
  });

  it('do not wait, nor report, when qps is negative', async () => {
    const clock = new VirtualClock(T0);
    const throttled: string[] = [];
    const limits = new ApiRateLimits({ qps: -1, burst: 0, clock, onThrottled: (c) => throttled.push(c) });
    const done = takeTimes(clock, () => limits.wait(SCALE), 500);
    await clock.advance(0);
    expect(new Set(await Promise.all(done))).toEqual(new Set([0]));
    expect(throttled).toEqual([]);
  });
});
