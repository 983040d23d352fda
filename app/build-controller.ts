/**
 * The composition root's one wiring of the controller (ARCHITECTURE.md): a cluster adapter, a
 * metrics client, a clock and settings in; the event recorder, the monitor, the HpaController
 * and, for `run`, leader election and the health/metrics server out. `run`, `explain`, `demo` and
 * `simulate` differ only in the mode they pass.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { KubeConfig } from '@kubernetes/client-node';
import { type Result, err, ok } from '../algorithms/index.js';
import { cachedPodLister } from '../controller/caches.js';
import type { Clock } from '../controller/clock.js';
import { HpaController } from '../controller/controller.js';
import { EventRecorder } from '../controller/events/index.js';
import { ConfigMapHistoryStore, HistoryStoreMetrics } from '../controller/history/index.js';
import { createLogger, silentLogger, type Logger } from '../controller/logging.js';
import { fenceWrites, type WriteGuard } from '../controller/leader/index.js';
import { ControllerMetrics } from '../controller/monitor.js';
import type { ClusterAccess } from '../controller/ports.js';
import type { ReconcileOutcome } from '../controller/reconciler.js';
import { ShadowComparator } from '../controller/shadow.js';
import {
  createMetricsClient,
  metricsClientOptionsFromFlags,
  type MetricsClient,
  type MetricsFlags,
} from '../metrics-clients/index.js';
import { ApiRateLimits, ApiServerConnection } from '../transport/index.js';
import type { RunSettings } from './settings.js';

/** run: the process `hpa-ts run` is; demo: the same against the simulator; explain: one dry decision; simulate: virtual time. */
export type ControllerMode = 'run' | 'explain' | 'simulate' | 'demo';

export const CRD_RESOURCE = {
  group: 'autoscaling.hpa-ts.io',
  version: 'v1',
  plural: 'horizontalpodautoscalers',
  kind: 'HorizontalPodAutoscaler',
} as const;

/** A real (or simulated-over-HTTP) cluster through client-node, or an in-process ClusterAccess. */
type ClusterHandle = ClusterAccess & { invalidateDiscovery?(): void; close(): void };

/** `source` names where the kubeconfig came from (its file), for errors. */
export type ClusterSource =
  { readonly kubeConfig: KubeConfig; readonly source?: string } | { readonly access: ClusterHandle };

/** A metrics client built from flags (against the cluster's kubeconfig), or one given ready-made. */
export type MetricsSource =
  { readonly flags: MetricsFlags } | { readonly client: MetricsClient & { invalidate?(): void } };

export interface BuildOptions {
  readonly cluster: ClusterSource;
  readonly metrics: MetricsSource;
  readonly clock: Clock;
  readonly settings: RunSettings;
  /** default: from settings in run, silent otherwise */
  readonly log?: Logger;
  readonly onOutcome?: (outcome: ReconcileOutcome, info: { readonly lagMs?: number }) => void;
  /** register process metrics on the default registry (off where several controllers share a process) */
  readonly defaultMetrics?: boolean;
  /**
   * Asked before every scale, status and event write (leader election's LeaseGuard); writes are
   * refused and cut short once it says so. Default: always write.
   */
  readonly writeGuard?: WriteGuard;
  /** --shards: whether this replica may reconcile an HPA now (app/shards.ts). Default: every HPA. */
  readonly owns?: (key: string) => boolean;
}

export interface BuildError {
  readonly code: 'Kubeconfig' | 'MetricsConfig' | 'MetricsClient';
  readonly message: string;
}

/** What buildController made; nothing runs until the caller starts it. */
export interface BuiltController {
  readonly mode: ControllerMode;
  readonly controller: HpaController;
  readonly monitor: ControllerMetrics;
  readonly recorder: EventRecorder;
  /** the cluster unfenced: for the leader lease, which the elector writes whatever the guard says */
  readonly cluster: ClusterAccess & { close(): void };
  /** the API-server connection, for a kubeconfig cluster (the secure port's reviews share it) */
  readonly connection?: ApiServerConnection;
  readonly metrics: MetricsClient;
  readonly metricsKind: string;
  readonly shadow?: ShadowComparator;
  /** --history-store=configmap in run mode, writing: the histories' ConfigMaps (docs/history-store.md) */
  readonly historyStore?: ConfigMapHistoryStore;
  readonly identity: string;
  readonly log: Logger;
  readonly settings: RunSettings;
  readonly clock: Clock;
  /** stops the workers and informers, releases the recorder, the metrics client and the cluster */
  close(): Promise<void>;
}

function writeMode(mode: ControllerMode, s: RunSettings): 'write' | 'dry-run' | 'shadow' {
  if (mode === 'explain') return 'dry-run';
  if (mode === 'simulate') return 'write';
  return s.shadow ? 'shadow' : s.dryRun ? 'dry-run' : 'write';
}

/**
 * One API-server connection per process (one keep-alive pool, one auth cache), shared by the
 * cluster adapter and the metrics client; closed by BuiltController.close(). Its requests wait
 * for a token of their client's bucket (--kube-api-qps, --kube-api-burst; transport/rate-limit.ts).
 */
function connectionFor(
  mode: ControllerMode,
  kubeConfig: KubeConfig,
  o: BuildOptions,
  identity: string,
  rateLimits: ApiRateLimits,
): ApiServerConnection {
  return ApiServerConnection.fromKubeConfig(kubeConfig, {
    userAgent: mode === 'explain' ? 'hpa-ts-explain' : `hpa-ts/${o.settings.emulatedVersion} (${identity})`,
    requestTimeoutMs: o.settings.requestTimeoutMs,
    now: () => o.clock.now(),
    setTimer: (ms, fn) => o.clock.setTimer(ms, fn),
    rateLimits,
  });
}

async function clientNodeCluster(
  connection: ApiServerConnection,
  o: BuildOptions,
  monitor: ControllerMetrics,
  log: Logger,
): Promise<ClusterHandle> {
  const { createClientNodeCluster } = await import('../controller/kube/index.js');
  return createClientNodeCluster({
    connection,
    clock: o.clock,
    requestTimeoutMs: o.settings.requestTimeoutMs,
    ...(o.settings.hpaSource === 'crd' ? { hpaResource: CRD_RESOURCE } : {}),
    onRequest: (verb, resource, code, durationMs) => {
      monitor.apiRequests.inc({ verb, resource, code: String(code) });
      monitor.apiRequestDuration.observe({ verb, resource }, durationMs / 1000);
    },
    onMalformed: (message) => log.warn({ reason: 'MalformedObject' }, message),
  });
}

/** Builds the controller for `mode`; the caller starts it (startController does for run and demo). */
export async function buildController(
  mode: ControllerMode,
  o: BuildOptions,
): Promise<Result<BuiltController, BuildError>> {
  const { settings, clock } = o;
  const log =
    o.log ?? (mode === 'run' ? createLogger({ level: settings.logLevel, format: settings.logFormat }) : silentLogger());
  const identity = settings.identity ?? `${hostname()}_${randomUUID()}`;
  const monitor = new ControllerMetrics({ defaultMetrics: o.defaultMetrics ?? mode === 'run' });
  monitor.syncPeriod.set(settings.syncPeriodMs / 1000);
  const metricsConfig = 'flags' in o.metrics ? metricsClientOptionsFromFlags(o.metrics.flags) : undefined;
  if (metricsConfig !== undefined && !metricsConfig.ok)
    return err({ code: 'MetricsConfig', message: `${metricsConfig.error.field}: ${metricsConfig.error.message}` });
  let connection: ApiServerConnection | undefined;
  let cluster: ClusterHandle;
  if ('access' in o.cluster) cluster = o.cluster.access;
  else {
    const rateLimits = new ApiRateLimits({
      qps: settings.kubeApiQps,
      burst: settings.kubeApiBurst,
      clock,
      onThrottled: (client, waitedMs) => monitor.apiClientThrottled.observe({ client }, waitedMs / 1000),
    });
    connection = connectionFor(mode, o.cluster.kubeConfig, o, identity, rateLimits);
    // a kubeconfig that cannot work (no cluster, unreadable certificates) is reported now, not per request
    const usable = await connection.check(o.cluster.source);
    if (!usable.ok) {
      connection.close();
      return err({ code: 'Kubeconfig', message: usable.error });
    }
    cluster = await clientNodeCluster(connection, o, monitor, log);
  }
  const closeCluster = (): void => {
    cluster.close();
    connection?.close();
  };
  // the pod lister reads the controller's informer cache, which exists only once it is built
  const holder: { controller?: HpaController } = {};
  let metrics: MetricsClient & { invalidate?(): void };
  if ('client' in o.metrics) metrics = o.metrics.client;
  else {
    const config = metricsConfig?.ok === true ? metricsConfig.value : undefined;
    if (config === undefined || connection === undefined) {
      closeCluster();
      return err({ code: 'MetricsConfig', message: 'metrics client: flags need a kubeconfig cluster' });
    }
    const built = await createMetricsClient(
      {
        ...config,
        cache: { ...(config.cache ?? {}), resourceTtlMs: settings.resourceMetricsCache ? settings.syncPeriodMs : 0 },
      },
      {
        connection,
        podLister: cachedPodLister(() => holder.controller?.pods),
        now: () => clock.now(),
        logger: { debug: (obj, msg) => log.debug(obj, msg), warn: (obj, msg) => log.warn(obj, msg) },
      },
    );
    if (!built.ok) {
      closeCluster();
      return err({ code: 'MetricsClient', message: `metrics client: ${built.error.field}: ${built.error.message}` });
    }
    metrics = built.value;
  }
  const wm = writeMode(mode, settings);
  // every write of the loop and the recorder asks the guard; the lease itself does not
  const writer = o.writeGuard === undefined ? cluster : fenceWrites(cluster, o.writeGuard);
  const recorder: EventRecorder = new EventRecorder({
    sink: writer,
    clock,
    component: settings.eventComponent,
    dryRun: wm !== 'write',
    onDropped: (why, ev) => {
      monitor.eventsDropped.set({ reason: why }, recorder.dropped + recorder.failed);
      log.debug({ hpa: `${ev.namespace}/${ev.involvedObject.name}`, reason: ev.reason, dropped: why }, 'event dropped');
    },
  });
  const shadow = wm === 'shadow' ? new ShadowComparator({ log, monitor }) : undefined;
  const crd = settings.hpaSource === 'crd';
  const controller = new HpaController(
    {
      cluster: writer,
      metrics,
      events: recorder,
      clock,
      log,
      monitor,
      ...(shadow === undefined ? {} : { shadow }),
      ...(o.onOutcome === undefined ? {} : { onOutcome: o.onOutcome }),
      ...(o.owns === undefined ? {} : { owns: o.owns }),
    },
    {
      syncPeriodMs: settings.syncPeriodMs,
      workers: mode === 'explain' ? 1 : settings.workers,
      config: settings.config,
      profile: settings.profile,
      mode: wm,
      ...(settings.namespace === undefined ? {} : { namespace: settings.namespace }),
      errorBackoffBaseMs: mode === 'explain' ? 0 : settings.errorBackoffBaseMs,
      ...(crd
        ? {
            hpaKind: { kind: CRD_RESOURCE.kind, apiVersion: `${CRD_RESOURCE.group}/${CRD_RESOURCE.version}` },
            unclampedReplicasInStatus: true,
          }
        : {}),
    },
  );
  holder.controller = controller;
  const historyStore =
    mode === 'run' && wm === 'write' && settings.historyStore === 'configmap' && connection !== undefined
      ? await configMapHistoryStore(controller, connection, o, monitor, log)
      : undefined;
  return ok({
    mode,
    controller,
    monitor,
    recorder,
    cluster,
    ...(connection === undefined ? {} : { connection }),
    metrics,
    metricsKind: 'client' in o.metrics ? 'in-process' : metricsConfig?.ok === true ? metricsConfig.value.kind : '',
    ...(shadow === undefined ? {} : { shadow }),
    ...(historyStore === undefined ? {} : { historyStore }),
    identity,
    log,
    settings,
    clock,
    close: async () => {
      // the connection first: a request still waiting on the API server is cancelled, not awaited
      controller.stopInformers();
      historyStore?.stop();
      recorder.stop();
      closeCluster();
      await metrics.close();
      await controller.stopWorkers();
    },
  });
}

/**
 * --history-store=configmap: the controller's histories kept in one ConfigMap per namespace,
 * written through the lease guard like every other write of the loop (docs/history-store.md).
 */
async function configMapHistoryStore(
  controller: HpaController,
  connection: ApiServerConnection,
  o: BuildOptions,
  monitor: ControllerMetrics,
  log: Logger,
): Promise<ConfigMapHistoryStore> {
  const { createConfigMapAccess } = await import('../controller/kube/configmaps.js');
  const access = createConfigMapAccess(connection, {
    requestTimeoutMs: o.settings.requestTimeoutMs,
    observe: (r) => {
      monitor.apiRequests.inc({ verb: r.verb, resource: r.resource, code: String(r.status) });
      monitor.apiRequestDuration.observe({ verb: r.verb, resource: r.resource }, r.durationMs / 1000);
    },
  });
  const { state, hpas } = controller;
  const store = new ConfigMapHistoryStore({
    access,
    source: {
      historyOf: (key) => (state.hasHistory(key) ? state.history(key) : undefined),
      hpaOf: (key) => hpas.get(key),
      restore: (key, history) => state.setHistory(key, history),
    },
    clock: o.clock,
    log,
    config: o.settings.config,
    syncPeriodMs: o.settings.syncPeriodMs,
    metrics: new HistoryStoreMetrics(monitor.registry),
    ...(o.writeGuard === undefined ? {} : { guard: o.writeGuard }),
  });
  state.onHistoryChange((key) => store.changed(key));
  return store;
}
