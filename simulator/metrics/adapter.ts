/**
 * prometheus-adapter over the simulator's Tsdb. The rules engine is the metrics client's own
 * (metrics-clients' PrometheusMetricsClient: rule compilation, series discovery and naming, the
 * series registry, Go templates, query building, value conversion), asked in process through
 * TsdbPrometheusApi instead of over HTTP — so the custom and external metrics APIs the simulator
 * serves are exactly what the `prometheus` client computes from the same rules. Settings are the
 * adapter's: values as it converts them (NaN → 0, timestamps "now"), series relisted every 10
 * minutes of simulated time and, for a metric not seen yet, early at most every 5 s (so a new
 * workload's metric is found at its HPA's first query). Failures become the Status the adapter
 * would answer with.
 */
import { type Quantity, type Result, type Selector, err, ok } from '../../algorithms/index.js';
import {
  PrometheusMetricsClient,
  StaticRestMapper,
  silentLogger,
  type AdapterConfig,
  type CustomValue,
  type GroupResource,
  type MetricsClient,
} from '../../metrics-clients/index.js';
import type { MetricsApiError } from '../../algorithms/index.js';
import { TsdbPrometheusApi } from './tsdb-api.js';
import type { Labels, Tsdb } from './tsdb.js';

/** A metav1.Status the served API answers with. */
export interface AdapterFailure {
  readonly status: number;
  readonly reason: string;
  readonly message: string;
}

export interface ExternalSample {
  readonly labels: Labels;
  readonly value: Quantity;
  readonly timestamp: number;
}

const RELIST_MS = 600_000;
const RELIST_ON_MISS_MS = 5_000;

/** The Status the adapter answers for an engine error: its own 404s as they are, the rest as internal errors. */
function asStatus(e: MetricsApiError): AdapterFailure {
  if (e.status === 404) return { status: 404, reason: 'NotFound', message: e.message };
  const message = e.status === 500 ? e.message : `Internal error occurred: unable to fetch metrics: ${e.message}`;
  return { status: 500, reason: 'InternalError', message };
}

export class AdapterEmulator {
  private readonly engine: Promise<Result<PrometheusMetricsClient, string>>;

  constructor(
    readonly config: AdapterConfig,
    tsdb: Tsdb,
    now: () => number,
  ) {
    this.engine = PrometheusMetricsClient.create(
      config,
      new TsdbPrometheusApi(tsdb, now),
      { relistIntervalMs: RELIST_MS, maxAgeMs: RELIST_MS, relistOnMissMs: RELIST_ON_MISS_MS, adapterParity: true },
      { now, restMapper: new StaticRestMapper(), logger: silentLogger },
    );
  }

  /** Whether every rule compiled; the error names the rule. */
  async ready(): Promise<Result<MetricsClient, string>> {
    return this.engine;
  }

  /** Per-object values of a custom metric for the named objects of one resource (pods, services, …). */
  async queryObjects(
    metric: string,
    resource: GroupResource,
    namespace: string | undefined,
    names: readonly string[],
    metricSelector: Selector,
  ): Promise<Result<ReadonlyMap<string, CustomValue>, AdapterFailure>> {
    const engine = await this.compiled();
    if (!engine.ok) return engine;
    const r = await engine.value.customValues({ resource, namespace: namespace ?? '', names, metric, metricSelector });
    return r.ok ? ok(r.value.values) : err(asStatus(r.error));
  }

  /** An external metric's series values (externalRules). */
  async queryExternal(
    metric: string,
    namespace: string,
    metricSelector: Selector,
  ): Promise<Result<ExternalSample[], AdapterFailure>> {
    const engine = await this.compiled();
    if (!engine.ok) return engine;
    const r = await engine.value.getExternalMetric({ namespace, metricName: metric, metricSelector });
    if (!r.ok) return err(asStatus(r.error));
    return ok(r.value.map((v) => ({ labels: v.labels ?? {}, value: v.value, timestamp: v.timestamp })));
  }

  /** What the adapter's discovery lists: `resource/metric` for custom metrics, names for external ones. */
  async listMetrics(): Promise<{ custom: string[]; external: string[] }> {
    const engine = await this.compiled();
    if (!engine.ok) return { custom: [], external: [] };
    const r = await engine.value.listMetrics();
    return r.ok ? r.value : { custom: [], external: [] };
  }

  private async compiled(): Promise<Result<PrometheusMetricsClient, AdapterFailure>> {
    const engine = await this.engine;
    if (engine.ok) return engine;
    return err({ status: 500, reason: 'InternalError', message: `adapter rules: ${engine.error}` });
  }
}
