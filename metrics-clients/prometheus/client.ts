/**
 * The `prometheus` adapter: answers the questions prometheus-adapter would answer, from the same
 * configuration file, by sending Prometheus the PromQL the adapter would send — without the
 * APIService in between. Pods-by-selector lists the pods first (injected PodLister), as the adapter
 * does, and queries `pod=~"a|b"`; object metrics query one name; external metrics use
 * `externalRules`; resource metrics use `resourceRules` (prometheus/resource-metrics.ts).
 * Errors carry the PromQL (or series query) in `path`.
 */
import type * as port from '../port.js';
import { type MetricsApiError, type Result, err, ok, DEFAULT_METRIC_WINDOW_SECONDS } from '../../algorithms/index.js';
import { describeThrown, apiError } from '../shared/errors.js';
import type { MetricsLogger, RequestObserver } from '../shared/observe.js';
import type { ListedPod, PodLister } from '../shared/pod-lister.js';
import {
  type GroupResource,
  type RestMapper,
  groupOfApiVersion,
  qualifiedKind,
  qualifiedResource,
} from '../../transport/index.js';
import type { AdapterConfig } from './adapter-config.js';
import { SeriesDiscovery } from './discovery.js';
import type { PrometheusQueryApi } from './http-api.js';
import { MetricNamer } from './namer.js';
import { NAMESPACES } from './resource-converter.js';
import { ResourceMetricsReader } from './resource-metrics.js';
import { type CustomMetricInfo, type SeriesInfo, type SeriesRegistry, isRootScoped } from './series-registry.js';
import {
  type CustomValues,
  type CustomValuesContext,
  type CustomValuesQuery,
  customValues,
  instantVector,
} from './custom-metrics.js';
import { externalValues } from './external-metrics.js';

export interface PrometheusClientOptions {
  /** series discovery cache (adapter --metrics-relist-interval); default 10 minutes */
  readonly relistIntervalMs?: number;
  /** how far back series are listed (adapter --metrics-max-age); default the relist interval */
  readonly maxAgeMs?: number;
  /** an unknown metric triggers an early relist at most this often; default 30 s (0 = never early) */
  readonly relistOnMissMs?: number;
  /**
   * Reproduce the adapter's lossy choices: NaN custom values become 0 and custom-metric timestamps
   * are "now". Off by default: NaN/±Inf are errors and sample timestamps are kept.
   */
  readonly adapterParity?: boolean;
}

export interface PrometheusClientDeps {
  readonly now: () => number;
  readonly restMapper: RestMapper;
  readonly podLister?: PodLister;
  readonly logger: MetricsLogger;
  readonly onRequest?: RequestObserver;
}

const PODS: GroupResource = { group: '', resource: 'pods' };

export class PrometheusMetricsClient implements port.MetricsClient {
  private constructor(
    private readonly config: AdapterConfig,
    private readonly api: PrometheusQueryApi,
    private readonly discovery: SeriesDiscovery,
    private readonly resources: ResourceMetricsReader | undefined,
    private readonly opts: PrometheusClientOptions,
    private readonly deps: PrometheusClientDeps,
  ) {}

  /** Compiles every rule (normalising overrides through the REST mapper); errors name the rule. */
  static async create(
    config: AdapterConfig,
    api: PrometheusQueryApi,
    opts: PrometheusClientOptions,
    deps: PrometheusClientDeps,
  ): Promise<Result<PrometheusMetricsClient, string>> {
    const compile = async (rules: AdapterConfig['rules']): Promise<Result<MetricNamer[], string>> => {
      const out: MetricNamer[] = [];
      for (const r of rules) {
        const n = await MetricNamer.create(r, deps.restMapper);
        if (!n.ok) return err(`${config.source}: ${n.error}`);
        out.push(n.value);
      }
      return ok(out);
    };
    const custom = await compile(config.rules);
    if (!custom.ok) return custom;
    const external = await compile(config.externalRules);
    if (!external.ok) return external;
    let resources: ResourceMetricsReader | undefined;
    if (config.resourceRules !== undefined) {
      const r = await ResourceMetricsReader.create(
        config.resourceRules,
        api,
        deps.restMapper,
        opts.adapterParity === true,
      );
      if (!r.ok) return err(`${config.source}: ${r.error}`);
      resources = r.value;
    }
    const relist = opts.relistIntervalMs ?? 600_000;
    const discovery = new SeriesDiscovery(
      api,
      custom.value,
      external.value,
      { relistIntervalMs: relist, maxAgeMs: opts.maxAgeMs ?? relist, relistOnMissMs: opts.relistOnMissMs ?? 30_000 },
      deps.now,
      deps.logger,
    );
    return ok(new PrometheusMetricsClient(config, api, discovery, resources, opts, deps));
  }

  /** The metrics the adapter would list right now (`pods/http_requests_qps`, external names). */
  async listMetrics(): Promise<Result<{ custom: string[]; external: string[] }, MetricsApiError>> {
    const reg = await this.registry('custom');
    if (!reg.ok) return reg;
    return ok({ custom: reg.value.listCustom(), external: reg.value.listExternal() });
  }

  async getResourceMetrics(
    q: port.ResourceMetricsQuery,
    signal?: AbortSignal,
  ): Promise<port.MetricsResult<port.PodResourceUsage>> {
    if (this.resources === undefined) {
      return err(
        apiError(
          'Unregistered',
          'resource',
          this.config.source,
          `no resourceRules in ${this.config.source}: resource metrics (metrics.k8s.io) are not served by this configuration`,
        ),
      );
    }
    const pods = await this.listPods('resource', q.namespace, q.podSelector);
    if (!pods.ok) return pods;
    return this.resources.read(q.namespace, pods.value, this.deps.now(), signal);
  }

  async getPodsMetric(q: port.PodsMetricQuery, signal?: AbortSignal): Promise<port.MetricsResult<port.PodMetricValue>> {
    const pods = await this.listPods('custom', q.namespace, q.podSelector);
    if (!pods.ok) return pods;
    const names = pods.value.map((p) => p.name);
    const query: CustomValuesQuery = {
      resource: PODS,
      namespace: q.namespace,
      names,
      metric: q.metricName,
      metricSelector: q.metricSelector,
    };
    // the adapter answers "not found" when no pod matches the selector (QueryForMetric without names)
    const found =
      names.length === 0 ? undefined : await this.lookup({ resource: PODS, namespaced: true, metric: q.metricName });
    if (found !== undefined && !found.ok) return found;
    const r = await customValues(found?.value, query, this.context(signal));
    if (!r.ok) return r;
    if (r.value.values.size === 0 && r.value.sampleCount > 0) {
      return err(
        apiError(
          'NotFound',
          'custom',
          r.value.query,
          `the query returned ${r.value.sampleCount} series but none has label ${r.value.label} naming a selected pod (does the rule's metricsQuery group by <<.GroupBy>>?)`,
          404,
        ),
      );
    }
    return ok(
      names.flatMap((pod) => {
        const v = r.value.values.get(pod);
        return v === undefined ? [] : [{ pod, ...v, windowSeconds: DEFAULT_METRIC_WINDOW_SECONDS }];
      }),
    );
  }

  async getObjectMetric(
    q: port.ObjectMetricQuery,
    signal?: AbortSignal,
  ): Promise<port.MetricsResult<port.ObjectMetricValue>> {
    const group = groupOfApiVersion(q.describedObject.apiVersion);
    const isNamespace = q.describedObject.kind === 'Namespace' && group === '';
    let resource: GroupResource = NAMESPACES;
    if (!isNamespace) {
      const mapped = await this.deps.restMapper.resourceForKind(group, q.describedObject.kind);
      const kind = qualifiedKind(group, q.describedObject.kind);
      if (!mapped.ok)
        return err(
          apiError('NotFound', 'custom', kind, `unable to map kind ${kind} to resource: ${mapped.error.message}`),
        );
      resource = { group: mapped.value.group, resource: mapped.value.resource };
    }
    // a namespace metric is root-scoped: the HPA's namespace is the object's name
    const name = isNamespace ? q.namespace : q.describedObject.name;
    const r = await this.customValues(
      {
        resource,
        namespace: isNamespace ? '' : q.namespace,
        names: [name],
        metric: q.metricName,
        metricSelector: q.metricSelector,
      },
      signal,
    );
    if (!r.ok) return r;
    const v = r.value.values.get(name);
    if (v === undefined)
      return err(
        apiError(
          'NotFound',
          'custom',
          r.value.query,
          `the server could not find the metric ${q.metricName} for ${qualifiedResource(resource)} ${name}`,
          404,
        ),
      );
    return ok([{ ...v, windowSeconds: DEFAULT_METRIC_WINDOW_SECONDS }]);
  }

  /**
   * custom.metrics.k8s.io for named objects of one resource — what the adapter serves for
   * `/namespaces/{ns}/{resource}/{name|*}/{metric}`: the values of the names that have one.
   */
  async customValues(q: CustomValuesQuery, signal?: AbortSignal): Promise<Result<CustomValues, MetricsApiError>> {
    const found = await this.lookup({ resource: q.resource, namespaced: !isRootScoped(q.resource), metric: q.metric });
    if (!found.ok) return found;
    return customValues(found.value, q, this.context(signal));
  }

  async getExternalMetric(
    q: port.ExternalMetricQuery,
    signal?: AbortSignal,
  ): Promise<port.MetricsResult<port.ExternalMetricValue>> {
    const found = await this.relistingLookup('external', (reg) => reg.lookupExternal(q.metricName));
    if (!found.ok) return found;
    if (found.value === undefined) {
      // the adapter names the namespaces resource only for "default" (selectGroupResource)
      const gr = q.namespace === 'default' ? 'namespaces' : '';
      return err(
        apiError(
          'NotFound',
          'external',
          q.metricName,
          `the server could not find the metric ${q.metricName} for ${gr}`,
          404,
        ),
      );
    }
    return externalValues(found.value, this.api, q, this.deps.now(), signal);
  }

  /**
   * The pods of `namespace` with a value of a Pods metric now, from the rule's query for every pod
   * (`pod!=""` instead of named pods): `hpa-ts replay --prometheus-url` lists the pods of the past
   * this way, as no cluster remembers them.
   */
  async podsWithMetric(
    namespace: string,
    metric: string,
    metricSelector: port.PodsMetricQuery['metricSelector'],
    signal?: AbortSignal,
  ): Promise<Result<string[], MetricsApiError>> {
    const found = await this.lookup({ resource: PODS, namespaced: true, metric });
    if (!found.ok) return found;
    if (found.value === undefined)
      return err(
        apiError('NotFound', 'custom', metric, `the server could not find the metric ${metric} for pods`, 404),
      );
    const { namer, seriesName } = found.value;
    const query = await namer.queryForSeries(seriesName, PODS, namespace, metricSelector, 'every');
    if (!query.ok) return err(apiError('NotFound', 'custom', metric, query.error, 404));
    const label = await namer.converter.labelForResource(PODS);
    if (!label.ok) return err(apiError('NotFound', 'custom', metric, label.error, 404));
    const samples = await instantVector(this.context(signal), query.value);
    if (!samples.ok) return samples;
    return ok(
      [...new Set(samples.value.flatMap((s) => (s.labels[label.value] ? [s.labels[label.value]] : [])))].sort(),
    );
  }

  close(): Promise<void> {
    this.api.close();
    return Promise.resolve();
  }

  private async registry(api: 'custom' | 'external'): Promise<Result<SeriesRegistry, MetricsApiError>> {
    const reg = await this.discovery.current();
    return reg.ok ? reg : err(apiError(reg.error.kind, api, reg.error.path, reg.error.message, reg.error.status));
  }

  /** A registered custom metric, relisting once early on a miss. */
  private lookup(info: CustomMetricInfo): Promise<Result<SeriesInfo | undefined, MetricsApiError>> {
    return this.relistingLookup('custom', (reg) => reg.lookupCustom(info));
  }

  /** A lookup in the current registry; a miss relists once early (at most every relistOnMissMs) and looks again. */
  private async relistingLookup<T>(
    api: 'custom' | 'external',
    find: (reg: SeriesRegistry) => T | undefined,
  ): Promise<Result<T | undefined, MetricsApiError>> {
    const reg = await this.registry(api);
    if (!reg.ok) return reg;
    const found = find(reg.value);
    if (found !== undefined || !(await this.discovery.refreshAfterMiss())) return ok(found);
    const again = await this.registry(api);
    return again.ok ? ok(find(again.value)) : again;
  }

  private context(signal?: AbortSignal): CustomValuesContext {
    return { api: this.api, now: this.deps.now(), adapterParity: this.opts.adapterParity === true, signal };
  }

  private async listPods(
    api: 'resource' | 'custom',
    namespace: string,
    selector: port.ResourceMetricsQuery['podSelector'],
  ): Promise<Result<readonly ListedPod[], MetricsApiError>> {
    const lister = this.deps.podLister;
    const where = `pods in namespace ${namespace} matching ${JSON.stringify(selector.toString())}`;
    if (lister === undefined) {
      return err(
        apiError(
          'Internal',
          api,
          where,
          'Internal error occurred: unable to list matching resources: no pod lister (give a kubeconfig, or the selected pods with --pods)',
          500,
        ),
      );
    }
    try {
      return ok(await lister(namespace, selector));
    } catch (e) {
      return err(
        apiError(
          'Internal',
          api,
          where,
          `Internal error occurred: unable to list matching resources: ${describeThrown(e)}`,
          500,
        ),
      );
    }
  }
}
