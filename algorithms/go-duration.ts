/**
 * Go durations, the one implementation: time.ParseDuration's grammar (what kube-controller-manager's
 * flags and metav1.Duration fields such as PodMetrics.window take) and time.Duration.String().
 *
 *   [-+]? ( [0-9]* ( . [0-9]* )? unit )+   |   [-+]? 0
 *   unit: ns us µs (U+00B5) μs (U+03BC) ms s m h
 *
 * Parsed exactly, in integer nanoseconds (never through a float of the whole text). A bare number
 * other than 0 is an error ("missing unit"), as in Go. Flags add a range (`parseGoDurationMs` with
 * `range`); the Prometheus duration format (`1d`, `1w`) is a different grammar
 * (metrics-clients/shared/durations.ts).
 */
import { MAX_INT64 } from './numeric.js';
import { type Result, err, ok } from './result.js';

const UNIT_NANOS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n, // U+00B5 micro sign
  μs: 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

/** Inclusive bounds, written as Go durations ("1s", "24h"): flags document them as written. */
export interface DurationRange {
  readonly min: string;
  readonly max: string;
}

export type GoDurationError =
  | {
      /** not Go duration syntax; `message` is Go's own text (`time: missing unit in duration "30"`) */
      readonly code: 'InvalidDuration';
      readonly text: string;
      readonly message: string;
    }
  | {
      readonly code: 'DurationOutOfRange';
      readonly text: string;
      readonly range: DurationRange;
      readonly message: string;
    };

function invalid(text: string, message: string): Result<never, GoDurationError> {
  return err({ code: 'InvalidDuration', text, message });
}

/** time.ParseDuration → nanoseconds; errors carry Go's text. */
export function parseGoDurationNanos(text: string): Result<bigint, GoDurationError> {
  const quoted = JSON.stringify(text);
  let s = text;
  let negative = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    negative = s.startsWith('-');
    s = s.slice(1);
  }
  if (s === '0') return ok(0n);
  if (s === '') return invalid(text, `time: invalid duration ${quoted}`);
  let total = 0n;
  while (s !== '') {
    const num = /^([0-9]*)(?:\.([0-9]*))?/.exec(s);
    const intPart = num?.[1] ?? '';
    const fracPart = num?.[2] ?? '';
    if (intPart === '' && fracPart === '') return invalid(text, `time: invalid duration ${quoted}`);
    s = s.slice(num?.[0].length ?? 0);
    const unitText = /^[^0-9.]*/.exec(s)?.[0] ?? '';
    if (unitText === '') return invalid(text, `time: missing unit in duration ${quoted}`);
    const unit = UNIT_NANOS[unitText];
    if (unit === undefined)
      return invalid(text, `time: unknown unit ${JSON.stringify(unitText)} in duration ${quoted}`);
    s = s.slice(unitText.length);
    let v = BigInt(intPart === '' ? '0' : intPart) * unit;
    if (fracPart !== '') v += (BigInt(fracPart) * unit) / 10n ** BigInt(fracPart.length);
    total += v;
    if (total > MAX_INT64) return invalid(text, `time: invalid duration ${quoted}`);
  }
  return ok(negative ? -total : total);
}

/** metav1.Duration text → seconds (15.5, 0.1, 60); the error is Go's text. */
export function parseGoDurationSeconds(text: string): Result<number, string> {
  const ns = parseGoDurationNanos(text);
  return ns.ok ? ok(Number(ns.value) / 1e9) : err(ns.error.message);
}

function nanosOrThrow(text: string): bigint {
  const r = parseGoDurationNanos(text);
  if (!r.ok) throw new Error(`duration range bound ${JSON.stringify(text)}: ${r.error.message}`);
  return r.value;
}

/**
 * A Go duration in milliseconds (fractions kept: "1500us" → 1.5), optionally within an inclusive
 * range; outside it the error names the bounds as written.
 */
export function parseGoDurationMs(text: string, range?: DurationRange): Result<number, GoDurationError> {
  const ns = parseGoDurationNanos(text);
  if (!ns.ok) return ns;
  if (range !== undefined && (ns.value < nanosOrThrow(range.min) || ns.value > nanosOrThrow(range.max))) {
    return err({
      code: 'DurationOutOfRange',
      text,
      range,
      message: `${text} is out of range: must be between ${range.min} and ${range.max}`,
    });
  }
  return ok(Number(ns.value) / 1e6);
}

/** time.Duration.String() of a number of seconds: "30s", "1m0s", "15.5s", "100ms", "0s". */
export function formatGoDuration(seconds: number): string {
  let ns = BigInt(Math.round(seconds * 1e9));
  if (ns === 0n) return '0s';
  const negative = ns < 0n;
  if (negative) ns = -ns;
  const sign = negative ? '-' : '';
  if (ns < 1_000_000_000n) {
    // below one second Go picks the largest unit that keeps a non-zero integer part
    const [unit, name] = ns < 1_000n ? [1n, 'ns'] : ns < 1_000_000n ? [1_000n, 'µs'] : [1_000_000n, 'ms'];
    return `${sign}${fraction(ns, unit)}${name}`;
  }
  const h = ns / 3_600_000_000_000n;
  const m = (ns / 60_000_000_000n) % 60n;
  const secs = fraction(ns % 60_000_000_000n, 1_000_000_000n);
  if (h > 0n) return `${sign}${h}h${m}m${secs}s`;
  if (m > 0n) return `${sign}${m}m${secs}s`;
  return `${sign}${secs}s`;
}

function fraction(v: bigint, unit: bigint): string {
  const whole = v / unit;
  const rest = v % unit;
  if (rest === 0n) return String(whole);
  const digits = String(unit).length - 1;
  return `${whole}.${String(rest).padStart(digits, '0').replace(/0+$/, '')}`;
}
