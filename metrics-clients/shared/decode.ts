/**
 * Narrowing of untrusted JSON (metrics API and Prometheus bodies, static files) with Go's
 * encoding/json leniency where it matters: a missing or null field is the zero value, a field of
 * the wrong type is an error naming where it is. Decoders throw `DecodeError` internally; each
 * public parse function catches it once and returns it as a value.
 */
import { GO_ZERO_TIME, type Instant, Quantity, parseInstant } from '../../algorithms/index.js';
import { describeThrown } from './errors.js';

export class DecodeError extends Error {
  constructor(
    readonly at: string,
    readonly detail: string,
  ) {
    super(at === '' ? detail : `${at}: ${detail}`);
    this.name = 'DecodeError';
  }
}

export type Json = Readonly<Record<string, unknown>>;

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

export function fail(at: string, detail: string): never {
  throw new DecodeError(at, detail);
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    return fail('', `invalid JSON: ${describeThrown(e)}`);
  }
}

export function object(v: unknown, at: string): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(at, `expected an object, got ${typeName(v)}`);
  return v as Json;
}

/** Missing or null → an empty object (Go leaves the struct zero). */
export function optObject(v: unknown, at: string): Json {
  return v === undefined || v === null ? {} : object(v, at);
}

export function string(v: unknown, at: string): string {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') fail(at, `expected a string, got ${typeName(v)}`);
  return v;
}

export function optString(v: unknown, at: string): string | undefined {
  return v === undefined || v === null ? undefined : string(v, at);
}

export function array(v: unknown, at: string): readonly unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) fail(at, `expected an array, got ${typeName(v)}`);
  return v;
}

/** A JSON integer such as windowSeconds (Go int64); missing → undefined. */
export function optInteger(v: unknown, at: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v))
    fail(at, `expected an integer, got ${typeName(v) === 'number' ? String(v) : typeName(v)}`);
  return v;
}

export function stringMap(v: unknown, at: string): Readonly<Record<string, string>> {
  const o = optObject(v, at);
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(o)) out[k] = string(val, `${at}.${k}`);
  return out;
}

export function quantity(v: unknown, at: string): Quantity {
  // resource.Quantity decodes from a JSON string or number; null is the zero quantity
  if (v === undefined || v === null) return Quantity.fromMilli(0n);
  const q = Quantity.tryParse(v);
  if (!q.ok)
    fail(
      at,
      `quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$' (${q.error.message})`,
    );
  return q.value;
}

/** metav1.Time: RFC 3339; null or missing is the Go zero time. */
export function instant(v: unknown, at: string): Instant {
  if (v === undefined || v === null) return GO_ZERO_TIME;
  const text = string(v, at);
  const t = parseInstant(text);
  if (Number.isNaN(t)) fail(at, `parsing time ${JSON.stringify(text)} as "2006-01-02T15:04:05Z07:00": cannot parse`);
  return t;
}
