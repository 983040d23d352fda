/**
 * Instants are epoch milliseconds (a plain number). The Go zero instant (metav1.Time{}) is a real,
 * very old instant, so it is represented by its own value rather than by null.
 */
export type Instant = number;

/** 0001-01-01T00:00:00Z, the Go zero time. */
export const GO_ZERO_TIME: Instant = -62135596800000;

/** Parses RFC 3339 (with or without fractional seconds). Returns NaN on malformed text. */
export function parseInstant(text: string): Instant {
  const m = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|z|[+-]\d{2}:\d{2})$/.exec(text);
  if (m === null) return Number.NaN;
  const [, y, mo, d, h, mi, s, frac, tz] = m;
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  // Date.UTC maps years 0..99 to 1900..1999; set the full year explicitly.
  const date = new Date(ms);
  date.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
  ms = date.getTime();
  if (frac !== undefined) ms += Math.floor(Number(`0${frac}`) * 1000);
  if (tz !== 'Z' && tz !== 'z') {
    const sign = tz.startsWith('-') ? -1 : 1;
    const offMin = Number(tz.slice(1, 3)) * 60 + Number(tz.slice(4, 6));
    ms -= sign * offMin * 60_000;
  }
  return ms;
}

/** RFC 3339, UTC, second precision — how metav1.Time serialises. */
let lastFormatted: { t: Instant; text: string } | undefined;

export function formatInstant(t: Instant): string {
  // One reconcile stamps many fields with the same instant: remember the last one.
  if (lastFormatted !== undefined && lastFormatted.t === t) return lastFormatted.text;
  const text = formatInstantUncached(t);
  lastFormatted = { t, text };
  return text;
}

function formatInstantUncached(t: Instant): string {
  const d = new Date(Math.floor(t / 1000) * 1000);
  const y = d.getUTCFullYear();
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${pad(y, 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(
    d.getUTCMinutes(),
  )}:${pad(d.getUTCSeconds())}Z`;
}
