/**
 * The `prometheus` adapter: answers the questions prometheus-adapter would answer, from the same
 * configuration file, by sending Prometheus the PromQL the adapter would send — without the
 * APIService in between. Pods-by-selector lists the pods first (injected PodLister), as the adapter
 * does, and queries `pod=~"a|b"`; object metrics query one name; external metrics use
 * `externalRules`; resource metrics use `resourceRules` (prometheus/resource-metrics.ts).
 * Errors carry the PromQL (or series query) in `path`.
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
import type { PromSample, PrometheusApi } from './http-api.js';
import { MetricNamer } from './namer.js';
import { NAMESPACES } from './resource-converter.js';
import { ResourceMetricsReader } from './resource-metrics.js';
import type { CustomMetricInfo, SeriesInfo, SeriesRegistry } from './series-registry.js';
import { externalValues } from './external-metrics.js';
import { describeLabels, matchByLabel, quantityOf } from './values.js';

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

export class PrometheusMetricsClient implements MetricsClient {
  private constructor(
    private readonly config: AdapterConfig,
    private readonly api: PrometheusApi,
    private readonly discovery: SeriesDiscovery,
    private readonly resources: ResourceMetricsReader | undefined,
    private readonly opts: PrometheusClientOptions,
    private readonly deps: PrometheusClientDeps,
  ) {}

  /** Compiles every rule (normalising overrides through the REST mapper); errors name the rule. */
  static async create(
    config: AdapterConfig,
    api: PrometheusApi,
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

  async getResourceMetrics(q: ResourceMetricsQuery, signal?: AbortSignal): Promise<MetricsResult<PodResourceUsage>> {
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

  async getPodsMetric(q: PodsMetricQuery, signal?: AbortSignal): Promise<MetricsResult<PodMetricValue>> {
    const pods = await this.listPods('custom', q.namespace, q.podSelector);
    if (!pods.ok) return pods;
    const names = pods.value.map((p) => p.name);
    const info: CustomMetricInfo = { resource: PODS, namespaced: true, metric: q.metricName };
    const notFound = (why?: string): MetricsResult<PodMetricValue> =>
      err(
        apiError(
          'NotFound',
          'custom',
          why ?? q.metricName,
          `the server could not find the metric ${q.metricName} for pods${why === undefined ? '' : `: ${why}`}`,
          404,
        ),
      );
    // the adapter answers "not found" when no pod matches the selector (QueryForMetric without names)
    if (names.length === 0) return notFound();
    const found = await this.lookup(info);
    if (!found.ok) return found;
    if (found.value === undefined) return notFound();
    const query = await found.value.namer.queryForSeries(
      found.value.seriesName,
      PODS,
      q.namespace,
      q.metricSelector,
      names,
    );
    if (!query.ok) return notFound(query.error);
    const samples = await this.vector('custom', query.value, signal);
    if (!samples.ok) return samples;
    const label = await found.value.namer.converter.labelForResource(PODS);
    if (!label.ok) return notFound(label.error);
    const byName = matchByLabel(samples.value, label.value);
    if (samples.value.length > 0 && !names.some((n) => byName.has(n))) {
      return err(
        apiError(
          'NotFound',
          'custom',
          query.value,
          `the query returned ${samples.value.length} series but none has label ${label.value} naming a selected pod (does the rule's metricsQuery group by <<.GroupBy>>?)`,
          404,
        ),
      );
    }
    const items: PodMetricValue[] = [];
    for (const name of names) {
      const s = byName.get(name);
      if (s === undefined) continue; // the HPA treats pods without a value as missing
      const value = this.customValue(s, query.value);
      if (!value.ok) return value;
      items.push({
        pod: name,
        value: value.value,
        timestamp: this.opts.adapterParity === true ? this.deps.now() : s.timestamp,
        windowSeconds: DEFAULT_METRIC_WINDOW_SECONDS,
      });
    }
    return ok(items);
  }

  async getObjectMetric(q: ObjectMetricQuery, signal?: AbortSignal): Promise<MetricsResult<ObjectMetricValue>> {
    const group = groupOfApiVersion(q.describedObject.apiVersion);
    const isNamespace = q.describedObject.kind === 'Namespace' && group === '';
    let resource: GroupResource = NAMESPACES;
    if (!isNamespace) {
      const mapped = await this.deps.restMapper.resourceForKind(group, q.describedObject.kind);
      const kind = qualifiedKind(group, q.describedObject.kind);
      if (!mapped.ok)
        return err(apiError('NotFound', 'custom', kind, `unable to map kind ${kind} to resource: ${mapped.error.message}`));
      resource = { group: mapped.value.group, resource: mapped.value.resource };
    }
    // a namespace metric is root-scoped: the HPA's namespace is the object's name
    const name = isNamespace ? q.namespace : q.describedObject.name;
    const namespace = isNamespace ? '' : q.namespace;
    const info: CustomMetricInfo = { resource, namespaced: !isNamespace, metric: q.metricName };
    const notFound = (path: string, why?: string): MetricsResult<ObjectMetricValue> =>
      err(
        apiError(
          'NotFound',
          'custom',
          path,
          `the server could not find the metric ${q.metricName} for ${qualifiedResource(resource)} ${name}${why === undefined ? '' : `: ${why}`}`,
          404,
        ),
      );
    const found = await this.lookup(info);
    if (!found.ok) return found;
    if (found.value === undefined) {
      return err(
        apiError(
          'NotFound',
          'custom',
          q.metricName,
          `the server could not find the metric ${q.metricName} for ${qualifiedResource(resource)}`,
          404,
        ),
      );
    }
    const query = await found.value.namer.queryForSeries(
      found.value.seriesName,
      resource,
      namespace,
      q.metricSelector,
      [name],
    );
    if (!query.ok) return notFound(q.metricName, query.error);
    const samples = await this.vector('custom', query.value, signal);
    if (!samples.ok) return samples;
    const label = await found.value.namer.converter.labelForResource(resource);
    const s = label.ok ? matchByLabel(samples.value, label.value).get(name) : undefined;
    if (s === undefined) return notFound(query.value);
    const value = this.customValue(s, query.value);
    if (!value.ok) return value;
    return ok([
      {
        value: value.value,
        timestamp: this.opts.adapterParity === true ? this.deps.now() : s.timestamp,
        windowSeconds: DEFAULT_METRIC_WINDOW_SECONDS,
      },
    ]);
  }

  async getExternalMetric(q: ExternalMetricQuery, signal?: AbortSignal): Promise<MetricsResult<ExternalMetricValue>> {
    const reg = await this.registry('external');
    if (!reg.ok) return reg;
    let info = reg.value.lookupExternal(q.metricName);
    if (info === undefined && (await this.discovery.refreshAfterMiss())) {
      const again = await this.registry('external');
      if (again.ok) info = again.value.lookupExternal(q.metricName);
    }
    if (info === undefined) {
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
    return externalValues(info, this.api, q, this.deps.now(), signal);
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
  private async lookup(info: CustomMetricInfo): Promise<Result<SeriesInfo | undefined, MetricsApiError>> {
    const reg = await this.registry('custom');
    if (!reg.ok) return reg;
    const found = reg.value.lookupCustom(info);
    if (found !== undefined || !(await this.discovery.refreshAfterMiss())) return ok(found);
    const again = await this.registry('custom');
    return again.ok ? ok(again.value.lookupCustom(info)) : again;
  }

  private async listPods(
    api: 'resource' | 'custom',
    namespace: string,
    selector: ResourceMetricsQuery['podSelector'],
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

  private async vector(
    api: 'custom',
    promql: string,
    signal?: AbortSignal,
  ): Promise<Result<readonly PromSample[], MetricsApiError>> {
    const res = await this.api.query(promql, this.deps.now(), signal);
    if (!res.ok) return err(apiError(res.error.kind, api, promql, res.error.message, res.error.status));
    if (res.value.resultType !== 'vector')
      return err(
        apiError(
          'Malformed',
          api,
          promql,
          `unexpected results from prometheus: expected vector, got ${res.value.resultType}`,
        ),
      );
    return ok(res.value.samples);
  }

  private customValue(s: PromSample, promql: string): Result<ObjectMetricValue['value'], MetricsApiError> {
    // the adapter reports NaN as 0 for custom metrics; without parity it is an error worth seeing
    const v = Number.isNaN(s.value) && this.opts.adapterParity === true ? 0 : s.value;
    const q = quantityOf(v);
    if (q === undefined)
      return err(
        apiError(
          'Malformed',
          'custom',
          promql,
          `sample value ${s.text} of ${describeLabels(s.labels)} is not a number a custom metric can carry`,
        ),
      );
    return ok(q);
  }
}
