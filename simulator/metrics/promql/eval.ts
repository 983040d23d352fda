/**
 * Evaluates the PromQL subset of parse.ts at one instant over the Tsdb, with Prometheus'
 * semantics where they show in HPA numbers: range selectors take samples in (t − range, t]
 * (Prometheus 3), instant selectors the newest sample within the 5-minute lookback unless stale,
 * and rate/increase extrapolate exactly like promql.extrapolatedRate (counter resets, the
 * 1.1 × average-interval threshold, the zero-point limit).
 */
import { type Result, err, ok } from '../../../algorithms/index.js';
import type { Labels, Series, Tsdb } from '../tsdb.js';
import { compileMatcherRegex, parsePromQL, type Expr, type Matcher } from './parse.js';

export const LOOKBACK_MS = 5 * 60_000;

export interface Sample {
  readonly labels: Labels;
  readonly value: number;
}

export type QueryValue =
  | { readonly resultType: 'vector'; readonly samples: readonly Sample[] }
  | { readonly resultType: 'scalar'; readonly value: number }
  | {
      readonly resultType: 'matrix';
      readonly series: readonly { labels: Labels; points: { t: number; v: number }[] }[];
    };

/** A matcher as a predicate on the label's value ('' when absent), regexes compiled once per selection. */
function compileTest(m: Matcher): (v: string) => boolean {
  switch (m.op) {
    case '=':
      return (v) => v === m.value;
    case '!=':
      return (v) => v !== m.value;
    case '=~': {
      const alt = literalAlternatives(m.value);
      if (alt !== undefined) {
        const set = new Set(alt);
        return (v) => set.has(v);
      }
      const re = compileMatcherRegex(m.value);
      return (v) => re.test(v);
    }
    case '!~': {
      const re = compileMatcherRegex(m.value);
      return (v) => !re.test(v);
    }
  }
}

/** `a|b|c` made only of literal alternatives (what the adapter builds for pod names), else undefined. */
function literalAlternatives(re: string): string[] | undefined {
  if (/[\\^$.*+?()[\]{}]/.test(re)) return undefined;
  return re.split('|');
}

/**
 * Series matching every matcher. The candidates come from the label index — equality, literal
 * alternations (`=~"a|b|c"`, what the adapter sends for pod names) or, for a label with few values
 * such as `__name__`, the values a regex accepts — whichever is smallest; only they are checked.
 */
export function selectSeries(db: Tsdb, matchers: readonly Matcher[]): Series[] {
  let best: Set<Series>[] | undefined;
  let bestSize = Number.POSITIVE_INFINITY;
  const consider = (sets: Set<Series>[]): void => {
    const size = sets.reduce((n, x) => n + x.size, 0);
    if (size < bestSize) {
      best = sets;
      bestSize = size;
    }
  };
  for (const m of matchers) {
    if (m.op === '=' && m.value !== '') consider(db.sets(m.name, [m.value]));
    else if (m.op === '=~') {
      const alt = literalAlternatives(m.value);
      if (alt !== undefined) consider(db.sets(m.name, alt));
      else if (!compileMatcherRegex(m.value).test('') && db.valueCount(m.name) <= 1000) {
        const re = compileMatcherRegex(m.value);
        consider(
          db.sets(
            m.name,
            [...db.values(m.name)].filter((v) => re.test(v)),
          ),
        );
      }
    }
    if (bestSize === 0) return [];
  }
  const out: Series[] = [];
  const tests = matchers.map(compileTest);
  const check = (s: Series): void => {
    for (let i = 0; i < tests.length; i++) if (!tests[i](s.labels[matchers[i].name] ?? '')) return;
    out.push(s);
  };
  if (best === undefined) for (const s of db.all()) check(s);
  else {
    const seen = best.length > 1 ? new Set<Series>() : undefined;
    for (const set of best) {
      for (const s of set) {
        if (seen !== undefined) {
          if (seen.has(s)) continue;
          seen.add(s);
        }
        check(s);
      }
    }
  }
  return out;
}

function dropName(labels: Labels): Labels {
  if (!('__name__' in labels)) return labels;
  const { __name__: _n, ...rest } = labels;
  return rest;
}

/** promql.extrapolatedRate. */
function extrapolated(
  points: readonly { t: number; v: number }[],
  rangeStart: number,
  rangeEnd: number,
  isCounter: boolean,
  isRate: boolean,
): number | undefined {
  if (points.length < 2) return undefined;
  const first = points[0];
  const last = points[points.length - 1];
  let result = last.v - first.v;
  if (isCounter) {
    let prev = first.v;
    for (const p of points) {
      if (p.v < prev) result += prev;
      prev = p.v;
    }
  }
  let durationToStart = (first.t - rangeStart) / 1000;
  const durationToEnd = (rangeEnd - last.t) / 1000;
  const sampled = (last.t - first.t) / 1000;
  const average = sampled / (points.length - 1);
  if (isCounter && result > 0 && first.v >= 0) {
    const toZero = sampled * (first.v / result);
    if (toZero < durationToStart) durationToStart = toZero;
  }
  const threshold = average * 1.1;
  let interval = sampled;
  interval += durationToStart < threshold ? durationToStart : average / 2;
  interval += durationToEnd < threshold ? durationToEnd : average / 2;
  result *= interval / sampled;
  if (isRate) result /= (rangeEnd - rangeStart) / 1000;
  return result;
}

function rangeFunction(fn: string, points: { t: number; v: number }[], start: number, end: number): number | undefined {
  if (points.length === 0) return undefined;
  switch (fn) {
    case 'rate':
      return extrapolated(points, start, end, true, true);
    case 'increase':
      return extrapolated(points, start, end, true, false);
    case 'delta':
      return extrapolated(points, start, end, false, false);
    case 'irate': {
      if (points.length < 2) return undefined;
      const a = points[points.length - 2];
      const b = points[points.length - 1];
      const dv = b.v < a.v ? b.v : b.v - a.v;
      return b.t === a.t ? undefined : dv / ((b.t - a.t) / 1000);
    }
    case 'avg_over_time':
      return points.reduce((s, p) => s + p.v, 0) / points.length;
    case 'sum_over_time':
      return points.reduce((s, p) => s + p.v, 0);
    case 'min_over_time':
      return Math.min(...points.map((p) => p.v));
    case 'max_over_time':
      return Math.max(...points.map((p) => p.v));
    case 'count_over_time':
      return points.length;
    case 'last_over_time':
      return points[points.length - 1].v;
    default:
      return undefined;
  }
}

function groupKey(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(',');
}

function aggregate(op: string, samples: readonly Sample[], grouping: readonly string[], without: boolean): Sample[] {
  const groups = new Map<string, { labels: Labels; values: number[] }>();
  for (const s of samples) {
    const labels: Record<string, string> = {};
    if (without) {
      for (const [k, v] of Object.entries(s.labels)) if (k !== '__name__' && !grouping.includes(k)) labels[k] = v;
    } else {
      for (const k of grouping) if (s.labels[k] !== undefined && s.labels[k] !== '') labels[k] = s.labels[k];
    }
    const key = groupKey(labels);
    let g = groups.get(key);
    if (g === undefined) groups.set(key, (g = { labels, values: [] }));
    g.values.push(s.value);
  }
  return [...groups.values()].map(({ labels, values }) => {
    let value: number;
    switch (op) {
      case 'sum':
        value = values.reduce((a, b) => a + b, 0);
        break;
      case 'avg':
        value = values.reduce((a, b) => a + b, 0) / values.length;
        break;
      case 'min':
        value = Math.min(...values);
        break;
      case 'max':
        value = Math.max(...values);
        break;
      default:
        value = values.length;
    }
    return { labels, value };
  });
}

function arith(op: string, a: number, b: number): number {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    default:
      return a / b;
  }
}

class Evaluator {
  constructor(
    private readonly db: Tsdb,
    private readonly t: number,
  ) {}

  eval(e: Expr): QueryValue {
    switch (e.kind) {
      case 'number':
        return { resultType: 'scalar', value: e.value };
      case 'selector': {
        const series = selectSeries(this.db, e.matchers);
        if (e.rangeMs !== undefined) {
          const from = this.t - e.rangeMs;
          return {
            resultType: 'matrix',
            series: series
              .map((s) => ({ labels: s.labels, points: s.range(from, this.t).filter((p) => !Number.isNaN(p.v)) }))
              .filter((s) => s.points.length > 0),
          };
        }
        const samples: Sample[] = [];
        for (const s of series) {
          const p = s.at(this.t, LOOKBACK_MS);
          if (p !== undefined) samples.push({ labels: s.labels, value: p.v });
        }
        return { resultType: 'vector', samples };
      }
      case 'call':
        return this.call(e.fn, e.args);
      case 'aggregate': {
        const inner = this.eval(e.expr);
        if (inner.resultType !== 'vector')
          throw new Error(
            `expected type instant vector in aggregation expression, got ${inner.resultType === 'scalar' ? 'scalar' : 'range vector'}`,
          );
        return { resultType: 'vector', samples: aggregate(e.op, inner.samples, e.grouping, e.without) };
      }
      case 'binary':
        return this.binary(e.op, this.eval(e.left), this.eval(e.right));
    }
  }

  private call(fn: string, args: readonly Expr[]): QueryValue {
    if (fn === 'scalar' || fn === 'vector' || fn === 'abs') {
      const v = this.eval(args[0]);
      if (fn === 'vector' && v.resultType === 'scalar')
        return { resultType: 'vector', samples: [{ labels: {}, value: v.value }] };
      if (fn === 'scalar' && v.resultType === 'vector')
        return { resultType: 'scalar', value: v.samples.length === 1 ? v.samples[0].value : Number.NaN };
      if (fn === 'abs' && v.resultType === 'vector')
        return {
          resultType: 'vector',
          samples: v.samples.map((s) => ({ labels: dropName(s.labels), value: Math.abs(s.value) })),
        };
      throw new Error(`unsupported argument to ${fn}`);
    }
    const arg = args[0];
    if (args.length !== 1 || arg.kind !== 'selector' || arg.rangeMs === undefined) {
      throw new Error(`expected type range vector in call to function "${fn}"`);
    }
    const m = this.eval(arg);
    if (m.resultType !== 'matrix') throw new Error(`expected a range vector in call to function "${fn}"`);
    const start = this.t - arg.rangeMs;
    const samples: Sample[] = [];
    for (const s of m.series) {
      const v = rangeFunction(fn, s.points, start, this.t);
      if (v !== undefined) samples.push({ labels: dropName(s.labels), value: v });
    }
    return { resultType: 'vector', samples };
  }

  private binary(op: string, l: QueryValue, r: QueryValue): QueryValue {
    if (l.resultType === 'scalar' && r.resultType === 'scalar')
      return { resultType: 'scalar', value: arith(op, l.value, r.value) };
    if (l.resultType === 'vector' && r.resultType === 'scalar')
      return {
        resultType: 'vector',
        samples: l.samples.map((s) => ({ labels: dropName(s.labels), value: arith(op, s.value, r.value) })),
      };
    if (l.resultType === 'scalar' && r.resultType === 'vector')
      return {
        resultType: 'vector',
        samples: r.samples.map((s) => ({ labels: dropName(s.labels), value: arith(op, l.value, s.value) })),
      };
    if (l.resultType === 'vector' && r.resultType === 'vector') {
      // one-to-one matching on all labels but the name
      const right = new Map(r.samples.map((s) => [groupKey(dropName(s.labels)), s.value]));
      const out: Sample[] = [];
      for (const s of l.samples) {
        const labels = dropName(s.labels);
        const other = right.get(groupKey(labels));
        if (other !== undefined) out.push({ labels, value: arith(op, s.value, other) });
      }
      return { resultType: 'vector', samples: out };
    }
    throw new Error('binary expressions on range vectors are not allowed');
  }
}

const parsed = new Map<string, Result<Expr, string>>();

/** Parses (cached: the adapter sends the same queries every sync) and evaluates at `t`. */
export function evaluate(db: Tsdb, query: string, t: number): Result<QueryValue, string> {
  let e = parsed.get(query);
  if (e === undefined) {
    e = parsePromQL(query);
    if (parsed.size > 5000) parsed.clear();
    parsed.set(query, e);
  }
  if (!e.ok) return e;
  try {
    return ok(new Evaluator(db, t).eval(e.value));
  } catch (x) {
    return err((x as Error).message);
  }
}
