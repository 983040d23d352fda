/**
 * What the chart shows, sampled on the shared clock every few seconds per HPA: the load offered
 * to its target, its first metric (current and target, as the HPA status reports them), and
 * replicas (desired by the HPA, ready in the workload).
 */
import type { Clock } from '../../transport/clock.js';
import { Quantity } from '../../algorithms/index.js';
import { Resources, type ObjectStore, type WatchHandle } from '../apiserver/index.js';
import { asArray, asNumber, asObject, asString } from '../apiserver/json.js';
import type { KubeObject } from '../apiserver/types.js';
import { targetWorkload } from './timeline.js';

export interface ChartPoint {
  /** seconds since the start */
  readonly t: number;
  readonly load: number;
  readonly metric: number | null;
  readonly target: number | null;
  readonly desired: number;
  readonly ready: number;
}

export interface ChartSeries {
  readonly hpa: string;
  readonly metricLabel: string;
  readonly points: ChartPoint[];
}

function quantity(v: unknown): number | null {
  const q = Quantity.tryParse(v);
  return q.ok ? q.value.asApproximateFloat64() : null;
}

/** The first metric's name, and its current and target values in the same unit. */
export function firstMetric(hpa: KubeObject): { label: string; current: number | null; target: number | null } {
  const spec = asObject(asArray(asObject(hpa.spec)?.metrics)[0]) ?? {};
  const status = asObject(asArray(asObject(hpa.status)?.currentMetrics)[0]) ?? {};
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
      const m = firstMetric(hpa);
      if (s === undefined) this.series.set(key, (s = { hpa: key, metricLabel: m.label, points: [] }));
      if (s.points.length > 0 && s.points[s.points.length - 1].t === t) continue;
      const workload = targetWorkload(hpa);
      s.points.push({
        t,
        load: this.opts.loadOf(workload),
        metric: m.current,
        target: m.target,
        desired: asNumber(asObject(hpa.status)?.desiredReplicas) ?? 0,
        ready: this.opts.readyOf(workload),
      });
    }
  }

  result(): ChartSeries[] {
    return [...this.series.values()].sort((a, b) => (a.hpa < b.hpa ? -1 : a.hpa > b.hpa ? 1 : 0));
  }
}
