/**
 * The node:http front: routing (version, discovery, OpenAPI, aggregated groups, resources),
 * request recording, fault injection, and turning thrown StoreErrors into Status responses.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AggregatedGroups } from '../aggregated.js';
import { aggregatedContentType, type Discovery } from '../discovery.js';
import { internalError, isStoreError, pathNotFound } from '../errors.js';
import type { OpenApi } from '../openapi.js';
import type { HttpContext } from './context.js';
import { negotiate, readBody } from './negotiate.js';
import { parseRequestInfo, type RequestInfo } from './request-info.js';
import { handleResource } from './resources.js';
import { sendJson, sendStatus } from './respond.js';

/** One served request, as tests inspect them. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** get/list/watch/create/update/patch/delete/deletecollection for resources; the lower-case method otherwise. */
  readonly verb: string;
  readonly apiGroup: string;
  readonly apiVersion: string;
  readonly resource: string;
  readonly subresource: string;
  readonly namespace: string;
  readonly name: string;
  readonly status: number;
  readonly userAgent: string;
  readonly contentType: string;
  readonly accept: string;
}

export interface VersionInfo {
  readonly major: string;
  readonly minor: string;
  readonly gitVersion: string;
  readonly gitCommit: string;
  readonly gitTreeState: string;
  readonly buildDate: string;
  readonly goVersion: string;
  readonly compiler: string;
  readonly platform: string;
  /** the release emulated (kube-apiserver --emulated-version, 1.31+) */
  readonly emulationMajor?: string;
  readonly emulationMinor?: string;
}

export interface ServerParts {
  readonly http: HttpContext;
  readonly discovery: Discovery;
  readonly openapi: OpenApi;
  readonly aggregated: AggregatedGroups;
  readonly versionInfo: VersionInfo;
  readonly aggregatedDiscovery: boolean;
  readonly record: (r: RecordedRequest) => void;
}

function describe(
  info: RequestInfo,
  method: string,
): Pick<RecordedRequest, 'verb' | 'apiGroup' | 'apiVersion' | 'resource' | 'subresource' | 'namespace' | 'name'> {
  if (info.kind === 'resource') {
    return {
      verb: info.verb,
      apiGroup: info.group,
      apiVersion: info.version,
      resource: info.resource,
      subresource: info.subresource ?? '',
      namespace: info.namespace ?? '',
      name: info.name ?? '',
    };
  }
  const gv =
    info.kind === 'groupVersion'
      ? { apiGroup: info.group, apiVersion: info.version }
      : { apiGroup: info.kind === 'group' ? info.group : '', apiVersion: '' };
  return { verb: method.toLowerCase(), ...gv, resource: '', subresource: '', namespace: '', name: '' };
}

async function forwardAggregated(
  parts: ServerParts,
  req: IncomingMessage,
  res: ServerResponse,
  group: string,
  version: string,
  segments: readonly string[],
  query: URLSearchParams,
): Promise<void> {
  const g = parts.aggregated.get(group);
  if (g === undefined || !g.versions.some((v) => v.version === version)) throw pathNotFound();
  const text = req.method === 'GET' ? '' : await readBody(req);
  let body: unknown;
  if (text.trim() !== '') {
    try {
      body = JSON.parse(text) as unknown;
    } catch {
      body = text;
    }
  }
  const r = await g.handle({
    method: req.method ?? 'GET',
    group,
    version,
    segments,
    query,
    headers: req.headers,
    body,
  });
  sendJson(res, r.status, r.body, r.headers ?? {});
}

async function route(
  parts: ServerParts,
  req: IncomingMessage,
  res: ServerResponse,
  info: RequestInfo,
  query: URLSearchParams,
): Promise<void> {
  const { discovery } = parts;
  const accept = req.headers.accept;
  switch (info.kind) {
    case 'version':
      return sendJson(res, 200, parts.versionInfo);
    case 'legacyVersions':
    case 'groupList': {
      const rep = parts.aggregatedDiscovery ? negotiate(accept, ['discovery-v2', 'discovery-v2beta1', 'json']) : 'json';
      if (rep === 'discovery-v2' || rep === 'discovery-v2beta1') {
        const v = rep === 'discovery-v2' ? 'v2' : 'v2beta1';
        return sendJson(
          res,
          200,
          discovery.aggregatedDiscovery(info.kind === 'legacyVersions', v),
          { Vary: 'Accept' },
          aggregatedContentType(v),
        );
      }
      return sendJson(res, 200, info.kind === 'legacyVersions' ? discovery.apiVersions() : discovery.groupList(), {
        Vary: 'Accept',
      });
    }
    case 'group': {
      const doc = discovery.group(info.group);
      if (doc === undefined) throw pathNotFound();
      return sendJson(res, 200, doc);
    }
    case 'groupVersion': {
      const doc = discovery.resourceList(info.group, info.version);
      if (doc === undefined) throw pathNotFound();
      return sendJson(res, 200, doc);
    }
    case 'openapi': {
      const [v, ...rest] = info.segments;
      if (v !== 'v3') throw pathNotFound();
      const doc = rest.length === 0 ? parts.openapi.root() : parts.openapi.document(rest.join('/'));
      if (doc === undefined) throw pathNotFound();
      return sendJson(res, 200, doc);
    }
    case 'health':
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('ok');
      return;
    case 'resource': {
      if (info.group !== '' && parts.aggregated.get(info.group) !== undefined) {
        return forwardAggregated(parts, req, res, info.group, info.version, info.rest, query);
      }
      return handleResource(parts.http, req, res, info, query);
    }
    case 'unknown':
      throw pathNotFound();
  }
}

export function createApiHttpServer(parts: ServerParts): Server {
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    const info = parseRequestInfo(method, url.pathname, url.searchParams);
    const d = describe(info, method);
    let recorded = false;
    const record = (): void => {
      if (recorded) return;
      recorded = true;
      parts.record({
        method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        ...d,
        status: res.statusCode,
        userAgent: req.headers['user-agent'] ?? '',
        contentType: req.headers['content-type'] ?? '',
        accept: req.headers.accept ?? '',
      });
    };
    // Watches are recorded once their headers are out (below); everything else when it completes.
    res.on('finish', record);
    res.on('close', record);
    const target = { method, path: url.pathname, ...d };
    const run = async (): Promise<void> => {
      const delay = parts.http.faults.latencyFor(target);
      if (delay > 0) await parts.http.faults.wait(delay);
      const failure = parts.http.faults.takeFailure(target);
      if (failure !== undefined) {
        const retry = failure.details?.retryAfterSeconds;
        return sendStatus(res, failure, retry === undefined ? {} : { 'Retry-After': String(retry) });
      }
      await route(parts, req, res, info, url.searchParams);
      if (d.verb === 'watch' && res.headersSent) record();
    };
    run().catch((e: unknown) => {
      if (isStoreError(e)) sendStatus(res, e.status);
      else sendStatus(res, internalError(e instanceof Error ? e.message : String(e)).status);
    });
  });
}
