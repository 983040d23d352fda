import type { ClusterAccess, ClusterError, ClusterResult, EventRecord, WriteOptions } from '../ports.js';
import { ApiFailure } from '../../transport/index.js';
import type { WriteGuard } from './guard.js';

/** The error of a write the guard refused or cut short: the Fenced failure, never retried. */
export function fencedError(verb: string, what: string, why: string): ClusterError {
  return { failure: ApiFailure.Fenced, message: `${why}; ${verb} ${what} not sent`, verb, path: what };
}

async function guarded<T>(
  guard: WriteGuard,
  verb: string,
  what: string,
  hpa: string | undefined,
  write: (opts: WriteOptions) => Promise<ClusterResult<T>>,
): Promise<ClusterResult<T>> {
  const permit = guard.permit(hpa);
  if (permit === undefined) return { ok: false, error: fencedError(verb, what, guard.describe(hpa)) };
  try {
    const r = await write({ signal: permit.signal, ...(hpa === undefined ? {} : { hpa }) });
    // Cut short because the right to write ended while it was in flight.
    if (!r.ok && permit.signal.aborted) return { ok: false, error: fencedError(verb, what, guard.describe(hpa)) };
    return r;
  } finally {
    permit.done();
  }
}

/** The HPA an event is about (the recorder only records events about HPAs). */
function involved(event: EventRecord): string {
  return `${event.involvedObject.namespace}/${event.involvedObject.name}`;
}

/**
 * The cluster as the reconciler and the event recorder see it: every write (scale, status,
 * event) asks `guard` first and carries the permit's signal, so it is refused once the leader
 * lease is no longer valid by this replica's clock and cancelled if that happens while it is in
 * flight. Reads, watches and the lease itself (the elector's own calls) pass through.
 */
export function fenceWrites<C extends ClusterAccess>(cluster: C, guard: WriteGuard): C {
  const name = (ns: string | undefined, n: string): string => `${ns ?? ''}/${n}`;
  const writes: Pick<ClusterAccess, 'updateScale' | 'updateHpaStatus' | 'createEvent' | 'patchEvent'> = {
    // the HPA each write is made for: the scale write names it in its options (reconciler.ts)
    updateScale: (target, namespace, scale, opts) =>
      guarded(guard, 'PUT', `${target.resource}/scale ${name(namespace, scale.metadata.name)}`, opts?.hpa, (o) =>
        cluster.updateScale(target, namespace, scale, o),
      ),
    updateHpaStatus: (hpa, status) =>
      guarded(
        guard,
        'PUT',
        `${hpa.kind ?? 'HorizontalPodAutoscaler'} status ${name(hpa.metadata.namespace, hpa.metadata.name)}`,
        name(hpa.metadata.namespace, hpa.metadata.name),
        (o) => cluster.updateHpaStatus(hpa, status, o),
      ),
    createEvent: (event) =>
      guarded(guard, 'POST', `event ${name(event.namespace, event.name)}`, involved(event), (o) =>
        cluster.createEvent(event, o),
      ),
    patchEvent: (event) =>
      guarded(guard, 'PATCH', `event ${name(event.namespace, event.name)}`, involved(event), (o) =>
        cluster.patchEvent(event, o),
      ),
  };
  // A Proxy keeps whatever else the adapter has (invalidateDiscovery, close) without listing it.
  return new Proxy(cluster, {
    get(target, prop, receiver) {
      if (typeof prop === 'string' && Object.hasOwn(writes, prop)) return writes[prop as keyof typeof writes];
      const v: unknown = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
