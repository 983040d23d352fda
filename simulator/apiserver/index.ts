/**
 * The embedded cluster's API server: an in-memory Kubernetes API over real HTTP on 127.0.0.1,
 * faithful enough for the real kubectl and @kubernetes/client-node. The HPA controller cannot
 * tell it from a real cluster. `createClusterStore` gives the same store without HTTP.
 */
import { writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { AggregatedGroups, type AggregatedGroup } from './aggregated.js';
import { createClusterStore, type ClusterStoreOptions } from './cluster.js';
import { Discovery } from './discovery.js';
import { FaultInjector } from './faults.js';
import type { HttpContext, OpenWatch } from './http/context.js';
import { createApiHttpServer, type RecordedRequest, type VersionInfo } from './http/server.js';
import { kubeconfigYaml, type KubeconfigOptions } from './kubeconfig.js';
import { OpenApi } from './openapi.js';
import type { HpaTargetsStyle } from './printers/table.js';
import { DEFAULT_RELEASE_MINOR, releaseVersionInfo, versionInfo, versionMinor } from './release.js';
import type { ObjectStore } from './store/store.js';

export interface ApiServerOptions extends ClusterStoreOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** 0 (default): any free port. */
  readonly port?: number;
  /**
   * What `/version` reports, exactly (`v1.31.4`). Default: the emulated release (`release`), with
   * `minor: "31"` so that the kubectl dispatcher runs its bundled kubectl 1.31, which sends JSON
   * (1.32 sends protobuf bodies on typed creates) — see release.ts.
   */
  readonly version?: string;
  /** HPA TARGETS column: `cpu: 1%/49%` (≥ 1.30) or `1%/49%` (legacy). Default from `version`. */
  readonly hpaTargetsStyle?: HpaTargetsStyle;
  /** Serve aggregated discovery (apidiscovery.k8s.io) on /api and /apis. Default true. */
  readonly aggregatedDiscovery?: boolean;
  /** Interval of watch bookmarks when a client allows them. Default 60 s. */
  readonly bookmarkIntervalMs?: number;
  /** Recorded requests kept (oldest dropped first). Default 10,000. */
  readonly maxRecordedRequests?: number;
}

export interface ApiServerHandle {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly port: number;
  readonly store: ObjectStore;
  /** Kubeconfig YAML: server url, insecure-skip-tls-verify, a token user, namespace default. */
  kubeconfig(opts?: KubeconfigOptions): string;
  writeKubeconfig(path: string, opts?: KubeconfigOptions): Promise<void>;
  /** Requests served so far, oldest first. */
  readonly requests: readonly RecordedRequest[];
  clearRequests(): void;
  readonly faults: FaultInjector;
  /** Serves another API group (metrics.k8s.io, custom.metrics.k8s.io, …); returns an unregister function. */
  registerApiGroup(group: AggregatedGroup): () => void;
  close(): Promise<void>;
}

/** The TARGETS style a server of this minor version prints (the prefix arrived in 1.30). */
export function defaultHpaTargetsStyle(info: VersionInfo): HpaTargetsStyle {
  return Number(info.major) > 1 || versionMinor(info) >= 30 ? 'modern' : 'legacy';
}

export async function startApiServer(opts: ApiServerOptions = {}): Promise<ApiServerHandle> {
  const store = createClusterStore(opts);
  const info =
    opts.version !== undefined ? versionInfo(opts.version) : releaseVersionInfo(opts.release ?? DEFAULT_RELEASE_MINOR);
  const faults = new FaultInjector();
  const aggregated = new AggregatedGroups();
  const openWatches = new Set<OpenWatch>();
  const requests: RecordedRequest[] = [];
  const maxRecorded = opts.maxRecordedRequests ?? 10_000;
  let address = '127.0.0.1:0';
  const http: HttpContext = {
    store,
    faults,
    hpaTargetsStyle: opts.hpaTargetsStyle ?? defaultHpaTargetsStyle(info),
    bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 60_000,
    openWatches,
  };
  faults.dropWatchesHook = ({ abrupt }) => {
    const open = [...openWatches];
    for (const w of open) w.close(abrupt === true);
    return open.length;
  };
  faults.compactHook = () => store.compact();
  const server = createApiHttpServer({
    http,
    discovery: new Discovery(store.registry, aggregated, () => address),
    openapi: new OpenApi(store.registry, info.gitVersion),
    aggregated,
    versionInfo: info,
    aggregatedDiscovery: opts.aggregatedDiscovery ?? true,
    record: (r) => {
      requests.push(r);
      if (requests.length > maxRecorded) requests.splice(0, requests.length - maxRecorded);
    },
  });
  // Keep-alive sockets outlive their requests; clients must not hit a server-side close mid-reuse.
  server.keepAliveTimeout = 65_000;
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  address = `${host}:${port}`;
  const url = `http://${host}:${port}`;
  return {
    url,
    port,
    store,
    kubeconfig: (o) => kubeconfigYaml(url, o),
    writeKubeconfig: (path, o) => writeFile(path, kubeconfigYaml(url, o), 'utf8'),
    requests,
    clearRequests: () => {
      requests.length = 0;
    },
    faults,
    registerApiGroup: (g) => aggregated.register(g),
    close: async () => {
      for (const w of [...openWatches]) w.close(false);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export {
  DEFAULT_RELEASE_MINOR,
  KUBECTL_DISPATCH_MINOR,
  isKnownRelease,
  releaseFeatures,
  releaseVersionInfo,
  versionInfo,
} from './release.js';
export { createClusterStore, Resources, INITIAL_NAMESPACES, type ClusterStoreOptions } from './cluster.js';
export {
  ObjectStore,
  type ListOptions,
  type WatchOptions,
  type WatchEvent,
  type WatchHandle,
  type PatchOptions,
  type DeleteOptions,
  type WriteOptions,
} from './store/store.js';
export { StoreError, isStoreError } from './errors.js';
export { FaultInjector, type RequestMatch, type FailSpec, type DropWatchesOptions } from './faults.js';
export type {
  AggregatedGroup,
  AggregatedVersion,
  AggregatedApiRequest,
  AggregatedApiResponse,
  DiscoveryResource,
} from './aggregated.js';
export type { RecordedRequest, VersionInfo } from './http/server.js';
export type { KubeconfigOptions } from './kubeconfig.js';
export type { HpaTargetsStyle } from './printers/table.js';
export type { GroupVersionResource, KubeObject, ObjectMeta, ScaleObject, Status } from './types.js';
export { PatchType } from './types.js';
