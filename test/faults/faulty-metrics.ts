/**
 * External metrics that misbehave on command, through the real parsers: metrics named `api_*`
 * arrive as external.metrics.k8s.io bodies decoded by the apiserver adapter's decoder; metrics
 * named `prom_*` as Prometheus answers decoded by the Prometheus API decoder and turned into
 * values by the real adapter engine (PrometheusMetricsClient, an external rule). A fault makes
 * the next answers of one metric fail, arrive late, come back partial, hold NaN, ±Inf, negative
 * or hour-old samples, or be garbage.
 */
import { type ExternalMetricValue, type MetricsResult, Quantity, err } from '../../algorithms/index.js';
import { StaticRestMapper } from '../../transport/index.js';
import { decodeExternalMetricValueList } from '../../metrics-clients/apiserver/decode.js';
import { parseAdapterConfig } from '../../metrics-clients/prometheus/adapter-config.js';
import { PrometheusMetricsClient } from '../../metrics-clients/prometheus/client.js';
import {
  decodePromBody,
  decodePromQueryData,
  type PromFailure,
  type PromQueryResult,
  type PrometheusQueryApi,
} from '../../metrics-clients/prometheus/http-api.js';
import type { Series } from '../../metrics-clients/prometheus/namer.js';
import { apiError, kindForStatus } from '../../metrics-clients/shared/errors.js';
import { silentLogger } from '../../metrics-clients/shared/observe.js';
import type { ExternalMetricQuery, MetricsClient } from '../../metrics-clients/port.js';
import type { Result } from '../../algorithms/index.js';
import type { VirtualClock } from '../../simulator/clock.js';

export const MetricFault = {
  Error: 'error',
  Slow: 'slow',
  Partial: 'partial',
  NaN: 'nan',
  Inf: 'inf',
  Negative: 'negative',
  Stale: 'stale',
  Garbage: 'garbage',
} as const;
export type MetricFault = (typeof MetricFault)[keyof typeof MetricFault];

interface ActiveFault {
  readonly fault: MetricFault;
  remaining: number;
  /** for Error: the HTTP status; for Slow: the delay in ms; for Garbage: the text */
  readonly arg: number | string;
}

const ADAPTER_RULES = `externalRules:
- seriesQuery: '{__name__=~"^prom_.*"}'
  resources:
    overrides:
      namespace: {resource: namespace}
  metricsQuery: 'sum(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)'
`;

export class FaultyMetrics implements MetricsClient {
  /** metric name → its true value in milli-units */
  readonly values = new Map<string, bigint>();
  private readonly faults = new Map<string, ActiveFault>();
  /** virtual start time of every answer in flight */
  readonly inFlight = new Set<{ readonly since: number }>();
  private prom: PrometheusMetricsClient | undefined;

  constructor(
    private readonly clock: VirtualClock,
    /** told of every metric answer that was an error */
    private readonly onFailure: (metricName: string) => void,
  ) {}

  /** Compiles the adapter rule (once, before the controller starts). */
  async init(): Promise<void> {
    const cfg = parseAdapterConfig(ADAPTER_RULES, 'faults-adapter.yaml');
    if (!cfg.ok) throw new Error(cfg.error.message);
    const p = await PrometheusMetricsClient.create(
      cfg.value,
      new FaultyPrometheus(this),
      { relistOnMissMs: 0 },
      { now: () => this.clock.now(), restMapper: new StaticRestMapper(), logger: silentLogger },
    );
    if (!p.ok) throw new Error(p.error);
    this.prom = p.value;
  }

  inject(metric: string, fault: MetricFault, times: number, arg: number | string): void {
    this.faults.set(metric, { fault, remaining: times, arg });
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** The fault this answer of `metric` carries, consuming one use. */
  takeFault(metric: string): ActiveFault | undefined {
    const f = this.faults.get(metric);
    if (f === undefined) return undefined;
    if (--f.remaining <= 0) this.faults.delete(metric);
    return f;
  }

  async delay(f: ActiveFault | undefined): Promise<void> {
    if (f?.fault !== MetricFault.Slow) return;
    const call = { since: this.clock.monotonicNow() };
    this.inFlight.add(call);
    try {
      await this.clock.sleep(f.arg as number);
    } finally {
      this.inFlight.delete(call);
    }
  }

  async getExternalMetric(q: ExternalMetricQuery): Promise<MetricsResult<ExternalMetricValue>> {
    const r = q.metricName.startsWith('prom_') ? await this.promClient().getExternalMetric(q) : await this.apiserver(q);
    if (!r.ok) this.onFailure(q.metricName);
    return r;
  }

  private promClient(): PrometheusMetricsClient {
    if (this.prom === undefined) throw new Error('FaultyMetrics.init() was not awaited');
    return this.prom;
  }

  /** What the apiserver adapter does with an external.metrics.k8s.io answer. */
  private async apiserver(q: ExternalMetricQuery): Promise<MetricsResult<ExternalMetricValue>> {
    const path = `/apis/external.metrics.k8s.io/v1beta1/namespaces/${q.namespace}/${q.metricName}`;
    const f = this.takeFault(q.metricName);
    await this.delay(f);
    if (f?.fault === MetricFault.Error) {
      const status = f.arg as number;
      return err(
        apiError(
          kindForStatus(status),
          'external',
          path,
          'the server is currently unable to handle the request',
          status,
        ),
      );
    }
    const text = f?.fault === MetricFault.Garbage ? (f.arg as string) : this.externalBody(q.metricName, f?.fault);
    const items = decodeExternalMetricValueList(text);
    return items.ok ? items : err(apiError('Malformed', 'external', path, items.error));
  }

  private externalBody(metric: string, fault: MetricFault | undefined): string {
    const milli = this.values.get(metric) ?? 0n;
    const value =
      fault === MetricFault.NaN
        ? 'NaN'
        : fault === MetricFault.Inf
          ? '+Inf'
          : fault === MetricFault.Negative
            ? `-${Quantity.fromMilli(milli + 1n).toString()}`
            : Quantity.fromMilli(milli).toString();
    const at = fault === MetricFault.Stale ? this.clock.now() - 3_600_000 : this.clock.now();
    const item = {
      metricName: metric,
      metricLabels: {},
      timestamp: new Date(at).toISOString().replace(/\.\d+Z$/, 'Z'),
      value,
    };
    return JSON.stringify({
      kind: 'ExternalMetricValueList',
      apiVersion: 'external.metrics.k8s.io/v1beta1',
      metadata: {},
      items: fault === MetricFault.Partial ? [] : [item],
    });
  }

  close(): Promise<void> {
    return this.prom?.close() ?? Promise.resolve();
  }

  getResourceMetrics(): never {
    throw new Error('the fault suite uses external metrics only');
  }

  getPodsMetric(): never {
    throw new Error('the fault suite uses external metrics only');
  }

  getObjectMetric(): never {
    throw new Error('the fault suite uses external metrics only');
  }
}

/** Prometheus answering from FaultyMetrics' table, as body text through the real decoders. */
class FaultyPrometheus implements PrometheusQueryApi {
  constructor(private readonly m: FaultyMetrics) {}

  series(): Promise<Result<Series[], PromFailure>> {
    const series = [...this.m.values.keys()]
      .filter((n) => n.startsWith('prom_'))
      .map((name) => ({ name, labels: ['namespace'] }));
    return Promise.resolve({ ok: true, value: series });
  }

  async query(promql: string, timeMs: number): Promise<Result<PromQueryResult, PromFailure>> {
    const metric = /prom_[a-z0-9_]+/.exec(promql)?.[0] ?? '';
    const f = this.m.takeFault(metric);
    await this.m.delay(f);
    const [code, text] = this.answer(metric, timeMs, f);
    const data = decodePromBody(code, text);
    return data.ok ? decodePromQueryData(data.value) : data;
  }

  private answer(metric: string, timeMs: number, f: { fault: MetricFault; arg: number | string } | undefined) {
    if (f?.fault === MetricFault.Error) {
      const code = f.arg as number;
      return [
        code,
        JSON.stringify({ status: 'error', errorType: code >= 500 ? 'unavailable' : 'bad_data', error: 'injected' }),
      ] as const;
    }
    if (f?.fault === MetricFault.Garbage) return [200, f.arg as string] as const;
    const milli = this.m.values.get(metric) ?? 0n;
    const text =
      f?.fault === MetricFault.NaN
        ? 'NaN'
        : f?.fault === MetricFault.Inf
          ? '+Inf'
          : f?.fault === MetricFault.Negative
            ? String(-Number(milli + 1n) / 1000)
            : String(Number(milli) / 1000);
    const at = (f?.fault === MetricFault.Stale ? timeMs - 3_600_000 : timeMs) / 1000;
    const result = f?.fault === MetricFault.Partial ? [] : [{ metric: { namespace: 'default' }, value: [at, text] }];
    return [200, JSON.stringify({ status: 'success', data: { resultType: 'vector', result } })] as const;
  }

  close(): void {
    // nothing held
  }
}
