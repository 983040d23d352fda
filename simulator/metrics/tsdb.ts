/**
 * A tiny time-series store with Prometheus' data model: a series is a metric name plus labels,
 * holding (time, value) samples in a fixed-size ring buffer (bounded memory: old samples fall off).
 * A staleness marker ends a series, as Prometheus writes one when a target disappears; series
 * whose last sample is older than the retention are dropped by `gc`. Indexed by name and by
 * label=value so selectors do not scan everything.
 */

export type Labels = Readonly<Record<string, string>>;

/** Prometheus' special NaN marking a series stale (value.StaleNaN); any NaN sample here is treated the same. */
export const STALE = Number.NaN;

export class Series {
  readonly times: Float64Array;
  readonly values: Float64Array;
  private head = 0;
  size = 0;

  constructor(
    readonly key: string,
    readonly labels: Labels,
    capacity: number,
  ) {
    this.times = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
  }

  get lastTime(): number {
    return this.size === 0 ? Number.NEGATIVE_INFINITY : this.times[(this.head - 1 + this.times.length) % this.times.length];
  }

  /** Whether the newest sample is a staleness marker (the series has ended). */
  get stale(): boolean {
    return this.size > 0 && Number.isNaN(this.values[(this.head - 1 + this.values.length) % this.values.length]);
  }

  push(t: number, v: number): void {
    if (this.size > 0 && t <= this.lastTime) return; // out of order: Prometheus rejects it too
    this.times[this.head] = t;
    this.values[this.head] = v;
    this.head = (this.head + 1) % this.times.length;
    if (this.size < this.times.length) this.size++;
  }

  /** Samples with from < t ≤ to, oldest first (stale markers included). */
  range(from: number, to: number): { t: number; v: number }[] {
    const out: { t: number; v: number }[] = [];
    const cap = this.times.length;
    const start = (this.head - this.size + cap) % cap;
    for (let i = 0; i < this.size; i++) {
      const j = (start + i) % cap;
      const t = this.times[j];
      if (t > from && t <= to) out.push({ t, v: this.values[j] });
    }
    return out;
  }

  /** The newest sample at or before `t`, if within `lookbackMs` and not a staleness marker. */
  at(t: number, lookbackMs: number): { t: number; v: number } | undefined {
    const cap = this.times.length;
    for (let i = 1; i <= this.size; i++) {
      const j = (this.head - i + cap) % cap;
      const st = this.times[j];
      if (st > t) continue;
      if (st <= t - lookbackMs) return undefined;
      const v = this.values[j];
      return Number.isNaN(v) ? undefined : { t: st, v };
    }
    return undefined;
  }
}

export function seriesKey(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}\u0000${labels[k]}`)
    .join('\u0001');
}

export interface TsdbOptions {
  /** samples kept per series; default 720 (three hours at a 15 s scrape interval) */
  readonly capacity?: number;
  /** series silent for longer are dropped by gc; default 15 min */
  readonly retentionMs?: number;
}

export class Tsdb {
  private readonly series = new Map<string, Series>();
  /** `name=value` → series */
  private readonly index = new Map<string, Set<Series>>();
  readonly capacity: number;
  readonly retentionMs: number;

  constructor(opts: TsdbOptions = {}) {
    this.capacity = opts.capacity ?? 720;
    this.retentionMs = opts.retentionMs ?? 15 * 60_000;
  }

  get size(): number {
    return this.series.size;
  }

  /** Appends one sample (`labels` includes `__name__`). */
  append(labels: Labels, t: number, v: number): void {
    const key = seriesKey(labels);
    let s = this.series.get(key);
    if (s === undefined) {
      s = new Series(key, labels, this.capacity);
      this.series.set(key, s);
      for (const [k, val] of Object.entries(labels)) {
        const ik = `${k}=${val}`;
        let set = this.index.get(ik);
        if (set === undefined) this.index.set(ik, (set = new Set()));
        set.add(s);
      }
    }
    s.push(t, v);
  }

  /** Ends every series matching `labels` (a subset) with a staleness marker at `t`. */
  markStale(labels: Labels, t: number): void {
    for (const s of this.withLabels(labels)) if (!s.stale) s.push(t, STALE);
  }

  /** Series having every label=value of `labels` (an empty set of labels: all series). */
  withLabels(labels: Labels): Series[] {
    const entries = Object.entries(labels);
    if (entries.length === 0) return [...this.series.values()];
    let best: Set<Series> | undefined;
    for (const [k, v] of entries) {
      const set = this.index.get(`${k}=${v}`);
      if (set === undefined) return [];
      if (best === undefined || set.size < best.size) best = set;
    }
    return [...(best ?? [])].filter((s) => entries.every(([k, v]) => s.labels[k] === v));
  }

  /** Series whose label `name` has one of `values` (index look-ups, for `=~"a|b|c"` of literals). */
  withLabelIn(name: string, values: readonly string[]): Series[] {
    const out = new Set<Series>();
    for (const v of values) for (const s of this.index.get(`${name}=${v}`) ?? []) out.add(s);
    return [...out];
  }

  all(): IterableIterator<Series> {
    return this.series.values();
  }

  /** Drops series without a sample since `now − retention`. */
  gc(now: number): void {
    for (const [key, s] of this.series) {
      if (s.lastTime > now - this.retentionMs) continue;
      this.series.delete(key);
      for (const [k, v] of Object.entries(s.labels)) {
        const ik = `${k}=${v}`;
        const set = this.index.get(ik);
        set?.delete(s);
        if (set?.size === 0) this.index.delete(ik);
      }
    }
  }
}
