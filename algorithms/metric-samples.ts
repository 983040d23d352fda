import type { CrossVersionObjectReference } from './api-types.js';
import type { Quantity } from './quantity.js';
import type { Selector } from './labels.js';
import type { Result } from './result.js';
import type { Instant } from './time.js';

/**
 * What the metrics APIs answer, as data the decision consumes. Every MetricsClient adapter
 * (metrics-clients/) produces these; the algorithms turn them into samples exactly as upstream's
 * metrics client does (sums over containers, MilliValue rounding, missing containers → missing pod).
 */

export interface ContainerUsage {
  readonly name: string;
  /** resource name (cpu, memory, …) → usage */
  readonly usage: Readonly<Record<string, Quantity>>;
}

/** One metrics.k8s.io PodMetrics item. */
export interface PodResourceUsage {
  readonly pod: string;
  readonly namespace?: string;
  /** the pod's labels when the API reports them (metrics-server does), so a namespace-wide answer can be filtered locally */
  readonly labels?: Readonly<Record<string, string>>;
  readonly timestamp: Instant;
  readonly windowSeconds: number;
  readonly containers: readonly ContainerUsage[];
}

/** One custom.metrics.k8s.io MetricValue describing a pod. */
export interface PodMetricValue {
  readonly pod: string;
  readonly value: Quantity;
  readonly timestamp: Instant;
  /** windowSeconds of the item; upstream assumes 60 s when absent. */
  readonly windowSeconds: number;
}

/** One custom.metrics.k8s.io MetricValue describing a named object. */
export interface ObjectMetricValue {
  readonly value: Quantity;
  readonly timestamp: Instant;
  readonly windowSeconds: number;
}

/** One external.metrics.k8s.io ExternalMetricValue. */
export interface ExternalMetricValue {
  readonly value: Quantity;
  readonly timestamp: Instant;
  readonly labels?: Readonly<Record<string, string>>;
  readonly windowSeconds?: number;
}

export const MetricsApiErrorKind = {
  NotFound: 'NotFound',
  Unavailable: 'Unavailable',
  Timeout: 'Timeout',
  Malformed: 'Malformed',
  Forbidden: 'Forbidden',
  Unauthorized: 'Unauthorized',
  Unregistered: 'Unregistered',
  Internal: 'Internal',
  /** left out by the stale-sample cut-off (stale-samples.ts): never an adapter's answer */
  Stale: 'Stale',
} as const;
export type MetricsApiErrorKind = (typeof MetricsApiErrorKind)[keyof typeof MetricsApiErrorKind];

/** A failed metrics request, with where it went and why. `message` is what upstream would show as <err>. */
export interface MetricsApiError {
  readonly kind: MetricsApiErrorKind;
  readonly api: 'resource' | 'custom' | 'external';
  /** API path or PromQL query that failed */
  readonly path: string;
  readonly status?: number;
  readonly message: string;
}

export type MetricsResult<T> = Result<readonly T[], MetricsApiError>;

/** A failed metrics request as upstream's replica calculator words it: `<prefix>: <err>`. */
export function metricsApiErrorText(prefix: string, e: MetricsApiError): string {
  return `${prefix}: ${e.message}`;
}

/**
 * What to fetch for one spec.metrics entry, decided by `planMetricQueries` before any I/O.
 * The `none` kind means no request is needed (spec error; the decision reports it).
 */
export type MetricQuery =
  | {
      readonly kind: 'resource';
      readonly namespace: string;
      readonly podSelector: Selector;
      readonly resource: string;
      readonly container?: string;
    }
  | {
      readonly kind: 'pods';
      readonly namespace: string;
      readonly metricName: string;
      readonly podSelector: Selector;
      readonly metricSelector: Selector;
    }
  | {
      readonly kind: 'object';
      readonly namespace: string;
      readonly metricName: string;
      readonly describedObject: CrossVersionObjectReference;
      readonly metricSelector: Selector;
    }
  | {
      readonly kind: 'external';
      readonly namespace: string;
      readonly metricName: string;
      readonly metricSelector: Selector;
    }
  | { readonly kind: 'none' };

/** The answer to one MetricQuery, handed to decide() in spec order. */
export type MetricFetch =
  | { readonly kind: 'resource'; readonly result: MetricsResult<PodResourceUsage> }
  | { readonly kind: 'pods'; readonly result: MetricsResult<PodMetricValue> }
  | { readonly kind: 'object'; readonly result: MetricsResult<ObjectMetricValue> }
  | { readonly kind: 'external'; readonly result: MetricsResult<ExternalMetricValue> }
  | { readonly kind: 'none' };
