import type { Clock } from './clock.js';

/**
 * The HPA work queue (client-go's delaying queue semantics, spec §5.3): one entry per key;
 * a key waiting in the future keeps the earlier of its ready times; a key being processed is
 * never handed to a second worker — if it is added meanwhile it is marked dirty and queued again
 * when the first worker calls `done`.
 */
export class WorkQueue {
  private readonly ready: string[] = [];
  private readonly readySet = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly dirty = new Set<string>();
  /** key → ready time of its pending delayed add */
  private readonly waiting = new Map<string, { at: number; cancel: () => void }>();
  /** when each ready key became ready, for lag measurements */
  private readonly readySince = new Map<string, number>();
  private readonly getters: ((key: string | undefined) => void)[] = [];
  private shuttingDown = false;

  constructor(private readonly clock: Clock) {}

  /** Adds a key now. */
  add(key: string): void {
    if (this.shuttingDown) return;
    const w = this.waiting.get(key);
    if (w !== undefined) {
      w.cancel();
      this.waiting.delete(key);
    }
    if (this.processing.has(key)) {
      this.dirty.add(key);
      return;
    }
    if (this.readySet.has(key)) return;
    this.readySet.add(key);
    this.readySince.set(key, this.clock.now());
    const getter = this.getters.shift();
    if (getter !== undefined) {
      this.readySet.delete(key);
      this.processing.add(key);
      getter(key);
      return;
    }
    this.ready.push(key);
  }

  /** Adds a key after `delayMs`; a key already waiting keeps the earlier time. */
  addAfter(key: string, delayMs: number): void {
    if (this.shuttingDown) return;
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    if (this.readySet.has(key)) return;
    const at = this.clock.now() + delayMs;
    const existing = this.waiting.get(key);
    if (existing !== undefined) {
      if (existing.at <= at) return;
      existing.cancel();
    }
    const cancel = this.clock.setTimer(delayMs, () => {
      const w = this.waiting.get(key);
      if (w !== undefined && w.at === at) {
        this.waiting.delete(key);
        this.add(key);
      }
    });
    this.waiting.set(key, { at, cancel });
  }

  /** Forgets a pending delayed add (the HPA was deleted). */
  forget(key: string): void {
    const w = this.waiting.get(key);
    if (w !== undefined) {
      w.cancel();
      this.waiting.delete(key);
    }
  }

  /** The next key to process, or undefined once the queue shuts down. */
  get(): Promise<string | undefined> {
    const key = this.ready.shift();
    if (key !== undefined) {
      this.readySet.delete(key);
      this.processing.add(key);
      return Promise.resolve(key);
    }
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.getters.push(resolve));
  }

  /** When the key became ready (for the sync-tick → reconcile-end lag). */
  readyAt(key: string): number | undefined {
    return this.readySince.get(key);
  }

  done(key: string): void {
    this.processing.delete(key);
    this.readySince.delete(key);
    if (this.dirty.delete(key)) this.add(key);
  }

  /** Stops handing out keys; workers waiting in get() receive undefined. In-flight keys still finish. */
  shutDown(): void {
    this.shuttingDown = true;
    for (const w of this.waiting.values()) w.cancel();
    this.waiting.clear();
    for (const g of this.getters.splice(0)) g(undefined);
  }

  get length(): number {
    return this.ready.length;
  }

  get inFlight(): number {
    return this.processing.size;
  }

  get pending(): number {
    return this.waiting.size;
  }
}
