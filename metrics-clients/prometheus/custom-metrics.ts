/**
 * Custom metrics of named objects of one resource, as prometheus-adapter's custom provider answers
 * GetMetricByName and GetMetricBySelector (pkg/custom-provider/provider.go): the registered rule's
 * query for the names, run at now; each sample matched to an object by the resource's label
 * (MatchValuesToNames); values converted as the adapter converts them. The `prometheus` client
 * and the simulator's served custom metrics API both answer through here.
 */
import { type MetricsApiError, type Quantity, type Result, type Selector, err, ok } from '../../algorithms/index.js';
import { type GroupResource, qualifiedResource } from '../../transport/index.js';
import { apiError } from '../shared/errors.js';
import type { PromSample, PrometheusQueryApi } from './http-api.js';
import type { SeriesInfo } from './series-registry.js';
import { describeLabels, matchByLabel, quantityOf } from './values.js';

export interface CustomValuesQuery {
  readonly resource: GroupResource;
  /** the objects' namespace; '' for root-scoped resources (namespaces, nodes) */
  readonly namespace: string;
  readonly names: readonly string[];
  readonly metric: string;
  readonly metricSelector: Selector;
}

export interface CustomValue {
  readonly value: Quantity;
  /** epoch ms */
  readonly timestamp: number;
}

export interface CustomValues {
  /** the PromQL sent */
  readonly query: string;
  /** the label naming the resource in the samples */
  readonly label: string;
  /** how many samples Prometheus returned, matched or not */
  readonly sampleCount: number;
  /** value per requested name that has one */
  readonly values: ReadonlyMap<string, CustomValue>;
}

export interface CustomValuesContext {
  readonly api: PrometheusQueryApi;
  readonly now: number;
  /** NaN becomes 0 and timestamps are "now", as the adapter does */
  readonly adapterParity: boolean;
  readonly signal?: AbortSignal;
}

/** provider.NewMetricNotFoundError, optionally with why no query could be made. */
function metricNotFound(q: CustomValuesQuery, why?: string): MetricsApiError {
  const target = qualifiedResource(q.resource);
  const suffix = why === undefined ? '' : `: ${why}`;
  return apiError(
    'NotFound',
    'custom',
    q.metric,
    `the server could not find the metric ${q.metric} for ${target}${suffix}`,
    404,
  );
}

/** Runs `promql` at now; anything but an instant vector is an error. */
export async function instantVector(
  ctx: CustomValuesContext,
  promql: string,
): Promise<Result<readonly PromSample[], MetricsApiError>> {
  const res = await ctx.api.query(promql, ctx.now, ctx.signal);
  if (!res.ok) return err(apiError(res.error.kind, 'custom', promql, res.error.message, res.error.status));
  if (res.value.resultType !== 'vector')
    return err(
      apiError(
        'Malformed',
        'custom',
        promql,
        `unexpected results from prometheus: expected vector, got ${res.value.resultType}`,
      ),
    );
  return ok(res.value.samples);
}

function customValue(s: PromSample, promql: string, adapterParity: boolean): Result<Quantity, MetricsApiError> {
  // the adapter reports NaN as 0 for custom metrics; without parity it is an error worth seeing
  const q = quantityOf(Number.isNaN(s.value) && adapterParity ? 0 : s.value);
  if (q !== undefined) return ok(q);
  return err(
    apiError(
      'Malformed',
      'custom',
      promql,
      `sample value ${s.text} of ${describeLabels(s.labels)} is not a number a custom metric can carry`,
    ),
  );
}

/** The values of `q.names` from the registered series `found` (undefined: the metric is not registered). */
export async function customValues(
  found: SeriesInfo | undefined,
  q: CustomValuesQuery,
  ctx: CustomValuesContext,
): Promise<Result<CustomValues, MetricsApiError>> {
  if (found === undefined || q.names.length === 0) return err(metricNotFound(q));
  const query = await found.namer.queryForSeries(found.seriesName, q.resource, q.namespace, q.metricSelector, q.names);
  if (!query.ok) return err(metricNotFound(q, query.error));
  const samples = await instantVector(ctx, query.value);
  if (!samples.ok) return samples;
  const label = await found.namer.converter.labelForResource(q.resource);
  if (!label.ok) return err(metricNotFound(q, label.error));
  const byName = matchByLabel(samples.value, label.value);
  const values = new Map<string, CustomValue>();
  for (const name of q.names) {
    const s = byName.get(name);
    if (s === undefined) continue; // the HPA treats objects without a value as missing
    const value = customValue(s, query.value, ctx.adapterParity);
    if (!value.ok) return value;
    values.set(name, { value: value.value, timestamp: ctx.adapterParity ? ctx.now : s.timestamp });
  }
  return ok({ query: query.value, label: label.value, sampleCount: samples.value.length, values });
}
