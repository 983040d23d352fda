/**
 * The objects of one resource (group + plural), indexed by namespace, with the bounded event
 * history that watches replay from. Events older than the history answer 410 Gone, like the
 * compacted etcd / watch cache of a real server.
 */
import type { ResourceType } from '../registry.js';
import type { Entry } from './entry.js';

export type HistoryType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface HistoryEvent {
  readonly type: HistoryType;
  readonly entry: Entry;
  /** The previous version (MODIFIED/DELETED), for selector transitions. */
  readonly prev: Entry | undefined;
  readonly rv: number;
}

export interface CollectionWatcher {
  readonly namespace: string | undefined;
  /** Delivers one history event; the watcher applies its own selectors. */
  onEvent(ev: HistoryEvent): void;
  onBookmark(rv: number): void;
}

export class Collection {
  private readonly byNamespace = new Map<string, Map<string, Entry>>();
  private readonly sortedNames = new Map<string, string[]>();
  private history: HistoryEvent[] = [];
  private historyStart = 0;
  /** Highest resourceVersion no longer replayable (0 = everything since start is). */
  compactedRv = 0;
  readonly watchers = new Set<CollectionWatcher>();
  size = 0;

  constructor(
    /** Replaced when a CustomResourceDefinition is updated; entries read it through the collection. */
    public rt: ResourceType,
    private readonly historyLimit: number,
  ) {}

  get(namespace: string, name: string): Entry | undefined {
    return this.byNamespace.get(namespace)?.get(name);
  }

  put(entry: Entry): void {
    const ns = entry.namespace;
    let m = this.byNamespace.get(ns);
    if (m === undefined) {
      m = new Map();
      this.byNamespace.set(ns, m);
    }
    if (!m.has(entry.name)) {
      this.size++;
      this.sortedNames.delete(ns);
    }
    m.set(entry.name, entry);
  }

  remove(namespace: string, name: string): void {
    const m = this.byNamespace.get(namespace);
    if (m?.delete(name) === true) {
      this.size--;
      this.sortedNames.delete(namespace);
      if (m.size === 0) this.byNamespace.delete(namespace);
    }
  }

  private namesIn(ns: string, m: Map<string, Entry>): string[] {
    let names = this.sortedNames.get(ns);
    if (names === undefined) {
      names = [...m.keys()].sort();
      this.sortedNames.set(ns, names);
    }
    return names;
  }

  /** Entries in key order (namespace, then name), like an etcd range read. */
  entries(namespace?: string): Entry[] {
    const out: Entry[] = [];
    const namespaces = namespace === undefined ? [...this.byNamespace.keys()].sort() : [namespace];
    for (const ns of namespaces) {
      const m = this.byNamespace.get(ns);
      if (m === undefined) continue;
      for (const name of this.namesIn(ns, m)) out.push(m.get(name) as Entry);
    }
    return out;
  }

  record(ev: HistoryEvent): void {
    this.history.push(ev);
    if (this.history.length - this.historyStart > this.historyLimit) {
      this.compactedRv = this.history[this.historyStart].rv;
      this.historyStart++;
      // Drop the consumed prefix now and then instead of shifting on every event.
      if (this.historyStart > 1024 && this.historyStart * 2 > this.history.length) {
        this.history = this.history.slice(this.historyStart);
        this.historyStart = 0;
      }
    }
  }

  /** Events after `rv`, oldest first. The caller has checked `rv >= compactedRv`. */
  eventsAfter(rv: number): HistoryEvent[] {
    const out: HistoryEvent[] = [];
    for (let i = this.history.length - 1; i >= this.historyStart; i--) {
      if (this.history[i].rv <= rv) break;
      out.push(this.history[i]);
    }
    return out.reverse();
  }

  /** Forgets the whole history: every watch from an older resourceVersion gets 410. */
  compact(currentRv: number): void {
    this.history = [];
    this.historyStart = 0;
    this.compactedRv = currentRv;
  }
}
