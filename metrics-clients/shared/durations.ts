/**
 * Prometheus durations (model.ParseDuration: "5m", "1h30m", "2d", "1w"), as prometheus-adapter reads
 * `resourceRules.window` and PromQL range selectors are written. A different grammar from Go's
 * time.ParseDuration, which lives in algorithms/go-duration.ts.
 */
import { type Result, err, ok } from '../../algorithms/index.js';

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
