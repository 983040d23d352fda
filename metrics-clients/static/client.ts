/**
 * The `static` adapter: answers from StaticMetricsData (a file or an in-memory recording) at the
 * time the injected clock gives, so the same file drives a real-time dry run and a virtual-time
 * replay. Selectors are applied as the real APIs apply them (pod labels for the pod selector,
 * series labels for metric selectors); unknown metrics are NotFound with the wording the metrics
 * adapters use, known metrics with no matching series are empty lists.
 */
import type * as port from '../port.js';
import { type MetricsApiError, err, ok } from '../../algorithms/index.js';
import { apiError } from '../shared/errors.js';
import { BUILTIN_RESOURCES, findKind, groupOfApiVersion, qualifiedResource } from '../../transport/index.js';
import type { StaticMetricsData, StaticSeries, StaticState } from './format.js';

export class StaticMetricsClient implements port.MetricsClient {
  private readonly epoch: number;

  constructor(
    private readonly data: StaticMetricsData,
    private readonly now: () => number,
  ) {
    this.epoch = data.epoch ?? now();
  }

  /** The state of one series at time t: the base, then every step reached (values carry forward). */
  private stateAt<V, K>(s: StaticSeries<V, K>, t: number): StaticState<V> {
    let elapsed = t - this.epoch;
    if (this.data.loopMs !== undefined && elapsed >= 0) elapsed %= this.data.loopMs;
    let state = s.base;
    for (const step of s.steps) {
      const reached = step.absolute ? t >= step.at : elapsed >= step.at;
      if (!reached) continue;
      const value = step.value ?? state.value;
      state = {
        ...(value === undefined ? {} : { value }),
        ...(step.missing === true ? { missing: true } : {}),
        ...(step.error === undefined ? {} : { error: step.error }),
      };
    }
    return state;
  }

  /** Present values of the matching series, or the first scripted failure. */
  private collect<V, K>(
    series: readonly StaticSeries<V, K>[],
    api: MetricsApiError['api'],
    path: string,
    t: number,
  ): port.MetricsResult<{ key: K; value: V }> {
    const out: Array<{ key: K; value: V }> = [];
    for (const s of series) {
      const st = this.stateAt(s, t);
      if (st.error !== undefined) return err(apiError(st.error.kind, api, path, st.error.message));
      if (st.missing === true || st.value === undefined) continue;
      out.push({ key: s.key, value: st.value });
    }
    return ok(out);
  }

  getResourceMetrics(q: port.ResourceMetricsQuery): Promise<port.MetricsResult<port.PodResourceUsage>> {
    const t = this.now();
    const path = `static:resource/${q.namespace}`;
    const matching = this.data.resource.filter(
      (s) => s.key.namespace === q.namespace && q.podSelector.matches(s.key.labels),
    );
    const got = this.collect(matching, 'resource', path, t);
    if (!got.ok) return Promise.resolve(got);
    return Promise.resolve(
      ok(
        got.value.map(({ key, value }) => ({
          pod: key.pod,
          namespace: key.namespace,
          labels: key.labels,
          timestamp: t,
          windowSeconds: key.windowSeconds,
          containers: value,
        })),
      ),
    );
  }

  getPodsMetric(q: port.PodsMetricQuery): Promise<port.MetricsResult<port.PodMetricValue>> {
    const t = this.now();
    const path = `static:pods/${q.namespace}/${q.metricName}`;
    const known = this.data.pods.filter((s) => s.key.namespace === q.namespace && s.key.metric === q.metricName);
    if (known.length === 0)
      return Promise.resolve(
        err(apiError('NotFound', 'custom', path, `the server could not find the metric ${q.metricName} for pods`, 404)),
      );
    const matching = known.filter(
      (s) => q.podSelector.matches(s.key.labels) && q.metricSelector.matches(s.key.metricLabels),
    );
    const got = this.collect(matching, 'custom', path, t);
    if (!got.ok) return Promise.resolve(got);
    return Promise.resolve(
      ok(got.value.map(({ key, value }) => ({ pod: key.pod, value, timestamp: t, windowSeconds: key.windowSeconds }))),
    );
  }

  getObjectMetric(q: port.ObjectMetricQuery): Promise<port.MetricsResult<port.ObjectMetricValue>> {
    const t = this.now();
    const { kind, name } = q.describedObject;
    const group = groupOfApiVersion(q.describedObject.apiVersion);
    const path = `static:objects/${q.namespace}/${kind}/${name}/${q.metricName}`;
    const matching = this.data.objects.filter(
      (s) =>
        s.key.namespace === q.namespace &&
        s.key.metric === q.metricName &&
        s.key.kind === kind &&
        // a Namespace metric ignores the object's name, as upstream does
        (kind === 'Namespace' || s.key.name === name) &&
        (s.key.group === undefined || s.key.group === group) &&
        q.metricSelector.matches(s.key.metricLabels),
    );
    if (matching.length === 0) {
      const known = findKind(BUILTIN_RESOURCES, group, kind);
      const resource = known.ok ? qualifiedResource(known.value) : `${kind.toLowerCase()}s`;
      return Promise.resolve(
        err(
          apiError(
            'NotFound',
            'custom',
            path,
            `the server could not find the metric ${q.metricName} for ${resource} ${name}`,
            404,
          ),
        ),
      );
    }
    const got = this.collect(matching, 'custom', path, t);
    if (!got.ok) return Promise.resolve(got);
    return Promise.resolve(
      ok(got.value.map(({ key, value }) => ({ value, timestamp: t, windowSeconds: key.windowSeconds }))),
    );
  }

  getExternalMetric(q: port.ExternalMetricQuery): Promise<port.MetricsResult<port.ExternalMetricValue>> {
    const t = this.now();
    const path = `static:external/${q.namespace}/${q.metricName}`;
    const known = this.data.external.filter(
      (s) => s.key.metric === q.metricName && (s.key.namespace === undefined || s.key.namespace === q.namespace),
    );
    if (known.length === 0)
      return Promise.resolve(
        err(
          apiError(
            'NotFound',
            'external',
            path,
            `the server could not find the metric ${q.metricName} for namespaces`,
            404,
          ),
        ),
      );
    const got = this.collect(
      known.filter((s) => q.metricSelector.matches(s.key.labels)),
      'external',
      path,
      t,
    );
    if (!got.ok) return Promise.resolve(got);
    return Promise.resolve(
      ok(
        got.value.map(({ key, value }) => ({
          value,
          timestamp: t,
          labels: key.labels,
          ...(key.windowSeconds === undefined ? {} : { windowSeconds: key.windowSeconds }),
        })),
      ),
    );
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
