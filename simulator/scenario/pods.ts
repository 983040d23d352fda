/**
 * The pods of a simulated cluster as a recording or a replay sees them (`hpa-ts simulate --record`,
 * `hpa-ts replay`): matching a selector, oldest first, with their containers' requests.
 */
import { Quantity, type Selector } from '../../algorithms/index.js';
import type { port } from '../../metrics-clients/index.js';
import { Resources, type ObjectStore } from '../apiserver/index.js';
import { asArray, asObject, asString } from '../apiserver/json.js';

/** Pods of `namespace` matching `selector`, by creationTimestamp then name. */
export function podsOldestFirst(store: ObjectStore, namespace: string, selector: Selector): port.ListedPod[] {
  return store
    .list(Resources.pods, { namespace })
    .items.filter((p) => selector.matches(p.metadata.labels ?? {}))
    .map((p) => ({
      name: p.metadata.name ?? '',
      labels: p.metadata.labels ?? {},
      created: p.metadata.creationTimestamp ?? '',
    }))
    .sort((a, b) => (a.created !== b.created ? (a.created < b.created ? -1 : 1) : a.name < b.name ? -1 : 1))
    .map(({ name, labels }) => ({ name, labels }));
}

/** A pod's containers' requests (container → resource → quantity); empty when the pod is gone. */
export function podRequests(
  store: ObjectStore,
  namespace: string,
  pod: string,
): ReadonlyMap<string, Readonly<Record<string, Quantity>>> {
  const found = store.list(Resources.pods, { namespace }).items.find((p) => p.metadata.name === pod);
  const out = new Map<string, Record<string, Quantity>>();
  if (found === undefined) return out;
  for (const c of asArray(asObject(found.spec)?.containers)) {
    const container = asObject(c) ?? {};
    const requests: Record<string, Quantity> = {};
    for (const [k, v] of Object.entries(asObject(asObject(container.resources)?.requests) ?? {})) {
      const q = Quantity.tryParse(v);
      if (q.ok) requests[k] = q.value;
    }
    out.set(asString(container.name) ?? '', requests);
  }
  return out;
}
