import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { LeaderElector, ShardCoordinator, shardOf, type ShardEnd } from '../../../../controller/leader/index.js';
import { createClusterStore, Resources } from '../../../../simulator/apiserver/index.js';
import { VirtualClock } from '../../../../simulator/clock.js';
import { createInMemoryCluster } from '../../../../simulator/in-memory-cluster.js';
import { ProcessClock, T0 } from './replicas.js';

/**
 * Replicas of the shard coordinator over one in-memory API server, in virtual time: started,
 * stopped, crashed (a paused process that never resumes: its Leases just expire) and paused for
 * a while (SIGSTOP: it wakes up late, by its own clock). The guards are what every write asks
 * (fence.ts), so "at most one replica may write for a shard" is checked on them at every step.
 */
class Shards {
  readonly world = new VirtualClock(T0);
  readonly store = createClusterStore({ now: () => this.world.now() });
  readonly replicas: Member[] = [];
  /** one HPA key per shard */
  readonly keys: string[];
  /** shard → replicas allowed to write for it at the same instant, the worst seen */
  worstOverlap = 0;
  readonly ends: { id: string; shard: number; how: ShardEnd }[] = [];

  constructor(readonly shards: number) {
    this.keys = Array.from({ length: shards }, (_, i) => {
      for (let k = 0; ; k++) if (shardOf(`default/hpa-${k}`, shards) === i) return `default/hpa-${k}`;
    });
  }

  start(id: string): Member {
    const clock = new ProcessClock(this.world);
    const cluster = createInMemoryCluster(this.store, { defer: (fn) => queueMicrotask(() => clock.run(fn)) });
    const stop = new AbortController();
    const coordinator = new ShardCoordinator({
      cluster,
      clock,
      namespace: 'default',
      name: 'hpa-ts',
      identity: id,
      shards: this.shards,
      random: () => 0.5,
      onStopped: (shard, how) => this.ends.push({ id, shard, how }),
    });
    const m: Member = { id, clock, coordinator, stop, state: 'running', done: coordinator.run(stop.signal) };
    this.replicas.push(m);
    return m;
  }

  /** Moves time on in 100 ms steps, checking after each that no shard may be written by two replicas. */
  async advance(ms: number): Promise<void> {
    for (let t = 0; t < ms; t += 100) {
      await this.world.advance(100);
      for (const key of this.keys) {
        const writers = this.replicas.filter((r) => {
          const p = r.coordinator.permit(key);
          p?.done();
          return p !== undefined;
        });
        this.worstOverlap = Math.max(this.worstOverlap, writers.length);
      }
    }
  }

  live(): Member[] {
    return this.replicas.filter((r) => r.state === 'running');
  }

  /** Per live replica, the shards it reconciles now. */
  owned(): Map<string, number[]> {
    return new Map(this.live().map((r) => [r.id, this.keys.flatMap((k, i) => (r.coordinator.owns(k) ? [i] : []))]));
  }
}

interface Member {
  readonly id: string;
  readonly clock: ProcessClock;
  readonly coordinator: ShardCoordinator;
  readonly stop: AbortController;
  state: 'running' | 'stopped' | 'crashed' | 'paused';
  readonly done: Promise<void>;
}

/** Every shard owned by exactly one live replica, each holding floor or ceil of shards/replicas. */
function balanced(w: Shards): boolean {
  const owned = [...w.owned().values()];
  const all = owned.flat().sort((a, b) => a - b);
  const r = owned.length;
  return (
    all.length === w.shards &&
    all.every((s, i) => s === i) &&
    owned.every((o) => o.length >= Math.floor(w.shards / r) && o.length <= Math.ceil(w.shards / r))
  );
}

const SETTLE_MS = 60_000;

describe('sharding over Leases', () => {
  it("spreads 4 shards over 2 replicas, then 3, and takes a crashed replica's shards within a lease duration", async () => {
    const w = new Shards(4);
    w.start('a');
    await w.advance(10_000);
    expect(w.owned().get('a')).toEqual([0, 1, 2, 3]);
    w.start('b');
    await w.advance(20_000);
    expect(balanced(w)).toBe(true);
    const c = w.start('c');
    await w.advance(20_000);
    expect(balanced(w)).toBe(true);
    expect(w.ends.filter((e) => e.how === 'released').length).toBeGreaterThan(0);
    const crashedHeld = w.owned().get('c') ?? [];
    c.clock.pause();
    c.state = 'crashed';
    // the Lease is 15 s by every other replica's clock from the last renewal they saw, then one retry
    await w.advance(15_000 + 2 * 2_200);
    expect(balanced(w)).toBe(true);
    expect(crashedHeld.length).toBeGreaterThan(0);
    expect(w.worstOverlap).toBe(1);
  });

  it('releases every shard on a graceful stop, so another replica takes them before the lease would expire', async () => {
    const w = new Shards(3);
    const a = w.start('a');
    await w.advance(10_000);
    w.start('b');
    await w.advance(20_000);
    a.stop.abort();
    a.state = 'stopped';
    // b sees a's member Lease released, then the free shard: two retries (3.2 s each here), not 15 s
    await w.advance(8_000);
    await a.done;
    expect(w.owned().get('b')).toEqual([0, 1, 2]);
    const holder = (name: string): unknown =>
      (w.store.get(Resources.leases, 'default', name) as unknown as { spec: { holderIdentity?: string } }).spec
        .holderIdentity;
    expect([0, 1, 2].map((i) => holder(`hpa-ts-shard-${i}-of-3`))).toEqual(['b', 'b', 'b']);
    expect(w.ends.filter((e) => e.id === 'a').every((e) => e.how !== 'lost')).toBe(true);
  });

  it('reconciles nothing while a replica of before holds the single leader lease, and starts once it is released', async () => {
    const w = new Shards(2);
    const clock = new ProcessClock(w.world);
    const old = new LeaderElector({
      cluster: createInMemoryCluster(w.store, { defer: (fn) => queueMicrotask(() => clock.run(fn)) }),
      clock,
      namespace: 'default',
      name: 'hpa-ts',
      identity: 'old',
      onStartedLeading: () => undefined,
      onStoppedLeading: () => undefined,
    });
    const stopOld = new AbortController();
    const oldRun = old.run(stopOld.signal);
    await w.advance(1_000);
    expect(old.isLeader()).toBe(true);
    w.start('a');
    await w.advance(20_000);
    expect(w.owned().get('a')).toEqual([]);
    expect(w.replicas[0].coordinator.permit(w.keys[0])).toBeUndefined();
    expect(w.replicas[0].coordinator.describe(w.keys[0])).toMatch(/old holds the single leader lease hpa-ts/);
    stopOld.abort();
    await w.advance(5_000);
    await oldRun;
    expect(w.owned().get('a')).toEqual([0, 1]);
  });

  type Step =
    | { readonly kind: 'start' }
    | { readonly kind: 'stop' | 'crash'; readonly who: number }
    | { readonly kind: 'pause'; readonly who: number; readonly ms: number }
    | { readonly kind: 'wait'; readonly ms: number };

  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.constant<Step>({ kind: 'start' }),
    fc.record({ kind: fc.constantFrom('stop' as const, 'crash' as const), who: fc.nat(5) }),
    fc.record({ kind: fc.constant('pause' as const), who: fc.nat(5), ms: fc.integer({ min: 1_000, max: 40_000 }) }),
    fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 100, max: 20_000 }) }),
  );

  async function play(w: Shards, s: Step): Promise<void> {
    const live = w.live();
    if (s.kind === 'start') w.start(`r${w.replicas.length}`);
    else if (s.kind === 'wait') await w.advance(s.ms);
    else if (live.length > 0) {
      const m = live[s.who % live.length];
      if (s.kind === 'stop') {
        m.state = 'stopped';
        m.stop.abort();
      } else if (s.kind === 'crash') {
        m.state = 'crashed';
        m.clock.pause();
      } else if (s.kind === 'pause') {
        m.state = 'paused';
        m.clock.pause();
        await w.advance(s.ms);
        m.clock.resume();
        m.state = 'running';
      }
    }
  }

  it('never lets two replicas write for one shard, and owns every shard once the replicas settle', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.array(step, { minLength: 1, maxLength: 8 }),
        async (shards, steps) => {
          const w = new Shards(shards);
          w.start('r0');
          for (const s of steps) await play(w, s);
          if (w.live().length === 0) w.start('last');
          await w.advance(SETTLE_MS);
          const settled = balanced(w);
          for (const m of w.live()) m.stop.abort();
          await w.advance(5_000);
          expect(w.worstOverlap).toBeLessThanOrEqual(1);
          expect(settled).toBe(true);
        },
      ),
      { numRuns: 25 },
    );
  }, 120_000);
});
