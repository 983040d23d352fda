/**
 * The REST handlers of one resource request: get/list (JSON, Table or PartialObjectMetadata),
 * create, update, patch, delete, deletecollection, and the status and scale subresources.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest, methodNotAllowed, notAcceptable, pathNotFound } from '../errors.js';
import { isObject } from '../json.js';
import { apiVersionOf, type ResourceType } from '../registry.js';
import { buildTable, type IncludeObject } from '../printers/table.js';
import type { Entry } from '../store/entry.js';
import type { DeleteOptions } from '../store/store.js';
import type { DeletePropagation, GroupVersionResource, KubeObject } from '../types.js';
import { printContext, type HttpContext } from './context.js';
import {
  decodeObjectBody,
  decodePatchBody,
  negotiate,
  patchTypeOf,
  readBody,
  type Representation,
} from './negotiate.js';
import type { ResourceRequest } from './request-info.js';
import { sendJson, warningHeader } from './respond.js';
import { handleWatch } from './watch.js';

const READ_REPRESENTATIONS: readonly Representation[] = ['json', 'table', 'partial'];

function includeObjectOf(query: URLSearchParams): IncludeObject {
  const v = query.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

function partialOf(obj: KubeObject): unknown {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

/** Encodes entries in the negotiated representation; `single` answers a GET of one object. */
export function encodeEntries(
  ctx: HttpContext,
  rt: ResourceType,
  version: string,
  entries: readonly Entry[],
  rep: Representation,
  query: URLSearchParams,
  single: boolean,
  resourceVersion: string,
): string {
  if (rep === 'table') {
    const table = buildTable(
      rt.printer,
      entries.map((e) => e.obj),
      printContext(ctx),
      {
        resourceVersion: single ? undefined : resourceVersion,
        includeObject: includeObjectOf(query),
        fullObject: (_o, i) => entries[i].objectAt(version),
      },
    );
    return JSON.stringify(table);
  }
  if (rep === 'partial') {
    if (single) return JSON.stringify(partialOf(entries[0].obj));
    return JSON.stringify({
      kind: 'PartialObjectMetadataList',
      apiVersion: 'meta.k8s.io/v1',
      metadata: { resourceVersion },
      items: entries.map((e) => partialOf(e.obj)),
    });
  }
  if (single) return entries[0].jsonAt(version);
  const av = apiVersionOf(rt.group, version);
  return `{"kind":${JSON.stringify(rt.listKind)},"apiVersion":${JSON.stringify(av)},"metadata":{"resourceVersion":"${resourceVersion}"},"items":[${entries.map((e) => e.itemJsonAt(version)).join(',')}]}`;
}

function entryKey(e: Entry): string {
  return `${e.obj.metadata.namespace ?? ''}/${e.obj.metadata.name ?? ''}`;
}

/**
 * `limit`/`continue` paging for JSON lists, like the real server: pages in key order, a continue
 * token carrying the list's resourceVersion and the last key (a later page does not come from a
 * consistent snapshot of that version, a simplification), `remainingItemCount`. A malformed token
 * is a 400.
 */
function paginate(
  all: readonly Entry[],
  resourceVersion: string,
  query: URLSearchParams,
): { entries: readonly Entry[]; resourceVersion: string; next?: string; remaining: number } {
  const limit = Number(query.get('limit') ?? '0');
  const token = query.get('continue') ?? '';
  if ((!Number.isInteger(limit) || limit <= 0) && token === '') return { entries: all, resourceVersion, remaining: 0 };
  let rv = resourceVersion;
  let after = '';
  if (token !== '') {
    try {
      const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { rv?: unknown; last?: unknown };
      if (typeof t.rv !== 'string' || typeof t.last !== 'string') throw new Error('bad token');
      rv = t.rv;
      after = t.last;
    } catch {
      throw badRequest(`continue key is not valid: ${token}`);
    }
  }
  const sorted = [...all].sort((a, b) => (entryKey(a) < entryKey(b) ? -1 : entryKey(a) > entryKey(b) ? 1 : 0));
  const rest = after === '' ? sorted : sorted.filter((e) => entryKey(e) > after);
  if (!Number.isInteger(limit) || limit <= 0 || rest.length <= limit)
    return { entries: rest, resourceVersion: rv, remaining: 0 };
  const page = rest.slice(0, limit);
  const next = Buffer.from(JSON.stringify({ rv, last: entryKey(page[page.length - 1]) }), 'utf8').toString('base64url');
  return { entries: page, resourceVersion: rv, next, remaining: rest.length - limit };
}

function withContinue(listJson: string, next: string, remaining: number): string {
  return listJson.replace(
    '"metadata":{"resourceVersion":',
    `"metadata":{"continue":${JSON.stringify(next)},"remainingItemCount":${remaining},"resourceVersion":`,
  );
}

function writeOptions(query: URLSearchParams): { dryRun: boolean; fieldManager?: string; force: boolean } {
  return {
    dryRun: query.getAll('dryRun').includes('All'),
    fieldManager: query.get('fieldManager') ?? undefined,
    force: query.get('force') === 'true',
  };
}

function deleteOptions(query: URLSearchParams, body: unknown): DeleteOptions {
  const b = isObject(body) ? body : {};
  const policy = (b.propagationPolicy ?? query.get('propagationPolicy') ?? undefined) as DeletePropagation | undefined;
  if (policy !== undefined && !['Background', 'Foreground', 'Orphan'].includes(policy)) {
    throw badRequest(
      `propagationPolicy: Unsupported value: "${String(policy)}": supported values: "Foreground", "Background", "Orphan"`,
    );
  }
  const pre = isObject(b.preconditions) ? b.preconditions : {};
  const orphan = b.orphanDependents === true || query.get('orphanDependents') === 'true';
  return {
    propagationPolicy: policy ?? (orphan ? 'Orphan' : undefined),
    preconditions: {
      uid: typeof pre.uid === 'string' ? pre.uid : undefined,
      resourceVersion: typeof pre.resourceVersion === 'string' ? pre.resourceVersion : undefined,
    },
    dryRun: (Array.isArray(b.dryRun) && b.dryRun.includes('All')) || query.getAll('dryRun').includes('All'),
  };
}

export async function handleResource(
  ctx: HttpContext,
  req: IncomingMessage,
  res: ServerResponse,
  info: ResourceRequest,
  query: URLSearchParams,
): Promise<void> {
  const { store } = ctx;
  const rt = store.registry.lookup(info.group, info.version, info.resource);
  if (rt === undefined || info.extraSegments) throw pathNotFound();
  const sub = info.subresource;
  if (sub !== undefined && !(sub === 'status' && rt.hasStatus) && !(sub === 'scale' && rt.scale !== undefined))
    throw pathNotFound();
  if (rt.namespaced && info.namespace === undefined && info.verb !== 'list' && info.verb !== 'watch')
    throw pathNotFound();
  if (!rt.namespaced && info.namespace !== undefined) throw pathNotFound();
  const gvr: GroupVersionResource = { group: info.group, version: info.version, resource: info.resource };
  const ns = rt.namespaced ? info.namespace : undefined;
  const name = info.name ?? '';
  const headers: Record<string, string> = {};
  const warning = rt.deprecationWarnings?.[info.version];
  if (warning !== undefined) headers.Warning = warningHeader(warning);

  switch (info.verb) {
    case 'get': {
      if (sub === 'scale') return sendJson(res, 200, store.getScale(gvr, ns, name), headers);
      const rep = negotiate(req.headers.accept, READ_REPRESENTATIONS);
      if (rep === undefined) throw notAcceptable();
      const entry = store.getEntry(gvr, ns, name);
      return sendJson(
        res,
        200,
        encodeEntries(ctx, rt, info.version, [entry], sub === 'status' ? 'json' : rep, query, true, ''),
        headers,
      );
    }
    case 'list': {
      const rep = negotiate(req.headers.accept, READ_REPRESENTATIONS);
      if (rep === undefined) throw notAcceptable();
      const l = store.listEntries(gvr, {
        namespace: ns,
        labelSelector: query.get('labelSelector') ?? undefined,
        fieldSelector: query.get('fieldSelector') ?? undefined,
      });
      if (rep === 'json') {
        const page = paginate(l.entries, l.resourceVersion, query);
        const body = encodeEntries(ctx, rt, info.version, page.entries, rep, query, false, page.resourceVersion);
        return sendJson(
          res,
          200,
          page.next === undefined ? body : withContinue(body, page.next, page.remaining),
          headers,
        );
      }
      return sendJson(
        res,
        200,
        encodeEntries(ctx, rt, info.version, l.entries, rep, query, false, l.resourceVersion),
        headers,
      );
    }
    case 'watch': {
      const rep = negotiate(req.headers.accept, ['json', 'table']);
      if (rep === undefined) throw notAcceptable();
      return handleWatch(ctx, req, res, rt, gvr, ns, query, rep === 'table' ? 'table' : 'json', headers);
    }
    case 'create': {
      if (sub !== undefined) throw methodNotAllowed('POST', `${info.resource}/${sub}`);
      const body = decodeObjectBody(req.headers['content-type'], await readBody(req));
      const created = store.create(gvr, ns, body, writeOptions(query));
      return sendJson(res, 201, created, headers);
    }
    case 'update': {
      const body = decodeObjectBody(req.headers['content-type'], await readBody(req));
      const opts = writeOptions(query);
      if (sub === 'scale') return sendJson(res, 200, store.updateScale(gvr, ns, name, body, opts), headers);
      const updated =
        sub === 'status' ? store.updateStatus(gvr, ns, name, body, opts) : store.update(gvr, ns, name, body, opts);
      return sendJson(res, 200, updated, headers);
    }
    case 'patch': {
      const type = patchTypeOf(req.headers['content-type']);
      const patch = decodePatchBody(type, await readBody(req));
      const opts = writeOptions(query);
      if (type === 'application/apply-patch+yaml' && (opts.fieldManager === undefined || opts.fieldManager === '')) {
        throw badRequest(
          'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
        );
      }
      const r = store.patch(gvr, ns, name, type, patch, {
        ...opts,
        subresource: sub as 'status' | 'scale' | undefined,
      });
      return sendJson(res, r.created ? 201 : 200, r.object, headers);
    }
    case 'delete': {
      if (sub !== undefined) throw methodNotAllowed('DELETE', `${info.resource}/${sub}`);
      const text = await readBody(req);
      const body = text.trim() === '' ? undefined : decodeObjectBody('application/json', text);
      const deleted = store.delete(gvr, ns, name, deleteOptions(query, body));
      const pending =
        deleted.metadata.deletionTimestamp !== undefined &&
        store.list(gvr, { namespace: ns, fieldSelector: `metadata.name=${name}` }).items.length > 0;
      return sendJson(res, pending ? 202 : 200, deleted, headers);
    }
    case 'deletecollection': {
      const text = await readBody(req);
      const body = text.trim() === '' ? undefined : decodeObjectBody('application/json', text);
      const items = store.deleteCollection(gvr, {
        namespace: ns,
        labelSelector: query.get('labelSelector') ?? undefined,
        fieldSelector: query.get('fieldSelector') ?? undefined,
        ...deleteOptions(query, body),
      });
      return sendJson(
        res,
        200,
        { kind: rt.listKind, apiVersion: apiVersionOf(rt.group, info.version), metadata: {}, items },
        headers,
      );
    }
  }
}
