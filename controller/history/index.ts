export { ConfigMapHistoryStore, HISTORY_CONFIGMAP_NAME, HISTORY_DATA_MAX_BYTES } from './store.js';
export type { HistorySource, HistoryStoreOptions } from './store.js';
export { HistoryStoreMetrics } from './metrics.js';
export type { ConfigMapAccess, ConfigMapRecord } from './port.js';
