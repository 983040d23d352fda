/**
 * External metrics from `externalRules` (pkg/external-provider): the rule's query with the metric
 * selector (and the namespace unless `namespaced: false`), run at now; every sample of a vector —
 * or the one scalar — becomes an item with its labels and its own timestamp.
 */
import { type ExternalMetricValue, type MetricsResult, err, ok } from '../../algorithms/index.js';
import type { ExternalMetricQuery } from '../port.js';
import { apiError } from '../shared/errors.js';
import type { PrometheusQueryApi } from './http-api.js';
import type { SeriesInfo } from './series-registry.js';
import { describeLabels, quantityOf } from './values.js';

export async function externalValues(
  info: SeriesInfo,
  api: PrometheusQueryApi,
  q: ExternalMetricQuery,
  now: number,
  signal?: AbortSignal,
): Promise<MetricsResult<ExternalMetricValue>> {
  const query = await info.namer.queryForExternalSeries(info.seriesName, q.namespace, q.metricSelector);
  if (!query.ok)
    return err(
      apiError(
        'Internal',
        'external',
        q.metricName,
        `Internal error occurred: unable to fetch metrics: ${query.error}`,
        500,
      ),
    );
  const res = await api.query(query.value, now, signal);
  if (!res.ok) return err(apiError(res.error.kind, 'external', query.value, res.error.message, res.error.status));
  const samples =
    res.value.resultType === 'vector'
      ? res.value.samples
      : res.value.resultType === 'scalar'
        ? [res.value.sample]
        : undefined;
  if (samples === undefined)
    return err(
      apiError(
        'Malformed',
        'external',
        query.value,
        `encountered an unexpected query result type ${res.value.resultType}`,
      ),
    );
  const items: ExternalMetricValue[] = [];
  for (const s of samples) {
    const value = quantityOf(s.value);
    if (value === undefined)
      return err(
        apiError(
          'Malformed',
          'external',
          query.value,
          `sample value ${s.text} of ${describeLabels(s.labels)} is not a number an external metric can carry`,
        ),
      );
    items.push({ value, timestamp: s.timestamp, labels: s.labels });
  }
  return ok(items);
}
