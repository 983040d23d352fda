import type { ConfigMapAccess, ConfigMapRecord } from '../history/port.js';
import type { ClusterResult } from '../ports.js';
import {
  ApiFailure,
  isNotFound,
  type ApiError,
  type ApiRequest,
  type ApiServerConnection,
  type RequestObserver,
} from '../../transport/index.js';

/** Labels every history ConfigMap carries, so `kubectl get cm -l` finds them all. */
export const HISTORY_CONFIGMAP_LABELS: Readonly<Record<string, string>> = {
  'app.kubernetes.io/managed-by': 'hpa-ts',
  'app.kubernetes.io/component': 'history-store',
};

function path(namespace: string, name?: string): string {
  const base = `/api/v1/namespaces/${encodeURIComponent(namespace)}/configmaps`;
  return name === undefined ? base : `${base}/${encodeURIComponent(name)}`;
}

/** A ConfigMap from the API, or undefined when the body is not one (data values must be strings). */
export function configMapFromApi(raw: unknown): ConfigMapRecord | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const o = raw as { metadata?: Record<string, unknown>; data?: unknown };
  const md = o.metadata;
  if (typeof md?.name !== 'string' || typeof md.namespace !== 'string' || typeof md.resourceVersion !== 'string')
    return undefined;
  const data: Record<string, string> = {};
  if (o.data !== undefined && o.data !== null) {
    if (typeof o.data !== 'object' || Array.isArray(o.data)) return undefined;
    for (const [k, v] of Object.entries(o.data as Record<string, unknown>)) if (typeof v === 'string') data[k] = v;
  }
  return { namespace: md.namespace, name: md.name, resourceVersion: md.resourceVersion, data };
}

function body(namespace: string, name: string, data: Readonly<Record<string, string>>, rv?: string): unknown {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      namespace,
      name,
      labels: HISTORY_CONFIGMAP_LABELS,
      ...(rv === undefined ? {} : { resourceVersion: rv }),
    },
    data,
  };
}

/** The ConfigMapAccess port over the process's API-server connection. */
export function createConfigMapAccess(
  connection: ApiServerConnection,
  opts: { readonly requestTimeoutMs: number; readonly observe?: RequestObserver },
): ConfigMapAccess {
  async function call(req: ApiRequest): Promise<ClusterResult<ConfigMapRecord>> {
    const r = await connection.requestJson({ timeoutMs: opts.requestTimeoutMs, ...req }, opts.observe);
    if (!r.ok) return r;
    const cm = configMapFromApi(r.value);
    if (cm !== undefined) return { ok: true, value: cm };
    const error: ApiError = {
      failure: ApiFailure.Decode,
      message: `unexpected response from ${req.verb} ${req.path}: not a ConfigMap`,
      verb: req.verb,
      path: req.path,
    };
    return { ok: false, error };
  }
  return {
    async getConfigMap(namespace, name) {
      const r = await call({ verb: 'get', resource: 'configmaps', path: path(namespace, name) });
      if (!r.ok && isNotFound(r.error)) return { ok: true, value: null };
      return r;
    },
    createConfigMap(namespace, name, data, w) {
      return call({
        verb: 'create',
        resource: 'configmaps',
        path: path(namespace),
        body: body(namespace, name, data),
        signal: w?.signal,
      });
    },
    updateConfigMap(record, w) {
      return call({
        verb: 'update',
        resource: 'configmaps',
        path: path(record.namespace, record.name),
        body: body(record.namespace, record.name, record.data, record.resourceVersion),
        signal: w?.signal,
      });
    },
  };
}
