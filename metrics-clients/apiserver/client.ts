/**
 * The `apiserver` adapter: the MetricsClient that reads the three aggregated metrics APIs the way
 * kube-controller-manager's metrics client does (pkg/controller/podautoscaler/metrics/client.go,
 * HPA-SEMANTICS §6): same URLs, same query parameters (empty ones omitted, selectors as canonical
 * strings, form-encoded, keys sorted), custom metrics version from discovery, Object kinds mapped to
 * group-qualified plurals. Every failure is returned as a MetricsApiError whose message is the
 * `<err>` upstream would print.
 */
import type {
  ExternalMetricQuery,
  MetricsClient,
  ObjectMetricQuery,
  PodsMetricQuery,
  ResourceMetricsQuery,
} from '../port.js';
import {
  type ExternalMetricValue,
  type MetricsApiError,
  type MetricsResult,
  type ObjectMetricValue,
  type PodMetricValue,
  type PodResourceUsage,
  type Result,
  err,
  ok,
  DEFAULT_METRIC_WINDOW_SECONDS,
} from '../../algorithms/index.js';
import {
  describeThrown,
  apiError,
  errorFromResponse,
  type MetricsApi,
  type RequestedResource,
} from '../shared/errors.js';
import { goEncodeQuery, goPathEscape } from '../shared/go-text.js';
import type { RequestObserver } from '../shared/observe.js';
import {
  StaticRestMapper,
  groupOfApiVersion,
  qualifiedKind,
  qualifiedResource,
  type RestMapper,
} from '../shared/rest-mapper.js';
import type { ApiConnection } from './connection.js';
import {
  type CustomMetricItem,
  decodeExternalMetricValueList,
  decodeMetricValueList,
  decodePodMetricsList,
} from './decode.js';
import { ApiDiscovery, CUSTOM_METRICS_GROUP, type CustomMetricsVersion } from './discovery.js';

export interface ApiServerClientOptions {
  /** per-request timeout; default 10 s */
  readonly timeoutMs?: number;
  /** how long discovery (custom metrics version, REST mappings) is trusted; default one sync period, 15 s */
  readonly discoveryTtlMs?: number;
  readonly userAgent?: string;
}

export interface ApiServerClientDeps {
  readonly now: () => number;
  readonly onRequest?: RequestObserver;
}

const METRICS_GROUP = 'metrics.k8s.io';
const EXTERNAL_GROUP = 'external.metrics.k8s.io';
/** The 404 of a path nobody serves (as opposed to the adapter's "could not find the metric …"). */
const UNSERVED_PATH = 'the server could not find the requested resource';

export class ApiServerMetricsClient implements MetricsClient {
  readonly discovery: ApiDiscovery;
  private readonly timeoutMs: number;
  private readonly fallbackMapper = new StaticRestMapper();

  constructor(
    private readonly conn: ApiConnection,
    private readonly opts: ApiServerClientOptions,
    private readonly deps: ApiServerClientDeps,
  ) {
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.discovery = new ApiDiscovery((path) => this.getJson(path), deps.now, opts.discoveryTtlMs ?? 15_000);
  }

  /** Drops cached discovery; the controller calls this once per sync period, like upstream. */
  invalidate(): void {
    this.discovery.invalidate();
  }

  async getResourceMetrics(q: ResourceMetricsQuery, signal?: AbortSignal): Promise<MetricsResult<PodResourceUsage>> {
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

  async getPodsMetric(q: PodsMetricQuery, signal?: AbortSignal): Promise<MetricsResult<PodMetricValue>> {
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
    return ok(
      res.value.map((it) => ({
        pod: it.describedObject.name,
        value: it.value,
        timestamp: it.timestamp,
        windowSeconds: it.windowSeconds ?? DEFAULT_METRIC_WINDOW_SECONDS,
      })),
    );
  }

  async getObjectMetric(q: ObjectMetricQuery, signal?: AbortSignal): Promise<MetricsResult<ObjectMetricValue>> {
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
    return ok(
      res.value.map((it) => ({
        value: it.value,
        timestamp: it.timestamp,
        windowSeconds: it.windowSeconds ?? DEFAULT_METRIC_WINDOW_SECONDS,
      })),
    );
  }

  async getExternalMetric(q: ExternalMetricQuery, signal?: AbortSignal): Promise<MetricsResult<ExternalMetricValue>> {
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
    this.conn.close();
    return Promise.resolve();
  }

  /** kind → group-qualified plural (upstream qualResourceForKind); discovery first, the built-in table if discovery is unreachable. */
  private async mapKind(group: string, kind: string): Promise<Result<string, MetricsApiError>> {
    const fail = (message: string): Result<string, MetricsApiError> =>
      err(
        apiError(
          'NotFound',
          'custom',
          qualifiedKind(group, kind),
          `unable to map kind ${qualifiedKind(group, kind)} to resource: ${message}`,
        ),
      );
    const mapper: RestMapper = this.discovery;
    const found = await mapper.resourceForKind(group, kind);
    if (found.ok) return ok(qualifiedResource(found.value));
    if (found.error.startsWith('no matches for kind')) return fail(found.error);
    const fallback = await this.fallbackMapper.resourceForKind(group, kind);
    return fallback.ok ? ok(qualifiedResource(fallback.value)) : fail(found.error);
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
    const version = await this.discovery.customMetricsVersion();
    if (!version.ok) return version;
    let v = version.value;
    let res = await this.get('custom', pathFor(v), params, requested, signal);
    if (!res.ok && res.error.status === 404 && res.error.message.startsWith(UNSERVED_PATH)) {
      this.discovery.invalidate();
      const again = await this.discovery.customMetricsVersion();
      if (again.ok && again.value !== v) {
        v = again.value;
        res = await this.get('custom', pathFor(v), params, requested, signal);
      }
    }
    if (!res.ok) return res;
    const items = decodeMetricValueList(res.value.text, v);
    return items.ok ? items : err(apiError('Malformed', 'custom', res.value.path, items.error));
  }

  private async getJson(path: string): Promise<Result<unknown, MetricsApiError>> {
    const res = await this.get('custom', path, [], undefined, undefined, 'discovery');
    if (!res.ok) return res;
    try {
      return ok(JSON.parse(res.value.text) as unknown);
    } catch (e) {
      return err(apiError('Malformed', 'custom', path, `unable to decode discovery document: ${(e as Error).message}`));
    }
  }

  private async get(
    api: MetricsApi,
    path: string,
    params: ReadonlyArray<readonly [string, string | undefined]>,
    requested: RequestedResource | undefined,
    signal: AbortSignal | undefined,
    reportAs: 'discovery' | MetricsApi = api,
  ): Promise<Result<{ text: string; path: string }, MetricsApiError>> {
    const qs = goEncodeQuery(params);
    const fullPath = qs === '' ? path : `${path}?${qs}`;
    let headers: Readonly<Record<string, string>>;
    try {
      headers = await this.conn.headers();
    } catch (e) {
      return err(apiError('Unauthorized', api, fullPath, `getting credentials: ${describeThrown(e)}`));
    }
    const started = this.deps.now();
    const out = await this.conn.transport.send({
      method: 'GET',
      url: `${this.conn.server}${fullPath}`,
      headers: { ...headers, Accept: 'application/json', 'User-Agent': this.opts.userAgent ?? 'hpa-ts/metrics-client' },
      signal,
      timeoutMs: this.timeoutMs,
    });
    this.deps.onRequest?.({
      api: reportAs,
      method: 'GET',
      path: fullPath,
      status: out.ok ? out.status : 0,
      durationMs: this.deps.now() - started,
    });
    if (!out.ok)
      return err(apiError(out.failure === 'network' ? 'Unavailable' : 'Timeout', api, fullPath, out.message));
    if (out.status < 200 || out.status > 206) {
      return err(errorFromResponse(api, fullPath, 'GET', out.status, out.contentType, out.text, requested));
    }
    return ok({ text: out.text, path: fullPath });
  }
}

function nonEmpty(s: string): string | undefined {
  return s === '' ? undefined : s;
}
