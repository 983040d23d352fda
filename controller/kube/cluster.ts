import type { KubeConfig } from '@kubernetes/client-node';
import type {
  HorizontalPodAutoscaler,
  HorizontalPodAutoscalerStatus,
  PodSnapshot,
  ReplicaSetOwnership,
  Scale,
} from '../../algorithms/index.js';
import type { Clock } from '../clock.js';
import type {
  ClusterAccess,
  ClusterResult,
  EventRecord,
  LeaseRecord,
  Stoppable,
  WatchHandlers,
  WriteOptions,
} from '../ports.js';
import { Backoff, type BackoffOptions } from './backoff.js';
import { leaseBody } from '../../transport/lease-body.js';
import {
  ApiDiscovery,
  ApiFailure,
  ApiServerConnection,
  eventBody,
  eventPatch,
  hpaFromApi,
  hpaStatusBody,
  leaseFromApi,
  podSnapshotFromApi,
  replicaSetOwnershipFromApi,
  scaleBody,
  scaleFromApi,
  type MalformedReporter,
  DiscoveryRestMapper,
  groupVersionPath,
  httpMethod,
  isNotFound,
  type ApiError,
  type ApiRequest,
  type RequestObserver,
  type ScaleTarget,
} from '../../transport/index.js';
import { startInformer, type ListPage, type ListWatchSource } from './informer.js';

export interface HpaResource {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  /** kind filled into list items and status writes; default HorizontalPodAutoscaler */
  readonly kind?: string;
}

interface ClusterSettings {
  /** default autoscaling/v2 horizontalpodautoscalers; CRD mode passes its own group/version/plural */
  readonly hpaResource?: HpaResource;
  readonly clock: Clock;
  /** every call but an established watch stream; default 30 s */
  readonly requestTimeoutMs?: number;
  /** for API request metrics: verb, resource, HTTP status (0 = no response), duration */
  readonly onRequest?: (verb: string, resource: string, code: number, durationMs: number) => void;
  readonly userAgent?: string;
  /** restart a watch that delivered nothing, not even a bookmark, for this long; default 180 s */
  readonly watchIdleTimeoutMs?: number;
  /** items per list page; default 500 (client-go's reflector page size) */
  readonly listPageSize?: number;
  /** watch reconnect back-off; default 1 s → 30 s, 20 % jitter, reset after 2 min without failures */
  readonly backoff?: BackoffOptions;
  /** told about data dropped while converting (a pod's malformed quantity, an HPA without a name) */
  readonly onMalformed?: MalformedReporter;
  /** [0, 1), for watch timeouts; injectable for tests */
  readonly random?: () => number;
}

/**
 * Where the cluster is: a kubeconfig (the adapter opens its own connection and closes it on
 * close()), or a connection the process shares with its metrics client (the caller closes it).
 */
export type ClientNodeClusterOptions = ClusterSettings &
  (
    | { readonly kubeConfig: KubeConfig; readonly connection?: undefined }
    | { readonly connection: ApiServerConnection; readonly kubeConfig?: undefined }
  );

/** ClusterAccess over real HTTP, plus what only a real cluster needs. */
export interface ClientNodeCluster extends ClusterAccess {
  /** forget cached discovery (call every sync period, like upstream) */
  invalidateDiscovery(): void;
  /** stops every watch and drops pooled connections (of its own connection, not of a shared one) */
  close(): void;
}

const STRATEGIC_MERGE = 'application/strategic-merge-patch+json';
const LEASES = '/apis/coordination.k8s.io/v1';

function nsPath(base: string, namespace: string | undefined, plural: string): string {
  return namespace === undefined
    ? `${base}/${plural}`
    : `${base}/namespaces/${encodeURIComponent(namespace)}/${plural}`;
}

function unexpected(verb: string, path: string, what: string): ApiError {
  return { failure: ApiFailure.Decode, message: `unexpected response from ${verb} ${path}: not a ${what}`, verb, path };
}

/**
 * The ClusterAccess port over a real API server (or the simulator over HTTP), on
 * @kubernetes/client-node's kubeconfig and authentication with our own pooled HTTP
 * (transport/). The adapter keeps no cache of its own: watches only stream events into the
 * controller's caches; scales are read fresh on every call (spec R3.2.3); discovery is cached
 * until `invalidateDiscovery()`.
 */
export function createClientNodeCluster(opts: ClientNodeClusterOptions): ClientNodeCluster {
  const hpaRes = opts.hpaResource ?? { group: 'autoscaling', version: 'v2', plural: 'horizontalpodautoscalers' };
  const hpaType = { apiVersion: `${hpaRes.group}/${hpaRes.version}`, kind: hpaRes.kind ?? 'HorizontalPodAutoscaler' };
  const hpaBase = groupVersionPath(hpaRes.group, hpaRes.version);
  const random = opts.random ?? Math.random;
  const timeoutMs = opts.requestTimeoutMs ?? 30_000;
  const conn =
    opts.connection ??
    ApiServerConnection.fromKubeConfig(opts.kubeConfig, {
      userAgent: opts.userAgent ?? `hpa-ts (${process.platform}/${process.arch}) horizontal-pod-autoscaler`,
      requestTimeoutMs: timeoutMs,
      now: () => opts.clock.now(),
      setTimer: (ms, fn) => opts.clock.setTimer(ms, fn),
    });
  const onRequest = opts.onRequest;
  const observe: RequestObserver | undefined =
    onRequest === undefined ? undefined : (o) => onRequest(o.verb, o.resource, o.status, o.durationMs);
  const request = (req: ApiRequest): ReturnType<ApiServerConnection['requestJson']> =>
    conn.requestJson({ timeoutMs, ...req }, observe);
  const now = (): number => opts.clock.now();
  const mapper = new DiscoveryRestMapper(
    new ApiDiscovery((path) => request({ verb: 'get', resource: 'discovery', path }), { now }),
    { now },
  );
  const watches = new Set<Stoppable>();
  /** last Lease object seen per ns/name, so a replace keeps what LeaseRecord does not model */
  const leases = new Map<string, Readonly<Record<string, unknown>>>();

  /** A paged LIST (limit/continue), each page handed to `onPage`; `labelSelector` narrows it server-side. */
  function pagedList(path: string, resource: string, labelSelector?: string): Required<ListWatchSource>['listPages'] {
    const pageSize = String(opts.listPageSize ?? 500);
    return async (
      _signal: AbortSignal,
      onPage: (items: readonly unknown[]) => void,
    ): Promise<ClusterResult<{ resourceVersion: string }>> => {
      let cont: string | undefined;
      let resourceVersion: string;
      do {
        const query: Array<[string, string | undefined]> = [
          ['labelSelector', labelSelector],
          ['limit', pageSize],
          ['continue', cont],
        ];
        const r = await request({ verb: 'list', resource, path, query });
        if (!r.ok) return r;
        const body = (r.value ?? {}) as {
          items?: unknown;
          metadata?: { resourceVersion?: unknown; continue?: unknown };
        };
        if (!Array.isArray(body.items)) return { ok: false, error: unexpected('GET', path, 'list') };
        onPage(body.items as unknown[]);
        resourceVersion = typeof body.metadata?.resourceVersion === 'string' ? body.metadata.resourceVersion : '';
        cont =
          typeof body.metadata?.continue === 'string' && body.metadata.continue !== ''
            ? body.metadata.continue
            : undefined;
      } while (cont !== undefined);
      return { ok: true, value: { resourceVersion } };
    };
  }

  function source(path: string, resource: string): ListWatchSource {
    const listPages = pagedList(path, resource);
    return {
      listPages,
      async currentResourceVersion(): Promise<ClusterResult<string>> {
        // limit=1 without a resourceVersion: a consistent read of one item, cheap at any size
        const r = await request({ verb: 'list', resource, path, query: [['limit', '1']] });
        if (!r.ok) return r;
        const md = (r.value as { metadata?: { resourceVersion?: unknown } } | undefined)?.metadata;
        if (typeof md?.resourceVersion !== 'string') return { ok: false, error: unexpected('GET', path, 'list') };
        return { ok: true, value: md.resourceVersion };
      },
      async list(signal): Promise<ClusterResult<ListPage>> {
        const items: unknown[] = [];
        const r = await listPages(signal, (page) => items.push(...page));
        return r.ok ? { ok: true, value: { items, resourceVersion: r.value.resourceVersion } } : r;
      },
      watch(resourceVersion, signal, onEvent) {
        // Like client-go's reflector: the server ends each watch after 5–10 min (spread so
        // that many clients do not reconnect together); we resume from the last resourceVersion.
        const query: Array<[string, string | undefined]> = [
          ['watch', 'true'],
          ['allowWatchBookmarks', 'true'],
          ['timeoutSeconds', String(300 + Math.floor(random() * 300))],
          ['resourceVersion', resourceVersion === '' ? undefined : resourceVersion],
        ];
        const req: ApiRequest = { verb: 'watch', resource, path, query, timeoutMs };
        return conn.stream(
          req,
          signal,
          (o) => {
            const ev = (o ?? {}) as { type?: unknown; object?: unknown };
            onEvent({ type: typeof ev.type === 'string' ? ev.type : '', object: ev.object });
          },
          observe,
        );
      },
    };
  }

  function watch<T>(
    path: string,
    resource: string,
    convert: (raw: unknown) => T | undefined,
    handlers: WatchHandlers<T>,
  ): Stoppable {
    const informer = startInformer({
      source: source(path, resource),
      convert,
      handlers,
      clock: opts.clock,
      describe: path,
      backoff: new Backoff({ random, ...opts.backoff }),
      watchIdleTimeoutMs: opts.watchIdleTimeoutMs,
    });
    const handle: Stoppable = {
      stop: () => {
        watches.delete(handle);
        informer.stop();
      },
    };
    watches.add(handle);
    return handle;
  }

  async function call<T>(
    req: ApiRequest,
    parse: (raw: unknown) => T | undefined,
    what: string,
  ): Promise<ClusterResult<T>> {
    const r = await request(req);
    if (!r.ok) return r;
    const value = parse(r.value);
    if (value === undefined) return { ok: false, error: unexpected(httpMethod(req.verb), req.path, what) };
    return { ok: true, value };
  }

  const toVoid = (): true => true;

  function scalePath(t: ScaleTarget, namespace: string, name: string): string {
    return `${nsPath(groupVersionPath(t.group, t.version), namespace, t.resource)}/${encodeURIComponent(name)}/scale`;
  }

  function rememberLease(key: string, raw: unknown): LeaseRecord | undefined {
    const lease = leaseFromApi(raw);
    if (lease !== undefined) leases.set(key, raw as Record<string, unknown>);
    return lease;
  }

  return {
    watchHpas(namespace: string | undefined, handlers: WatchHandlers<HorizontalPodAutoscaler>): Stoppable {
      return watch(
        nsPath(hpaBase, namespace, hpaRes.plural),
        hpaRes.plural,
        (raw) => hpaFromApi(raw, hpaType, opts.onMalformed),
        handlers,
      );
    },

    watchPods(namespace: string | undefined, handlers: WatchHandlers<PodSnapshot>): Stoppable {
      return watch(
        nsPath('/api/v1', namespace, 'pods'),
        'pods',
        (raw) => podSnapshotFromApi(raw, opts.onMalformed),
        handlers,
      );
    },

    resolveScaleTarget(apiVersion: string, kind: string): Promise<ClusterResult<readonly ScaleTarget[]>> {
      return mapper.scaleTargets(apiVersion, kind);
    },

    getScale(target: ScaleTarget, namespace: string, name: string): Promise<ClusterResult<Scale>> {
      return call(
        { verb: 'get', resource: `${target.resource}/scale`, path: scalePath(target, namespace, name) },
        scaleFromApi,
        'Scale',
      );
    },

    async listReplicaSets(
      namespace: string,
      labelSelector: string,
    ): Promise<ClusterResult<readonly ReplicaSetOwnership[]>> {
      const path = nsPath('/apis/apps/v1', namespace, 'replicasets');
      const sets: ReplicaSetOwnership[] = [];
      const r = await pagedList(
        path,
        'replicasets',
        labelSelector,
      )(new AbortController().signal, (page) => {
        for (const raw of page) {
          const rs = replicaSetOwnershipFromApi(raw);
          if (rs !== undefined) sets.push(rs);
        }
      });
      return r.ok ? { ok: true, value: sets } : r;
    },

    updateScale(target: ScaleTarget, namespace: string, scale: Scale, w?: WriteOptions): Promise<ClusterResult<Scale>> {
      const path = scalePath(target, namespace, scale.metadata.name);
      const body = scaleBody(scale, namespace);
      return call(
        { verb: 'update', resource: `${target.resource}/scale`, path, body, signal: w?.signal },
        scaleFromApi,
        'Scale',
      );
    },

    updateHpaStatus(
      hpa: HorizontalPodAutoscaler,
      status: HorizontalPodAutoscalerStatus,
      w?: WriteOptions,
    ): Promise<ClusterResult<HorizontalPodAutoscaler>> {
      const path = `${nsPath(hpaBase, hpa.metadata.namespace ?? '', hpaRes.plural)}/${encodeURIComponent(hpa.metadata.name)}/status`;
      const body = hpaStatusBody(hpa, status, hpaType);
      return call(
        { verb: 'update', resource: `${hpaRes.plural}/status`, path, body, signal: w?.signal },
        (raw) => hpaFromApi(raw, hpaType),
        hpaType.kind,
      );
    },

    getHpa(namespace: string, name: string): Promise<ClusterResult<HorizontalPodAutoscaler>> {
      const path = `${nsPath(hpaBase, namespace, hpaRes.plural)}/${encodeURIComponent(name)}`;
      return call({ verb: 'get', resource: hpaRes.plural, path }, (raw) => hpaFromApi(raw, hpaType), hpaType.kind);
    },

    async createEvent(event: EventRecord, w?: WriteOptions): Promise<ClusterResult<void>> {
      const path = nsPath('/api/v1', event.namespace, 'events');
      const req: ApiRequest = { verb: 'create', resource: 'events', path, body: eventBody(event), signal: w?.signal };
      const r = await call(req, toVoid, 'Event');
      return r.ok ? { ok: true, value: undefined } : r;
    },

    async patchEvent(event: EventRecord, w?: WriteOptions): Promise<ClusterResult<void>> {
      const path = `${nsPath('/api/v1', event.namespace, 'events')}/${encodeURIComponent(event.name)}`;
      const req: ApiRequest = {
        verb: 'patch',
        resource: 'events',
        path,
        body: eventPatch(event),
        contentType: STRATEGIC_MERGE,
        signal: w?.signal,
      };
      const r = await call(req, toVoid, 'Event');
      return r.ok ? { ok: true, value: undefined } : r;
    },

    async getLease(namespace: string, name: string): Promise<ClusterResult<LeaseRecord | null>> {
      const path = `${nsPath(LEASES, namespace, 'leases')}/${encodeURIComponent(name)}`;
      const r = await request({ verb: 'get', resource: 'leases', path });
      if (!r.ok) return isNotFound(r.error) ? { ok: true, value: null } : r;
      const lease = rememberLease(`${namespace}/${name}`, r.value);
      return lease === undefined ? { ok: false, error: unexpected('GET', path, 'Lease') } : { ok: true, value: lease };
    },

    createLease(
      namespace: string,
      name: string,
      lease: Omit<LeaseRecord, 'resourceVersion'>,
    ): Promise<ClusterResult<LeaseRecord>> {
      const path = nsPath(LEASES, namespace, 'leases');
      const body = leaseBody(namespace, name, lease, undefined);
      return call(
        { verb: 'create', resource: 'leases', path, body },
        (raw) => rememberLease(`${namespace}/${name}`, raw),
        'Lease',
      );
    },

    updateLease(namespace: string, name: string, lease: LeaseRecord): Promise<ClusterResult<LeaseRecord>> {
      const key = `${namespace}/${name}`;
      const path = `${nsPath(LEASES, namespace, 'leases')}/${encodeURIComponent(name)}`;
      const body = leaseBody(namespace, name, lease, leases.get(key));
      return call({ verb: 'update', resource: 'leases', path, body }, (raw) => rememberLease(key, raw), 'Lease');
    },

    invalidateDiscovery(): void {
      mapper.invalidate();
    },

    close(): void {
      for (const w of [...watches]) w.stop();
      if (opts.connection === undefined) conn.close();
    },
  };
}
