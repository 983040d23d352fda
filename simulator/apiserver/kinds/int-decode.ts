/**
 * What kube-apiserver's JSON decoder refuses in an integer field of a built-in kind before any
 * validation: a fraction, a number beyond its Go type, or no number at all. The message names the
 * Go struct and the field path as encoding/json does, e.g.
 * `json: cannot unmarshal number 2.5 into Go struct field DeploymentSpec.spec.replicas of type int32`;
 * the store wraps it in the 400 `<Kind> in version "<v>" cannot be handled as a <Kind>: …`.
 */
import { cannotUnmarshal } from '../../../algorithms/index.js';
import { isObject } from '../json.js';

export type IntType = 'int32' | 'int64';

/** A Go struct: its integer fields and the structs below it (`list`: a slice of them). */
export interface Struct {
  readonly name: string;
  readonly ints?: Readonly<Record<string, IntType>>;
  readonly fields?: Readonly<Record<string, Struct | { readonly list: Struct }>>;
}

const RANGE: Readonly<Record<IntType, readonly [number, number]>> = {
  int32: [-(2 ** 31), 2 ** 31 - 1],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

function intError(v: unknown, type: IntType): boolean {
  if (v === null || v === undefined) return false;
  if (typeof v !== 'number' || !Number.isInteger(v)) return true;
  const [min, max] = RANGE[type];
  return v < min || v > max;
}

function walk(v: unknown, s: Struct, path: readonly string[]): string | undefined {
  if (!isObject(v)) return undefined;
  for (const [key, value] of Object.entries(v)) {
    const int = s.ints?.[key];
    if (int !== undefined && intError(value, int))
      return cannotUnmarshal(value, `${s.name}.${[...path, key].join('.')}`, int, true);
    const child = s.fields?.[key];
    if (child === undefined) continue;
    const items = 'list' in child ? (Array.isArray(value) ? value : []) : [value];
    const struct = 'list' in child ? child.list : child;
    for (const item of items) {
      const e = walk(item, struct, [...path, key]);
      if (e !== undefined) return e;
    }
  }
  return undefined;
}

/** The decoder's error for `body` read into the Go struct `s`, or undefined when it decodes. */
export function intDecodeError(body: unknown, s: Struct): string | undefined {
  return walk(body, s, []);
}
