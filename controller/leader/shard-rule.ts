/**
 * Sharding's pure rules (docs/scaling.md): which shard an HPA belongs to, what the shard and
 * member Leases are called, and how many shards a replica should hold. No I/O, no clock: the
 * coordinator (shards.ts) gives them what its electors last observed.
 */

/** The range of --shards; 1 is the single leader lease of before. */
export const MAX_SHARDS = 64;

/**
 * FNV-1a, 32 bit, over the UTF-8 bytes of `namespace/name`, modulo the shard count. Fixed here
 * and pinned by test vectors (test/unit/controller/leader/shard-rule.test.ts): every replica and
 * every release of hpa-ts must place an HPA in the same shard, or two replicas of different
 * versions would both reconcile it during a rolling update.
 */
export function shardOf(key: string, shards: number): number {
  if (shards <= 1) return 0;
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(key)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shards;
}

/** `hpa-ts-shard-2-of-4`: the count is in the name, so replicas run with different --shards never share a Lease. */
export function shardLeaseName(base: string, index: number, shards: number): string {
  return `${base}-shard-${index}-of-${shards}`;
}

/** `hpa-ts-member-0-of-4`: one per live replica (up to the shard count), so a replica that holds no shard is counted. */
export function memberLeaseName(base: string, index: number, shards: number): string {
  return `${base}-member-${index}-of-${shards}`;
}

/** What one replica last observed: per shard and per member slot, the holder of a valid Lease or ''. */
export interface ShardView {
  readonly self: string;
  readonly shardHolders: readonly string[];
  readonly memberHolders: readonly string[];
}

/** What a replica should do with its shards now. */
export interface ShardPlan {
  /** live replicas: holders of member and shard Leases, and this one */
  readonly live: number;
  /** ceil(shards / live): the most a replica holds */
  readonly share: number;
  readonly held: number;
  /** may take one more free or expired shard */
  readonly acquire: boolean;
  /** should give one shard up (its highest-numbered) */
  readonly release: boolean;
}

/**
 * The fair-share rule. With S shards and L live replicas, every replica holds floor(S/L) or
 * ceil(S/L) (the share). A replica below floor(S/L) acquires; one below the share acquires only
 * if no live replica is below floor(S/L) (the one that is gets the free shard first); a replica
 * above the share releases one, and so does one above floor(S/L) while another is below it.
 * Every live replica computes the same numbers from the same Leases, so they settle where the
 * shards are spread as evenly as they can be, and nobody holds more than the share for longer
 * than it takes to release.
 */
export function planShards(view: ShardView): ShardPlan {
  const shards = view.shardHolders.length;
  const counts = new Map<string, number>([[view.self, 0]]);
  for (const m of view.memberHolders) if (m !== '' && !counts.has(m)) counts.set(m, 0);
  for (const h of view.shardHolders) if (h !== '') counts.set(h, (counts.get(h) ?? 0) + 1);
  const live = counts.size;
  const share = Math.ceil(shards / live);
  const floor = Math.floor(shards / live);
  const held = counts.get(view.self) ?? 0;
  const someoneShort = [...counts.entries()].some(([id, n]) => id !== view.self && n < floor);
  return {
    live,
    share,
    held,
    acquire: held < floor || (held < share && !someoneShort),
    release: held > share || (held > floor && someoneShort),
  };
}

/**
 * The free shard this replica tries next: the first free one from a starting point of its own
 * (its identity's hash), so replicas that all see several free shards try different ones instead
 * of racing for the same Lease. Undefined when none is free.
 */
export function nextFreeShard(view: ShardView): number | undefined {
  const shards = view.shardHolders.length;
  const start = shardOf(view.self, shards);
  for (let k = 0; k < shards; k++) {
    const i = (start + k) % shards;
    if (view.shardHolders[i] === '') return i;
  }
  return undefined;
}

/** The member slot this replica tries: the first free one, unless it already holds one. */
export function nextFreeMember(view: ShardView): number | undefined {
  if (view.memberHolders.includes(view.self)) return undefined;
  const i = view.memberHolders.indexOf('');
  return i < 0 ? undefined : i;
}
