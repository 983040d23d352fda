import type { ClusterResult, WriteOptions } from '../ports.js';

/** The part of a ConfigMap the history store reads and writes. */
export interface ConfigMapRecord {
  readonly namespace: string;
  readonly name: string;
  /** sent back on update: a stale one is refused with 409 Conflict */
  readonly resourceVersion: string;
  readonly data: Readonly<Record<string, string>>;
}

/**
 * ConfigMaps as the history store uses them (docs/history-store.md): get, create, and a PUT of
 * the whole data with the resourceVersion last read (optimistic concurrency: 409 on a stale one).
 * Adapter: controller/kube/configmaps.ts (a real cluster or the simulator over HTTP).
 */
export interface ConfigMapAccess {
  /** null when there is none (404) */
  getConfigMap(namespace: string, name: string): Promise<ClusterResult<ConfigMapRecord | null>>;
  createConfigMap(
    namespace: string,
    name: string,
    data: Readonly<Record<string, string>>,
    opts?: WriteOptions,
  ): Promise<ClusterResult<ConfigMapRecord>>;
  updateConfigMap(record: ConfigMapRecord, opts?: WriteOptions): Promise<ClusterResult<ConfigMapRecord>>;
}
