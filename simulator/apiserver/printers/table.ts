/**
 * Server-side printing (meta.k8s.io/v1 Table). kubectl renders `get` output only from these: the
 * column names become the header, `priority: 1` columns show with `-o wide`.
 */
import type { KubeObject } from '../types.js';
import { translateTimestampSince } from './duration.js';

export interface TableColumnDefinition {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  readonly format: string;
  readonly description: string;
  readonly priority: number;
}

export type TableCell = string | number | boolean | null;

export interface TableRow {
  readonly cells: readonly TableCell[];
  readonly object?: unknown;
}

export interface Table {
  readonly kind: 'Table';
  readonly apiVersion: 'meta.k8s.io/v1';
  readonly metadata: { readonly resourceVersion?: string; readonly continue?: string };
  readonly columnDefinitions: readonly TableColumnDefinition[];
  readonly rows: readonly TableRow[];
}

export const HpaTargetsStyle = { Modern: 'modern', Legacy: 'legacy' } as const;
export type HpaTargetsStyle = (typeof HpaTargetsStyle)[keyof typeof HpaTargetsStyle];

/** What a printer may depend on besides the object: the server clock and version-specific styles. */
export interface PrintContext {
  readonly now: number;
  readonly hpaTargetsStyle: HpaTargetsStyle;
}

export interface TablePrinter {
  readonly columns: readonly TableColumnDefinition[];
  cells(obj: KubeObject, ctx: PrintContext): readonly TableCell[];
}

const NAME_DESCRIPTION =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';
const AGE_DESCRIPTION =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

/** Shorthand for column definitions: priority 1 marks a wide-only column. */
export function col(
  name: string,
  type: TableColumnDefinition['type'] = 'string',
  priority = 0,
  description = '',
): TableColumnDefinition {
  if (name === 'Name') return { name, type, format: 'name', description: description || NAME_DESCRIPTION, priority };
  if (name === 'Age') return { name, type, format: '', description: description || AGE_DESCRIPTION, priority };
  return { name, type, format: '', description, priority };
}

export function age(obj: KubeObject, ctx: PrintContext): string {
  return translateTimestampSince(obj.metadata.creationTimestamp, ctx.now);
}

/** The NAME AGE table every kind without a dedicated printer gets (the apiserver's default table convertor). */
export const defaultPrinter: TablePrinter = {
  columns: [col('Name'), col('Age')],
  cells: (obj, ctx) => [obj.metadata.name ?? '', age(obj, ctx)],
};

/** The object a row carries by default (`includeObject=Metadata`). */
export function partialObjectMetadata(obj: KubeObject): unknown {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function buildTable(
  printer: TablePrinter,
  objects: readonly KubeObject[],
  ctx: PrintContext,
  opts: {
    readonly resourceVersion?: string;
    readonly includeObject: IncludeObject;
    readonly fullObject?: (o: KubeObject, index: number) => unknown;
    readonly noHeaders?: boolean;
  },
): Table {
  const rows: TableRow[] = objects.map((o, i) => {
    const cells = printer.cells(o, ctx);
    if (opts.includeObject === 'None') return { cells };
    const object = opts.includeObject === 'Object' ? (opts.fullObject?.(o, i) ?? o) : partialObjectMetadata(o);
    return { cells, object };
  });
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: opts.resourceVersion === undefined ? {} : { resourceVersion: opts.resourceVersion },
    columnDefinitions: opts.noHeaders === true ? [] : printer.columns,
    rows,
  };
}
