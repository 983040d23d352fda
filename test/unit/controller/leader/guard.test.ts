import { describe, expect, it } from '@jest/globals';
import { EventRecorder } from '../../../../controller/events/index.js';
import { LeaderElector, LeaseGuard, fenceWrites } from '../../../../controller/leader/index.js';
import type { ClusterAccess, ClusterResult, EventRecord } from '../../../../controller/ports.js';
import { VirtualClock } from '../../../../simulator/clock.js';
import { ApiFailure, type Clock } from '../../../../transport/index.js';
import { LeaseConnection, LeaseStore } from './fake-leases.js';
import { ProcessClock } from './replicas.js';

const T0 = Date.UTC(2026, 10, 23, 10, 0, 0);

const event: EventRecord = {
  namespace: 'default',
  name: 'web.1',
  involvedObject: { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', name: 'web', namespace: 'default' },
  type: 'Normal',
  reason: 'SuccessfulRescale',
  message: 'New size: 2',
  component: 'horizontal-pod-autoscaler',
  count: 1,
  firstTimestamp: '2026-11-23T10:00:00Z',
  lastTimestamp: '2026-11-23T10:00:00Z',
};

/** A cluster whose createEvent answers only when `answer` is called, recording the signal it got. */
function slowEvents(): {
  cluster: ClusterAccess;
  sent: { signal?: AbortSignal }[];
  answer: () => void;
} {
  const sent: { signal?: AbortSignal }[] = [];
  const waiting: (() => void)[] = [];
  const cluster = {
    createEvent: (_e: EventRecord, o?: { signal?: AbortSignal }): Promise<ClusterResult<void>> => {
      sent.push({ signal: o?.signal });
      return new Promise((resolve) => {
        const done = (): void =>
          resolve(
            o?.signal?.aborted === true
              ? {
                  ok: false,
                  error: { failure: ApiFailure.Cancelled, message: 'context canceled', verb: 'POST', path: '' },
                }
              : { ok: true, value: undefined },
          );
        o?.signal?.addEventListener('abort', done, { once: true });
        waiting.push(done);
      });
    },
  } as unknown as ClusterAccess;
  return { cluster, sent, answer: () => waiting.splice(0).forEach((f) => f()) };
}

describe('the lease guard', () => {
  it('allows writes for the renew deadline from when the renewal was sent, and no longer', async () => {
    const clock = new VirtualClock(T0);
    const guard = new LeaseGuard(clock, 'default/hpa-ts', 10_000);
    expect(guard.holds()).toBe(false);
    guard.grant(T0);
    await clock.advance(9_999);
    expect(guard.holds()).toBe(true);
    await clock.advance(1);
    expect(guard.holds()).toBe(false);
    expect(guard.describe()).toBe(
      "this replica's leader lease default/hpa-ts was last renewed 10.0 s ago (renew deadline 10 s): it may not write",
    );
  });

  it('refuses a write once the lease is not valid by its own clock, as a Fenced failure', async () => {
    const clock = new VirtualClock(T0);
    const guard = new LeaseGuard(clock, 'default/hpa-ts', 10_000);
    const { cluster, sent } = slowEvents();
    const fenced = fenceWrites(cluster, guard);
    const r = await fenced.createEvent(event);
    expect(sent).toHaveLength(0);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.failure).toBe(ApiFailure.Fenced);
    expect(!r.ok && r.error.message).toBe(
      'this replica does not hold the leader lease default/hpa-ts; POST event default/web.1 not sent',
    );
  });

  it('cancels a write in flight when the validity it was sent under runs out', async () => {
    const clock = new VirtualClock(T0);
    const guard = new LeaseGuard(clock, 'default/hpa-ts', 10_000);
    guard.grant(T0);
    const { cluster, sent } = slowEvents();
    const pending = fenceWrites(cluster, guard).createEvent(event);
    expect(sent[0].signal?.aborted).toBe(false);
    await clock.advance(10_000);
    expect(sent[0].signal?.aborted).toBe(true);
    const r = await pending;
    expect(!r.ok && r.error.failure).toBe(ApiFailure.Fenced);
  });

  it('cancels a write in flight when leadership is revoked', async () => {
    const clock = new VirtualClock(T0);
    const guard = new LeaseGuard(clock, 'default/hpa-ts', 10_000);
    guard.grant(T0);
    const { cluster, sent, answer } = slowEvents();
    const pending = fenceWrites(cluster, guard).createEvent(event);
    guard.revoke();
    answer();
    expect(sent[0].signal?.aborted).toBe(true);
    expect((await pending).ok).toBe(false);
    // a later grant opens a new term: writes pass again
    guard.grant(clock.now());
    const next = fenceWrites(cluster, guard).createEvent(event);
    answer();
    expect((await next).ok).toBe(true);
  });

  it('reads the monotonic clock where the clock has one: a wall clock set back does not stretch the lease', () => {
    let wall = T0;
    let mono = 0;
    const clock: Clock = {
      now: () => wall,
      monotonicNow: () => mono,
      sleep: () => Promise.resolve(),
      setTimer: () => () => undefined,
    };
    const guard = new LeaseGuard(clock, 'default/hpa-ts', 10_000);
    guard.grant(mono);
    wall -= 3_600_000;
    mono += 10_000;
    expect(guard.holds()).toBe(false);
  });

  it('the event recorder drops a fenced event at once instead of retrying it for two minutes', async () => {
    const clock = new VirtualClock(T0);
    const guard = new LeaseGuard(clock, 'default/hpa-ts', 10_000);
    const { cluster, sent } = slowEvents();
    const dropped: string[] = [];
    const recorder = new EventRecorder({
      sink: fenceWrites(cluster, guard),
      clock,
      onDropped: (why) => dropped.push(why),
    });
    recorder.record(event.involvedObject as never, 'Normal', 'SuccessfulRescale', 'New size: 2');
    await clock.advance(0);
    await recorder.flush();
    expect(dropped).toEqual(['not-leader']);
    expect(sent).toHaveLength(0);
  });
});

describe('the elector and its guard', () => {
  it('a leader paused past its renew deadline steps down as soon as it resumes, with writes refused', async () => {
    const world = new VirtualClock(T0);
    const clock = new ProcessClock(world);
    const store = new LeaseStore();
    const log: string[] = [];
    const elector = new LeaderElector({
      cluster: new LeaseConnection(store),
      clock,
      namespace: 'default',
      name: 'hpa-ts',
      identity: 'a',
      random: () => 0,
      onStartedLeading: () => void log.push(`started ${world.now() - T0}`),
      onStoppedLeading: () => log.push(`stopped ${world.now() - T0}`),
    });
    void elector.run(new AbortController().signal);
    await world.advance(5_000);
    expect(elector.guard.holds()).toBe(true);
    clock.pause();
    await world.advance(26_000);
    // still "leading" as far as its own loops know, but it may not write
    expect(elector.isLeader()).toBe(true);
    expect(elector.guard.holds()).toBe(false);
    clock.resume();
    await world.advance(0);
    expect(elector.isLeader()).toBe(false);
    expect(log).toEqual(['started 0', 'stopped 31000']);
  });

  it('an acquisition answered after the renew deadline is not used: it tries again and leads for good', async () => {
    const clock = new VirtualClock(T0);
    const store = new LeaseStore();
    let calls = 0;
    // the first request hangs 25 s (etcd down behind the API server), the others answer at once
    const conn = new LeaseConnection(store, () => clock.sleep(++calls === 1 ? 25_000 : 10));
    const log: string[] = [];
    const elector = new LeaderElector({
      cluster: conn,
      clock,
      namespace: 'default',
      name: 'hpa-ts',
      identity: 'a',
      random: () => 0,
      onStartedLeading: () => void log.push(`started ${clock.now() - T0}`),
      onStoppedLeading: () => void log.push(`stopped ${clock.now() - T0}`),
    });
    void elector.run(new AbortController().signal);
    await clock.advance(60_000);
    expect(log).toEqual(['started 12020']);
    expect(elector.isLeader()).toBe(true);
    expect(elector.guard.holds()).toBe(true);
  });
});
