/**
 * An in-memory cluster without HTTP: the registry of built-in kinds, the store, CRD serving and
 * the bits of kube-controller-manager a bare API server would lack (the default namespaces and
 * each namespace's `default` ServiceAccount). The HTTP server wraps exactly this.
 */
import { builtinRegistry, serveCustomResources } from './kinds/index.js';
import type { ServerFeatures } from './registry.js';
import { DEFAULT_RELEASE_MINOR, releaseFeatures } from './release.js';
import { ObjectStore } from './store/store.js';
import type { GroupVersionResource } from './types.js';

export interface ClusterStoreOptions {
  /** Epoch milliseconds; defaults to the wall clock. */
  readonly now?: () => number;
  /** Serve autoscaling/v2beta2 and v2beta1 as views of v2 (default true; see kinds/autoscaling.ts). */
  readonly legacyHpaVersions?: boolean;
  /**
   * The release validated, defaulted and pruned as (the minor: 37 for 1.37; default the newest,
   * the controller's default --emulated-version). Its default feature gates set `features`.
   */
  readonly release?: number;
  /** Overrides of the release's gates. */
  readonly features?: Partial<ServerFeatures>;
  /** Watch events kept per resource; older resourceVersions get 410 Gone. Default 1000. */
  readonly historyLimit?: number;
  readonly newUid?: () => string;
  /** Pods held at most; more are refused with 403 `exceeded quota: simulator-max-pods, …` (default: no limit). */
  readonly maxPods?: number;
}

export const NAMESPACES: GroupVersionResource = { group: '', version: 'v1', resource: 'namespaces' };
const SERVICE_ACCOUNTS: GroupVersionResource = { group: '', version: 'v1', resource: 'serviceaccounts' };

/** Common collections, for in-process callers. */
export const Resources = {
  namespaces: NAMESPACES,
  pods: { group: '', version: 'v1', resource: 'pods' },
  events: { group: '', version: 'v1', resource: 'events' },
  configMaps: { group: '', version: 'v1', resource: 'configmaps' },
  services: { group: '', version: 'v1', resource: 'services' },
  serviceAccounts: SERVICE_ACCOUNTS,
  deployments: { group: 'apps', version: 'v1', resource: 'deployments' },
  replicaSets: { group: 'apps', version: 'v1', resource: 'replicasets' },
  statefulSets: { group: 'apps', version: 'v1', resource: 'statefulsets' },
  horizontalPodAutoscalers: { group: 'autoscaling', version: 'v2', resource: 'horizontalpodautoscalers' },
  horizontalPodAutoscalersV1: { group: 'autoscaling', version: 'v1', resource: 'horizontalpodautoscalers' },
  leases: { group: 'coordination.k8s.io', version: 'v1', resource: 'leases' },
  customResourceDefinitions: { group: 'apiextensions.k8s.io', version: 'v1', resource: 'customresourcedefinitions' },
} as const satisfies Record<string, GroupVersionResource>;

/** The composition root's default clock; the store itself only ever calls the injected `now`. */
const wallClock = (): number => Date.now();

export const INITIAL_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'] as const;

export function createClusterStore(opts: ClusterStoreOptions = {}): ObjectStore {
  const release = opts.release ?? DEFAULT_RELEASE_MINOR;
  const registry = builtinRegistry({ legacyHpaVersions: opts.legacyHpaVersions ?? true, release });
  const store = new ObjectStore(registry, {
    now: opts.now ?? wallClock,
    features: { ...releaseFeatures(release), ...opts.features },
    historyLimit: opts.historyLimit,
    newUid: opts.newUid,
    maxPods: opts.maxPods,
  });
  serveCustomResources(store);
  // The serviceaccount controller: every namespace gets a `default` ServiceAccount.
  store.onCommit((rt, type, entry) => {
    if (type !== 'ADDED' || rt.group !== '' || rt.resource !== 'namespaces') return;
    const ns = entry.obj.metadata.name;
    if (ns === undefined) return;
    try {
      store.create(SERVICE_ACCOUNTS, ns, { metadata: { name: 'default' } });
    } catch {
      // already there (a restored or replayed namespace)
    }
  });
  for (const name of INITIAL_NAMESPACES) store.create(NAMESPACES, undefined, { metadata: { name } });
  return store;
}
