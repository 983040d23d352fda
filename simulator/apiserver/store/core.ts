/**
 * The store's plumbing and read side: collections, the global resourceVersion counter, commits
 * with owner/uid indexes, get/list with selectors, watches with history replay and 410 Gone.
 *
 * Time comes only from the injected `now`; watch events are delivered synchronously, in commit
 * order, through a queue (a watcher that writes from its callback sees its own event afterwards).
 */
import { randomUUID } from 'node:crypto';
import { badRequest, notFound, pathNotFound, tooOldResourceVersion } from '../errors.js';
import { deepFreeze } from '../json.js';
import {
  apiVersionOf,
  groupResourceKey,
  type MutableObject,
  type ResourceRegistry,
  type ResourceType,
  type ServerFeatures,
} from '../registry.js';
import {
  allFields,
  everything,
  fieldsMatch,
  parseFieldSelector,
  parseLabelSelector,
  type FieldMatcher,
  type LabelMatcher,
} from '../selectors.js';
import type { DeletePropagation, GroupVersionResource, KubeObject } from '../types.js';
import { Collection, type HistoryEvent, type HistoryType } from './collection.js';
import { Entry } from './entry.js';
import { canonicalOrder, ownerUids, type WriteContext } from './prepare.js';
import { FilteringWatcher, type EntryFilter, type StoreWatchEvent } from './watch.js';

export interface StoreOptions {
  /** Epoch milliseconds; the only clock the store reads (virtual time in simulations). */
  readonly now: () => number;
  /** Watch events kept per resource for replay; older resourceVersions get 410 Gone. Default 1000. */
  readonly historyLimit?: number;
  readonly newUid?: () => string;
  readonly features?: Partial<ServerFeatures>;
  /** Pods the store holds at most, as a cluster-wide quota would refuse more (undefined: no limit). */
  readonly maxPods?: number;
}

export interface ListOptions {
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
}

export interface WriteOptions {
  readonly dryRun?: boolean;
  readonly fieldManager?: string;
}

export interface PatchOptions extends WriteOptions {
  readonly subresource?: 'status' | 'scale';
  readonly force?: boolean;
}

export interface DeleteOptions extends WriteOptions {
  readonly propagationPolicy?: DeletePropagation;
  readonly preconditions?: { readonly uid?: string; readonly resourceVersion?: string };
}

export interface WatchOptions extends ListOptions {
  /** "" or "0" (or absent): start with ADDED events for the current objects. */
  readonly resourceVersion?: string;
  readonly allowBookmarks?: boolean;
}

export interface WatchEvent {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';
  /** For BOOKMARK: only metadata.resourceVersion is meaningful. */
  readonly object: KubeObject;
}

export interface WatchHandle {
  stop(): void;
}

export interface ListResult {
  readonly items: readonly KubeObject[];
  readonly resourceVersion: string;
}

export interface EntryList {
  readonly rt: ResourceType;
  readonly version: string;
  readonly entries: readonly Entry[];
  readonly resourceVersion: string;
}

/** Called after each committed change (CRD registration hooks into this). */
export type CommitListener = (rt: ResourceType, type: HistoryType, entry: Entry, prev: Entry | undefined) => void;

export interface Resolved {
  readonly rt: ResourceType;
  readonly version: string;
}

const DEFAULT_FEATURES: ServerFeatures = { scaleToZero: false, configurableTolerance: false };

export class StoreCore {
  readonly now: () => number;
  protected rv = 0;
  protected readonly collections = new Map<string, Collection>();
  protected readonly byUid = new Map<string, Entry>();
  protected readonly dependents = new Map<string, Set<Entry>>();
  private readonly queue: Array<() => void> = [];
  private dispatching = false;
  private readonly commitListeners = new Set<CommitListener>();
  private readonly historyLimit: number;
  protected readonly newUid: () => string;
  protected readonly features: ServerFeatures;
  protected readonly maxPods: number | undefined;
  private nextClusterIp = 10;
  private nextNodePort = 30000;

  constructor(
    readonly registry: ResourceRegistry,
    opts: StoreOptions,
  ) {
    this.now = opts.now;
    this.historyLimit = opts.historyLimit ?? 1000;
    this.newUid = opts.newUid ?? randomUUID;
    this.features = { ...DEFAULT_FEATURES, ...opts.features };
    this.maxPods = opts.maxPods;
  }

  // ------------------------------------------------------------------ plumbing

  resolve(gvr: GroupVersionResource): Resolved {
    const rt = this.registry.lookup(gvr.group, gvr.version, gvr.resource);
    if (rt === undefined) throw pathNotFound();
    return { rt, version: gvr.version };
  }

  collection(rt: ResourceType): Collection {
    const key = groupResourceKey(rt.group, rt.resource);
    let c = this.collections.get(key);
    if (c === undefined) {
      c = new Collection(rt, this.historyLimit);
      this.collections.set(key, c);
    } else if (c.rt !== rt) {
      c.rt = rt;
    }
    return c;
  }

  currentResourceVersion(): string {
    return String(this.rv);
  }

  onCommit(listener: CommitListener): () => void {
    this.commitListeners.add(listener);
    return () => this.commitListeners.delete(listener);
  }

  protected ctx(rt: ResourceType, version: string): WriteContext {
    return {
      rt,
      version,
      now: this.now(),
      features: this.features,
      allocate: (kind) => {
        if (kind === 'nodePort') return this.nextNodePort++;
        const n = this.nextClusterIp++;
        return `10.96.${Math.floor(n / 256) % 256}.${n % 256}`;
      },
    };
  }

  protected run(task: () => void): void {
    this.queue.push(task);
    if (this.dispatching) return;
    this.dispatching = true;
    try {
      for (let i = 0; i < this.queue.length; i++) this.queue[i]();
    } finally {
      this.queue.length = 0;
      this.dispatching = false;
    }
  }

  /** Stores a new version (or removes it), records history, indexes owners, notifies watchers. */
  protected commit(coll: Collection, type: HistoryType, written: MutableObject, prev: Entry | undefined): Entry {
    this.rv++;
    written.metadata.resourceVersion = String(this.rv);
    const obj = canonicalOrder(written);
    const entry = new Entry(coll, deepFreeze(obj) as KubeObject, this.rv);
    if (prev !== undefined) this.unindex(prev);
    if (type === 'DELETED') coll.remove(entry.namespace, entry.name);
    else {
      coll.put(entry);
      this.index(entry);
    }
    const ev: HistoryEvent = { type, entry, prev, rv: this.rv };
    coll.record(ev);
    for (const l of this.commitListeners) l(coll.rt, type, entry, prev);
    for (const w of coll.watchers) this.run(() => w.onEvent(ev));
    return entry;
  }

  private index(e: Entry): void {
    if (e.obj.metadata.uid !== undefined) this.byUid.set(e.obj.metadata.uid, e);
    for (const uid of ownerUids(e.obj)) {
      let s = this.dependents.get(uid);
      if (s === undefined) this.dependents.set(uid, (s = new Set()));
      s.add(e);
    }
  }

  private unindex(e: Entry): void {
    if (e.obj.metadata.uid !== undefined && this.byUid.get(e.obj.metadata.uid) === e)
      this.byUid.delete(e.obj.metadata.uid);
    for (const uid of ownerUids(e.obj)) {
      const s = this.dependents.get(uid);
      s?.delete(e);
      if (s?.size === 0) this.dependents.delete(uid);
    }
  }

  protected entry(rt: ResourceType, namespace: string | undefined, name: string): Entry {
    const e = this.collection(rt).get(rt.namespaced ? (namespace ?? '') : '', name);
    if (e === undefined) throw notFound(rt, name);
    return e;
  }

  namespaceExists(name: string): boolean {
    const nsType = this.registry.get('', 'namespaces');
    return nsType !== undefined && this.collection(nsType).get('', name) !== undefined;
  }

  // ------------------------------------------------------------------ reads

  get(gvr: GroupVersionResource, namespace: string | undefined, name: string): KubeObject {
    const { rt, version } = this.resolve(gvr);
    return this.entry(rt, namespace, name).objectAt(version);
  }

  /** The stored entry (for encoders that reuse cached JSON). */
  getEntry(gvr: GroupVersionResource, namespace: string | undefined, name: string): Entry {
    const { rt } = this.resolve(gvr);
    return this.entry(rt, namespace, name);
  }

  protected filter(rt: ResourceType, opts: ListOptions): EntryFilter {
    const label = parseSelectorOr400(opts.labelSelector, parseLabelSelector, everything);
    const fields = parseSelectorOr400(opts.fieldSelector, parseFieldSelector, allFields);
    for (const t of fields.terms) {
      if (t.field !== 'metadata.name' && t.field !== 'metadata.namespace' && !rt.fieldLabels.includes(t.field)) {
        throw badRequest(`field label not supported: ${t.field}`);
      }
    }
    const namespace =
      rt.namespaced && opts.namespace !== undefined && opts.namespace !== '' ? opts.namespace : undefined;
    return { namespace, matches: (e) => matchEntry(e, rt, label, fields) };
  }

  listEntries(gvr: GroupVersionResource, opts: ListOptions = {}): EntryList {
    const { rt, version } = this.resolve(gvr);
    const f = this.filter(rt, opts);
    const entries = this.collection(rt)
      .entries(f.namespace)
      .filter((e) => f.matches(e));
    return { rt, version, entries, resourceVersion: String(this.rv) };
  }

  list(gvr: GroupVersionResource, opts: ListOptions = {}): ListResult {
    const l = this.listEntries(gvr, opts);
    return { items: l.entries.map((e) => e.objectAt(l.version)), resourceVersion: l.resourceVersion };
  }

  // ------------------------------------------------------------------ watch

  /** Watch with store entries (the HTTP layer encodes them with their cached JSON). */
  watchEntries(gvr: GroupVersionResource, opts: WatchOptions, sink: (ev: StoreWatchEvent) => void): WatchHandle {
    const { rt } = this.resolve(gvr);
    const coll = this.collection(rt);
    const f = this.filter(rt, opts);
    const rvText = opts.resourceVersion ?? '';
    let from: number | undefined;
    if (rvText !== '' && rvText !== '0') {
      if (!/^\d+$/.test(rvText)) throw badRequest(`invalid resource version: ${rvText}`);
      from = Number(rvText);
      if (from < coll.compactedRv) throw tooOldResourceVersion(from, coll.compactedRv + 1);
    }
    const w = new FilteringWatcher(f, opts.allowBookmarks === true, sink, from ?? 0);
    this.run(() => {
      if (from === undefined) w.replayCurrent(coll.entries(f.namespace));
      else for (const ev of coll.eventsAfter(from)) w.onEvent(ev);
      coll.watchers.add(w);
    });
    return {
      stop: () => {
        w.stopped = true;
        coll.watchers.delete(w);
      },
    };
  }

  /** Watch for in-process callers: objects in the requested version. */
  watch(gvr: GroupVersionResource, opts: WatchOptions, onEvent: (ev: WatchEvent) => void): WatchHandle {
    const { rt, version } = this.resolve(gvr);
    return this.watchEntries(gvr, opts, (ev) => {
      const object =
        ev.entry === undefined
          ? ({
              apiVersion: apiVersionOf(rt.group, version),
              kind: rt.kind,
              metadata: { resourceVersion: String(ev.rv) },
            } as KubeObject)
          : ev.entry.objectAt(version);
      onEvent({ type: ev.type, object });
    });
  }

  /** Sends a BOOKMARK with the current resourceVersion to every watch that allows bookmarks. */
  sendBookmarks(): void {
    const rv = this.rv;
    for (const coll of this.collections.values()) for (const w of coll.watchers) this.run(() => w.onBookmark(rv));
  }

  /** Drops all watch history: watches from any older resourceVersion now get 410 Gone. */
  compact(): void {
    for (const coll of this.collections.values()) coll.compact(this.rv);
  }
}

function parseSelectorOr400<T>(
  text: string | undefined,
  parse: (t: string) => { ok: true; value: T } | { ok: false; error: string },
  none: T,
): T {
  if (text === undefined || text === '') return none;
  const r = parse(text);
  if (!r.ok) throw badRequest(r.error);
  return r.value;
}

function matchEntry(e: Entry, rt: ResourceType, label: LabelMatcher, fields: FieldMatcher): boolean {
  if (!label.matches(e.obj.metadata.labels)) return false;
  if (fields.terms.length === 0) return true;
  return fieldsMatch(fields, (f) => {
    if (f === 'metadata.name') return e.name;
    if (f === 'metadata.namespace') return e.namespace;
    return rt.hooks.fieldValue?.(e.obj, f);
  });
}
