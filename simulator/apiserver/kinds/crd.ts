/**
 * apiextensions.k8s.io/v1 CustomResourceDefinition, and the resource types it serves: creating a
 * CRD makes its group/version/kind available at once (discovery, CRUD, watch, status and scale
 * subresources, printer columns, schema validation and defaults); deleting it removes them and
 * every custom object.
 */
import { formatInstant } from '../../../algorithms/time.js';
import { fieldErr, type FieldError } from '../errors.js';
import { asArray, asObject, asString, getPath, isObject } from '../json.js';
import {
  apiVersionOf,
  compareKubeVersions,
  type ResourceRegistry,
  type ResourceType,
  type VersionConversion,
} from '../registry.js';
import { translateTimestampSince } from '../printers/duration.js';
import { col, type TableCell, type TableColumnDefinition, type TablePrinter } from '../printers/table.js';
import type { KubeObject } from '../types.js';
import { defineKind } from './common.js';
import { applySchemaDefaults, pruneNonNullableNulls, validateSchema } from './crd-schema.js';
import { evalJsonPath, fieldPath, parseJsonPath } from './jsonpath.js';

type Obj = Record<string, unknown>;

interface CrdVersion {
  readonly name: string;
  readonly served: boolean;
  readonly storage: boolean;
  readonly schema: unknown;
  readonly subresources: Obj | undefined;
  readonly columns: readonly Obj[];
}

function versionsOf(crd: KubeObject): CrdVersion[] {
  const spec = asObject(crd.spec) ?? {};
  return asArray(spec.versions).map((raw) => {
    const v = asObject(raw) ?? {};
    return {
      name: asString(v.name) ?? '',
      served: v.served !== false,
      storage: v.storage === true,
      schema: asObject(v.schema)?.openAPIV3Schema,
      subresources: asObject(v.subresources) ?? asObject(spec.subresources),
      columns: asArray(v.additionalPrinterColumns ?? spec.additionalPrinterColumns).map((c) => asObject(c) ?? {}),
    };
  });
}

function cell(value: unknown, type: string, now: number): TableCell {
  if (value === undefined || value === null) return null;
  switch (type) {
    case 'date':
      return translateTimestampSince(value, now);
    case 'integer':
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    default:
      return typeof value === 'string' ? value : JSON.stringify(value);
  }
}

/** The CR table: Name plus additionalPrinterColumns, or Name + Age when none are declared. */
function crPrinter(columns: readonly Obj[]): TablePrinter {
  if (columns.length === 0) {
    const defs = [col('Name'), col('Age')];
    return {
      columns: defs,
      cells: (o, ctx) => [o.metadata.name ?? '', translateTimestampSince(o.metadata.creationTimestamp, ctx.now)],
    };
  }
  const parsed = columns.map((c) => ({ c, steps: parseJsonPath(asString(c.jsonPath) ?? '') }));
  const defs: TableColumnDefinition[] = [
    col('Name'),
    ...columns.map((c) => {
      const type = asString(c.type) ?? 'string';
      return {
        name: asString(c.name) ?? '',
        type: (type === 'date' ? 'date' : type) as TableColumnDefinition['type'],
        format: asString(c.format) ?? '',
        description: asString(c.description) ?? '',
        priority: typeof c.priority === 'number' ? c.priority : 0,
      };
    }),
  ];
  return {
    columns: defs,
    cells: (o, ctx) => [
      o.metadata.name ?? '',
      ...parsed.map(({ c, steps }) => {
        const values = steps === undefined ? [] : evalJsonPath(o, steps);
        return cell(values[0], asString(c.type) ?? 'string', ctx.now);
      }),
    ],
  };
}

/** Builds the ResourceType a CRD serves, or undefined when it has no served version. */
export function customResourceType(crd: KubeObject): ResourceType | undefined {
  const spec = asObject(crd.spec) ?? {};
  const names = asObject(spec.names) ?? {};
  const group = asString(spec.group) ?? '';
  const all = versionsOf(crd);
  const served = all.filter((v) => v.served).sort((a, b) => compareKubeVersions(a.name, b.name));
  const storage = all.find((v) => v.storage) ?? served[0];
  if (served.length === 0 || storage === undefined) return undefined;
  const schemaFor = (version: string): unknown => (all.find((v) => v.name === version) ?? storage).schema;
  const sub = storage.subresources ?? {};
  const scaleDef = asObject(sub.scale);
  const kind = asString(names.kind) ?? '';
  const conversions: Record<string, VersionConversion> = {};
  for (const v of served) {
    if (v.name === storage.name) continue;
    const apiVersion = apiVersionOf(group, v.name);
    conversions[v.name] = {
      toStorage: (o) => o,
      fromStorage: (o) => ({ ...o, apiVersion }),
    };
  }
  const hasStatus = isObject(sub.status);
  const base = defineKind({
    group,
    resource: asString(names.plural) ?? '',
    kind,
    singular: asString(names.singular) ?? kind.toLowerCase(),
    namespaced: spec.scope !== 'Cluster',
    shortNames: asArray(names.shortNames).map(String),
    categories: asArray(names.categories).map(String),
    versions: served.map((v) => v.name),
    storageVersion: storage.name,
    hasStatus,
    tracksGeneration: true,
    strategicMerge: false,
    printer: crPrinter(storage.columns),
    conversions,
    scale:
      scaleDef === undefined
        ? undefined
        : {
            specReplicasPath: fieldPath(asString(scaleDef.specReplicasPath) ?? '.spec.replicas'),
            statusReplicasPath: fieldPath(asString(scaleDef.statusReplicasPath) ?? '.status.replicas'),
            selector: (o) => {
              const p = asString(scaleDef.labelSelectorPath);
              return p === undefined ? undefined : asString(getPath(o, fieldPath(p)));
            },
          },
    hooks: {
      // canonicalize, not default: status writes run it too, as decoding a custom resource does
      canonicalize(obj, ctx) {
        const schema = asObject(schemaFor(ctx.version));
        if (schema === undefined) return;
        const { metadata, ...rest } = obj;
        pruneNonNullableNulls(rest, schema);
        applySchemaDefaults(rest, schema);
        for (const k of Object.keys(obj)) if (k !== 'metadata' && !(k in rest)) delete obj[k];
        Object.assign(obj, rest, { metadata });
      },
      validate(obj, _old, ctx) {
        const schema = asObject(schemaFor(ctx.version));
        if (schema === undefined) return [];
        const props = asObject(schema.properties) ?? {};
        const errs: FieldError[] = [];
        // metadata is validated as ObjectMeta; the schema covers the rest of the object.
        for (const [k, v] of Object.entries(obj)) {
          if (k === 'metadata' || k === 'apiVersion' || k === 'kind') continue;
          if (props[k] !== undefined) errs.push(...validateSchema(v, props[k], k));
        }
        for (const req of asArray(schema.required)) {
          if (typeof req === 'string' && req !== 'metadata' && (obj as Obj)[req] === undefined)
            errs.push(fieldErr.required(req, ''));
        }
        return errs;
      },
      validateStatus(obj, _old, ctx) {
        const props = asObject(asObject(schemaFor(ctx.version))?.properties) ?? {};
        return props.status === undefined || obj.status === undefined
          ? []
          : validateSchema(obj.status, props.status, 'status');
      },
    },
  });
  return { ...base, typeMetaInListItems: true };
}

function validateCrd(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = asObject(obj.spec) ?? {};
  const names = asObject(spec.names) ?? {};
  const group = asString(spec.group) ?? '';
  const plural = asString(names.plural) ?? '';
  if (group === '') errs.push(fieldErr.required('spec.group', ''));
  else if (!group.includes('.'))
    errs.push(fieldErr.invalid('spec.group', group, 'should be a domain with at least one dot'));
  if (plural === '') errs.push(fieldErr.required('spec.names.plural', ''));
  if ((asString(names.kind) ?? '') === '') errs.push(fieldErr.required('spec.names.kind', ''));
  if (obj.metadata.name !== undefined && obj.metadata.name !== `${plural}.${group}`) {
    errs.push(fieldErr.invalid('metadata.name', obj.metadata.name, 'must be spec.names.plural+"."+spec.group'));
  }
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster')
    errs.push(fieldErr.notSupported('spec.scope', spec.scope, ['Cluster', 'Namespaced']));
  const versions = versionsOf(obj);
  if (versions.length === 0)
    errs.push(fieldErr.required('spec.versions', 'must have exactly one version marked as storage version'));
  else if (versions.filter((v) => v.storage).length !== 1) {
    errs.push(
      fieldErr.invalid(
        'spec.versions',
        versions.map((v) => v.name),
        'must have exactly one version marked as storage version',
      ),
    );
  }
  return errs;
}

export const customResourceDefinitions: ResourceType = defineKind({
  group: 'apiextensions.k8s.io',
  resource: 'customresourcedefinitions',
  kind: 'CustomResourceDefinition',
  namespaced: false,
  shortNames: ['crd', 'crds'],
  categories: ['api-extensions'],
  hasStatus: true,
  tracksGeneration: true,
  hooks: {
    default(obj) {
      for (const v of asArray(asObject(obj.spec)?.versions)) {
        const o = asObject(v);
        if (o !== undefined) o.served ??= true;
      }
    },
    prepareCreate(obj, ctx) {
      const spec = asObject(obj.spec) ?? {};
      const now = formatInstant(ctx.now);
      const storage = versionsOf(obj as KubeObject).find((v) => v.storage)?.name;
      obj.status = {
        acceptedNames: spec.names,
        conditions: [
          {
            type: 'NamesAccepted',
            status: 'True',
            reason: 'NoConflicts',
            message: 'no conflicts found',
            lastTransitionTime: now,
          },
          {
            type: 'Established',
            status: 'True',
            reason: 'InitialNamesAccepted',
            message: 'the initial names have been accepted',
            lastTransitionTime: now,
          },
        ],
        storedVersions: storage === undefined ? [] : [storage],
      };
    },
    validate: (obj) => validateCrd(obj),
  },
});

/** Keeps the registry in step with stored CRDs; returns a function that stops doing so. */
export function serveCustomResources(store: {
  readonly registry: ResourceRegistry;
  onCommit(
    l: (
      rt: ResourceType,
      type: string,
      entry: { readonly obj: KubeObject },
      prev: { readonly obj: KubeObject } | undefined,
    ) => void,
  ): () => void;
  purge(rt: ResourceType): void;
}): () => void {
  const builtin = new Set(store.registry.all().map((rt) => `${rt.group}/${rt.resource}`));
  return store.onCommit((rt, type, entry, prev) => {
    if (rt !== customResourceDefinitions) return;
    const before = prev === undefined ? undefined : customResourceType(prev.obj);
    if (type === 'DELETED') {
      const current = before === undefined ? undefined : store.registry.get(before.group, before.resource);
      if (current !== undefined && !builtin.has(`${current.group}/${current.resource}`)) {
        store.purge(current);
        store.registry.remove(current.group, current.resource);
      }
      return;
    }
    const next = customResourceType(entry.obj);
    if (
      before !== undefined &&
      (next === undefined || before.group !== next.group || before.resource !== next.resource)
    ) {
      if (!builtin.has(`${before.group}/${before.resource}`)) store.registry.remove(before.group, before.resource);
    }
    if (next !== undefined && !builtin.has(`${next.group}/${next.resource}`)) store.registry.add(next);
  });
}
