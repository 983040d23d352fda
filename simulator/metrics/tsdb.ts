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
  times: Float64Array;
  values: Float64Array;
  private head = 0;
  size = 0;

  constructor(
    readonly key: string,
    readonly labels: Labels,
    /** the most samples kept; the buffer starts small and doubles up to this */
    private readonly capacity: number,
  ) {
    const initial = Math.min(capacity, 16);
    this.times = new Float64Array(initial);
    this.values = new Float64Array(initial);
  }

  get lastTime(): number {
    return this.size === 0
      ? Number.NEGATIVE_INFINITY
      : this.times[(this.head - 1 + this.times.length) % this.times.length];
  }

  /** Whether the newest sample is a staleness marker (the series has ended). */
  get stale(): boolean {
    return this.size > 0 && Number.isNaN(this.values[(this.head - 1 + this.values.length) % this.values.length]);
  }

  private grow(): void {
    const cap = this.times.length;
    const next = Math.min(this.capacity, cap * 2);
    const times = new Float64Array(next);
    const values = new Float64Array(next);
    const start = (this.head - this.size + cap) % cap;
    for (let i = 0; i < this.size; i++) {
      times[i] = this.times[(start + i) % cap];
      values[i] = this.values[(start + i) % cap];
    }
    this.times = times;
    this.values = values;
    this.head = this.size % next;
  }

  push(t: number, v: number): void {
    if (this.size > 0 && t <= this.lastTime) return; // out of order: Prometheus rejects it too
    if (this.size === this.times.length && this.size < this.capacity) this.grow();
    this.times[this.head] = t;
    this.values[this.head] = v;
    this.head = (this.head + 1) % this.times.length;
    if (this.size < this.times.length) this.size++;
  }

  /** Samples with from < t ≤ to, oldest first (stale markers included); walks back from the newest. */
  range(from: number, to: number): { t: number; v: number }[] {
    const out: { t: number; v: number }[] = [];
    const cap = this.times.length;
    for (let i = 1; i <= this.size; i++) {
      const j = (this.head - i + cap) % cap;
      const t = this.times[j];
      if (t <= from) break;
      if (t <= to) out.push({ t, v: this.values[j] });
    }
    return out.reverse();
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
  /** label name → value → series */
  private readonly index = new Map<string, Map<string, Set<Series>>>();
  readonly capacity: number;
  readonly retentionMs: number;
  /** bumped whenever gc drops series, so holders of Series objects know to look them up again */
  generation = 0;

  constructor(opts: TsdbOptions = {}) {
    this.capacity = opts.capacity ?? 720;
    this.retentionMs = opts.retentionMs ?? 15 * 60_000;
  }

  get size(): number {
    return this.series.size;
  }

  /** Appends one sample (`labels` includes `__name__`). */
  append(labels: Labels, t: number, v: number): void {
    this.get(labels).push(t, v);
  }

  /** The series of exactly these labels, created if new (scrapers keep it and push to it directly). */
  get(labels: Labels): Series {
    const key = seriesKey(labels);
    let s = this.series.get(key);
    if (s === undefined) {
      s = new Series(key, labels, this.capacity);
      this.series.set(key, s);
      for (const [k, val] of Object.entries(labels)) {
        let values = this.index.get(k);
        if (values === undefined) this.index.set(k, (values = new Map()));
        let set = values.get(val);
        if (set === undefined) values.set(val, (set = new Set()));
        set.add(s);
      }
    }
    return s;
  }

  /** Whether `s` is still stored (gc may have dropped it). */
  has(s: Series): boolean {
    return this.series.get(s.key) === s;
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
      const set = this.index.get(k)?.get(v);
      if (set === undefined) return [];
      if (best === undefined || set.size < best.size) best = set;
    }
    return [...(best ?? [])].filter((s) => entries.every(([k, v]) => s.labels[k] === v));
  }

  /** Series whose label `name` has one of `values` (index look-ups, for `=~"a|b|c"` of literals). */
  withLabelIn(name: string, values: readonly string[]): Series[] {
    const out = new Set<Series>();
    const byValue = this.index.get(name);
    for (const v of values) for (const s of byValue?.get(v) ?? []) out.add(s);
    return [...out];
  }

  /** The series sets of label `name` for the given values, without copying (for selectors to size them up). */
  sets(name: string, values: Iterable<string>): Set<Series>[] {
    const byValue = this.index.get(name);
    const out: Set<Series>[] = [];
    if (byValue === undefined) return out;
    for (const v of values) {
      const set = byValue.get(v);
      if (set !== undefined) out.push(set);
    }
    return out;
  }

  /** The distinct values label `name` has. */
  values(name: string): IterableIterator<string> {
    return (this.index.get(name) ?? new Map<string, Set<Series>>()).keys();
  }

  /** How many distinct values label `name` has (to judge whether scanning them beats scanning series). */
  valueCount(name: string): number {
    return this.index.get(name)?.size ?? 0;
  }

  /** Series whose label `name` is present with a value accepted by `accept`. */
  withLabelWhere(name: string, accept: (value: string) => boolean): Series[] {
    const out: Series[] = [];
    for (const [v, set] of this.index.get(name) ?? []) if (accept(v)) out.push(...set);
    return out;
  }

  all(): IterableIterator<Series> {
    return this.series.values();
  }

  /** Drops series without a sample since `now − retention`. */
  gc(now: number): void {
    for (const [key, s] of this.series) {
      if (s.lastTime > now - this.retentionMs) continue;
      this.generation++;
      this.series.delete(key);
      for (const [k, v] of Object.entries(s.labels)) {
        const values = this.index.get(k);
        const set = values?.get(v);
        set?.delete(s);
        if (set?.size === 0) values?.delete(v);
        if (values?.size === 0) this.index.delete(k);
      }
    }
  }
}
