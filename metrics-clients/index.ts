/**
 * The public face of metrics-clients/: the MetricsClient port, the registry that builds an adapter
 * from configuration (apiserver, prometheus, static) inside the caching wrapper, and the pieces the
 * controller and the CLI use directly (pod listers, the adapter-config loader, the static format).
 */
export type {
  ExternalMetricQuery,
  MetricsClient,
  ObjectMetricQuery,
  PodsMetricQuery,
  ResourceMetricsQuery,
} from './port.js';
/** The port as one namespace, for adapters that implement it: `port.PodsMetricQuery`, `port.MetricsResult<…>`. */
export type * as port from './port.js';
export {
  createMetricsClient,
  metricsClientOptionsFromFlags,
  MetricsClientKind,
  type ApiServerConfig,
  type ManagedMetricsClient,
  type MetricsClientConfig,
  type MetricsClientDeps,
  type MetricsConfigError,
  type MetricsFlags,
  type PrometheusConfig,
  type StaticConfig,
} from './registry.js';
export {
  CachingMetricsClient,
  type CacheOptions,
  type Invalidatable,
  type MetricKind,
  type MetricsCacheStats,
} from './cache.js';
export { ApiServerMetricsClient, type ApiServerClientOptions } from './apiserver/client.js';
export {
  PrometheusMetricsClient,
  type PrometheusClientDeps,
  type PrometheusClientOptions,
} from './prometheus/client.js';
export type { CustomValue, CustomValues, CustomValuesQuery } from './prometheus/custom-metrics.js';
export {
  PrometheusApi,
  type PromFailure,
  type PromQueryResult,
  type PromSample,
  type PrometheusConnectionOptions,
  type PrometheusQueryApi,
  type PromRangeSeries,
} from './prometheus/http-api.js';
export { RangeBackedQueryApi, type QueryRange } from './prometheus/range-api.js';
export type { Series } from './prometheus/namer.js';
export {
  formatConfigError,
  loadAdapterConfig,
  parseAdapterConfig,
  type AdapterConfig,
  type ConfigError,
  type DiscoveryRule,
  type ResourceRules,
} from './prometheus/adapter-config.js';
export { StaticMetricsClient } from './static/client.js';
export { loadStaticMetrics, parseStaticMetrics, type StaticMetricsData } from './static/format.js';
export { kubePodLister, staticPodLister, type KnownPod, type ListedPod, type PodLister } from './shared/pod-lister.js';
export {
  ApiServerConnection,
  StaticRestMapper,
  qualifiedResource,
  type ApiServerConnectionOptions,
  type GroupResource,
  type ResourceInfo,
  type RestMapper,
} from '../transport/index.js';
export { silentLogger, type MetricsLogger, type RequestEvent, type RequestObserver } from './shared/observe.js';
export { parsePromDurationMs } from './shared/durations.js';
export { apiError, describeThrown, kindForStatus } from './shared/errors.js';
export * as recorded from './recorded/index.js';
