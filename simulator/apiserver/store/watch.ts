/**
 * Watchers over one collection: namespace, label and field filtering with the upstream
 * transition rule (an object moving out of the selector is reported DELETED, into it ADDED),
 * no event at or before the resourceVersion the watch started from, and no bookmark before it.
 * A watch from a resourceVersion this server has not reached yet (a client of a server that
 * lost its state) therefore stays silent, bookmarks included, until the server gets there —
 * what kube-apiserver's watch cache does (checked against v1.37.2: 200, no event and no
 * bookmark until then, then only what comes after it).
 */
import type { Entry } from './entry.js';
import type { CollectionWatcher, HistoryEvent } from './collection.js';

export type StoreWatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

/** A watch event as the store emits it; `entry` is absent for bookmarks. */
export interface StoreWatchEvent {
  readonly type: StoreWatchEventType;
  readonly entry: Entry | undefined;
  readonly rv: number;
}

export interface EntryFilter {
  readonly namespace: string | undefined;
  matches(entry: Entry): boolean;
}

export class FilteringWatcher implements CollectionWatcher {
  stopped = false;

  constructor(
    private readonly filter: EntryFilter,
    private readonly allowBookmarks: boolean,
    private readonly sink: (ev: StoreWatchEvent) => void,
    /** the resourceVersion the watch started from (0: from the current state) */
    private readonly after = 0,
  ) {}

  get namespace(): string | undefined {
    return this.filter.namespace;
  }

  private inScope(e: Entry | undefined): boolean {
    if (e === undefined) return false;
    if (this.filter.namespace !== undefined && e.namespace !== this.filter.namespace) return false;
    return this.filter.matches(e);
  }

  onEvent(ev: HistoryEvent): void {
    if (this.stopped || ev.rv <= this.after) return;
    const now = this.inScope(ev.entry);
    if (ev.type === 'ADDED') {
      if (now) this.sink({ type: 'ADDED', entry: ev.entry, rv: ev.rv });
      return;
    }
    if (ev.type === 'DELETED') {
      if (now || this.inScope(ev.prev)) this.sink({ type: 'DELETED', entry: ev.entry, rv: ev.rv });
      return;
    }
    const before = this.inScope(ev.prev);
    if (now && before) this.sink({ type: 'MODIFIED', entry: ev.entry, rv: ev.rv });
    else if (now) this.sink({ type: 'ADDED', entry: ev.entry, rv: ev.rv });
    else if (before) this.sink({ type: 'DELETED', entry: ev.entry, rv: ev.rv });
  }

  onBookmark(rv: number): void {
    if (!this.stopped && this.allowBookmarks && rv >= this.after) this.sink({ type: 'BOOKMARK', entry: undefined, rv });
  }

  /** Initial state for resourceVersion "0"/"": synthetic ADDED events. */
  replayCurrent(entries: readonly Entry[]): void {
    for (const e of entries) if (!this.stopped && this.inScope(e)) this.sink({ type: 'ADDED', entry: e, rv: e.rv });
  }
}
