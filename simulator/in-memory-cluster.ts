/**
 * The ClusterAccess port (controller/ports.ts) over the in-memory ObjectStore, for running the real
 * HpaController in virtual time without HTTP. Same semantics and error shapes as the client-node
 * adapter (controller/kube): results are ClusterResults whose errors carry the Status code, reason
 * and message the API server would send (409 on a stale PUT, 404 …); objects go through the same
 * converters; watches list first (ADDED for every object, then onSynced) and deliver events
 * asynchronously, in commit order, as an informer would. Discovery maps a kind to every served
 * version of its resource that has a scale subresource, preferred version first.
 */
import type {
  HorizontalPodAutoscaler,
  HorizontalPodAutoscalerStatus,
  PodSnapshot,
  ReplicaSetOwnership,
  Scale,
} from '../algorithms/index.js';
import type {
  ClusterAccess,
  ClusterError,
  ClusterResult,
  EventRecord,
  LeaseRecord,
  ScaleTarget,
  Stoppable,
  WatchHandlers,
} from '../controller/ports.js';
import { eventBody, eventPatch, scaleBody } from '../transport/bodies.js';
import { hpaFromApi, leaseFromApi, podSnapshotFromApi, scaleFromApi } from '../transport/convert.js';
import { replicaSetOwnershipFromApi } from '../transport/owners.js';
import { Resources, isStoreError, type ObjectStore, type WatchEvent } from './apiserver/index.js';
import type { GroupVersionResource, KubeObject } from './apiserver/types.js';

const HPA_TYPE = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler' } as const;

function path(gvr: GroupVersionResource, namespace: string | undefined, name?: string, sub?: string): string {
  const base = gvr.group === '' ? `/api/${gvr.version}` : `/apis/${gvr.group}/${gvr.version}`;
  const ns = namespace === undefined ? '' : `/namespaces/${namespace}`;
  return `${base}${ns}/${gvr.resource}${name === undefined ? '' : `/${name}`}${sub === undefined ? '' : `/${sub}`}`;
}

export interface InMemoryClusterOptions {
  /** deliver watch events through this (default: queueMicrotask) — events arrive after the write returns, like over HTTP */
  readonly defer?: (fn: () => void) => void;
}

export interface InMemoryCluster extends ClusterAccess {
  invalidateDiscovery(): void;
  close(): void;
}

/** Runs `fn` against the store, converting a thrown StoreError into a ClusterError at this one edge. */
function attempt<T>(verb: string, p: string, fn: () => T): ClusterResult<T> {
  try {
    return { ok: true, value: fn() };
  } catch (e) {
    if (!isStoreError(e)) throw e;
    const error: ClusterError = { status: e.code, reason: e.reason, message: e.status.message, verb, path: p };
    return { ok: false, error };
  }
}

function resolved<T>(r: ClusterResult<T>): Promise<ClusterResult<T>> {
  return Promise.resolve(r);
}

export function createInMemoryCluster(store: ObjectStore, opts: InMemoryClusterOptions = {}): InMemoryCluster {
  const defer = opts.defer ?? queueMicrotask;
  const watches = new Set<Stoppable>();

  function watch<T>(
    gvr: GroupVersionResource,
    namespace: string | undefined,
    convert: (raw: KubeObject) => T | undefined,
    handlers: WatchHandlers<T>,
  ): Stoppable {
    let stopped = false;
    const queue: WatchEvent[] = [];
    let draining = false;
    const drain = (): void => {
      draining = false;
      for (const ev of queue.splice(0)) {
        if (stopped) return;
        if (ev.type === 'BOOKMARK') continue;
        const obj = convert(ev.object);
        if (obj !== undefined) handlers.onEvent(ev.type, obj);
      }
    };
    // list: the current objects, as ADDED, then synced; later events follow in commit order
    const listed = store.list(gvr, namespace === undefined ? {} : { namespace });
    const handle = store.watch(
      gvr,
      { ...(namespace === undefined ? {} : { namespace }), resourceVersion: listed.resourceVersion },
      (ev) => {
        queue.push(ev);
        if (!draining) {
          draining = true;
          defer(drain);
        }
      },
    );
    defer(() => {
      if (stopped) return;
      for (const raw of listed.items) {
        const obj = convert(raw);
        if (obj !== undefined) handlers.onEvent('ADDED', obj);
      }
      handlers.onSynced?.();
    });
    const s: Stoppable = {
      stop: () => {
        stopped = true;
        handle.stop();
        watches.delete(s);
      },
    };
    watches.add(s);
    return s;
  }

  function gvrOf(t: ScaleTarget): GroupVersionResource {
    return { group: t.group, version: t.version, resource: t.resource };
  }

  return {
    watchHpas(namespace: string | undefined, handlers: WatchHandlers<HorizontalPodAutoscaler>): Stoppable {
      return watch(Resources.horizontalPodAutoscalers, namespace, (raw) => hpaFromApi(raw, HPA_TYPE), handlers);
    },

    watchPods(namespace: string | undefined, handlers: WatchHandlers<PodSnapshot>): Stoppable {
      return watch(Resources.pods, namespace, (raw) => podSnapshotFromApi(raw), handlers);
    },

    resolveScaleTarget(apiVersion: string, kind: string): Promise<ClusterResult<readonly ScaleTarget[]>> {
      const parts = apiVersion.split('/');
      if (parts.length > 2) {
        return resolved({
          ok: false,
          error: {
            reason: 'InvalidAPIVersion',
            message: `unexpected GroupVersion string: ${apiVersion}`,
            verb: 'parse',
            path: apiVersion,
          },
        });
      }
      const group = parts.length === 2 ? parts[0] : '';
      const rt = store.registry.byKind(group, kind);
      if (rt === undefined) {
        return resolved({
          ok: false,
          error: {
            reason: 'NoKindMatch',
            message: `no matches for kind "${kind}" in group "${group}"`,
            verb: 'get',
            path: '/apis',
          },
        });
      }
      const versions = store.registry.groups().find((g) => g.name === group)?.versions ?? rt.versions;
      const targets: ScaleTarget[] =
        rt.scale === undefined
          ? []
          : versions
              .filter((v) => rt.versions.includes(v))
              .map((version) => ({ group, version, resource: rt.resource }));
      return resolved({ ok: true, value: targets });
    },

    getScale(target: ScaleTarget, namespace: string, name: string): Promise<ClusterResult<Scale>> {
      const p = path(gvrOf(target), namespace, name, 'scale');
      return resolved(attempt('GET', p, () => scaleFromApi(store.getScale(gvrOf(target), namespace, name)) as Scale));
    },

    listReplicaSets(namespace: string, labelSelector: string): Promise<ClusterResult<readonly ReplicaSetOwnership[]>> {
      const p = path(Resources.replicaSets, namespace);
      return resolved(
        attempt('GET', p, () =>
          store
            .list(Resources.replicaSets, { namespace, labelSelector })
            .items.map((raw) => replicaSetOwnershipFromApi(raw))
            .filter((rs): rs is ReplicaSetOwnership => rs !== undefined),
        ),
      );
    },
    updateScale(target: ScaleTarget, namespace: string, scale: Scale): Promise<ClusterResult<Scale>> {
      const p = path(gvrOf(target), namespace, scale.metadata.name, 'scale');
      const body = scaleBody(scale, namespace);
      return resolved(
        attempt(
          'PUT',
          p,
          () => scaleFromApi(store.updateScale(gvrOf(target), namespace, scale.metadata.name, body)) as Scale,
        ),
      );
    },

    updateHpaStatus(
      hpa: HorizontalPodAutoscaler,
      status: HorizontalPodAutoscalerStatus,
    ): Promise<ClusterResult<HorizontalPodAutoscaler>> {
      const ns = hpa.metadata.namespace ?? '';
      const p = path(Resources.horizontalPodAutoscalers, ns, hpa.metadata.name, 'status');
      // A PUT of the status subresource applies only the status (and checks metadata's
      // resourceVersion): the spec need not travel, as it would not over HTTP either.
      const md = hpa.metadata;
      const body = {
        apiVersion: hpa.apiVersion ?? HPA_TYPE.apiVersion,
        kind: hpa.kind ?? HPA_TYPE.kind,
        metadata: {
          name: md.name,
          namespace: ns,
          ...(md.uid !== undefined ? { uid: md.uid } : {}),
          ...(md.resourceVersion !== undefined ? { resourceVersion: md.resourceVersion } : {}),
        },
        status,
      };
      return resolved(
        attempt(
          'PUT',
          p,
          () =>
            hpaFromApi(
              store.updateStatus(Resources.horizontalPodAutoscalers, ns, hpa.metadata.name, body),
              HPA_TYPE,
            ) as HorizontalPodAutoscaler,
        ),
      );
    },

    getHpa(namespace: string, name: string): Promise<ClusterResult<HorizontalPodAutoscaler>> {
      const p = path(Resources.horizontalPodAutoscalers, namespace, name);
      return resolved(
        attempt(
          'GET',
          p,
          () =>
            hpaFromApi(
              store.get(Resources.horizontalPodAutoscalers, namespace, name),
              HPA_TYPE,
            ) as HorizontalPodAutoscaler,
        ),
      );
    },

    createEvent(e: EventRecord): Promise<ClusterResult<void>> {
      const p = path(Resources.events, e.namespace);
      const body = eventBody(e);
      return resolved(attempt('POST', p, () => void store.create(Resources.events, e.namespace, body)));
    },

    patchEvent(e: EventRecord): Promise<ClusterResult<void>> {
      const p = path(Resources.events, e.namespace, e.name);
      const patch = eventPatch(e);
      return resolved(
        attempt(
          'PATCH',
          p,
          () =>
            void store.patch(Resources.events, e.namespace, e.name, 'application/strategic-merge-patch+json', patch),
        ),
      );
    },

    getLease(namespace: string, name: string): Promise<ClusterResult<LeaseRecord | null>> {
      const p = path(Resources.leases, namespace, name);
      const r = attempt('GET', p, () => leaseFromApi(store.get(Resources.leases, namespace, name)) ?? null);
      if (!r.ok && r.error.status === 404) return resolved({ ok: true, value: null });
      return resolved(r);
    },

    createLease(
      namespace: string,
      name: string,
      lease: Omit<LeaseRecord, 'resourceVersion'>,
    ): Promise<ClusterResult<LeaseRecord>> {
      const p = path(Resources.leases, namespace);
      return resolved(
        attempt(
          'POST',
          p,
          () =>
            leaseFromApi(store.create(Resources.leases, namespace, leaseBody(namespace, name, lease))) as LeaseRecord,
        ),
      );
    },

    updateLease(namespace: string, name: string, lease: LeaseRecord): Promise<ClusterResult<LeaseRecord>> {
      const p = path(Resources.leases, namespace, name);
      return resolved(
        attempt(
          'PUT',
          p,
          () =>
            leaseFromApi(
              store.update(Resources.leases, namespace, name, leaseBody(namespace, name, lease)),
            ) as LeaseRecord,
        ),
      );
    },

    invalidateDiscovery(): void {
      // discovery is read from the registry on every call: nothing cached
    },

    close(): void {
      for (const w of [...watches]) w.stop();
    },
  };
}

function leaseBody(
  namespace: string,
  name: string,
  lease: Omit<LeaseRecord, 'resourceVersion'> & { readonly resourceVersion?: string },
): Record<string, unknown> {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name,
      namespace,
      ...(lease.resourceVersion === undefined ? {} : { resourceVersion: lease.resourceVersion }),
    },
    spec: {
      holderIdentity: lease.holderIdentity ?? '',
      leaseDurationSeconds: lease.leaseDurationSeconds,
      leaseTransitions: lease.leaseTransitions,
      ...(lease.acquireTime === null ? {} : { acquireTime: lease.acquireTime }),
      ...(lease.renewTime === null ? {} : { renewTime: lease.renewTime }),
    },
  };
}
