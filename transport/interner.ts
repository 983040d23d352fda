/**
 * Shares equal immutable values between cached objects. The pods of one ReplicaSet carry the
 * same labels and the same container requests; decoded one by one from JSON, 100,000 pods hold
 * 100,000 copies of each (about 300 bytes a pod, issue 16 item 3: "cache only what a decision
 * reads"). Values are held weakly: a value no cached object uses any more is collected, and its
 * key with it, so a cluster whose pods all differ costs one entry per live value and no more.
 *
 * Callers must treat what `intern` returns as frozen: it is shared by every object that asked.
 */
export class Interner<T extends object> {
  private readonly byKey = new Map<string, WeakRef<T>>();
  private readonly cleanup = new FinalizationRegistry<string>((key) => {
    // a newer value may have taken the key since the old one was collected
    if (this.byKey.get(key)?.deref() === undefined) this.byKey.delete(key);
  });

  /** The value held for `key`, if one is still alive. */
  get(key: string): T | undefined {
    return this.byKey.get(key)?.deref();
  }

  /** Keeps `value` for the next caller asking for `key`, and returns it. */
  keep(key: string, value: T): T {
    this.byKey.set(key, new WeakRef(value));
    this.cleanup.register(value, key);
    return value;
  }

  /** keys held (a value not yet collected may still be counted) */
  get size(): number {
    return this.byKey.size;
  }
}
