/**
 * A MetricsClient that passes every question to another and writes down what the controller was
 * told, in the recorded format (format.ts): `hpa-ts simulate --record FILE` records a run this way
 * so that `hpa-ts replay` can play it again. Per-pod answers are recorded for every pod the
 * lister shows (a pod without a value gets an empty one), so missing pods replay as missing.
 */
import { Quantity } from '../../algorithms/index.js';
import type * as port from '../port.js';
import type { RecordedRow, RecordedType, Recording } from './format.js';

export interface RecorderOptions {
  /** the instant (ms) the recording's time 0 is */
  readonly start: number;
  readonly now: () => number;
  /** the pods the controller sees, oldest first */
  readonly listPods: port.PodLister;
  /** requests of a pod's containers (container → resource → quantity), for Utilization targets */
  readonly requestsOf?: (namespace: string, pod: string) => ReadonlyMap<string, Readonly<Record<string, Quantity>>>;
}

export class RecordingMetricsClient implements port.MetricsClient {
  private readonly rows: RecordedRow[] = [];

  constructor(
    private readonly inner: port.MetricsClient,
    private readonly opts: RecorderOptions,
  ) {}

  /** Everything recorded so far, in time order. */
  recording(): Recording {
    return { rows: [...this.rows] };
  }

  private elapsed(): number {
    return Math.round(this.opts.now() - this.opts.start) / 1000;
  }

  private push(
    type: RecordedType,
    metric: string,
    selector: string,
    pod: string,
    value: Quantity | null,
    request: Quantity | null = null,
  ): void {
    this.rows.push({ t: this.elapsed(), type, metric, selector, pod, value, request });
  }

  async getResourceMetrics(q: port.ResourceMetricsQuery): Promise<port.MetricsResult<port.PodResourceUsage>> {
    const r = await this.inner.getResourceMetrics(q);
    if (q.resource === undefined) return r;
    const resource = q.resource;
    const type: RecordedType = q.container === undefined ? 'Resource' : 'ContainerResource';
    const metric = q.container === undefined ? resource : `${q.container}/${resource}`;
    if (!r.ok) {
      this.push(type, metric, '', '', null);
      return r;
    }
    const pods = await this.opts.listPods(q.namespace, q.podSelector);
    for (const pod of pods) {
      const item = r.value.find((p) => p.pod === pod.name);
      const containers = (item?.containers ?? []).filter((c) => q.container === undefined || c.name === q.container);
      const values = containers.flatMap((c) => (c.usage[resource] === undefined ? [] : [c.usage[resource]]));
      const requests = [
        ...(this.opts.requestsOf?.(q.namespace, pod.name) ?? new Map<string, Record<string, Quantity>>()),
      ]
        .filter(([c]) => q.container === undefined || c === q.container)
        .flatMap(([, req]) => (req[resource] === undefined ? [] : [req[resource]]));
      this.push(
        type,
        metric,
        '',
        pod.name,
        item === undefined || values.length === 0 ? null : sum(values),
        requests.length === 0 ? null : sum(requests),
      );
    }
    return r;
  }

  async getPodsMetric(q: port.PodsMetricQuery): Promise<port.MetricsResult<port.PodMetricValue>> {
    const r = await this.inner.getPodsMetric(q);
    if (!r.ok) {
      this.push('Pods', q.metricName, q.metricSelector.toString(), '', null);
      return r;
    }
    const pods = await this.opts.listPods(q.namespace, q.podSelector);
    for (const pod of pods) {
      const v = r.value.find((p) => p.pod === pod.name);
      this.push('Pods', q.metricName, q.metricSelector.toString(), pod.name, v?.value ?? null);
    }
    return r;
  }

  async getObjectMetric(q: port.ObjectMetricQuery): Promise<port.MetricsResult<port.ObjectMetricValue>> {
    const r = await this.inner.getObjectMetric(q);
    const sel = q.metricSelector.toString();
    if (!r.ok || r.value.length === 0) this.push('Object', q.metricName, sel, '', null);
    else for (const v of r.value) this.push('Object', q.metricName, sel, '', v.value);
    return r;
  }

  async getExternalMetric(q: port.ExternalMetricQuery): Promise<port.MetricsResult<port.ExternalMetricValue>> {
    const r = await this.inner.getExternalMetric(q);
    // the HPA sums the series; one row keeps the recording small and replays the same sum
    const total = r.ok && r.value.length > 0 ? sum(r.value.map((v) => v.value)) : null;
    this.push('External', q.metricName, q.metricSelector.toString(), '', total);
    return r;
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

function sum(values: readonly Quantity[]): Quantity {
  return Quantity.fromMilli(values.reduce((a, b) => a + b.milliValue(), 0n));
}
