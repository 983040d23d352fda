import { describe, expect, it } from '@jest/globals';
import { VirtualClock } from '../../../../simulator/clock.js';
import { LeaderElector, formatMicroTime } from '../../../../controller/leader/index.js';
import { LeaseConnection, LeaseStore } from './fake-leases.js';

const T0 = Date.UTC(2026, 10, 23, 10, 0, 0);

/** Awaits `p` while moving virtual time on (every lease call takes 10 ms of it). */
async function settle<T>(clock: VirtualClock, p: Promise<T>): Promise<T> {
  let done = false;
  const out = p.finally(() => (done = true));
  for (let i = 0; i < 10_000 && !done; i++) await clock.advance(10);
  return out;
}

interface Candidate {
  readonly id: string;
  readonly conn: LeaseConnection;
  readonly elector: LeaderElector;
  readonly stop: AbortController;
  readonly log: string[];
  leaderSignal: AbortSignal | undefined;
  done: Promise<void> | undefined;
}

function world() {
  const clock = new VirtualClock(T0);
  const store = new LeaseStore();
  /** [id, start, end) of every leadership, to check that no two overlap */
  const terms: { id: string; from: number; to?: number }[] = [];
  /** status of every failed lease call, by candidate */
  const failures: { id: string; status?: number }[] = [];
  const candidate = (id: string, opts: { random?: number; releaseOnCancel?: boolean } = {}): Candidate => {
    const conn = new LeaseConnection(store, () => clock.sleep(10));
    const log: string[] = [];
    const c: Candidate = {
      id,
      conn,
      log,
      stop: new AbortController(),
      leaderSignal: undefined,
      done: undefined,
      elector: new LeaderElector({
        cluster: conn,
        clock,
        namespace: 'kube-system',
        name: 'hpa-ts',
        identity: id,
        random: () => opts.random ?? 0,
        releaseOnCancel: opts.releaseOnCancel,
        onStartedLeading: (signal) => {
          c.leaderSignal = signal;
          terms.push({ id, from: clock.now() });
          log.push('started');
        },
        onStoppedLeading: () => {
          const term = terms.filter((t) => t.id === id).at(-1);
          if (term !== undefined) term.to = clock.now();
          log.push('stopped');
        },
        onNewLeader: (leader) => log.push(`leader:${leader}`),
        onError: (_message, error) => failures.push({ id, status: error?.status }),
      }),
    };
    return c;
  };
  const run = (c: Candidate): void => {
    c.done = c.elector.run(c.stop.signal);
  };
  const noOverlap = (): boolean =>
    terms.every((a, i) =>
      terms.every((b, j) => i === j || (a.to ?? Infinity) <= b.from || (b.to ?? Infinity) <= a.from),
    );
  return { clock, store, terms, failures, candidate, run, noOverlap };
}

describe('acquiring the lease', () => {
  it('creates a missing lease and leads', async () => {
    const w = world();
    const a = w.candidate('a');
    w.run(a);
    await w.clock.advance(100);
    expect(a.elector.isLeader()).toBe(true);
    expect(a.log).toEqual(['leader:a', 'started']);
    expect(w.store.lease).toMatchObject({
      holderIdentity: 'a',
      leaseDurationSeconds: 15,
      leaseTransitions: 0,
      acquireTime: formatMicroTime(T0),
    });
    expect(w.store.lease?.renewTime).toBe('2026-11-23T10:00:00.020000Z');
  });

  it('renews every retry period and keeps acquireTime', async () => {
    const w = world();
    const a = w.candidate('a');
    w.run(a);
    await w.clock.advance(10_000);
    expect(w.store.writes.length).toBeGreaterThanOrEqual(5);
    const renewed = Date.parse(w.store.lease?.renewTime ?? '');
    expect(T0 + 10_000 - renewed).toBeLessThanOrEqual(2_100);
    expect(w.store.lease?.acquireTime).toBe(formatMicroTime(T0));
    expect(w.store.lease?.leaseTransitions).toBe(0);
  });

  it('lets only one of two candidates lead, and the other learns who does', async () => {
    const w = world();
    const a = w.candidate('a');
    const b = w.candidate('b');
    w.run(a);
    w.run(b);
    await w.clock.advance(60_000);
    expect([a.elector.isLeader(), b.elector.isLeader()].filter(Boolean)).toHaveLength(1);
    const follower = a.elector.isLeader() ? b : a;
    expect(follower.log).toEqual([`leader:${w.store.lease?.holderIdentity ?? ''}`]);
  });

  it('lets exactly one win a race for an expired lease (409 for the other)', async () => {
    const w = world();
    w.store.force({
      holderIdentity: 'gone',
      leaseDurationSeconds: 15,
      acquireTime: null,
      renewTime: null,
      leaseTransitions: 4,
    });
    const a = w.candidate('a');
    const b = w.candidate('b');
    w.run(a);
    w.run(b);
    await w.clock.advance(16_000);
    await w.clock.advance(20_000);
    expect([a.elector.isLeader(), b.elector.isLeader()].filter(Boolean)).toHaveLength(1);
    expect(w.store.lease?.leaseTransitions).toBe(5);
    const loser = a.elector.isLeader() ? 'b' : 'a';
    expect(w.failures).toContainEqual({ id: loser, status: 409 });
  });
});

describe('expiry is judged by the local clock', () => {
  it('does not take over a lease whose record keeps changing, however old its renewTime looks', async () => {
    const w = world();
    const b = w.candidate('b');
    const skewed = (i: number) => ({
      holderIdentity: 'a',
      leaseDurationSeconds: 15,
      acquireTime: '2000-01-01T00:00:00.000000Z',
      renewTime: formatMicroTime(Date.UTC(2000, 0, 1) + i * 2000),
      leaseTransitions: 0,
    });
    w.store.force(skewed(0));
    w.run(b);
    for (let i = 1; i < 30; i++) {
      await w.clock.advance(2_000);
      w.store.force(skewed(i));
    }
    expect(b.elector.isLeader()).toBe(false);
  });

  it('takes over a lease that has not changed for its duration, however new its renewTime looks', async () => {
    const w = world();
    w.store.force({
      holderIdentity: 'a',
      leaseDurationSeconds: 15,
      acquireTime: null,
      renewTime: '2099-01-01T00:00:00.000000Z',
      leaseTransitions: 2,
    });
    const b = w.candidate('b');
    w.run(b);
    await w.clock.advance(14_000);
    expect(b.elector.isLeader()).toBe(false);
    await w.clock.advance(4_000);
    expect(b.elector.isLeader()).toBe(true);
    expect(w.store.lease).toMatchObject({ holderIdentity: 'b', leaseTransitions: 3 });
  });
});

describe('failover', () => {
  it('the leader steps down within the renew deadline, before the standby may take over', async () => {
    const w = world();
    const a = w.candidate('a');
    const b = w.candidate('b');
    w.run(a);
    await w.clock.advance(100);
    w.run(b);
    await w.clock.advance(20_000);
    expect(a.elector.isLeader()).toBe(true);
    const cut = w.clock.now();
    a.conn.down = true;
    await w.clock.advance(12_000);
    expect(a.elector.isLeader()).toBe(false);
    expect(a.leaderSignal?.aborted).toBe(true);
    expect(a.log.at(-1)).toBe('stopped');
    expect(b.elector.isLeader()).toBe(false);
    await w.clock.advance(8_000);
    expect(b.elector.isLeader()).toBe(true);
    const bStart = w.terms.find((t) => t.id === 'b')?.from ?? 0;
    expect(bStart - cut).toBeGreaterThanOrEqual(13_000);
    expect(w.noOverlap()).toBe(true);
    expect(w.store.lease?.leaseTransitions).toBe(1);
    await settle(w.clock, a.done ?? Promise.resolve());
  });

  it('a leader whose lease is taken by someone else stops leading', async () => {
    const w = world();
    const a = w.candidate('a');
    w.run(a);
    await w.clock.advance(4_000);
    w.store.force({
      holderIdentity: 'intruder',
      leaseDurationSeconds: 15,
      acquireTime: null,
      renewTime: null,
      leaseTransitions: 1,
    });
    await w.clock.advance(12_000);
    expect(a.elector.isLeader()).toBe(false);
    expect(a.log).toContain('leader:intruder');
  });
});

describe('release', () => {
  it('on cancel writes an empty holder so the standby takes over at its next retry', async () => {
    const w = world();
    const a = w.candidate('a');
    const b = w.candidate('b');
    w.run(a);
    await w.clock.advance(100);
    w.run(b);
    await w.clock.advance(10_000);
    const stoppedAt = w.clock.now();
    a.stop.abort();
    await settle(w.clock, a.done ?? Promise.resolve());
    expect(w.store.lease).toMatchObject({ holderIdentity: '', leaseDurationSeconds: 1, leaseTransitions: 0 });
    expect(a.log.at(-1)).toBe('stopped');
    await w.clock.advance(2_100);
    expect(b.elector.isLeader()).toBe(true);
    expect((w.terms.find((t) => t.id === 'b')?.from ?? 0) - stoppedAt).toBeLessThanOrEqual(2_100);
    expect(w.store.lease?.leaseTransitions).toBe(1);
  });

  it('release() stops leading and frees the lease while run is in progress', async () => {
    const w = world();
    const a = w.candidate('a');
    w.run(a);
    await w.clock.advance(3_000);
    expect(await settle(w.clock, a.elector.release())).toBe(true);
    expect(a.elector.isLeader()).toBe(false);
    expect(w.store.lease?.holderIdentity).toBe('');
    await settle(w.clock, a.done ?? Promise.resolve());
  });

  it('without releaseOnCancel the lease stays held until it expires', async () => {
    const w = world();
    const a = w.candidate('a', { releaseOnCancel: false });
    w.run(a);
    await w.clock.advance(1_000);
    a.stop.abort();
    await settle(w.clock, a.done ?? Promise.resolve());
    expect(w.store.lease?.holderIdentity).toBe('a');
  });

  it('does not touch a lease held by someone else', async () => {
    const w = world();
    w.store.force({
      holderIdentity: 'other',
      leaseDurationSeconds: 15,
      acquireTime: null,
      renewTime: null,
      leaseTransitions: 0,
    });
    const a = w.candidate('a');
    expect(await settle(w.clock, a.elector.release())).toBe(true);
    expect(w.store.lease?.holderIdentity).toBe('other');
  });

  it('onStoppedLeading is not called for a candidate that never led', async () => {
    const w = world();
    w.store.force({
      holderIdentity: 'other',
      leaseDurationSeconds: 15,
      acquireTime: null,
      renewTime: null,
      leaseTransitions: 0,
    });
    const a = w.candidate('a');
    w.run(a);
    await w.clock.advance(1_000);
    a.stop.abort();
    await settle(w.clock, a.done ?? Promise.resolve());
    expect(a.log).toEqual(['leader:other']);
  });
});

describe('configuration', () => {
  it('rejects timings client-go rejects', () => {
    const base = {
      cluster: new LeaseConnection(new LeaseStore()),
      clock: new VirtualClock(0),
      namespace: 'n',
      name: 'l',
      identity: 'a',
      onStartedLeading: () => undefined,
      onStoppedLeading: () => undefined,
    };
    expect(() => new LeaderElector({ ...base, leaseDurationMs: 10_000, renewDeadlineMs: 10_000 })).toThrow(
      /leaseDuration/,
    );
    expect(() => new LeaderElector({ ...base, renewDeadlineMs: 2_000, retryPeriodMs: 2_000 })).toThrow(/renewDeadline/);
    expect(() => new LeaderElector({ ...base, identity: '' })).toThrow(/identity/);
  });
});
