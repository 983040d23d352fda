import type { ClusterError } from './ports.js';

/**
 * When the HPA and pod informers have both synced: what `waitForSync` and `syncedOrFailed`
 * wait for. An error before the first sync is handed to those waiting for either outcome (a
 * one-shot command such as explain reports it instead of retrying for ever); after it, errors are
 * the informers' own business (they re-watch).
 */
export class CacheSync {
  private hpas = false;
  private pods = false;
  private readonly syncWaiters: (() => void)[] = [];
  private readonly errorWaiters: ((e: ClusterError) => void)[] = [];

  get synced(): boolean {
    return this.hpas && this.pods;
  }

  /** One informer listed everything: 'hpas' or 'pods'. */
  listed(cache: 'hpas' | 'pods'): void {
    if (cache === 'hpas') this.hpas = true;
    else this.pods = true;
    if (!this.synced) return;
    this.errorWaiters.length = 0;
    for (const w of this.syncWaiters.splice(0)) w();
  }

  /** A list or watch failed. */
  failed(e: ClusterError): void {
    if (this.synced) return;
    for (const w of this.errorWaiters.splice(0)) w(e);
  }

  waitForSync(): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  /** Resolves when both caches have synced, or with the first list or watch error before that. */
  syncedOrFailed(): Promise<ClusterError | undefined> {
    if (this.synced) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.syncWaiters.push(() => resolve(undefined));
      this.errorWaiters.push(resolve);
    });
  }
}
