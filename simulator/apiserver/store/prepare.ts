/**
 * The write pipeline of the generic registry (k8s.io/apiserver/pkg/registry/generic/registry and
 * rest.BeforeCreate/BeforeUpdate): decode and convert, server-owned metadata, PrepareForCreate /
 * PrepareForUpdate, defaulting, canonicalisation, validation, generation.
 */
import { formatInstant } from '../../../algorithms/time.js';
import { badRequest, conflict, internalError, invalid, type FieldError } from '../errors.js';
import { asObject, cloneJson, isObject, jsonEqual } from '../json.js';
import { apiVersionOf, type HookContext, type MutableObject, type ResourceType } from '../registry.js';
import type { KubeObject } from '../types.js';

export interface WriteContext extends HookContext {
  readonly rt: ResourceType;
}

function groupResource(rt: ResourceType): { group: string; resource: string } {
  return { group: rt.group, resource: rt.resource };
}

/** Decodes a client object of `ctx.version` into a private storage-version copy. */
export function decode(body: unknown, ctx: WriteContext): MutableObject {
  const { rt, version } = ctx;
  if (!isObject(body))
    throw badRequest(
      `${rt.kind} in version "${version}" cannot be handled as a ${rt.kind}: the body must be a JSON object`,
    );
  const expected = apiVersionOf(rt.group, version);
  if (typeof body.apiVersion === 'string' && body.apiVersion !== '' && body.apiVersion !== expected) {
    throw badRequest(
      `the API version in the data (${body.apiVersion}) does not match the expected API version (${expected})`,
    );
  }
  if (typeof body.kind === 'string' && body.kind !== '' && body.kind !== rt.kind) {
    throw badRequest(`the kind in the data (${body.kind}) does not match the expected kind (${rt.kind})`);
  }
  const refused = rt.hooks.decodeError?.(body, version);
  if (refused !== undefined)
    throw badRequest(`${rt.kind} in version "${version}" cannot be handled as a ${rt.kind}: ${refused}`);
  let obj = cloneJson(body) as MutableObject;
  if (!isObject(obj.metadata)) obj.metadata = {};
  obj.apiVersion = expected;
  obj.kind = rt.kind;
  const conv = rt.conversions[version];
  if (conv !== undefined && version !== rt.storageVersion) obj = conv.toStorage(obj);
  obj.apiVersion = apiVersionOf(rt.group, rt.storageVersion);
  obj.kind = rt.kind;
  return obj;
}

function checkNamespace(obj: MutableObject, rt: ResourceType, namespace: string | undefined): void {
  const meta = obj.metadata;
  if (rt.namespaced) {
    if (namespace === undefined || namespace === '')
      throw badRequest('the server could not find the requested resource: namespace is required');
    if (typeof meta.namespace === 'string' && meta.namespace !== '' && meta.namespace !== namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    meta.namespace = namespace;
  } else {
    delete meta.namespace;
  }
}

function runHooks(obj: MutableObject, old: KubeObject | undefined, ctx: WriteContext): void {
  const { hooks } = ctx.rt;
  hooks.default?.(obj, ctx);
  if (old === undefined) hooks.prepareCreate?.(obj, ctx);
  else hooks.prepareUpdate?.(obj, old, ctx);
  hooks.canonicalize?.(obj, ctx);
}

function rejectInvalid(errs: readonly FieldError[], ctx: WriteContext, name: string): void {
  if (errs.length > 0) throw invalid(ctx.rt.kind, ctx.rt.group, name, errs);
}

/** The new object of a create; `uid` and `name` are chosen by the caller (generateName). */
export function prepareCreate(
  obj: MutableObject,
  namespace: string | undefined,
  uid: string,
  ctx: WriteContext,
): MutableObject {
  const { rt } = ctx;
  checkNamespace(obj, rt, namespace);
  const meta = obj.metadata;
  if (meta.resourceVersion !== undefined && meta.resourceVersion !== '') {
    throw internalError('resourceVersion should not be set on objects to be created');
  }
  meta.uid = uid;
  meta.creationTimestamp = formatInstant(ctx.now);
  delete meta.resourceVersion;
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  delete meta.managedFields;
  if (rt.tracksGeneration) meta.generation = 1;
  else delete meta.generation;
  if (rt.resetStatusOnCreate) delete obj.status;
  runHooks(obj, undefined, ctx);
  rejectInvalid(rt.hooks.validate?.(obj as KubeObject, undefined, ctx) ?? [], ctx, String(meta.name ?? ''));
  return obj;
}

/** Default generation rule: anything but metadata (and status, when it is a subresource) changed. */
function specChanged(rt: ResourceType, obj: KubeObject, old: KubeObject): boolean {
  if (rt.hooks.specChanged !== undefined) return rt.hooks.specChanged(obj, old);
  const strip = (o: KubeObject): Record<string, unknown> => {
    const { metadata: _m, status, apiVersion: _a, kind: _k, ...rest } = o;
    return rt.hasStatus ? rest : { ...rest, status };
  };
  return !jsonEqual(strip(obj), strip(old));
}

/** Checks metadata.resourceVersion / uid of an update body against the stored object. */
export function checkPreconditions(obj: MutableObject | KubeObject, old: KubeObject, rt: ResourceType): void {
  const meta = obj.metadata as Record<string, unknown>;
  const rv = meta.resourceVersion;
  const name = old.metadata.name ?? '';
  if (typeof rv === 'string' && rv !== '') {
    if (!/^\d+$/.test(rv)) throw badRequest(`invalid resource version: ${rv}`);
    if (rv !== old.metadata.resourceVersion) throw conflict(groupResource(rt), name);
  }
  const uid = meta.uid;
  if (typeof uid === 'string' && uid !== '' && uid !== old.metadata.uid) {
    throw conflict(
      groupResource(rt),
      name,
      `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${old.metadata.uid ?? ''}`,
    );
  }
}

/** The new object of an update of the main resource (status is carried over when it is a subresource). */
export function prepareUpdate(
  obj: MutableObject,
  old: KubeObject,
  namespace: string | undefined,
  name: string,
  ctx: WriteContext,
): MutableObject {
  const { rt } = ctx;
  checkNamespace(obj, rt, namespace);
  const meta = obj.metadata;
  if (meta.name !== name)
    throw badRequest(
      `the name of the object (${String(meta.name ?? '')}) does not match the name on the URL (${name})`,
    );
  checkPreconditions(obj, old, rt);
  const om = old.metadata;
  meta.uid = om.uid;
  meta.creationTimestamp = om.creationTimestamp;
  meta.resourceVersion = om.resourceVersion;
  if (om.deletionTimestamp !== undefined) meta.deletionTimestamp = om.deletionTimestamp;
  else delete meta.deletionTimestamp;
  if (om.deletionGracePeriodSeconds !== undefined) meta.deletionGracePeriodSeconds = om.deletionGracePeriodSeconds;
  delete meta.managedFields;
  if (rt.tracksGeneration) meta.generation = om.generation ?? 1;
  else delete meta.generation;
  if (rt.hasStatus) {
    if (old.status === undefined) delete obj.status;
    else obj.status = cloneJson(old.status);
  }
  runHooks(obj, old, ctx);
  if (rt.tracksGeneration && specChanged(rt, obj as KubeObject, old)) meta.generation = (om.generation ?? 1) + 1;
  rejectInvalid(rt.hooks.validate?.(obj as KubeObject, old, ctx) ?? [], ctx, name);
  return obj;
}

/** The new object of a status update: only `status` is taken from the client. */
export function prepareStatusUpdate(
  body: MutableObject,
  old: KubeObject,
  name: string,
  ctx: WriteContext,
): MutableObject {
  const { rt } = ctx;
  if (body.metadata.name !== undefined && body.metadata.name !== name) {
    throw badRequest(
      `the name of the object (${String(body.metadata.name)}) does not match the name on the URL (${name})`,
    );
  }
  checkPreconditions(body, old, rt);
  const obj = cloneJson(old) as MutableObject;
  if (body.status === undefined || body.status === null) delete obj.status;
  else obj.status = body.status;
  rt.hooks.canonicalize?.(obj, ctx);
  rejectInvalid(rt.hooks.validateStatus?.(obj as KubeObject, old, ctx) ?? [], ctx, name);
  return obj;
}

/** True when a write would change nothing but the resourceVersion (the real server skips it). */
export function unchanged(obj: MutableObject, old: KubeObject): boolean {
  const a = { ...obj, metadata: { ...obj.metadata, resourceVersion: undefined } };
  const b = { ...old, metadata: { ...old.metadata, resourceVersion: undefined } };
  return jsonEqual(a, b);
}

/** Owner references of an object, tolerant of malformed input (validation reports those). */
export function ownerUids(obj: KubeObject): string[] {
  const refs = obj.metadata.ownerReferences;
  if (!Array.isArray(refs)) return [];
  return refs.map((r) => asObject(r)?.uid).filter((u): u is string => typeof u === 'string' && u !== '');
}

const META_ORDER = [
  'name',
  'generateName',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
];

/**
 * Field order as Go encodes structs: apiVersion, kind, metadata (ObjectMeta's order), the body,
 * status last. Clients do not depend on it, but `get --raw` and golden files read naturally.
 */
export function canonicalOrder(obj: MutableObject): MutableObject {
  const meta: Record<string, unknown> = {};
  for (const k of META_ORDER) if (obj.metadata[k] !== undefined) meta[k] = obj.metadata[k];
  for (const [k, v] of Object.entries(obj.metadata)) if (!(k in meta) && v !== undefined) meta[k] = v;
  const out: Record<string, unknown> = { apiVersion: obj.apiVersion, kind: obj.kind, metadata: meta };
  for (const [k, v] of Object.entries(obj)) if (!(k in out) && k !== 'status' && v !== undefined) out[k] = v;
  if (obj.status !== undefined) out.status = obj.status;
  return out as MutableObject;
}
