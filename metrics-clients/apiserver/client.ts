/**
 * The `apiserver` adapter: the MetricsClient that reads the three aggregated metrics APIs the way
 * kube-controller-manager's metrics client does (pkg/controller/podautoscaler/metrics/client.go,
 * HPA-SEMANTICS §6): same URLs, same query parameters (empty ones omitted, selectors as canonical
 * strings, form-encoded, keys sorted), custom metrics version from discovery, Object kinds mapped to
 * group-qualified plurals. Every failure is returned as a MetricsApiError whose message is the
 * `<err>` upstream would print.
 */
import type * as port from '../port.js';
import { type MetricsApiError, type Result, err, ok, DEFAULT_METRIC_WINDOW_SECONDS } from '../../algorithms/index.js';
import {
  ApiDiscovery,
  DiscoveryRestMapper,
  goPathEscape,
  groupOfApiVersion,
  qualifiedKind,
  qualifiedResource,
  type ApiResponse,
  type ApiResult,
  type ApiServerConnection,
  type QueryParams,
  type RequestedResource,
  type RequestObserver as ApiRequestObserver,
  withQuery,
} from '../../transport/index.js';
import { apiError, metricsError, type MetricsApi } from '../shared/errors.js';
import type { RequestObserver } from '../shared/observe.js';
import {
  type CustomMetricItem,
  decodeExternalMetricValueList,
  decodeMetricValueList,
  decodePodMetricsList,
} from './decode.js';
import { CUSTOM_METRICS_GROUP, type CustomMetricsVersion, customMetricsVersion } from './discovery.js';

export interface ApiServerClientOptions {
  /** per-request timeout; default 10 s */
  readonly timeoutMs?: number;
  /** how long discovery (custom metrics version, REST mappings) is trusted; default one sync period, 15 s */
  readonly discoveryTtlMs?: number;
}

export interface ApiServerClientDeps {
  readonly now: () => number;
  readonly onRequest?: RequestObserver;
}

const METRICS_GROUP = 'metrics.k8s.io';
const EXTERNAL_GROUP = 'external.metrics.k8s.io';

export class ApiServerMetricsClient implements port.MetricsClient {
  readonly discovery: ApiDiscovery;
  /** kind ↔ resource through this client's discovery, the built-in table when the cluster cannot be asked */
  readonly restMapper: DiscoveryRestMapper;
  private readonly timeoutMs: number;

  /** `ownsConnection`: close() closes the connection too (false when the process shares it). */
  constructor(
    private readonly conn: ApiServerConnection,
    opts: ApiServerClientOptions,
    private readonly deps: ApiServerClientDeps,
    private readonly ownsConnection = true,
  ) {
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    const now = deps.now;
    this.discovery = new ApiDiscovery(
      (path) =>
        this.conn.requestJson(
          { verb: 'get', resource: 'discovery', path, timeoutMs: this.timeoutMs },
          this.observer('discovery'),
        ),
      { now, ttlMs: opts.discoveryTtlMs ?? 15_000 },
    );
    this.restMapper = new DiscoveryRestMapper(this.discovery, { now });
  }

  /** Drops cached discovery; the controller calls this once per sync period, like upstream. */
  invalidate(): void {
    this.discovery.invalidate();
  }

  async getResourceMetrics(
    q: port.ResourceMetricsQuery,
    signal?: AbortSignal,
  ): Promise<port.MetricsResult<port.PodResourceUsage>> {
    const path = `/apis/${METRICS_GROUP}/v1beta1/namespaces/${goPathEscape(q.namespace)}/pods`;
    const res = await this.get(
      'resource',
      path,
      [['labelSelector', nonEmpty(q.podSelector.toString())]],
      { group: METRICS_GROUP, resource: 'pods' },
      signal,
    );
    if (!res.ok) return res;
    const items = decodePodMetricsList(res.value.text);
    return items.ok ? items : err(apiError('Malformed', 'resource', res.value.path, items.error));
  }

  async getPodsMetric(q: port.PodsMetricQuery, signal?: AbortSignal): Promise<port.MetricsResult<port.PodMetricValue>> {
    const res = await this.getCustom(
      (v) =>
        `/apis/${CUSTOM_METRICS_GROUP}/${v}/namespaces/${goPathEscape(q.namespace)}/pods/${goPathEscape('*')}/${goPathEscape(q.metricName)}`,
      [
        ['labelSelector', nonEmpty(q.podSelector.toString())],
        ['metricLabelSelector', nonEmpty(q.metricSelector.toString())],
      ],
      { group: CUSTOM_METRICS_GROUP, resource: 'pods', name: '*' },
      signal,
    );
    if (!res.ok) return res;
    return ok(res.value.map((it) => ({ pod: it.describedObject.name, ...sampleOf(it) })));
  }

  async getObjectMetric(
    q: port.ObjectMetricQuery,
    signal?: AbortSignal,
  ): Promise<port.MetricsResult<port.ObjectMetricValue>> {
    const group = groupOfApiVersion(q.describedObject.apiVersion);
    const kind = q.describedObject.kind;
    const metric = goPathEscape(q.metricName);
    const params: Array<readonly [string, string | undefined]> = [
      ['metricLabelSelector', nonEmpty(q.metricSelector.toString())],
    ];
    let res: Result<readonly CustomMetricItem[], MetricsApiError>;
    if (kind === 'Namespace' && group === '') {
      // upstream ignores the object's name: an HPA cannot reach outside its own namespace
      res = await this.getCustom(
        (v) => `/apis/${CUSTOM_METRICS_GROUP}/${v}/namespaces/${goPathEscape(q.namespace)}/metrics/${metric}`,
        params,
        { group: CUSTOM_METRICS_GROUP, resource: 'metrics', name: q.metricName },
        signal,
      );
    } else {
      const mapped = await this.mapKind(group, kind);
      if (!mapped.ok) return mapped;
      const resource = mapped.value;
      res = await this.getCustom(
        (v) =>
          `/apis/${CUSTOM_METRICS_GROUP}/${v}/namespaces/${goPathEscape(q.namespace)}/${goPathEscape(resource)}/${goPathEscape(q.describedObject.name)}/${metric}`,
        params,
        { group: CUSTOM_METRICS_GROUP, resource, name: q.describedObject.name },
        signal,
      );
    }
    if (!res.ok) return res;
    return ok(res.value.map(sampleOf));
  }

  async getExternalMetric(
    q: port.ExternalMetricQuery,
    signal?: AbortSignal,
  ): Promise<port.MetricsResult<port.ExternalMetricValue>> {
    const path = `/apis/${EXTERNAL_GROUP}/v1beta1/namespaces/${goPathEscape(q.namespace)}/${goPathEscape(q.metricName)}`;
    const res = await this.get(
      'external',
      path,
      [['labelSelector', nonEmpty(q.metricSelector.toString())]],
      { group: EXTERNAL_GROUP, resource: q.metricName },
      signal,
    );
    if (!res.ok) return res;
    const items = decodeExternalMetricValueList(res.value.text);
    return items.ok ? items : err(apiError('Malformed', 'external', res.value.path, items.error));
  }

  close(): Promise<void> {
    if (this.ownsConnection) this.conn.close();
    return Promise.resolve();
  }

  /** kind → group-qualified plural (upstream qualResourceForKind), through the one REST mapper's rule. */
  private async mapKind(group: string, kind: string): Promise<Result<string, MetricsApiError>> {
    const found = await this.restMapper.resourceForKind(group, kind);
    if (found.ok) return ok(qualifiedResource(found.value));
    const qualified = qualifiedKind(group, kind);
    return err(
      apiError('NotFound', 'custom', qualified, `unable to map kind ${qualified} to resource: ${found.error.message}`),
    );
  }

  /**
   * A custom.metrics.k8s.io GET at the version discovery chose. When a v1beta2 path is not served
   * at all (the adapter went back to v1beta1 since discovery was cached), discovery is redone once
   * and the request repeated if that changes the version — what upstream does at its next sync.
   */
  private async getCustom(
    pathFor: (v: CustomMetricsVersion) => string,
    params: ReadonlyArray<readonly [string, string | undefined]>,
    requested: RequestedResource,
    signal: AbortSignal | undefined,
  ): Promise<Result<readonly CustomMetricItem[], MetricsApiError>> {
    const version = await customMetricsVersion(this.discovery);
    if (!version.ok) return version;
    let v = version.value;
    let res = await this.fetch('custom', pathFor(v), params, requested, signal);
    if (!res.ok && res.error.pathNotServed === true) {
      this.discovery.invalidate();
      const again = await customMetricsVersion(this.discovery);
      if (again.ok && again.value !== v) {
        v = again.value;
        res = await this.fetch('custom', pathFor(v), params, requested, signal);
      }
    }
    if (!res.ok) return err(metricsError('custom', res.error));
    const items = decodeMetricValueList(res.value.text, v);
    return items.ok ? items : err(apiError('Malformed', 'custom', res.value.path, items.error));
  }

  /** A metrics API GET as MetricsApiError on failure. */
  private async get(
    api: MetricsApi,
    path: string,
    params: QueryParams,
    requested: RequestedResource,
    signal: AbortSignal | undefined,
  ): Promise<Result<ApiResponse & { path: string }, MetricsApiError>> {
    const res = await this.fetch(api, path, params, requested, signal);
    return res.ok ? res : err(metricsError(api, res.error));
  }

  private async fetch(
    api: MetricsApi,
    path: string,
    query: QueryParams,
    requested: RequestedResource,
    signal: AbortSignal | undefined,
  ): Promise<ApiResult<ApiResponse & { path: string }>> {
    const res = await this.conn.request(
      { verb: 'get', resource: requested.resource, path, query, requested, signal, timeoutMs: this.timeoutMs },
      this.observer(api),
    );
    if (!res.ok) return res;
    return ok({ ...res.value, path: withQuery(path, query) });
  }

  private observer(api: MetricsApi | 'discovery'): ApiRequestObserver | undefined {
    const onRequest = this.deps.onRequest;
    if (onRequest === undefined) return undefined;
    return (o) => onRequest({ api, method: o.method, path: o.path, status: o.status, durationMs: o.durationMs });
  }
}

/** A MetricValue's sample; upstream assumes a 1-minute window when the adapter gives none. */
function sampleOf(it: CustomMetricItem): port.ObjectMetricValue {
  return { value: it.value, timestamp: it.timestamp, windowSeconds: it.windowSeconds ?? DEFAULT_METRIC_WINDOW_SECONDS };
}

function nonEmpty(s: string): string | undefined {
  return s === '' ? undefined : s;
}
