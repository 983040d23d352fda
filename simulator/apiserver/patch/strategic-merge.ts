/**
 * Strategic merge patch (k8s.io/apimachinery/pkg/util/strategicpatch), the subset that kubectl
 * apply/edit/set/rollout and controllers send: lists merge by their patchMergeKey, primitive merge
 * lists union, `null` deletes, and the directives `$patch` (replace|delete|merge),
 * `$setElementOrder/<list>`, `$retainKeys`, `$deleteFromPrimitiveList/<list>`.
 * Which lists merge, and on which key, comes from the built-in types' struct tags (listStrategy).
 */
import { err, ok, type Result } from '../../../algorithms/result.js';
import { cloneJson, isObject, jsonEqual } from '../json.js';

export type ListStrategy =
  | { readonly type: 'replace' }
  | { readonly type: 'mergeByKey'; readonly key: string }
  | { readonly type: 'mergePrimitives' };

/** Field path from the object root, list indices omitted (`['spec','template','spec','containers','env']`). */
export type PatchMeta = (path: readonly string[]) => ListStrategy;

const REPLACE: ListStrategy = { type: 'replace' };
const byKey = (key: string): ListStrategy => ({ type: 'mergeByKey', key });

const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);

/** patchMergeKey / patchStrategy tags of the core and apps types that clients patch. */
export function builtinPatchMeta(kind: string): PatchMeta {
  return (path) => {
    const field = path[path.length - 1];
    const parent = path[path.length - 2];
    if (path.length === 2 && path[0] === 'metadata') {
      if (field === 'finalizers') return { type: 'mergePrimitives' };
      if (field === 'ownerReferences') return byKey('uid');
    }
    switch (field) {
      case 'containers':
      case 'initContainers':
      case 'ephemeralContainers':
      case 'volumes':
      case 'imagePullSecrets':
      case 'resourceClaims':
      case 'schedulingGates':
        return byKey('name');
      case 'env':
        return CONTAINER_LISTS.has(parent) ? byKey('name') : REPLACE;
      case 'ports':
        if (CONTAINER_LISTS.has(parent)) return byKey('containerPort');
        if (kind === 'Service' && path.length === 2 && path[0] === 'spec') return byKey('port');
        return REPLACE;
      case 'volumeMounts':
        return byKey('mountPath');
      case 'volumeDevices':
        return byKey('devicePath');
      case 'conditions':
        return byKey('type');
      case 'hostAliases':
        return byKey('ip');
      case 'podIPs':
      case 'hostIPs':
        return byKey('ip');
      case 'topologySpreadConstraints':
        return byKey('topologyKey');
      case 'secrets':
        return kind === 'ServiceAccount' ? byKey('name') : REPLACE;
      default:
        return REPLACE;
    }
  };
}

/** Custom resources have no patch metadata: every list is atomic (used for server-side apply). */
export const atomicPatchMeta: PatchMeta = () => REPLACE;

const SET_ORDER = '$setElementOrder/';
const DELETE_FROM = '$deleteFromPrimitiveList/';

function stripDirectives(v: unknown): unknown {
  if (Array.isArray(v))
    return v
      .filter((x) => !(isObject(x) && x.$patch !== undefined && Object.keys(x).length === 1))
      .map(stripDirectives);
  if (!isObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (!k.startsWith('$')) out[k] = stripDirectives(x);
  return out;
}

function orderBy<T>(items: T[], order: readonly unknown[], keyOf: (x: T) => unknown): T[] {
  const pos = (x: T): number => {
    const k = keyOf(x);
    const i = order.findIndex((o) => jsonEqual(o, k));
    return i === -1 ? Number.MAX_SAFE_INTEGER : i;
  };
  return items
    .map((x, i) => ({ x, i }))
    .sort((a, b) => pos(a.x) - pos(b.x) || a.i - b.i)
    .map((e) => e.x);
}

function mergeList(
  original: unknown,
  patch: readonly unknown[],
  path: readonly string[],
  meta: PatchMeta,
  setOrder: readonly unknown[] | undefined,
  deleteFrom: readonly unknown[] | undefined,
): Result<unknown[], string> {
  const strategy = meta(path);
  const orig = Array.isArray(original) ? original : [];
  if (strategy.type === 'replace') return ok(stripDirectives(patch) as unknown[]);
  if (strategy.type === 'mergePrimitives') {
    let out = [...orig];
    for (const v of patch) if (!out.some((o) => jsonEqual(o, v))) out.push(v);
    if (deleteFrom !== undefined) out = out.filter((o) => !deleteFrom.some((d) => jsonEqual(d, o)));
    if (setOrder !== undefined) out = orderBy(out, setOrder, (x) => x);
    return ok(out);
  }
  const key = strategy.key;
  if (patch.some((p) => isObject(p) && p.$patch === 'replace')) {
    const rest = patch.filter((p) => !(isObject(p) && p.$patch === 'replace'));
    const out: unknown[] = [];
    for (const p of rest) {
      const m = mergeMap({}, p, path, meta);
      if (!m.ok) return m;
      out.push(m.value);
    }
    return ok(out);
  }
  let out: unknown[] = [...orig];
  for (const p of patch) {
    if (!isObject(p))
      return err(`unable to find api field in struct for the patch: element of ${path.join('.')} is not an object`);
    if (!(key in p)) return err(`map: ${JSON.stringify(p)} does not contain declared merge key: ${key}`);
    const idx = out.findIndex((o) => isObject(o) && jsonEqual(o[key], p[key]));
    if (p.$patch === 'delete') {
      if (idx !== -1) out.splice(idx, 1);
      continue;
    }
    const m = mergeMap(idx === -1 ? {} : out[idx], p, path, meta);
    if (!m.ok) return m;
    if (idx === -1) out.push(m.value);
    else out[idx] = m.value;
  }
  if (setOrder !== undefined)
    out = orderBy(
      out,
      setOrder.map((o) => (isObject(o) ? o[key] : o)),
      (x) => (isObject(x) ? x[key] : x),
    );
  return ok(out);
}

function mergeMap(
  original: unknown,
  patch: unknown,
  path: readonly string[],
  meta: PatchMeta,
): Result<unknown, string> {
  if (!isObject(patch)) return ok(cloneJson(patch));
  if (patch.$patch === 'replace') return ok(stripDirectives(patch));
  let out: Record<string, unknown> = isObject(original) ? { ...original } : {};
  const retain = patch.$retainKeys;
  if (Array.isArray(retain)) {
    const keep = new Set(retain.map(String));
    out = Object.fromEntries(Object.entries(out).filter(([k]) => keep.has(k)));
  }
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$')) continue;
    const childPath = [...path, k];
    if (v === null) {
      delete out[k];
      continue;
    }
    if (Array.isArray(v)) {
      const setOrder = patch[SET_ORDER + k];
      const deleteFrom = patch[DELETE_FROM + k];
      const m = mergeList(
        out[k],
        v,
        childPath,
        meta,
        Array.isArray(setOrder) ? setOrder : undefined,
        Array.isArray(deleteFrom) ? deleteFrom : undefined,
      );
      if (!m.ok) return m;
      out[k] = m.value;
      continue;
    }
    if (isObject(v)) {
      if (v.$patch === 'delete') {
        delete out[k];
        continue;
      }
      const m = mergeMap(out[k], v, childPath, meta);
      if (!m.ok) return m;
      out[k] = m.value;
      continue;
    }
    out[k] = v;
  }
  // Directives that name a list the patch itself does not carry.
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith(DELETE_FROM)) {
      const field = k.slice(DELETE_FROM.length);
      if (field in patch || !Array.isArray(out[field]) || !Array.isArray(v)) continue;
      out[field] = (out[field] as unknown[]).filter((o) => !v.some((d) => jsonEqual(d, o)));
    } else if (k.startsWith(SET_ORDER)) {
      const field = k.slice(SET_ORDER.length);
      if (field in patch || !Array.isArray(out[field]) || !Array.isArray(v)) continue;
      const strategy = meta([...path, field]);
      const keyOf = (x: unknown): unknown => (strategy.type === 'mergeByKey' && isObject(x) ? x[strategy.key] : x);
      out[field] = orderBy(out[field] as unknown[], v.map(keyOf), keyOf);
    }
  }
  return ok(out);
}

/** Applies a strategic merge patch to a private copy of `original`. */
export function applyStrategicMergePatch(original: unknown, patch: unknown, meta: PatchMeta): Result<unknown, string> {
  if (!isObject(patch)) return err('json: cannot unmarshal array into Go value of type map[string]interface {}');
  return mergeMap(cloneJson(original), patch, [], meta);
}

/**
 * Server-side apply without managedFields: the applied configuration is merged into the live
 * object (lists by their merge keys, maps recursively); fields absent from the configuration are
 * kept, since ownership is not tracked.
 */
export function applyServerSideApply(live: unknown, applied: unknown, meta: PatchMeta): Result<unknown, string> {
  if (!isObject(applied)) return err('apply patch must be a JSON or YAML object');
  return mergeMap(cloneJson(live), stripDirectives(applied), [], meta);
}
