/**
 * What the chart shows, sampled on the shared clock every few seconds per HPA: the load offered
 * to its target, every metric of its spec (current and target, as the HPA status reports them),
 * and replicas (desired by the HPA, ready in the workload).
 */
import type { Clock } from '../../transport/clock.js';
import { Quantity } from '../../algorithms/index.js';
import { Resources, type ObjectStore, type WatchHandle } from '../apiserver/index.js';
import { asArray, asNumber, asObject, asString } from '../apiserver/json.js';
import type { KubeObject } from '../apiserver/types.js';
import { targetWorkload } from './timeline.js';

export interface MetricPoint {
  readonly current: number | null;
  readonly target: number | null;
}

export interface ChartPoint {
  /** seconds since the start */
  readonly t: number;
  readonly load: number;
  /** one per spec.metrics entry, in order */
  readonly metrics: readonly MetricPoint[];
  readonly desired: number;
  readonly ready: number;
}

export interface ChartSeries {
  readonly hpa: string;
  /** one per spec.metrics entry, in order */
  readonly metricLabels: readonly string[];
  readonly points: ChartPoint[];
}

function quantity(v: unknown): number | null {
  const q = Quantity.tryParse(v);
  return q.ok ? q.value.asApproximateFloat64() : null;
}

/** The i-th metric's name, and its current and target values in the same unit. */
export function metricAt(hpa: KubeObject, i: number): { label: string; current: number | null; target: number | null } {
  const spec = asObject(asArray(asObject(hpa.spec)?.metrics)[i]) ?? {};
  const status = asObject(asArray(asObject(hpa.status)?.currentMetrics)[i]) ?? {};
  const type = asString(spec.type) ?? '';
  const member = type === 'ContainerResource' ? 'containerResource' : type.toLowerCase();
  const s = asObject(spec[member]) ?? {};
  const c = asObject(asObject(status[member])?.current) ?? {};
  const target = asObject(s.target) ?? {};
  const name = asString(s.name) ?? asString(asObject(s.metric)?.name) ?? type;
  if (target.averageUtilization !== undefined) {
    return {
      label: `${name} utilization (%)`,
      current: asNumber(c.averageUtilization) ?? null,
      target: asNumber(target.averageUtilization) ?? null,
    };
  }
  if (target.averageValue !== undefined) {
    return {
      label: `${name} (average value)`,
      current: quantity(c.averageValue),
      target: quantity(target.averageValue),
    };
  }
  return { label: `${name} (value)`, current: quantity(c.value), target: quantity(target.value) };
}

/** The first metric (as metricAt); an HPA without metrics gives its type-less label and nulls. */
export function firstMetric(hpa: KubeObject): { label: string; current: number | null; target: number | null } {
  return metricAt(hpa, 0);
}

/** Every metric of the HPA's spec, in order (at least one entry, so a chart always has a metric plot). */
export function allMetrics(hpa: KubeObject): { label: string; current: number | null; target: number | null }[] {
  const count = Math.max(1, asArray(asObject(hpa.spec)?.metrics).length);
  return Array.from({ length: count }, (_, i) => metricAt(hpa, i));
}

export interface ChartRecorderOptions {
  readonly store: ObjectStore;
  readonly clock: Clock;
  /** the epoch the time axis counts from */
  readonly start: number;
  readonly stepMs: number;
  /** requests per second offered to a workload (`namespace/name`) */
  readonly loadOf: (workload: string) => number;
  /** Ready pods of a workload */
  readonly readyOf: (workload: string) => number;
}

export class ChartRecorder {
  private readonly series = new Map<string, ChartSeries>();
  /** the latest version of every HPA, from a watch (no list per sample) */
  private readonly hpas = new Map<string, KubeObject>();
  private cancel: (() => void) | undefined;
  private watch: WatchHandle | undefined;

  constructor(private readonly opts: ChartRecorderOptions) {}

  begin(): void {
    this.watch = this.opts.store.watch(Resources.horizontalPodAutoscalers, {}, (ev) => {
      if (ev.type === 'BOOKMARK') return;
      const key = `${ev.object.metadata.namespace ?? ''}/${ev.object.metadata.name ?? ''}`;
      if (ev.type === 'DELETED') this.hpas.delete(key);
      else this.hpas.set(key, ev.object);
    });
    const tick = (): void => {
      this.sample();
      this.cancel = this.opts.clock.setTimer(this.opts.stepMs, tick);
    };
    tick();
  }

  end(): void {
    this.cancel?.();
    this.sample();
    this.watch?.stop();
  }

  sample(): void {
    const t = Math.round((this.opts.clock.now() - this.opts.start) / 100) / 10;
    for (const [key, hpa] of this.hpas) {
      let s = this.series.get(key);
      const ms = allMetrics(hpa);
      if (s === undefined) this.series.set(key, (s = { hpa: key, metricLabels: ms.map((m) => m.label), points: [] }));
      if (s.points.length > 0 && s.points[s.points.length - 1].t === t) continue;
      const workload = targetWorkload(hpa);
      s.points.push({
        t,
        load: this.opts.loadOf(workload),
        metrics: ms.map((m) => ({ current: m.current, target: m.target })),
        desired: asNumber(asObject(hpa.status)?.desiredReplicas) ?? 0,
        ready: this.opts.readyOf(workload),
      });
    }
  }

  result(): ChartSeries[] {
    return [...this.series.values()].sort((a, b) => (a.hpa < b.hpa ? -1 : a.hpa > b.hpa ? 1 : 0));
  }
}
