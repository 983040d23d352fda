/**
 * A minimal OpenAPI v3 (/openapi/v3 and one document per group-version). kubectl apply insists on
 * downloading OpenAPI unless --validate=false; what it needs is each kind's PATCH operation with
 * its x-kubernetes-group-version-kind and the `fieldValidation` query parameter — then it sends
 * fieldValidation=Strict and does no client-side schema check. /openapi/v2 stays 404 (kubectl
 * only wants it as protobuf and copes without it).
 */
import { createHash } from 'node:crypto';
import type { ResourceRegistry, ResourceType } from './registry.js';

const QUERY_PARAMS = ['dryRun', 'fieldManager', 'fieldValidation'].map((name) => ({
  name,
  in: 'query',
  schema: { type: 'string', uniqueItems: true },
}));
const FORCE = { name: 'force', in: 'query', schema: { type: 'boolean', uniqueItems: true } };

function basePath(group: string, version: string): string {
  return group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
}

function operation(rt: ResourceType, version: string, action: string, params: readonly unknown[]): unknown {
  return {
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': { group: rt.group, version, kind: rt.kind },
    parameters: params,
    responses: { '200': { description: 'OK' } },
  };
}

function paths(rt: ResourceType, version: string): Record<string, unknown> {
  const base = basePath(rt.group, version);
  const collection = rt.namespaced ? `${base}/namespaces/{namespace}/${rt.resource}` : `${base}/${rt.resource}`;
  const item = `${collection}/{name}`;
  const out: Record<string, unknown> = {
    [collection]: { get: operation(rt, version, 'list', []), post: operation(rt, version, 'post', QUERY_PARAMS) },
    [item]: {
      get: operation(rt, version, 'get', []),
      put: operation(rt, version, 'put', QUERY_PARAMS),
      patch: operation(rt, version, 'patch', [...QUERY_PARAMS, FORCE]),
      delete: operation(rt, version, 'delete', []),
    },
  };
  if (rt.hasStatus)
    out[`${item}/status`] = {
      get: operation(rt, version, 'get', []),
      put: operation(rt, version, 'put', QUERY_PARAMS),
      patch: operation(rt, version, 'patch', [...QUERY_PARAMS, FORCE]),
    };
  return out;
}

export class OpenApi {
  private docs = new Map<string, string>();
  private rootDoc: string | undefined;

  constructor(
    private readonly registry: ResourceRegistry,
    private readonly gitVersion: string,
  ) {
    registry.onChange(() => {
      this.docs.clear();
      this.rootDoc = undefined;
    });
  }

  /** `api/v1`, `apis/apps/v1`, … */
  private keys(): string[] {
    const out: string[] = [];
    for (const g of this.registry.groups())
      for (const v of g.versions) out.push(g.name === '' ? `api/${v}` : `apis/${g.name}/${v}`);
    return out;
  }

  document(key: string): string | undefined {
    let doc = this.docs.get(key);
    if (doc !== undefined) return doc;
    const m = /^(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(key);
    if (m === null) return undefined;
    const group = m[1] !== undefined ? '' : m[2];
    const version = m[1] ?? m[3];
    const types = this.registry.resourcesIn(group, version);
    if (types.length === 0) return undefined;
    const p: Record<string, unknown> = {};
    for (const rt of types) Object.assign(p, paths(rt, version));
    doc = JSON.stringify({
      openapi: '3.0.0',
      info: { title: 'Kubernetes', version: this.gitVersion },
      paths: p,
      components: { schemas: {} },
    });
    this.docs.set(key, doc);
    return doc;
  }

  root(): string {
    if (this.rootDoc === undefined) {
      const p: Record<string, unknown> = {};
      for (const key of this.keys()) {
        const hash = createHash('sha512')
          .update(this.document(key) ?? '')
          .digest('hex')
          .slice(0, 32)
          .toUpperCase();
        p[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${hash}` };
      }
      this.rootDoc = JSON.stringify({ paths: p });
    }
    return this.rootDoc;
  }
}
