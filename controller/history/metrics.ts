import { Counter, Gauge, type Registry } from 'prom-client';

/** The history store's series on /metrics (docs/history-store.md), registered on the controller's registry. */
export class HistoryStoreMetrics {
  /** result: written, unchanged (nothing sent), conflict (409, re-read and merged), error, fenced */
  readonly writes: Counter<'result'>;
  /** result: loaded, none (no ConfigMap), error */
  readonly loads: Counter<'result'>;
  /** values that could not be decoded, by HistoryDecodeErrorCode (or StaleKey for a deleted HPA) */
  readonly rejectedValues: Counter<'code'>;
  /** entries dropped at load: in the future, or outside the HPA's bounds */
  readonly droppedEntries: Counter;
  /** HPAs whose history did not fit under the ConfigMap size limit at the last write */
  readonly unpersisted: Gauge<'namespace'>;
  /** bytes of data at the last write */
  readonly bytes: Gauge<'namespace'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.writes = new Counter({
      name: 'hpa_ts_history_store_writes_total',
      help: 'Writes of the history ConfigMap of a namespace, by result (written, unchanged, conflict, error, fenced).',
      labelNames: ['result'] as const,
      registers,
    });
    this.loads = new Counter({
      name: 'hpa_ts_history_store_loads_total',
      help: 'Reads of the history ConfigMap of a namespace at start-up or takeover, by result (loaded, none, error).',
      labelNames: ['result'] as const,
      registers,
    });
    this.rejectedValues = new Counter({
      name: 'hpa_ts_history_store_rejected_values_total',
      help: 'Stored HPA histories ignored at load: corrupt, foreign, of an unknown version or of a deleted HPA.',
      labelNames: ['code'] as const,
      registers,
    });
    this.droppedEntries = new Counter({
      name: 'hpa_ts_history_store_dropped_entries_total',
      help: 'Stored recommendations and scale events dropped at load: in the future or outside the bounds.',
      registers,
    });
    this.unpersisted = new Gauge({
      name: 'hpa_ts_history_store_unpersisted_hpas',
      help: 'HPAs of a namespace whose history was left out of its ConfigMap at the last write (size limit).',
      labelNames: ['namespace'] as const,
      registers,
    });
    this.bytes = new Gauge({
      name: 'hpa_ts_history_store_bytes',
      help: 'Size of the data of the history ConfigMap of a namespace at the last write.',
      labelNames: ['namespace'] as const,
      registers,
    });
  }
}
