/**
 * A fixed-size least-recently-used map (client-go's events cache uses golang-lru with 4096
 * entries): reading or writing a key makes it the most recent; beyond `max` keys the least
 * recent is forgotten, which bounds memory however many distinct objects emit events.
 */
export class Lru<K, V> {
  private readonly map = new Map<K, V>();

  constructor(private readonly max: number) {
    if (!(max >= 1)) throw new Error(`Lru size must be at least 1, got ${max}`);
  }

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    const v = this.map.get(key);
    if (v === undefined) return undefined;
    // Map iteration order is insertion order: re-inserting moves the key to the recent end.
    this.map.delete(key);
    this.map.set(key, v);
    return v;
  }

  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.max) {
      const oldest = this.map.keys().next();
      if (oldest.done !== true) this.map.delete(oldest.value);
    }
  }
}
