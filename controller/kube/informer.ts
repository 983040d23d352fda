import { sleepUnlessAborted, type Clock } from '../clock.js';
import type { ClusterError, ClusterResult, Stoppable, WatchEventType, WatchHandlers } from '../ports.js';
import { Backoff } from './backoff.js';
import { isGone, isTooLargeResourceVersion, statusOf } from '../../transport/index.js';

/**
 * List-then-watch with client-go reflector semantics, which client-node 1.4.0's informer lacks
 * (it gives up on any non-410 error and has no bookmarks, back-off or watchdog; typescript-stack.md §1.6):
 *
 * - list (all pages), then watch from the list's resourceVersion with bookmarks;
 * - every event and bookmark advances the resourceVersion, so a stream the server ends cleanly
 *   is resumed from where it stopped without a relist and without missing anything;
 * - 410 Gone (HTTP status or an ERROR event with code 410) or "Too large resource version" (504
 *   with cause ResourceVersionTooLarge, client-go's reflector relists on it too) → relist; after
 *   a relist, objects that vanished are reported DELETED and the rest ADDED/MODIFIED, so a
 *   consumer's cache that missed events while disconnected converges (client-go's
 *   DeltaFIFO.Replace);
 * - any other failure → back-off (1 s → 30 s, jittered, reset after a healthy period), then
 *   re-watch from the last resourceVersion (a stale one earns a 410 and thus a relist);
 * - an API server that lost its state (restarted empty, etcd restored or replaced) never issued
 *   our resourceVersion: kube-apiserver then holds a watch from it open and silent until its own
 *   revision passes it, so a re-watch would keep every deleted object cached for ever. Before
 *   re-watching after a failure or a silent watch, one cheap consistent list (limit=1) reads the
 *   server's current resourceVersion; older than ours → relist. So does an event older than
 *   the resourceVersion its watch started from. (Going beyond client-go, which needs a restart.)
 * - a watch silent for longer than `watchIdleTimeoutMs` is restarted (a half-open TCP
 *   connection never ends by itself; bookmarks keep a healthy quiet watch alive).
 *
 * It is not a cache for the controller: it keeps the last object per key only to report
 * deletions it learns about through a relist (client-go's DeletedFinalStateUnknown).
 */

export interface RawWatchEvent {
  readonly type: string;
  readonly object: unknown;
}

export interface ListPage {
  readonly items: readonly unknown[];
  readonly resourceVersion: string;
}

/** Where the informer gets its data from: HTTP in production, an array in unit tests. */
export interface ListWatchSource {
  list(signal: AbortSignal): Promise<ClusterResult<ListPage>>;
  /**
   * The same list delivered page by page, so each page can be converted and dropped before the
   * next arrives (a 10,000-pod list held raw costs tens of MB). Used when present.
   */
  listPages?(
    signal: AbortSignal,
    onPage: (items: readonly unknown[]) => void,
  ): Promise<ClusterResult<{ readonly resourceVersion: string }>>;
  /**
   * The server's current resourceVersion (a consistent list of one item): to tell a server that
   * lost its state (older than ours) from one that merely dropped a connection. Used when present.
   */
  currentResourceVersion?(signal: AbortSignal): Promise<ClusterResult<string>>;
  /** Resolves ok when the server ends the stream (or `signal` aborts), an error when it breaks. */
  watch(
    resourceVersion: string,
    signal: AbortSignal,
    onEvent: (ev: RawWatchEvent) => void,
  ): Promise<ClusterResult<void>>;
}

export interface InformerOptions<T> {
  readonly source: ListWatchSource;
  /** raw object → our plain type; undefined skips a malformed object */
  readonly convert: (raw: unknown) => T | undefined;
  readonly handlers: WatchHandlers<T>;
  readonly clock: Clock;
  /** for error messages: the collection path */
  readonly describe: string;
  readonly backoff?: Backoff;
  /** restart a watch that delivered nothing (no event, no bookmark) for this long; default 180 s */
  readonly watchIdleTimeoutMs?: number;
  /** a watch that ends cleanly sooner than this without any event counts as a failure (client-go "very short watch") */
  readonly minWatchMs?: number;
}

type WatchOutcome =
  | 'stopped'
  | 'ended'
  | 'gone'
  | 'idle'
  | { readonly regressed: string }
  | { readonly error: ClusterError; readonly eventsSeen: number };

/**
 * True when resourceVersion `a` is older than `b`. resourceVersions are opaque to clients, but
 * every one kube-apiserver issues is an etcd revision in decimal; anything else is not compared.
 */
export function olderResourceVersion(a: string, b: string): boolean {
  if (!/^\d+$/.test(a) || !/^\d+$/.test(b)) return false;
  return BigInt(a) < BigInt(b);
}

/**
 * Whether the cache now holds our status write `awaited` or something newer: the same
 * resourceVersion, or (etcd revisions, comparable) a later one — after a relist the informer
 * delivers only the newest version, and a later edit by someone else hides ours.
 */
export function seenWrite(cached: string | undefined, awaited: string | undefined): boolean {
  if (awaited === undefined || cached === undefined) return false;
  return (
    cached === awaited || (/^\d+$/.test(cached) && /^\d+$/.test(awaited) && !olderResourceVersion(cached, awaited))
  );
}

interface Meta {
  readonly key: string;
  readonly resourceVersion: string | undefined;
}

function metaOf(raw: unknown): Meta | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const md = (raw as { metadata?: unknown }).metadata;
  if (typeof md !== 'object' || md === null) return undefined;
  const { name, namespace, resourceVersion } = md as { name?: unknown; namespace?: unknown; resourceVersion?: unknown };
  const rv = typeof resourceVersion === 'string' && resourceVersion !== '' ? resourceVersion : undefined;
  if (typeof name !== 'string' || name === '') return { key: '', resourceVersion: rv };
  return { key: `${typeof namespace === 'string' ? namespace : ''}/${name}`, resourceVersion: rv };
}

export function startInformer<T>(opts: InformerOptions<T>): Stoppable {
  const informer = new Informer(opts);
  void informer.run();
  return { stop: () => informer.stop() };
}

class Informer<T> {
  private readonly known = new Map<string, T>();
  private resourceVersion = '';
  private readonly stopper = new AbortController();
  private readonly backoff: Backoff;
  private readonly idleMs: number;
  private readonly minWatchMs: number;

  constructor(private readonly opts: InformerOptions<T>) {
    this.backoff = opts.backoff ?? new Backoff();
    this.idleMs = opts.watchIdleTimeoutMs ?? 180_000;
    this.minWatchMs = opts.minWatchMs ?? 1000;
  }

  stop(): void {
    this.stopper.abort();
  }

  async run(): Promise<void> {
    const { clock } = this.opts;
    let needList = true;
    /** a watch failed or went silent: make sure the server has not lost its state before re-watching */
    let needProbe = false;
    let listedAt = Number.NEGATIVE_INFINITY;
    while (!this.stopper.signal.aborted) {
      if (needList) {
        const listed = await this.relist();
        if (listed === 'stopped') return;
        if (listed === 'failed') {
          if (!(await this.pause(this.backoff.next(clock.now())))) return;
          continue;
        }
        listedAt = clock.now();
        needList = false;
        needProbe = false;
      }
      if (needProbe) {
        const probe = await this.serverWentBack();
        if (probe === 'stopped') return;
        if (probe === 'unreachable') {
          if (!(await this.pause(this.backoff.next(clock.now())))) return;
          continue;
        }
        needProbe = false;
        needList = probe === 'older';
        if (needList) continue;
      }
      const outcome = await this.watchOnce();
      if (outcome === 'stopped') return;
      if (outcome === 'ended') continue;
      if (outcome === 'gone') {
        needList = true;
        // A server that expires every fresh resourceVersion at once must not get a relist loop.
        if (clock.now() - listedAt < this.minWatchMs && !(await this.pause(this.backoff.next(clock.now())))) return;
        continue;
      }
      if (typeof outcome === 'object' && 'regressed' in outcome) {
        this.report(outcome.regressed);
        needList = true;
        continue;
      }
      needProbe = true;
      if (outcome === 'idle')
        this.report(`watch of ${this.opts.describe} was silent for ${this.idleMs} ms; restarting it`);
      else {
        this.opts.handlers.onError?.(outcome.error);
        if (!(await this.pause(this.backoff.next(clock.now())))) return;
      }
    }
  }

  /** A failure that is not an API error, told to the handlers as one. */
  private report(message: string): void {
    this.opts.handlers.onError?.({ message, verb: 'watch', path: this.opts.describe });
  }

  /**
   * Before re-watching after a failure: has the server gone back behind our resourceVersion (it
   * lost its state)? 'older' then, and the caller relists; 'unreachable' when it cannot tell.
   */
  private async serverWentBack(): Promise<'older' | 'same' | 'unreachable' | 'stopped'> {
    const probe = this.opts.source.currentResourceVersion;
    if (probe === undefined || this.resourceVersion === '') return 'same';
    const current = await probe.call(this.opts.source, this.stopper.signal);
    if (this.stopper.signal.aborted) return 'stopped';
    if (!current.ok) {
      this.opts.handlers.onError?.(current.error);
      return 'unreachable';
    }
    if (!olderResourceVersion(current.value, this.resourceVersion)) return 'same';
    this.report(
      `the API server's resourceVersion of ${this.opts.describe} went back from ${this.resourceVersion} to ${current.value} (it lost its state: restarted empty, or etcd restored); relisting`,
    );
    return 'older';
  }

  /**
   * One list, in its own frame: the list body (every object as raw JSON) must not stay reachable
   * from run()'s suspended frame while it waits on a watch for minutes — that doubled the memory
   * of a 10,000-pod informer.
   */
  private async relist(): Promise<'ok' | 'failed' | 'stopped'> {
    const { source } = this.opts;
    if (source.listPages !== undefined) {
      const seen = new Set<string>();
      const listed = await source.listPages(this.stopper.signal, (items) => this.addListed(items, seen));
      if (this.stopper.signal.aborted) return 'stopped';
      if (!listed.ok) {
        this.opts.handlers.onError?.(listed.error);
        return 'failed';
      }
      this.removeUnseen(seen);
      this.resourceVersion = listed.value.resourceVersion;
      this.opts.handlers.onSynced?.();
      return 'ok';
    }
    const listed = await source.list(this.stopper.signal);
    if (this.stopper.signal.aborted) return 'stopped';
    if (!listed.ok) {
      this.opts.handlers.onError?.(listed.error);
      return 'failed';
    }
    this.replace(listed.value.items);
    this.resourceVersion = listed.value.resourceVersion;
    this.opts.handlers.onSynced?.();
    return 'ok';
  }

  /** Sleeps on the injected clock; false when stopped meanwhile. */
  private pause(ms: number): Promise<boolean> {
    return sleepUnlessAborted(this.opts.clock, ms, this.stopper.signal);
  }

  private emit(type: WatchEventType, obj: T): void {
    this.opts.handlers.onEvent(type, obj);
  }

  /** A fresh list: report everything present, then what vanished since the last one. */
  private replace(items: readonly unknown[]): void {
    const seen = new Set<string>();
    this.addListed(items, seen);
    this.removeUnseen(seen);
  }

  private addListed(items: readonly unknown[], seen: Set<string>): void {
    for (const raw of items) {
      const meta = metaOf(raw);
      if (meta === undefined || meta.key === '') continue;
      const obj = this.opts.convert(raw);
      if (obj === undefined) continue;
      seen.add(meta.key);
      const type: WatchEventType = this.known.has(meta.key) ? 'MODIFIED' : 'ADDED';
      this.known.set(meta.key, obj);
      this.emit(type, obj);
    }
  }

  private removeUnseen(seen: ReadonlySet<string>): void {
    for (const [key, obj] of [...this.known]) {
      if (seen.has(key)) continue;
      this.known.delete(key);
      this.emit('DELETED', obj);
    }
  }

  private apply(ev: RawWatchEvent): void {
    const meta = metaOf(ev.object);
    if (meta?.resourceVersion !== undefined) this.resourceVersion = meta.resourceVersion;
    if (ev.type === 'BOOKMARK' || meta === undefined || meta.key === '') return;
    if (ev.type === 'DELETED') {
      const obj = this.opts.convert(ev.object) ?? this.known.get(meta.key);
      this.known.delete(meta.key);
      if (obj !== undefined) this.emit('DELETED', obj);
      return;
    }
    if (ev.type !== 'ADDED' && ev.type !== 'MODIFIED') return;
    const obj = this.opts.convert(ev.object);
    if (obj === undefined) return;
    // Like client-go's processor: an update of an object the consumer never saw is an add.
    const type: WatchEventType = this.known.has(meta.key) ? 'MODIFIED' : 'ADDED';
    this.known.set(meta.key, obj);
    this.emit(type, obj);
  }

  private async watchOnce(): Promise<WatchOutcome> {
    const { clock } = this.opts;
    const ac = new AbortController();
    const onStop = (): void => ac.abort();
    this.stopper.signal.addEventListener('abort', onStop, { once: true });
    const started = clock.now();
    let lastActivity = started;
    let events = 0;
    let idle = false;
    let gone = false;
    let regressed: string | undefined;
    const from = this.resourceVersion;
    let eventError: ClusterError | undefined;
    let cancelWatchdog = (): void => undefined;
    const arm = (at: number): void => {
      cancelWatchdog = clock.setTimer(Math.max(0, at - clock.now()), () => {
        if (clock.now() - lastActivity >= this.idleMs) {
          idle = true;
          ac.abort();
        } else arm(lastActivity + this.idleMs);
      });
    };
    arm(started + this.idleMs);
    const res = await this.opts.source.watch(this.resourceVersion, ac.signal, (ev) => {
      if (ac.signal.aborted) return;
      lastActivity = clock.now();
      events++;
      if (ev.type === 'ERROR') {
        const st = statusOf(ev.object);
        if (st?.code === 410 || st?.reason === 'Expired' || st?.reason === 'Gone') gone = true;
        else if (st !== undefined && isTooLargeResourceVersion({ status: st.code, causes: st.causes })) gone = true;
        else {
          eventError = {
            status: st?.code,
            reason: st?.reason,
            message: st?.message ?? `watch of ${this.opts.describe} failed`,
            verb: 'watch',
            path: this.opts.describe,
          };
        }
        ac.abort();
        return;
      }
      const rv = metaOf(ev.object)?.resourceVersion;
      if (rv !== undefined && olderResourceVersion(rv, from)) {
        // A server never sends an event older than the watch's start: this one lost its state.
        regressed = `watch of ${this.opts.describe} from resourceVersion ${from} delivered ${ev.type} at ${rv}: the API server lost its state; relisting`;
        ac.abort();
        return;
      }
      this.apply(ev);
    });
    cancelWatchdog();
    this.stopper.signal.removeEventListener('abort', onStop);
    if (this.stopper.signal.aborted) return 'stopped';
    if (gone) return 'gone';
    if (regressed !== undefined) return { regressed };
    if (eventError !== undefined) return { error: eventError, eventsSeen: events };
    if (idle) return 'idle';
    if (!res.ok)
      return isGone(res.error) || isTooLargeResourceVersion(res.error)
        ? 'gone'
        : { error: res.error, eventsSeen: events };
    if (events === 0 && clock.now() - started < this.minWatchMs) {
      return {
        error: {
          message: `very short watch of ${this.opts.describe}: ended within ${this.minWatchMs} ms without events`,
          verb: 'watch',
          path: this.opts.describe,
        },
        eventsSeen: 0,
      };
    }
    return 'ended';
  }
}
