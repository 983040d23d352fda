/**
 * A MetricsClient (port.ts) answering from a recording (format.ts), at the time its clock says:
 * the last sample at or before now. `hpa-ts replay` runs the real controller on it in virtual time.
 *
 * The replayed workload may run a different number of pods than the recorded one (a what-if
 * scales differently). A per-pod sample is handed out as recorded when the replay has as many
 * pods as the recording saw (in the lister's order: oldest first); otherwise the recorded total is
 * shared evenly by the replay's pods — the load is conserved, the pods split it.
 */
import { Quantity, err, ok, type MetricsApiError, type Result } from '../../algorithms/index.js';
import type * as port from '../port.js';
import { apiError } from '../shared/errors.js';
import type { RecordedRow, RecordedType, Recording } from './format.js';

interface Sample {
  /** ms since the recording's start */
  readonly atMs: number;
  readonly rows: readonly RecordedRow[];
}

export function sampleKey(type: RecordedType, metric: string, selector: string): string {
  return `${type}|${metric}|${selector}`;
}

/** The recording's samples by key, in time order. */
export function indexRecording(rec: Recording): ReadonlyMap<string, readonly Sample[]> {
  const index = new Map<string, Sample[]>();
  for (const r of rec.rows) {
    const key = sampleKey(r.type, r.metric, r.selector);
    const atMs = Math.round(r.t * 1000);
    let list = index.get(key);
    if (list === undefined) index.set(key, (list = []));
    const last = list[list.length - 1];
    if (last !== undefined && last.atMs === atMs) (last.rows as RecordedRow[]).push(r);
    else list.push({ atMs, rows: [r] });
  }
  return index;
}

export interface RecordedClientOptions {
  /** the instant (ms) the recording's time 0 is replayed at */
  readonly start: number;
  readonly now: () => number;
  /** the replay's pods, oldest first */
  readonly listPods: port.PodLister;
}

/** A recorded value of one pod, or null for a pod seen without one. */
export interface PodValue {
  readonly pod: port.ListedPod;
  readonly value: Quantity | null;
}

/** The sample's values handed to `pods` (see the file comment). */
export function distribute(rows: readonly RecordedRow[], pods: readonly port.ListedPod[]): PodValue[] {
  if (pods.length === rows.length) return pods.map((pod, i) => ({ pod, value: rows[i].value }));
  if (pods.length === 0) return [];
  const totalMilli = rows.reduce((s, r) => s + (r.value?.milliValue() ?? 0n), 0n);
  const share = Quantity.fromMilli(totalMilli / BigInt(pods.length));
  return pods.map((pod) => ({ pod, value: share }));
}

export class RecordedMetricsClient implements port.MetricsClient {
  private readonly index: ReadonlyMap<string, readonly Sample[]>;

  constructor(
    recording: Recording,
    private readonly opts: RecordedClientOptions,
  ) {
    this.index = indexRecording(recording);
  }

  /** The rows of the last sample of `key` at or before now; undefined when the key was never recorded. */
  private current(key: string): readonly RecordedRow[] | undefined {
    const samples = this.index.get(key);
    if (samples === undefined) return undefined;
    const elapsed = this.opts.now() - this.opts.start;
    // binary search: the last sample at or before elapsed (a day at 15 s steps is 5760 samples)
    let lo = 0;
    let hi = samples.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (samples[mid].atMs <= elapsed) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? [] : samples[lo - 1].rows;
  }

  /** The rows of `key` now: undefined when never recorded, an error when nothing was answered then. */
  private answer(
    api: MetricsApiError['api'],
    key: string,
    what: string,
  ): Result<readonly RecordedRow[], MetricsApiError> | undefined {
    const rows = this.current(key);
    if (rows === undefined) return undefined;
    if (rows.length === 0 || rows.every((r) => r.pod === '' && r.value === null)) {
      const t = (this.opts.now() - this.opts.start) / 1000;
      return err(apiError('Unavailable', api, `recording:${what}`, `no value of ${what} recorded at ${t}s`, 503));
    }
    return ok(rows);
  }

  private notRecorded(api: MetricsApiError['api'], what: string): port.MetricsResult<never> {
    return err(apiError('NotFound', api, `recording:${what}`, `${what} is not in the recording`, 404));
  }

  async getResourceMetrics(q: port.ResourceMetricsQuery): Promise<port.MetricsResult<port.PodResourceUsage>> {
    const pods = await this.opts.listPods(q.namespace, q.podSelector);
    const usage = new Map<string, Map<string, Record<string, Quantity>>>(); // pod → container → resource → value
    let recorded = false;
    for (const [key, samples] of this.index) {
      const [type, metric] = key.split('|');
      if (type !== 'Resource' && type !== 'ContainerResource') continue;
      recorded = true;
      const [container, resource] = type === 'Resource' ? ['app', metric] : metric.split('/');
      const rows = this.answer('resource', key, `resource metric ${metric}`);
      if (rows === undefined || samples.length === 0) continue;
      if (!rows.ok) return rows;
      for (const { pod, value } of distribute(rows.value, pods)) {
        if (value === null) continue;
        let containers = usage.get(pod.name);
        if (containers === undefined) usage.set(pod.name, (containers = new Map()));
        containers.set(container, { ...(containers.get(container) ?? {}), [resource]: value });
      }
    }
    if (!recorded) return this.notRecorded('resource', `resource metrics of ${q.namespace}`);
    const now = this.opts.now();
    return ok(
      pods.flatMap((pod) => {
        const containers = usage.get(pod.name);
        if (containers === undefined) return [];
        return [
          {
            pod: pod.name,
            namespace: q.namespace,
            labels: pod.labels,
            timestamp: now,
            windowSeconds: 30,
            containers: [...containers].map(([name, u]) => ({ name, usage: u })),
          },
        ];
      }),
    );
  }

  async getPodsMetric(q: port.PodsMetricQuery): Promise<port.MetricsResult<port.PodMetricValue>> {
    const what = `Pods metric ${q.metricName}`;
    const rows = this.answer('custom', sampleKey('Pods', q.metricName, q.metricSelector.toString()), what);
    if (rows === undefined) return this.notRecorded('custom', what);
    if (!rows.ok) return rows;
    const pods = await this.opts.listPods(q.namespace, q.podSelector);
    const now = this.opts.now();
    return ok(
      distribute(rows.value, pods).flatMap(({ pod, value }) =>
        value === null ? [] : [{ pod: pod.name, value, timestamp: now, windowSeconds: 60 }],
      ),
    );
  }

  getObjectMetric(q: port.ObjectMetricQuery): Promise<port.MetricsResult<port.ObjectMetricValue>> {
    const what = `Object metric ${q.metricName}`;
    const rows = this.answer('custom', sampleKey('Object', q.metricName, q.metricSelector.toString()), what);
    if (rows === undefined) return Promise.resolve(this.notRecorded('custom', what));
    if (!rows.ok) return Promise.resolve(rows);
    const now = this.opts.now();
    return Promise.resolve(
      ok(rows.value.flatMap((r) => (r.value === null ? [] : [{ value: r.value, timestamp: now, windowSeconds: 60 }]))),
    );
  }

  getExternalMetric(q: port.ExternalMetricQuery): Promise<port.MetricsResult<port.ExternalMetricValue>> {
    const what = `External metric ${q.metricName}`;
    const rows = this.answer('external', sampleKey('External', q.metricName, q.metricSelector.toString()), what);
    if (rows === undefined) return Promise.resolve(this.notRecorded('external', what));
    if (!rows.ok) return Promise.resolve(rows);
    const now = this.opts.now();
    return Promise.resolve(
      ok(rows.value.flatMap((r) => (r.value === null ? [] : [{ value: r.value, timestamp: now }]))),
    );
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
