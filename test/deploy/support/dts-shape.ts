/**
 * The shape of a Kubernetes API type as kubernetes-models declares it in its .d.ts files
 * (generated from the Kubernetes OpenAPI): field names, which are required, and each field's type
 * family — so a CRD schema can be compared with autoscaling/v2 field for field, offline.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ROOT } from './manifests.js';

export type Shape =
  | { readonly kind: 'string' | 'number' | 'boolean' | 'quantity' | 'time' | 'any' }
  | { readonly kind: 'map' }
  | { readonly kind: 'array'; readonly items: Shape }
  | {
      readonly kind: 'object';
      readonly fields: Readonly<Record<string, { readonly required: boolean; readonly shape: Shape }>>;
    };

const NODE_MODULES = join(ROOT, 'node_modules');

function resolveImport(fromFile: string, spec: string): string {
  const base = spec.startsWith('.') ? join(dirname(fromFile), spec) : join(NODE_MODULES, spec);
  const file = `${base}.d.ts`;
  if (!existsSync(file)) throw new Error(`cannot resolve ${spec} from ${fromFile}`);
  return file;
}

function typeShape(type: string, file: string, imports: Map<string, string>, self: string): Shape {
  const t = type.trim();
  const arr = /^Array<(.+)>$/.exec(t);
  if (arr !== null) return { kind: 'array', items: typeShape(arr[1], file, imports, self) };
  if (t.startsWith('{')) return { kind: 'map' };
  if (t === 'string' || /^"[^"]*"(\s*\|\s*"[^"]*")*$/.test(t)) return { kind: 'string' };
  if (t === 'number') return { kind: 'number' };
  if (t === 'boolean') return { kind: 'boolean' };
  if (t.endsWith('ResourceQuantity')) return { kind: 'quantity' };
  if (t.endsWith('MetaV1Time') || t.endsWith('MetaV1MicroTime')) return { kind: 'time' };
  if (/\|/.test(t) || t === 'any' || t === 'object' || t === 'unknown') return { kind: 'any' };
  if (t === self) return memo.get(file) as Shape; // a recursive type (JSONSchemaProps)
  const from = imports.get(t);
  if (from === undefined) throw new Error(`${file}: unknown type ${t}`);
  return dtsShape(resolveImport(file, from));
}

const memo = new Map<string, Shape>();

/**
 * The shape of the interface declared in a kubernetes-models .d.ts file (e.g.
 * autoscaling/v2/MetricSpec.d.ts); a type alias (IntOrString, RawExtension) is `any`. Memoised,
 * which also ends recursive types (JSONSchemaProps).
 */
export function dtsShape(file: string): Shape {
  const known = memo.get(file);
  if (known !== undefined) return known;
  const text = readFileSync(file, 'utf8').replace(/\/\*\*[\s\S]*?\*\//g, '');
  const imports = new Map<string, string>();
  for (const m of text.matchAll(/import \{ (\w+) \} from "([^"]+)";/g)) imports.set(m[1], m[2]);
  const body = /export interface (\w+)(?: extends [^{]+)? \{([\s\S]*?)\n\}/.exec(text);
  if (body === null) {
    memo.set(file, { kind: 'any' });
    return { kind: 'any' };
  }
  const fields: Record<string, { required: boolean; shape: Shape }> = {};
  memo.set(file, { kind: 'object', fields });
  // "name"?: Type;   (a map type spans lines: "matchLabels"?: {\n [key: string]: string;\n };)
  for (const m of body[2].matchAll(/^\s{4}"([^"]+)"(\?)?: ((?:\{[\s\S]*?\n\s{4}\})|[^;\n]+);/gm)) {
    fields[m[1]] = { required: m[2] === undefined, shape: typeShape(m[3], file, imports, body[1]) };
  }
  return { kind: 'object', fields };
}

export function kubernetesModelsFile(path: string): string {
  return join(NODE_MODULES, 'kubernetes-models', `${path}.d.ts`);
}

type Schema = Readonly<Record<string, unknown>>;

/**
 * Differences between an openAPIV3Schema node and a shape: missing or extra fields, required
 * that differ, type families that differ (quantity ⇔ x-kubernetes-int-or-string, time ⇔ string
 * date-time, map ⇔ object with additionalProperties).
 */
export function compareSchemaToShape(schema: Schema, shape: Shape, path: string): string[] {
  const diffs: string[] = [];
  const type = schema.type;
  switch (shape.kind) {
    case 'string':
    case 'boolean':
      if (type !== shape.kind) diffs.push(`${path}: ${String(type)} instead of ${shape.kind}`);
      break;
    case 'number':
      if (type !== 'integer' && type !== 'number') diffs.push(`${path}: ${String(type)} instead of a number`);
      break;
    case 'quantity':
      if (schema['x-kubernetes-int-or-string'] !== true) diffs.push(`${path}: not int-or-string (a quantity)`);
      break;
    case 'any':
      break;
    case 'time':
      if (type !== 'string' || schema.format !== 'date-time') diffs.push(`${path}: not a date-time string`);
      break;
    case 'map':
      if (type !== 'object' || typeof schema.additionalProperties !== 'object') diffs.push(`${path}: not a map`);
      break;
    case 'array':
      if (type !== 'array') diffs.push(`${path}: ${String(type)} instead of array`);
      else diffs.push(...compareSchemaToShape(schema.items as Schema, shape.items, `${path}[]`));
      break;
    case 'object': {
      if (type !== 'object') {
        diffs.push(`${path}: ${String(type)} instead of object`);
        break;
      }
      const props = (schema.properties as Record<string, Schema> | undefined) ?? {};
      const required = new Set((schema.required as string[] | undefined) ?? []);
      for (const [name, f] of Object.entries(shape.fields)) {
        const p = `${path}.${name}`;
        if (props[name] === undefined) {
          diffs.push(`${p}: missing`);
          continue;
        }
        if (f.required !== required.has(name))
          diffs.push(`${p}: ${f.required ? 'required' : 'optional'} in autoscaling/v2, not in the CRD`);
        diffs.push(...compareSchemaToShape(props[name], f.shape, p));
      }
      for (const name of Object.keys(props))
        if (shape.fields[name] === undefined) diffs.push(`${path}.${name}: not in autoscaling/v2`);
      break;
    }
  }
  return diffs;
}

/** Fields of `value` the API type does not declare (what kubectl's fieldValidation=Strict rejects). */
export function unknownFieldsByShape(value: unknown, shape: Shape, path: string): string[] {
  if (shape.kind === 'array' && Array.isArray(value))
    return value.flatMap((v, i) => unknownFieldsByShape(v, shape.items, `${path}[${i}]`));
  if (shape.kind !== 'object' || typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    const f = shape.fields[k];
    if (f === undefined) out.push(`${path}.${k}`);
    else out.push(...unknownFieldsByShape(v, f.shape, `${path}.${k}`));
  }
  return out;
}
