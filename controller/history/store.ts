import {
  decodeHistory,
  encodeHistory,
  historyBounds,
  type ControllerConfig,
  type HorizontalPodAutoscaler,
  type HpaHistory,
} from '../../algorithms/index.js';
import type { Clock } from '../clock.js';
import { fencedError } from '../leader/fence.js';
import type { WriteGuard } from '../leader/guard.js';
import type { Logger } from '../logging.js';
import type { ClusterResult, WriteOptions } from '../ports.js';
import { ApiFailure } from '../../transport/index.js';
import type { HistoryStoreMetrics } from './metrics.js';
import type { ConfigMapAccess, ConfigMapRecord } from './port.js';

/** The ConfigMap's name in every namespace: one fixed name, so RBAC can name it (docs/history-store.md). */
export const HISTORY_CONFIGMAP_NAME = 'hpa-ts-history';

/**
 * ConfigMap objects are limited to 1 MiB (etcd's request limit); the data may take this much,
 * leaving the rest to metadata. Histories past it are left out (logged and counted), never sent.
 */
export const HISTORY_DATA_MAX_BYTES = 1_000_000;

/** What the store needs of the controller: its histories and its informer cache. */
export interface HistorySource {
  /** the history of `ns/name`, undefined when the controller has none (no reconcile yet) */
  historyOf(key: string): HpaHistory | undefined;
  /** the cached HPA, undefined when it is gone */
  hpaOf(key: string): HorizontalPodAutoscaler | undefined;
  /** gives a loaded history to the controller (only where it has none yet) */
  restore(key: string, history: HpaHistory): void;
}

export interface HistoryStoreOptions {
  readonly access: ConfigMapAccess;
  readonly source: HistorySource;
  readonly clock: Clock;
  readonly log: Logger;
  readonly config: ControllerConfig;
  /** at most one write per namespace per this period */
  readonly syncPeriodMs: number;
  readonly metrics?: HistoryStoreMetrics;
  /** leader election's guard: a write is sent only under a permit (no write beside a new leader) */
  readonly guard?: WriteGuard;
  readonly configMapName?: string;
  readonly maxBytes?: number;
}

interface Namespace {
  /** keys told `changed` (restored ones included); a key gone from source is dropped at the next write */
  readonly keys: Set<string>;
  dirty: boolean;
  writing: boolean;
  /** the ConfigMap as last read or written; undefined = not known, read before writing */
  record?: ConfigMapRecord | null;
  lastWriteAt: number;
  /** histories left out of the last write (size limit) */
  unpersisted: number;
  cancelTimer?: () => void;
}

/** Delay before the first write after a quiet period, so one sync's reconciles share it. */
const COALESCE_MS = 1000;

function sameData(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => b[k] === a[k]);
}

/**
 * Keeps each namespace's HPA histories in one ConfigMap (docs/history-store.md): one data key per
 * HPA, its HpaHistory as versioned JSON bounded to what decisions read. Writes are coalesced (at
 * most one per namespace per sync period, none when nothing persisted changed) and run on timers,
 * never inside a reconcile; a failed write is logged, counted and retried a period later; a 409
 * re-reads and merges. `load` reads them back before the first reconcile as leader.
 */
export class ConfigMapHistoryStore {
  private readonly namespaces = new Map<string, Namespace>();
  private stopped = false;
  private readonly name: string;
  private readonly maxBytes: number;

  constructor(private readonly o: HistoryStoreOptions) {
    this.name = o.configMapName ?? HISTORY_CONFIGMAP_NAME;
    this.maxBytes = o.maxBytes ?? HISTORY_DATA_MAX_BYTES;
  }

  private ns(namespace: string): Namespace {
    let n = this.namespaces.get(namespace);
    if (n === undefined) {
      n = { keys: new Set(), dirty: false, writing: false, lastWriteAt: Number.NEGATIVE_INFINITY, unpersisted: 0 };
      this.namespaces.set(namespace, n);
    }
    return n;
  }

  /** The history of `key` changed (or it was deleted): its namespace is written at its next turn. */
  changed(key: string): void {
    if (this.stopped) return;
    const namespace = key.slice(0, key.indexOf('/'));
    const n = this.ns(namespace);
    n.keys.add(key);
    n.dirty = true;
    this.schedule(namespace, n);
  }

  private schedule(namespace: string, n: Namespace): void {
    if (n.cancelTimer !== undefined || n.writing || this.stopped) return;
    const due = n.lastWriteAt + this.o.syncPeriodMs - this.o.clock.now();
    const delay = Math.max(Math.min(COALESCE_MS, this.o.syncPeriodMs), due);
    n.cancelTimer = this.o.clock.setTimer(delay, () => {
      n.cancelTimer = undefined;
      void this.flush(namespace);
    });
  }

  /**
   * Reads the ConfigMaps of `namespaces` and restores every valid history of a cached HPA. A
   * missing ConfigMap is an empty one; a failed read, a corrupt or foreign value is logged,
   * counted and ignored. Never throws.
   */
  async load(namespaces: Iterable<string>): Promise<{ restored: number; rejected: number }> {
    const totals = { restored: 0, rejected: 0 };
    await Promise.all([...new Set(namespaces)].map((ns) => this.loadNamespace(ns, totals)));
    return totals;
  }

  private async loadNamespace(namespace: string, totals: { restored: number; rejected: number }): Promise<void> {
    const { access, log, metrics, source, clock } = this.o;
    const r = await access.getConfigMap(namespace, this.name);
    if (!r.ok) {
      metrics?.loads.inc({ result: 'error' });
      log.warn(
        { reason: 'HistoryLoadFailed', namespace, configMap: this.name, status: r.error.status, err: r.error.message },
        'cannot read the stored HPA histories; starting without them',
      );
      return;
    }
    const n = this.ns(namespace);
    n.record = r.value;
    metrics?.loads.inc({ result: r.value === null ? 'none' : 'loaded' });
    if (r.value === null) return;
    const now = clock.now();
    for (const [name, text] of Object.entries(r.value.data)) {
      const key = `${namespace}/${name}`;
      const hpa = source.hpaOf(key);
      if (hpa === undefined) {
        // a deleted HPA's value: dropped at the next write
        metrics?.rejectedValues.inc({ code: 'StaleKey' });
        n.dirty = true;
        continue;
      }
      const decoded = decodeHistory(text, {
        bounds: historyBounds(hpa, this.o.config),
        now,
        ...(hpa.metadata.uid === undefined ? {} : { uid: hpa.metadata.uid }),
      });
      if (!decoded.ok) {
        totals.rejected++;
        metrics?.rejectedValues.inc({ code: decoded.error.code });
        log.warn(
          {
            reason: 'InvalidStoredHistory',
            hpa: key,
            configMap: `${namespace}/${this.name}`,
            code: decoded.error.code,
            field: decoded.error.field,
          },
          `ignoring the stored history of ${key}: ${decoded.error.message}`,
        );
        continue;
      }
      if (decoded.value.dropped > 0) metrics?.droppedEntries.inc(decoded.value.dropped);
      if (source.historyOf(key) === undefined) {
        source.restore(key, decoded.value.history);
        totals.restored++;
      }
    }
    if (n.dirty) this.schedule(namespace, n);
  }

  /** The data the namespace's ConfigMap should hold now, and how many histories did not fit. */
  private desired(
    namespace: string,
    n: Namespace,
    stored: Readonly<Record<string, string>>,
  ): { data: Record<string, string>; left: number } {
    const { source, clock } = this.o;
    const now = clock.now();
    const entries: [string, string][] = [];
    const ours = new Set<string>();
    for (const key of [...n.keys]) {
      const name = key.slice(namespace.length + 1);
      const history = source.historyOf(key);
      const hpa = source.hpaOf(key);
      if (hpa === undefined || history === undefined) {
        n.keys.delete(key);
        continue;
      }
      ours.add(name);
      const uid = hpa.metadata.uid;
      entries.push([
        name,
        encodeHistory(history, {
          bounds: historyBounds(hpa, this.o.config),
          now,
          ...(uid === undefined ? {} : { uid }),
        }),
      ]);
    }
    // merge: a stored value of a cached HPA we have no history for yet (its load failed, or another
    // replica wrote it) stays until this replica has its own; values of deleted HPAs go
    for (const [name, value] of Object.entries(stored))
      if (
        !ours.has(name) &&
        source.hpaOf(`${namespace}/${name}`) !== undefined &&
        source.historyOf(`${namespace}/${name}`) === undefined
      )
        entries.push([name, value]);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const data: Record<string, string> = {};
    let bytes = 0;
    let left = 0;
    for (const [name, value] of entries) {
      const size = Buffer.byteLength(name) + Buffer.byteLength(value);
      if (bytes + size > this.maxBytes) {
        left++;
        continue;
      }
      bytes += size;
      data[name] = value;
    }
    this.o.metrics?.bytes.set({ namespace }, bytes);
    return { data, left };
  }

  /** Writes the namespace's ConfigMap if what it should hold changed; reschedules itself on failure. */
  async flush(namespace: string): Promise<void> {
    const n = this.ns(namespace);
    if (n.writing || this.stopped) return;
    n.writing = true;
    n.dirty = false;
    try {
      const result = await this.write(namespace, n);
      if (result === 'error') n.dirty = true;
      if (result !== 'unchanged') n.lastWriteAt = this.o.clock.now();
    } finally {
      n.writing = false;
    }
    if (n.dirty) this.schedule(namespace, n);
  }

  private async write(namespace: string, n: Namespace): Promise<'written' | 'unchanged' | 'error' | 'fenced'> {
    const { metrics, log } = this.o;
    if (n.record === undefined) {
      const read = await this.o.access.getConfigMap(namespace, this.name);
      if (!read.ok) return this.failed(namespace, 'read', read.error);
      n.record = read.value;
    }
    for (let attempt = 0; ; attempt++) {
      const { data, left } = this.desired(namespace, n, n.record?.data ?? {});
      metrics?.unpersisted.set({ namespace }, left);
      // said once per change of the count, not at every write
      if (left > 0 && left !== n.unpersisted)
        log.warn(
          { reason: 'HistoryTooLarge', namespace, configMap: this.name, unpersisted: left, maxBytes: this.maxBytes },
          `${left} HPA histories of ${namespace} do not fit in ConfigMap ${this.name} and are not persisted`,
        );
      n.unpersisted = left;
      if (n.record !== null && n.record !== undefined && sameData(n.record.data, data)) {
        metrics?.writes.inc({ result: 'unchanged' });
        return 'unchanged';
      }
      const record = n.record;
      const r = await this.guarded((w) =>
        record === null || record === undefined
          ? this.o.access.createConfigMap(namespace, this.name, data, w)
          : this.o.access.updateConfigMap({ ...record, data }, w),
      );
      if (r.ok) {
        n.record = r.value;
        metrics?.writes.inc({ result: 'written' });
        return 'written';
      }
      if (r.error.failure === ApiFailure.Fenced) {
        metrics?.writes.inc({ result: 'fenced' });
        return 'fenced';
      }
      // 409 on update (someone wrote since) or create (someone created it): re-read and merge, once
      if (r.error.status !== 409 || attempt > 0) {
        n.record = undefined;
        return this.failed(namespace, 'write', r.error);
      }
      metrics?.writes.inc({ result: 'conflict' });
      const read = await this.o.access.getConfigMap(namespace, this.name);
      if (!read.ok) {
        n.record = undefined;
        return this.failed(namespace, 'read', read.error);
      }
      n.record = read.value;
    }
  }

  private failed(namespace: string, what: string, e: { status?: number; message: string }): 'error' {
    this.o.metrics?.writes.inc({ result: 'error' });
    this.o.log.warn(
      { reason: 'HistoryWriteFailed', namespace, configMap: this.name, status: e.status, err: e.message },
      `cannot ${what} the HPA history ConfigMap; retrying in one sync period`,
    );
    return 'error';
  }

  private async guarded<T>(write: (w: WriteOptions) => Promise<ClusterResult<T>>): Promise<ClusterResult<T>> {
    const guard = this.o.guard;
    if (guard === undefined) return write({});
    const permit = guard.permit();
    const what = `configmap ${this.name}`;
    if (permit === undefined) return { ok: false, error: fencedError('PUT', what, guard.describe()) };
    try {
      const r = await write({ signal: permit.signal });
      if (!r.ok && permit.signal.aborted) return { ok: false, error: fencedError('PUT', what, guard.describe()) };
      return r;
    } finally {
      permit.done();
    }
  }

  /** Writes every namespace with pending changes now (a clean shutdown, while the lease is still ours). */
  async flushAll(): Promise<void> {
    const pending = [...this.namespaces.entries()].filter(([, n]) => n.dirty || n.cancelTimer !== undefined);
    for (const [, n] of pending) {
      n.cancelTimer?.();
      n.cancelTimer = undefined;
    }
    await Promise.all(pending.map(([ns]) => this.flush(ns)));
  }

  /** No more writes; pending timers are cancelled. */
  stop(): void {
    this.stopped = true;
    for (const n of this.namespaces.values()) {
      n.cancelTimer?.();
      n.cancelTimer = undefined;
    }
  }
}
