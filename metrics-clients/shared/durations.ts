/**
 * Durations as the two Go libraries involved spell them. metrics.k8s.io sends PodMetrics.window as
 * a `metav1.Duration` (Go `time.Duration` text: "30s", "1m0s", "15.5s", "100ms"); prometheus-adapter
 * reads `resourceRules.window` as a Prometheus `model.Duration` ("5m", "1h30m", "2d"). Both are
 * parsed exactly (integer nanoseconds / milliseconds), never through a float of the whole text.
 */
import { MAX_INT64, type Result, err, ok } from '../../algorithms/index.js';

const GO_UNITS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n, // U+00B5
  μs: 1_000n, // U+03BC
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

/** time.ParseDuration → nanoseconds; errors carry Go's text (`time: invalid duration "x"`). */
export function parseGoDurationNanos(text: string): Result<bigint, string> {
  const quoted = JSON.stringify(text);
  let s = text;
  let neg = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return ok(0n);
  if (s === '') return err(`time: invalid duration ${quoted}`);
  let total = 0n;
  while (s !== '') {
    const num = /^([0-9]*)(?:\.([0-9]*))?/.exec(s);
    const intPart = num?.[1] ?? '';
    const fracPart = num?.[2];
    if (intPart === '' && (fracPart === undefined || fracPart === '')) return err(`time: invalid duration ${quoted}`);
    s = s.slice(num?.[0].length ?? 0);
    const unitMatch = /^[^0-9.]+/.exec(s);
    if (unitMatch === null) return err(`time: missing unit in duration ${quoted}`);
    const unitText = unitMatch[0];
    const unit = GO_UNITS[unitText];
    if (unit === undefined) return err(`time: unknown unit ${JSON.stringify(unitText)} in duration ${quoted}`);
    s = s.slice(unitText.length);
    let v = BigInt(intPart === '' ? '0' : intPart) * unit;
    if (fracPart !== undefined && fracPart !== '') v += (BigInt(fracPart) * unit) / 10n ** BigInt(fracPart.length);
    total += v;
    if (total > MAX_INT64) return err(`time: invalid duration ${quoted}`);
  }
  return ok(neg ? -total : total);
}

/** metav1.Duration text → seconds (a JS number: 15.5, 0.1, 60). */
export function parseGoDurationSeconds(text: string): Result<number, string> {
  const ns = parseGoDurationNanos(text);
  return ns.ok ? ok(Number(ns.value) / 1e9) : ns;
}

/** time.Duration.String() of a number of seconds: "30s", "1m0s", "15.5s", "100ms", "0s". */
export function formatGoDuration(seconds: number): string {
  let ns = BigInt(Math.round(seconds * 1e9));
  if (ns === 0n) return '0s';
  const neg = ns < 0n;
  if (neg) ns = -ns;
  const sign = neg ? '-' : '';
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

const PROM_UNITS_MS: ReadonlyArray<readonly [string, number]> = [
  ['y', 365 * 24 * 3_600_000],
  ['w', 7 * 24 * 3_600_000],
  ['d', 24 * 3_600_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
  ['ms', 1],
];
const PROM_DURATION =
  /^(?:([0-9]+)y)?(?:([0-9]+)w)?(?:([0-9]+)d)?(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?(?:([0-9]+)ms)?$/;

/** Prometheus model.ParseDuration → milliseconds ("5m" → 300000; "0" → 0). */
export function parsePromDurationMs(text: string): Result<number, string> {
  if (text === '') return err('empty duration string');
  if (text === '0') return ok(0);
  const m = PROM_DURATION.exec(text);
  if (m === null) return err(`not a valid duration string: ${JSON.stringify(text)}`);
  let total = 0;
  PROM_UNITS_MS.forEach(([, factor], i) => {
    const part = m[i + 1];
    if (part !== undefined) total += Number(part) * factor;
  });
  return ok(total);
}
