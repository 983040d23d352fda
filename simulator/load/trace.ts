/**
 * Load traces: requests per second offered to a workload as a function of simulated time
 * (seconds since the simulation started). Plain data, so scenarios can write them in YAML:
 *
 *   { type: constant, rps: 100 }
 *   { type: step, steps: [{ at: 0s, rps: 0 }, { at: 30s, rps: 1000 }, { at: 90s, rps: 0 }] }
 *   { type: ramp, from: 0, to: 500, start: 1m, duration: 10m }
 *   { type: spike, base: 50, peak: 800, at: 5m, duration: 30s }
 *   { type: sine, base: 300, amplitude: 200, period: 10m, phase: 0s }
 *   { type: csv, file: load.csv, interpolate: linear }   # rows "seconds,rps"
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { type Result, err, ok, splitCsvLine } from '../../algorithms/index.js';

export interface TracePoint {
  readonly atSeconds: number;
  readonly rps: number;
}

export type LoadTrace =
  | { readonly type: 'constant'; readonly rps: number }
  | { readonly type: 'step'; readonly steps: readonly TracePoint[] }
  | {
      readonly type: 'ramp';
      readonly from: number;
      readonly to: number;
      readonly startSeconds: number;
      readonly durationSeconds: number;
    }
  | {
      readonly type: 'spike';
      readonly base: number;
      readonly peak: number;
      readonly atSeconds: number;
      readonly durationSeconds: number;
    }
  | {
      readonly type: 'sine';
      readonly base: number;
      readonly amplitude: number;
      readonly periodSeconds: number;
      readonly phaseSeconds: number;
    }
  | { readonly type: 'csv'; readonly points: readonly TracePoint[]; readonly interpolate: 'linear' | 'step' };

/** The last point at or before t (points sorted by time); before the first point: 0. */
function stepValue(points: readonly TracePoint[], t: number): number {
  let v = 0;
  for (const p of points) {
    if (p.atSeconds > t) break;
    v = p.rps;
  }
  return v;
}

function linearValue(points: readonly TracePoint[], t: number): number {
  if (points.length === 0) return 0;
  if (t <= points[0].atSeconds) return t < points[0].atSeconds ? 0 : points[0].rps;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1];
    const b = points[i];
    if (t <= b.atSeconds) {
      const span = b.atSeconds - a.atSeconds;
      return span <= 0 ? b.rps : a.rps + ((b.rps - a.rps) * (t - a.atSeconds)) / span;
    }
  }
  return points[points.length - 1].rps;
}

/** Offered requests per second at `t` seconds (never negative). */
export function rpsAt(trace: LoadTrace, t: number): number {
  let v: number;
  switch (trace.type) {
    case 'constant':
      v = trace.rps;
      break;
    case 'step':
      v = stepValue(trace.steps, t);
      break;
    case 'ramp': {
      const f = trace.durationSeconds <= 0 ? 1 : (t - trace.startSeconds) / trace.durationSeconds;
      v = t < trace.startSeconds ? trace.from : trace.from + (trace.to - trace.from) * Math.min(1, f);
      break;
    }
    case 'spike':
      v = t >= trace.atSeconds && t < trace.atSeconds + trace.durationSeconds ? trace.peak : trace.base;
      break;
    case 'sine':
      v = trace.base + trace.amplitude * Math.sin((2 * Math.PI * (t + trace.phaseSeconds)) / trace.periodSeconds);
      break;
    case 'csv':
      v = trace.interpolate === 'step' ? stepValue(trace.points, t) : linearValue(trace.points, t);
      break;
    default: {
      const never: never = trace;
      throw new Error(`unknown trace ${JSON.stringify(never)}`);
    }
  }
  return Math.max(0, v);
}

/** Times inside (a, b) where a step-like trace jumps: integration splits there to stay exact. */
export function breakpoints(trace: LoadTrace, a: number, b: number): number[] {
  let ts: number[] = [];
  if (trace.type === 'step') ts = trace.steps.map((s) => s.atSeconds);
  else if (trace.type === 'spike') ts = [trace.atSeconds, trace.atSeconds + trace.durationSeconds];
  else if (trace.type === 'ramp') ts = [trace.startSeconds, trace.startSeconds + trace.durationSeconds];
  else if (trace.type === 'csv') ts = trace.points.map((p) => p.atSeconds);
  return ts.filter((t) => t > a && t < b);
}

/**
 * ∫ rps dt over [a, b] seconds: exact for constant, step, spike and linear pieces (the midpoint of
 * each piece between breakpoints), within 1-second midpoint steps for sines.
 */
export function integrate(trace: LoadTrace, a: number, b: number): number {
  if (b <= a) return 0;
  if (trace.type === 'constant') return Math.max(0, trace.rps) * (b - a);
  const cuts = [a, ...breakpoints(trace, a, b).sort((x, y) => x - y), b];
  let total = 0;
  for (let i = 1; i < cuts.length; i++) {
    const lo = cuts[i - 1];
    const hi = cuts[i];
    if (trace.type === 'sine') {
      const n = Math.max(1, Math.ceil(hi - lo));
      const h = (hi - lo) / n;
      for (let k = 0; k < n; k++) total += rpsAt(trace, lo + (k + 0.5) * h) * h;
    } else if (
      trace.type === 'step' ||
      trace.type === 'spike' ||
      (trace.type === 'csv' && trace.interpolate === 'step')
    ) {
      total += rpsAt(trace, lo) * (hi - lo);
    } else {
      total += ((rpsAt(trace, lo) + rpsAt(trace, hi)) / 2) * (hi - lo);
    }
  }
  return total;
}

// ------------------------------------------------------------------ parsing

/** Seconds from a number or a Go-style duration ("90s", "1m30s", "2h", "500ms"). */
export function parseSeconds(v: unknown, field: string): Result<number, string> {
  if (typeof v === 'number' && Number.isFinite(v)) return ok(v);
  if (typeof v !== 'string')
    return err(`${field}: expected seconds or a duration such as 30s, got ${JSON.stringify(v)}`);
  const t = v.trim();
  if (/^-?\d+(\.\d+)?$/.test(t)) return ok(Number(t));
  const unit: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };
  let total = 0;
  let consumed = 0;
  for (const m of t.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    if (m.index !== consumed) break;
    total += Number(m[1]) * unit[m[2]];
    consumed += m[0].length;
  }
  if (consumed === 0 || consumed !== t.length) return err(`${field}: invalid duration ${JSON.stringify(v)}`);
  return ok(total);
}

function number(o: Record<string, unknown>, k: string, at: string, fallback?: number): Result<number, string> {
  const v = o[k];
  if (v === undefined && fallback !== undefined) return ok(fallback);
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n))
    return err(`${at}.${k}: expected a number, got ${JSON.stringify(v)}`);
  return ok(n);
}

function seconds(o: Record<string, unknown>, k: string, at: string, fallback?: number): Result<number, string> {
  if (o[k] === undefined && fallback !== undefined) return ok(fallback);
  return parseSeconds(o[k], `${at}.${k}`);
}

function points(list: unknown, at: string): Result<TracePoint[], string> {
  if (!Array.isArray(list)) return err(`${at}: expected a list of {at, rps}`);
  const out: TracePoint[] = [];
  for (const [i, p] of list.entries()) {
    const o = typeof p === 'object' && p !== null ? (p as Record<string, unknown>) : {};
    const t = seconds(o, 'at', `${at}[${i}]`);
    if (!t.ok) return t;
    const r = number(o, 'rps', `${at}[${i}]`);
    if (!r.ok) return r;
    out.push({ atSeconds: t.value, rps: r.value });
  }
  return ok(out.sort((a, b) => a.atSeconds - b.atSeconds));
}

/**
 * CSV rows `seconds,rps` (a header line and # comments are skipped). A row's delimiter is its
 * first comma, semicolon or tab (spreadsheets export all three); fields may be quoted.
 */
export function parseCsvTrace(text: string, source: string): Result<TracePoint[], string> {
  const out: TracePoint[] = [];
  for (const [i, line] of text.split(/\r?\n/).entries()) {
    const l = line.trim();
    if (l === '' || l.startsWith('#')) continue;
    const fields = splitCsvLine(l, /[,;\t]/.exec(l)?.[0] ?? ',');
    if (!fields.ok) return err(`${source}:${i + 1}:${fields.error.column}: ${fields.error.message}`);
    const [a, b] = fields.value.map((f) => f.text.trim());
    const t = parseSeconds(/^[A-Za-z_]/.test(a ?? '') ? undefined : a, `${source}:${i + 1}`);
    if (!t.ok) {
      if (out.length === 0 && i === 0) continue; // a header
      return t;
    }
    const r = Number(b);
    // Number('') is 0: an empty field is no rps
    if (b === '' || !Number.isFinite(r))
      return err(`${source}:${i + 1}: rps ${JSON.stringify(b ?? '')} is not a number`);
    out.push({ atSeconds: t.value, rps: r });
  }
  return ok(out.sort((x, y) => x.atSeconds - y.atSeconds));
}

/** A trace from scenario YAML (`baseDir` resolves CSV files); a bare number is a constant. */
export function parseTrace(raw: unknown, at: string, baseDir = '.'): Result<LoadTrace, string> {
  if (typeof raw === 'number') return ok({ type: 'constant', rps: raw });
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return err(`${at}: expected a trace mapping or a number`);
  const o = raw as Record<string, unknown>;
  const all = <T>(rs: Result<T, string>[]): Result<T[], string> => {
    const values: T[] = [];
    for (const r of rs) {
      if (!r.ok) return r;
      values.push(r.value);
    }
    return ok(values);
  };
  switch (o.type) {
    case 'constant': {
      const r = number(o, 'rps', at);
      return r.ok ? ok({ type: 'constant', rps: r.value }) : r;
    }
    case 'step': {
      const s = points(o.steps, `${at}.steps`);
      return s.ok ? ok({ type: 'step', steps: s.value }) : s;
    }
    case 'ramp': {
      const r = all([
        number(o, 'from', at, 0),
        number(o, 'to', at),
        seconds(o, 'start', at, 0),
        seconds(o, 'duration', at),
      ]);
      if (!r.ok) return r;
      const [from, to, startSeconds, durationSeconds] = r.value;
      return ok({ type: 'ramp', from, to, startSeconds, durationSeconds });
    }
    case 'spike': {
      const r = all([
        number(o, 'base', at, 0),
        number(o, 'peak', at),
        seconds(o, 'at', at),
        seconds(o, 'duration', at),
      ]);
      if (!r.ok) return r;
      const [base, peak, atSeconds, durationSeconds] = r.value;
      return ok({ type: 'spike', base, peak, atSeconds, durationSeconds });
    }
    case 'sine': {
      const r = all([
        number(o, 'base', at),
        number(o, 'amplitude', at),
        seconds(o, 'period', at),
        seconds(o, 'phase', at, 0),
      ]);
      if (!r.ok) return r;
      const [base, amplitude, periodSeconds, phaseSeconds] = r.value;
      if (periodSeconds <= 0) return err(`${at}.period: must be positive`);
      return ok({ type: 'sine', base, amplitude, periodSeconds, phaseSeconds });
    }
    case 'csv': {
      const interpolate = o.interpolate === 'step' ? 'step' : 'linear';
      if (o.interpolate !== undefined && o.interpolate !== 'step' && o.interpolate !== 'linear') {
        return err(`${at}.interpolate: expected linear or step`);
      }
      if (o.points !== undefined) {
        const p = points(o.points, `${at}.points`);
        return p.ok ? ok({ type: 'csv', points: p.value, interpolate }) : p;
      }
      if (typeof o.file !== 'string') return err(`${at}.file: a CSV file (seconds,rps) is required`);
      const path = isAbsolute(o.file) ? o.file : join(baseDir, o.file);
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (e) {
        return err(`${at}.file: cannot read ${path}: ${(e as Error).message}`);
      }
      const p = parseCsvTrace(text, path);
      return p.ok ? ok({ type: 'csv', points: p.value, interpolate }) : p;
    }
    default:
      return err(`${at}.type: expected constant, step, ramp, spike, sine or csv, got ${JSON.stringify(o.type)}`);
  }
}
