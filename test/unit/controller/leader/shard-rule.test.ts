import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  MAX_SHARDS,
  nextFreeMember,
  nextFreeShard,
  planShards,
  shardLeaseName,
  shardOf,
  type ShardView,
} from '../../../../controller/leader/index.js';

describe('the shard of an HPA', () => {
  it('is FNV-1a (32 bit) of namespace/name modulo the shard count, as published test vectors give', () => {
    // FNV-1a 32: "" → 0x811c9dc5, "a" → 0xe40c292c, "foobar" → 0xbf9cf968
    expect(shardOf('a', 0x100000000 - 1)).toBe(0xe40c292c % (0x100000000 - 1));
    expect(shardOf('foobar', 1000)).toBe(0xbf9cf968 % 1000);
    expect(shardOf('', 7)).toBe(0x811c9dc5 % 7);
  });

  it('is pinned for a few keys: a change would move HPAs between replicas of different versions', () => {
    expect({
      'default/web': shardOf('default/web', 3),
      'shop/checkout': shardOf('shop/checkout', 8),
      'kube-system/coredns': shardOf('kube-system/coredns', 64),
      'ns-ü/name': shardOf('ns-ü/name', 5),
    }).toEqual(PINNED);
  });

  it('is the same on every call and always inside [0, shards)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.integer({ min: 1, max: MAX_SHARDS }), (key, n) => {
        const s = shardOf(key, n);
        return s === shardOf(key, n) && s >= 0 && s < n && Number.isInteger(s);
      }),
    );
  });

  it('puts every HPA in shard 0 when there is one shard', () => {
    fc.assert(fc.property(fc.string(), (key) => shardOf(key, 1) === 0));
  });

  it('spreads many HPAs over the shards roughly evenly', () => {
    const counts = new Array<number>(4).fill(0);
    for (let i = 0; i < 4000; i++) counts[shardOf(`ns-${i % 37}/hpa-${i}`, 4)]++;
    for (const c of counts) expect(c).toBeGreaterThan(800);
  });

  it('names one Lease per shard, with the count in the name', () => {
    expect(shardLeaseName('hpa-ts', 2, 4)).toBe('hpa-ts-shard-2-of-4');
  });
});

/** Values computed once with the implementation above and kept: they must never change. */
const PINNED = { 'default/web': 0, 'shop/checkout': 6, 'kube-system/coredns': 55, 'ns-ü/name': 4 };

function view(self: string, shardHolders: string[], memberHolders: string[] = []): ShardView {
  return { self, shardHolders, memberHolders };
}

describe('the fair-share rule', () => {
  it('lets a lone replica take every shard', () => {
    const p = planShards(view('a', ['', '', '']));
    expect(p).toMatchObject({ live: 1, share: 3, held: 0, acquire: true, release: false });
  });

  it('counts a replica that holds only a member Lease, and the holder of more than its share releases', () => {
    const p = planShards(view('a', ['a', 'a', 'a'], ['a', 'b']));
    expect(p).toMatchObject({ live: 2, share: 2, held: 3, release: true });
    expect(planShards(view('b', ['a', 'a', 'a'], ['a', 'b']))).toMatchObject({ acquire: true, release: false });
  });

  it('lets the replica below floor(shards/live) take the free shard before one at floor', () => {
    // 4 shards, 3 replicas: a holds 2, b holds 1, c none; shard 3 free
    const shards = ['a', 'a', 'b', ''];
    const members = ['a', 'b', 'c'];
    expect(planShards(view('b', shards, members))).toMatchObject({ acquire: false });
    expect(planShards(view('c', shards, members))).toMatchObject({ acquire: true });
    // and a replica above floor releases one while another is short
    expect(planShards(view('a', ['a', 'a', 'b', 'b'], members))).toMatchObject({ release: true });
  });

  it('tries free shards from a starting point of its own, and one member slot only', () => {
    const v = view('a', ['x', '', 'y', ''], ['', 'b']);
    expect([1, 3]).toContain(nextFreeShard(v));
    expect(nextFreeShard(view('a', ['x', 'y']))).toBeUndefined();
    expect(nextFreeMember(v)).toBe(0);
    expect(nextFreeMember(view('a', [], ['b', 'a']))).toBeUndefined();
  });

  /**
   * Rounds in which every replica, in a random order, sees the Leases as they are and applies the
   * rule once (release one, or take its next free shard): from any start, the shards end up all
   * held, each by one replica, every replica between floor and ceil of shards/replicas.
   */
  it('settles from any holding with every shard held and every replica within one of the others', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 6 }),
        fc.infiniteStream(fc.integer({ min: 0, max: 1000 })),
        fc.array(fc.integer({ min: -1, max: 5 }), { maxLength: 12 }),
        (n, r, orderSeeds, start) => {
          const ids = Array.from({ length: r }, (_, i) => `r${i}`);
          const holders = Array.from({ length: n }, (_, i) => {
            const h = start[i] ?? -1;
            return h >= 0 && h < r ? ids[h] : '';
          });
          const seeds = orderSeeds[Symbol.iterator]();
          for (let round = 0; round < 4 * n + 4 * r; round++) {
            const order = [...ids].sort(() => ((seeds.next().value as number) % 3) - 1);
            for (const id of order) {
              const v = view(id, holders, ids);
              const p = planShards(v);
              if (p.release) holders[holders.lastIndexOf(id)] = '';
              else if (p.acquire) {
                const free = nextFreeShard(v);
                if (free !== undefined) holders[free] = id;
              }
            }
          }
          const counts = ids.map((id) => holders.filter((h) => h === id).length);
          return holders.every((h) => h !== '') && counts.every((c) => c >= Math.floor(n / r) && c <= Math.ceil(n / r));
        },
      ),
      { numRuns: 300 },
    );
  });
});
