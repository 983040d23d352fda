/**
 * Pods by label selector, for adapters that must name pods in their queries (prometheus-adapter
 * lists them from the kube API and builds `pod=~"a|b"`). The controller passes its informer cache;
 * the CLI passes a one-shot API list (kubeConfigPodLister) or an explicit list (staticPodLister).
 */
import { type ApiServerConnection, goPathEscape } from '../../transport/index.js';
import * as d from './decode.js';

import type { ListedPod, PodLister } from '../port.js';

// the controller implements PodLister over its informer cache: the type is part of the port
export type { ListedPod, PodLister } from '../port.js';

export interface KnownPod extends ListedPod {
  /** omitted: the pod is listed in every namespace */
  readonly namespace?: string;
}

/** A fixed set of pods, filtered by namespace and selector like an informer cache would be. */
export function staticPodLister(pods: readonly KnownPod[]): PodLister {
  return (namespace, selector) =>
    Promise.resolve(
      pods
        .filter((p) => (p.namespace === undefined || p.namespace === namespace) && selector.matches(p.labels))
        .map((p) => ({ name: p.name, labels: p.labels })),
    );
}

/** `GET /api/v1/namespaces/{ns}/pods?labelSelector=…` once per call, over the API-server connection. */
export function kubePodLister(conn: ApiServerConnection, timeoutMs = 10_000): PodLister {
  return async (namespace, selector) => {
    const sel = selector.toString();
    const res = await conn.request({
      verb: 'list',
      resource: 'pods',
      path: `/api/v1/namespaces/${goPathEscape(namespace)}/pods`,
      query: [['labelSelector', sel === '' ? undefined : sel]],
      requested: { group: '', resource: 'pods' },
      timeoutMs,
    });
    if (!res.ok) throw new Error(res.error.message);
    const list = d.object(d.parseJson(res.value.text), '');
    return d.array(list.items, 'items').map((it, i) => {
      const meta = d.optObject(d.object(it, `items[${i}]`).metadata, `items[${i}].metadata`);
      return {
        name: d.string(meta.name, `items[${i}].metadata.name`),
        labels: d.stringMap(meta.labels, `items[${i}].metadata.labels`),
      };
    });
  };
}
