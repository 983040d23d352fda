/**
 * What a request addresses (apiserver's RequestInfoFactory): the API group/version, namespace,
 * resource, name, subresource and verb, parsed from the path and method.
 */

export type ApiVerb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export interface ResourceRequest {
  readonly kind: 'resource';
  readonly group: string;
  readonly version: string;
  readonly namespace: string | undefined;
  readonly resource: string;
  readonly name: string | undefined;
  readonly subresource: string | undefined;
  readonly verb: ApiVerb;
  /** Path segments after /apis/{group}/{version} (or /api/v1), URL-decoded. */
  readonly rest: readonly string[];
  /** More segments than resource/name/subresource: not a built-in path (aggregated APIs use them). */
  readonly extraSegments: boolean;
}

export type RequestInfo =
  | ResourceRequest
  | { readonly kind: 'version' }
  | { readonly kind: 'legacyVersions' } // GET /api
  | { readonly kind: 'groupList' } // GET /apis
  | { readonly kind: 'group'; readonly group: string } // GET /apis/{group}
  | { readonly kind: 'groupVersion'; readonly group: string; readonly version: string }
  | { readonly kind: 'openapi'; readonly segments: readonly string[] }
  | { readonly kind: 'health'; readonly what: string }
  | { readonly kind: 'unknown' };

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function verbFor(method: string, hasName: boolean, watch: boolean): ApiVerb | undefined {
  switch (method) {
    case 'GET':
    case 'HEAD':
      return hasName ? 'get' : watch ? 'watch' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return hasName ? 'delete' : 'deletecollection';
    default:
      return undefined;
  }
}

export function parseRequestInfo(method: string, pathname: string, query: URLSearchParams): RequestInfo {
  const segments = pathname
    .split('/')
    .filter((s) => s !== '')
    .map(decode);
  if (segments.length === 0) return { kind: 'unknown' };
  const [first] = segments;
  if (first === 'version' && segments.length === 1) return { kind: 'version' };
  if (first === 'openapi') return { kind: 'openapi', segments: segments.slice(1) };
  if (first === 'healthz' || first === 'livez' || first === 'readyz') return { kind: 'health', what: first };
  let group: string;
  let version: string;
  let rest: string[];
  if (first === 'api') {
    if (segments.length === 1) return { kind: 'legacyVersions' };
    group = '';
    version = segments[1];
    rest = segments.slice(2);
  } else if (first === 'apis') {
    if (segments.length === 1) return { kind: 'groupList' };
    if (segments.length === 2) return { kind: 'group', group: segments[1] };
    group = segments[1];
    version = segments[2];
    rest = segments.slice(3);
  } else {
    return { kind: 'unknown' };
  }
  if (rest.length === 0) return { kind: 'groupVersion', group, version };
  let parts = rest;
  let namespace: string | undefined;
  if (parts[0] === 'namespaces' && parts.length > 1) {
    namespace = parts[1];
    if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2])) parts = parts.slice(2);
  }
  const resource = parts[0];
  let name = parts[1];
  const subresource = parts[2];
  // /api/v1/namespaces/{name}[/status]: the namespace object itself.
  if (resource === 'namespaces' && namespace !== undefined && parts === rest) {
    name = namespace;
    namespace = undefined;
  }
  const watch = query.get('watch') === 'true' || query.get('watch') === '1';
  const verb = verbFor(method, name !== undefined, watch);
  if (verb === undefined) return { kind: 'unknown' };
  return {
    kind: 'resource',
    group,
    version,
    namespace,
    resource,
    name,
    subresource,
    verb,
    rest,
    extraSegments: parts.length > 3,
  };
}
