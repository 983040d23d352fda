import type {
  CrossVersionObjectReference,
  ExternalMetricValue,
  MetricsResult,
  ObjectMetricValue,
  PodMetricValue,
  PodResourceUsage,
  Selector,
} from '../algorithms/index.js';

/** The answers' types, so that an adapter names everything of its signatures as `port.…`. */
export type { ExternalMetricValue, MetricsResult, ObjectMetricValue, PodMetricValue, PodResourceUsage };

/**
 * The seam between the controller and wherever metrics live (ARCHITECTURE.md, ports).
 * Every method answers with data or a typed MetricsApiError (not found, unavailable, timeout,
 * malformed, forbidden, …) carrying the API path or query and the reason — never throws for
 * an expected failure. Empty answers are returned as empty lists: the decision turns them into
 * upstream's "no metrics returned from …" errors.
 */
export interface MetricsClient {
  /** metrics.k8s.io PodMetrics of the pods matching `podSelector` in `namespace` (all containers). */
  getResourceMetrics(q: ResourceMetricsQuery, signal?: AbortSignal): Promise<MetricsResult<PodResourceUsage>>;
  /** custom.metrics.k8s.io values of `metricName` for the pods matching `podSelector`. */
  getPodsMetric(q: PodsMetricQuery, signal?: AbortSignal): Promise<MetricsResult<PodMetricValue>>;
  /** custom.metrics.k8s.io value of `metricName` for one described object (a list of one item). */
  getObjectMetric(q: ObjectMetricQuery, signal?: AbortSignal): Promise<MetricsResult<ObjectMetricValue>>;
  /** external.metrics.k8s.io series of `metricName` matching `metricSelector`. */
  getExternalMetric(q: ExternalMetricQuery, signal?: AbortSignal): Promise<MetricsResult<ExternalMetricValue>>;
  /** Releases sockets and timers. */
  close(): Promise<void>;
}

export interface ResourceMetricsQuery {
  readonly namespace: string;
  readonly podSelector: Selector;
  /** the resource the caller will read (cpu, memory); adapters that must query per resource use it */
  readonly resource?: string;
  /** the container the caller will read, for adapters that can narrow the query */
  readonly container?: string;
}

export interface PodsMetricQuery {
  readonly namespace: string;
  readonly metricName: string;
  readonly podSelector: Selector;
  /** the metric's `metric.selector`; absent in the HPA, it is the everything selector (as the APIs read no labelSelector) */
  readonly metricSelector: Selector;
}

export interface ObjectMetricQuery {
  readonly namespace: string;
  readonly metricName: string;
  readonly describedObject: CrossVersionObjectReference;
  readonly metricSelector: Selector;
}

export interface ExternalMetricQuery {
  readonly namespace: string;
  readonly metricName: string;
  readonly metricSelector: Selector;
}

export interface ListedPod {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * Pods by label selector, for adapters that must name pods in their queries (prometheus-adapter
 * builds `pod=~"a|b"`): the other half of the port, implemented by the controller over its
 * informer cache. Rejects (throws) only when the pods cannot be listed; adapters turn that into a
 * typed error.
 */
export type PodLister = (namespace: string, selector: Selector) => Promise<readonly ListedPod[]>;
