/**
 * Structural-schema checks for custom resources (apiextensions-apiserver validation through
 * kube-openapi): type, required, enum, minimum/maximum, lengths, pattern, items, and `default`.
 * Nulls in non-nullable fields are pruned; `x-kubernetes-validations` (CEL) and pruning of unknown
 * fields are not implemented.
 */
import { fieldErr, FieldErrorType, type FieldError } from '../errors.js';
import { asArray, asNumber, asObject, cloneJson, isObject } from '../json.js';

type Schema = Record<string, unknown>;

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function typeMatches(v: unknown, type: string, schema: Schema): boolean {
  if (schema['x-kubernetes-int-or-string'] === true)
    return typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v));
  switch (type) {
    case 'object':
      return isObject(v);
    case 'array':
      return Array.isArray(v);
    case 'string':
      return typeof v === 'string';
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'number':
      return typeof v === 'number';
    case 'boolean':
      return typeof v === 'boolean';
    default:
      return true;
  }
}

/** Validates `value` at `path` (e.g. `spec.replicas`) against an openAPIV3Schema node. */
export function validateSchema(value: unknown, schema: unknown, path: string): FieldError[] {
  const s = asObject(schema);
  if (s === undefined) return [];
  const errs: FieldError[] = [];
  if (value === null) {
    if (s.nullable === true || s.type === undefined) return [];
    return [
      {
        type: FieldErrorType.TypeInvalid,
        field: path,
        value: 'null',
        detail: `${path} in body must be of type ${String(s.type)}: "null"`,
      },
    ];
  }
  const type = typeof s.type === 'string' ? s.type : undefined;
  if (type !== undefined && !typeMatches(value, type, s)) {
    const actual = typeName(value);
    return [
      {
        type: FieldErrorType.TypeInvalid,
        field: path,
        value: actual,
        detail: `${path} in body must be of type ${type}: "${actual}"`,
      },
    ];
  }
  const en = s.enum;
  if (Array.isArray(en) && !en.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    errs.push(
      fieldErr.notSupported(
        path,
        value,
        en.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))),
      ),
    );
  }
  if (typeof value === 'number') {
    const min = asNumber(s.minimum);
    const max = asNumber(s.maximum);
    if (min !== undefined && (s.exclusiveMinimum === true ? value <= min : value < min)) {
      errs.push(
        fieldErr.invalid(
          path,
          value,
          `${path} in body should be greater than ${s.exclusiveMinimum === true ? '' : 'or equal to '}${min}`,
        ),
      );
    }
    if (max !== undefined && (s.exclusiveMaximum === true ? value >= max : value > max)) {
      errs.push(
        fieldErr.invalid(
          path,
          value,
          `${path} in body should be less than ${s.exclusiveMaximum === true ? '' : 'or equal to '}${max}`,
        ),
      );
    }
  }
  if (typeof value === 'string') {
    const minL = asNumber(s.minLength);
    const maxL = asNumber(s.maxLength);
    if (minL !== undefined && [...value].length < minL)
      errs.push(fieldErr.invalid(path, value, `${path} in body should be at least ${minL} chars long`));
    if (maxL !== undefined && [...value].length > maxL)
      errs.push({ type: FieldErrorType.TooLong, field: path, detail: `may not be more than ${maxL} bytes` });
    if (typeof s.pattern === 'string') {
      let re: RegExp | undefined;
      try {
        re = new RegExp(s.pattern, 'u');
      } catch {
        re = undefined;
      }
      if (re !== undefined && !re.test(value))
        errs.push(fieldErr.invalid(path, value, `${path} in body should match '${s.pattern}'`));
    }
  }
  if (Array.isArray(value)) {
    const minI = asNumber(s.minItems);
    const maxI = asNumber(s.maxItems);
    if (minI !== undefined && value.length < minI)
      errs.push(fieldErr.invalid(path, value.length, `${path} in body should have at least ${minI} items`));
    if (maxI !== undefined && value.length > maxI)
      errs.push({ type: FieldErrorType.TooMany, field: path, detail: `must have at most ${maxI} items` });
    if (s.items !== undefined) value.forEach((item, i) => errs.push(...validateSchema(item, s.items, `${path}[${i}]`)));
  }
  if (isObject(value)) {
    const props = asObject(s.properties) ?? {};
    for (const req of asArray(s.required)) {
      if (typeof req === 'string' && value[req] === undefined) errs.push(fieldErr.required(join(path, req), ''));
    }
    for (const [k, v] of Object.entries(value)) {
      if (props[k] !== undefined) errs.push(...validateSchema(v, props[k], join(path, k)));
      else if (isObject(s.additionalProperties)) errs.push(...validateSchema(v, s.additionalProperties, join(path, k)));
    }
  }
  return errs;
}

/**
 * PruneNonNullableNullsWithoutDefaults, in place: a null where the schema is neither `nullable`
 * nor has a `default` is dropped before defaulting and validation, as kube-apiserver does for
 * custom resources since 1.20 (`status: {currentMetrics: null}` is stored without the field).
 */
export function pruneNonNullableNulls(value: unknown, schema: unknown): void {
  const s = asObject(schema);
  if (s === undefined) return;
  if (isObject(value)) {
    const props = asObject(s.properties) ?? {};
    const additional = asObject(s.additionalProperties);
    for (const [k, v] of Object.entries(value)) {
      const ps = asObject(props[k]) ?? additional;
      if (v === null && ps !== undefined && ps.nullable !== true && ps.default === undefined) delete value[k];
      else pruneNonNullableNulls(v, ps);
    }
  } else if (Array.isArray(value)) {
    for (const item of value) pruneNonNullableNulls(item, s.items);
  }
}

/** Applies `default` values of the schema to missing (or non-nullable null) properties (structural defaulting), in place. */
export function applySchemaDefaults(value: unknown, schema: unknown): void {
  const s = asObject(schema);
  if (s === undefined) return;
  if (isObject(value)) {
    const props = asObject(s.properties) ?? {};
    for (const [k, ps] of Object.entries(props)) {
      const p = asObject(ps);
      const absent = value[k] === undefined || (value[k] === null && p?.nullable !== true);
      if (absent && p !== undefined && p.default !== undefined) value[k] = cloneJson(p.default);
      if (value[k] !== undefined) applySchemaDefaults(value[k], ps);
    }
    if (isObject(s.additionalProperties))
      for (const v of Object.values(value)) applySchemaDefaults(v, s.additionalProperties);
  } else if (Array.isArray(value) && s.items !== undefined) {
    for (const item of value) applySchemaDefaults(item, s.items);
  }
}
