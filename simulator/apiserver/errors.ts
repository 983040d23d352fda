/**
 * The error catalogue of the simulated API server. Every failure is a metav1.Status with the same
 * reason, code and message text as the real kube-apiserver (k8s.io/apimachinery/pkg/api/errors),
 * because clients (kubectl, client-go, client-node) print or branch on exactly these.
 */
import { goQuote } from '../../algorithms/index.js';
import { failureStatus, reasonForCode } from '../../transport/index.js';
import type { Status, StatusCause } from './types.js';

/** Identifies a collection in messages: `horizontalpodautoscalers.autoscaling`, `pods` (core). */
export interface GroupResource {
  readonly group: string;
  readonly resource: string;
}

export function qualifiedResource(gr: GroupResource): string {
  return gr.group === '' ? gr.resource : `${gr.resource}.${gr.group}`;
}

/**
 * A failed store or HTTP operation. It is thrown (not returned) on purpose: it plays the role of
 * client-node's ApiException for in-process callers, so an in-memory adapter converts errors at one
 * edge exactly like the HTTP adapter does.
 */
export class StoreError extends Error {
  readonly status: Status;
  constructor(status: Status) {
    super(status.message);
    this.name = 'StoreError';
    this.status = status;
  }
  get code(): number {
    return this.status.code;
  }
  get reason(): string {
    return this.status.reason;
  }
}

export function isStoreError(e: unknown): e is StoreError {
  return e instanceof StoreError;
}

function status(code: number, reason: string, message: string, details?: Status['details']): Status {
  return failureStatus(code, reason, message, details);
}

export function notFound(gr: GroupResource, name: string): StoreError {
  return new StoreError(
    status(404, 'NotFound', `${qualifiedResource(gr)} "${name}" not found`, {
      name,
      group: gr.group || undefined,
      kind: gr.resource,
    }),
  );
}

/** A 404 without a resource: unknown paths (kubectl prints "the server could not find the requested resource"). */
export function pathNotFound(): StoreError {
  return new StoreError(status(404, 'NotFound', 'the server could not find the requested resource', {}));
}

export function alreadyExists(gr: GroupResource, name: string): StoreError {
  return new StoreError(
    status(409, 'AlreadyExists', `${qualifiedResource(gr)} "${name}" already exists`, {
      name,
      group: gr.group || undefined,
      kind: gr.resource,
    }),
  );
}

/** The optimistic-concurrency conflict (storage.ErrResourceVersionConflicts wrapped by NewConflict). */
export function conflict(gr: GroupResource, name: string, detail?: string): StoreError {
  const why = detail ?? 'the object has been modified; please apply your changes to the latest version and try again';
  return new StoreError(
    status(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(gr)} "${name}": ${why}`, {
      name,
      group: gr.group || undefined,
      kind: gr.resource,
    }),
  );
}

/** 422 with causes; the message joins them like apimachinery's errors.NewInvalid. */
export function invalid(kind: string, group: string, name: string, errs: readonly FieldError[]): StoreError {
  const causes: StatusCause[] = errs.map((e) => ({ reason: e.type, message: fieldErrorBody(e), field: e.field }));
  const parts = errs.map(fieldErrorString);
  const joined = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
  const gk = group === '' ? kind : `${kind}.${group}`;
  return new StoreError(
    status(422, 'Invalid', `${gk} "${name}" is invalid: ${joined}`, { name, group: group || undefined, kind, causes }),
  );
}

export function badRequest(message: string): StoreError {
  return new StoreError(status(400, 'BadRequest', message));
}

export function methodNotAllowed(method: string, what: string): StoreError {
  return new StoreError(status(405, 'MethodNotAllowed', `${method} is not supported on ${what}`));
}

export function unsupportedMediaType(contentType: string, accepted: readonly string[]): StoreError {
  return new StoreError(
    status(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
      { kind: contentType || undefined },
    ),
  );
}

export function notAcceptable(): StoreError {
  return new StoreError(status(406, 'NotAcceptable', 'only the following media types are accepted: application/json'));
}

/** 410 Expired, as sent in a watch ERROR event or on a list with a compacted resourceVersion. */
export function expired(message: string): StoreError {
  return new StoreError(status(410, 'Expired', message));
}

export function tooOldResourceVersion(requested: number, oldest: number): StoreError {
  return expired(`too old resource version: ${requested} (${oldest})`);
}

export function forbidden(gr: GroupResource, name: string, why: string): StoreError {
  const what = name === '' ? qualifiedResource(gr) : `${qualifiedResource(gr)} "${name}"`;
  return new StoreError(
    status(403, 'Forbidden', `${what} is forbidden: ${why}`, {
      name: name || undefined,
      group: gr.group || undefined,
      kind: gr.resource,
    }),
  );
}

export function internalError(message: string): StoreError {
  return new StoreError(status(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] }));
}

/** A Status for an arbitrary code, with the reason the real server uses for it. Used by fault injection. */
export function statusForCode(code: number, message?: string): Status {
  // apimachinery's reason for the code, except that the server reports an expired resourceVersion
  // (410) as Expired where a client names a bare 410 Gone
  const reason = code === 410 ? 'Expired' : (reasonForCode(code) ?? 'Unknown');
  return status(code, reason, message ?? DEFAULT_MESSAGE_BY_CODE[code] ?? `the server responded with status ${code}`);
}

const DEFAULT_MESSAGE_BY_CODE: Readonly<Record<number, string>> = {
  401: 'Unauthorized',
  403: 'forbidden: injected fault',
  429: 'Too many requests, please try again later.',
  500: 'Internal error occurred: injected fault',
  503: 'the server is currently unable to handle the request',
  504: 'Timeout: request did not complete within requested timeout',
};

// ---------------------------------------------------------------------------------------------
// Field errors (k8s.io/apimachinery/pkg/util/validation/field)

export const FieldErrorType = {
  Required: 'FieldValueRequired',
  Invalid: 'FieldValueInvalid',
  NotSupported: 'FieldValueNotSupported',
  Forbidden: 'FieldValueForbidden',
  Duplicate: 'FieldValueDuplicate',
  TooLong: 'FieldValueTooLong',
  TooMany: 'FieldValueTooMany',
  TypeInvalid: 'FieldValueTypeInvalid',
  NotFound: 'FieldValueNotFound',
  Internal: 'InternalError',
} as const;
export type FieldErrorType = (typeof FieldErrorType)[keyof typeof FieldErrorType];

export interface FieldError {
  readonly type: FieldErrorType | string;
  readonly field: string;
  /** The offending value; omitted from the text for Required/Forbidden/TooLong like upstream. */
  readonly value?: unknown;
  /** Pre-rendered value text (Go's %#v of structs/maps), used instead of formatting `value`. */
  readonly valueText?: string;
  readonly detail: string;
  /** A complete pre-rendered ErrorBody (from algorithms/validation), used as is. */
  readonly body?: string;
}

const TYPE_TEXT: Readonly<Record<string, string>> = {
  FieldValueRequired: 'Required value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  FieldValueTypeInvalid: 'Invalid value',
  FieldValueNotFound: 'Not found',
  InternalError: 'Internal error',
};

const VALUE_OMITTED = new Set<string>([
  'FieldValueRequired',
  'FieldValueForbidden',
  'FieldValueTooLong',
  'FieldValueTooMany',
  'InternalError',
]);

/** Renders a value the way field.Error.ErrorBody does (%q for strings, %v for scalars, %#v-ish else). */
export function formatFieldValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return goQuote(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

/** field.Error.ErrorBody(): the message without the field path, as it appears in Status causes. */
export function fieldErrorBody(e: FieldError): string {
  if (e.body !== undefined) return e.body;
  const typeText = TYPE_TEXT[e.type] ?? e.type;
  const valueText = e.valueText ?? ('value' in e ? formatFieldValue(e.value) : undefined);
  let s = VALUE_OMITTED.has(e.type) || valueText === undefined ? typeText : `${typeText}: ${valueText}`;
  if (e.detail !== '') s += `: ${e.detail}`;
  return s;
}

export function fieldErrorString(e: FieldError): string {
  return `${e.field}: ${fieldErrorBody(e)}`;
}

export const fieldErr = {
  required: (field: string, detail = ''): FieldError => ({ type: FieldErrorType.Required, field, detail }),
  invalid: (field: string, value: unknown, detail: string): FieldError => ({
    type: FieldErrorType.Invalid,
    field,
    value,
    detail,
  }),
  invalidText: (field: string, valueText: string, detail: string): FieldError => ({
    type: FieldErrorType.Invalid,
    field,
    valueText,
    detail,
  }),
  forbidden: (field: string, detail: string): FieldError => ({ type: FieldErrorType.Forbidden, field, detail }),
  notSupported: (field: string, value: unknown, supported: readonly string[]): FieldError => ({
    type: FieldErrorType.NotSupported,
    field,
    value,
    detail: supported.length === 0 ? '' : `supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}`,
  }),
  duplicate: (field: string, value: unknown): FieldError => ({
    type: FieldErrorType.Duplicate,
    field,
    value,
    detail: '',
  }),
  typeInvalid: (field: string, value: unknown, detail: string): FieldError => ({
    type: FieldErrorType.TypeInvalid,
    field,
    value,
    detail,
  }),
};
