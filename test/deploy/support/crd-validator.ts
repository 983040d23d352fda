/**
 * Validates custom resources against a CRD version's openAPIV3Schema the way kube-apiserver does
 * on a create, in three parts:
 *  1. structural defaulting and OpenAPI validation (type, required, enum, bounds, pattern, …):
 *     the simulator's implementation of apiextensions-apiserver's (simulator/apiserver/kinds/
 *     crd-schema.ts, also what `kubectl apply` meets in test/deploy/kubectl.test.ts);
 *  2. unknown fields: what the API server prunes silently, or rejects under kubectl's default
 *     `fieldValidation=Strict` — reported here, since a pruned field (a misspelt `behavior`)
 *     would silently change what the HPA does;
 *  3. the `x-kubernetes-validations` CEL rules, run by ./cel.ts at every node where they sit
 *     (each list item for rules under `items`), with their message, reason and fieldPath.
 * Errors are rendered as kube-apiserver renders field errors: `spec.maxReplicas: Invalid value: …`.
 */
import { applySchemaDefaults, validateSchema } from '../../../simulator/apiserver/kinds/crd-schema.js';
import { fieldErrorString, type FieldError } from '../../../simulator/apiserver/errors.js';
import { CelError, compile, type Program } from './cel.js';

type Schema = Readonly<Record<string, unknown>>;
type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface CelRule {
  readonly rule: string;
  readonly message?: string;
  readonly reason?: string;
  readonly fieldPath?: string;
}

/** Every CEL rule of a schema, with the schema path it sits at (for tests that enumerate them). */
export function celRules(schema: Schema, path = ''): { readonly path: string; readonly rule: CelRule }[] {
  const out: { path: string; rule: CelRule }[] = [];
  for (const r of (schema['x-kubernetes-validations'] as CelRule[] | undefined) ?? []) out.push({ path, rule: r });
  for (const [k, v] of Object.entries((schema.properties as Record<string, Schema> | undefined) ?? {}))
    out.push(...celRules(v, path === '' ? k : `${path}.${k}`));
  if (isObj(schema.items)) out.push(...celRules(schema.items, `${path}[*]`));
  if (isObj(schema.additionalProperties)) out.push(...celRules(schema.additionalProperties, `${path}[*]`));
  return out;
}

const programs = new Map<string, Program>();
function program(rule: string): Program {
  let p = programs.get(rule);
  if (p === undefined) {
    p = compile(rule);
    programs.set(rule, p);
  }
  return p;
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** Part 3: CEL rules, depth first, parents before children (the API server's order does not matter). */
export function validateCel(value: unknown, schema: Schema, path: string): FieldError[] {
  if (value === undefined || value === null) return [];
  const errs: FieldError[] = [];
  for (const r of (schema['x-kubernetes-validations'] as CelRule[] | undefined) ?? []) {
    const field = r.fieldPath === undefined ? path : `${path}${r.fieldPath}`;
    let ok: unknown;
    try {
      ok = program(r.rule)({ self: value });
    } catch (e) {
      if (!(e instanceof CelError)) throw e;
      // kube-apiserver: "Invalid value: "object": internal error: runtime error: no such key: x evaluating rule: …"
      errs.push({
        type: 'FieldValueInvalid',
        field: path,
        valueText: `"${typeof value}"`,
        detail: `internal error: ${e.message} evaluating rule: ${r.rule}`,
      });
      continue;
    }
    if (ok !== true) {
      const type = r.reason ?? 'FieldValueInvalid';
      const detail = r.message ?? `failed rule: ${r.rule}`;
      errs.push(
        type === 'FieldValueInvalid'
          ? { type, field, valueText: `"${Array.isArray(value) ? 'array' : typeof value}"`, detail }
          : { type, field, detail },
      );
    }
  }
  const props = (schema.properties as Record<string, Schema> | undefined) ?? {};
  if (isObj(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (props[k] !== undefined) errs.push(...validateCel(v, props[k], join(path, k)));
      else if (isObj(schema.additionalProperties))
        errs.push(...validateCel(v, schema.additionalProperties, join(path, k)));
    }
  } else if (Array.isArray(value) && isObj(schema.items)) {
    value.forEach((item, i) => errs.push(...validateCel(item, schema.items as Schema, `${path}[${i}]`)));
  }
  return errs;
}

/** Part 2: fields the schema does not declare (metadata is ObjectMeta's business, not the schema's). */
export function unknownFields(value: unknown, schema: Schema, path: string): FieldError[] {
  if (schema['x-kubernetes-preserve-unknown-fields'] === true) return [];
  const errs: FieldError[] = [];
  if (isObj(value)) {
    const props = (schema.properties as Record<string, Schema> | undefined) ?? {};
    for (const [k, v] of Object.entries(value)) {
      if (path === '' && (k === 'apiVersion' || k === 'kind' || k === 'metadata')) continue;
      if (props[k] !== undefined) errs.push(...unknownFields(v, props[k], join(path, k)));
      else if (isObj(schema.additionalProperties))
        errs.push(...unknownFields(v, schema.additionalProperties, join(path, k)));
      else if (schema.additionalProperties !== true)
        errs.push({ type: 'FieldValueNotFound', field: join(path, k), detail: 'field not declared in schema' });
    }
  } else if (Array.isArray(value) && isObj(schema.items)) {
    value.forEach((item, i) => errs.push(...unknownFields(item, schema.items as Schema, `${path}[${i}]`)));
  }
  return errs;
}

export interface CrValidation {
  /** the object after structural defaulting (what the API server would store) */
  readonly defaulted: Obj;
  readonly errors: readonly string[];
}

/** A create of `obj` against `schema` (a CRD version's openAPIV3Schema): defaulting, then parts 1–3. */
export function validateCustomResource(obj: unknown, schema: Schema): CrValidation {
  const defaulted = structuredClone(obj) as Obj;
  applySchemaDefaults(defaulted, schema);
  const props = (schema.properties as Record<string, Schema> | undefined) ?? {};
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(defaulted)) {
    if (k === 'apiVersion' || k === 'kind' || k === 'metadata') continue;
    if (props[k] !== undefined) errs.push(...validateSchema(v, props[k], k));
  }
  for (const req of (schema.required as string[] | undefined) ?? []) {
    if (defaulted[req] === undefined) errs.push({ type: 'FieldValueRequired', field: req, detail: '' });
  }
  errs.push(...unknownFields(defaulted, schema, ''));
  for (const [k, v] of Object.entries(defaulted)) {
    if (props[k] !== undefined && k !== 'metadata') errs.push(...validateCel(v, props[k], k));
  }
  return { defaulted, errors: errs.map(fieldErrorString) };
}
