import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { KubeConfig } from '@kubernetes/client-node';
import {
  createMetricsClient,
  metricsClientOptionsFromFlags,
  type ManagedMetricsClient,
  type MetricsFlags,
} from '../metrics-clients/index.js';
import { cachedPodLister } from './caches.js';
import { realClock, type Clock } from './clock.js';
import { HpaController } from './controller.js';
import { EventRecorder } from './events/index.js';
import { startHttpServer } from './http-server.js';
import { LeaderElector } from './leader/index.js';
import { createLogger, type Logger } from './logging.js';
import { ControllerMetrics } from './monitor.js';
import type { RunSettings } from './options.js';
import type { ReconcileOutcome } from './reconciler.js';
import { ShadowComparator } from './shadow.js';

export const CRD_RESOURCE = {
  group: 'autoscaling.hpa-ts.io',
  version: 'v1',
  plural: 'horizontalpodautoscalers',
  kind: 'HorizontalPodAutoscaler',
} as const;

const SA_NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

function defaultLeaseNamespace(): string {
  if (process.env.POD_NAMESPACE !== undefined && process.env.POD_NAMESPACE !== '') return process.env.POD_NAMESPACE;
  if (existsSync(SA_NAMESPACE_FILE)) return readFileSync(SA_NAMESPACE_FILE, 'utf8').trim();
  return 'default';
}

export async function loadKubeConfig(path: string | undefined): Promise<KubeConfig> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  if (path !== undefined) kc.loadFromFile(path);
  else kc.loadFromDefault();
  if (kc.getCurrentCluster() === null)
    throw new Error('no cluster in the kubeconfig (set --kubeconfig or KUBECONFIG, or run in a pod)');
  return kc;
}

/** A running controller process: everything `run` starts, and how to stop it cleanly. */
export interface RunningController {
  readonly controller: HpaController;
  readonly monitor: ControllerMetrics;
  readonly httpPort: number;
  readonly metrics: ManagedMetricsClient;
  readonly shadow?: ShadowComparator;
  isLeader(): boolean;
  /** stop taking work, finish in-flight reconciles, flush events, release the lease */
  stop(): Promise<void>;
  /** resolves when leadership is lost (the process should exit) */
  readonly lost: Promise<void>;
}

export interface StartOverrides {
  readonly kubeConfig?: KubeConfig;
  readonly clock?: Clock;
  readonly log?: Logger;
  readonly onOutcome?: (outcome: ReconcileOutcome, info: { readonly lagMs?: number }) => void;
  /** register metrics on the process defaults (off in tests that start several controllers) */
  readonly defaultMetrics?: boolean;
}

/** Starts the controller as `hpa-ts run` does, in this process (also used by the demo and tests). */
export async function startController(
  settings: RunSettings,
  metricsFlags: MetricsFlags,
  overrides: StartOverrides = {},
): Promise<RunningController> {
  const clock = overrides.clock ?? realClock;
  const log = overrides.log ?? createLogger({ level: settings.logLevel, format: settings.logFormat });
  const kc = overrides.kubeConfig ?? (await loadKubeConfig(settings.kubeconfig));
  const monitor = new ControllerMetrics({ defaultMetrics: overrides.defaultMetrics ?? true });
  const { createClientNodeCluster } = await import('./kube/index.js');
  const crd = settings.hpaSource === 'crd';
  const identity = settings.identity ?? `${hostname()}_${randomUUID()}`;
  const cluster = createClientNodeCluster({
    kubeConfig: kc,
    clock,
    ...(crd ? { hpaResource: CRD_RESOURCE } : {}),
    userAgent: `hpa-ts/${settings.emulatedVersion} (${identity})`,
    onRequest: (verb, resource, code, durationMs) => {
      monitor.apiRequests.inc({ verb, resource, code: String(code) });
      monitor.apiRequestDuration.observe({ verb, resource }, durationMs / 1000);
    },
    onMalformed: (message) => log.warn({ reason: 'MalformedObject' }, message),
  });
  // eslint-disable-next-line prefer-const -- assigned after the pod lister that reads it is built
  let controller: HpaController | undefined;
  const metricsConfig = metricsClientOptionsFromFlags(metricsFlags);
  if (!metricsConfig.ok) throw new Error(`${metricsConfig.error.field}: ${metricsConfig.error.message}`);
  const metrics = await createMetricsClient(
    {
      ...metricsConfig.value,
      cache: {
        ...(metricsConfig.value.cache ?? {}),
        resourceTtlMs: settings.resourceMetricsCache ? settings.syncPeriodMs : 0,
      },
    },
    {
      kubeConfig: kc,
      podLister: cachedPodLister(() => controller?.pods),
      now: () => clock.now(),
      logger: { debug: (obj, msg) => log.debug(obj, msg), warn: (obj, msg) => log.warn(obj, msg) },
    },
  );
  if (!metrics.ok) throw new Error(`metrics client: ${metrics.error.field}: ${metrics.error.message}`);
  const mode = settings.shadow ? 'shadow' : settings.dryRun ? 'dry-run' : 'write';
  const recorder = new EventRecorder({
    sink: cluster,
    clock,
    component: settings.eventComponent,
    dryRun: mode !== 'write',
    onDropped: (why, ev) => {
      monitor.eventsDropped.set({ reason: why }, recorder.dropped + recorder.failed);
      log.debug(
        { hpa: `${ev.namespace}/${ev.involvedObject.name}`, namespace: ev.namespace, reason: ev.reason, dropped: why },
        'event dropped',
      );
    },
  });
  const shadow = settings.shadow ? new ShadowComparator({ log, monitor }) : undefined;
  controller = new HpaController(
    {
      cluster,
      metrics: metrics.value,
      events: recorder,
      clock,
      log,
      monitor,
      ...(shadow !== undefined ? { shadow } : {}),
      ...(overrides.onOutcome !== undefined ? { onOutcome: overrides.onOutcome } : {}),
    },
    {
      syncPeriodMs: settings.syncPeriodMs,
      workers: settings.workers,
      config: settings.config,
      profile: settings.profile,
      mode,
      ...(settings.namespace !== undefined ? { namespace: settings.namespace } : {}),
      errorBackoffBaseMs: settings.errorBackoffBaseMs,
      ...(crd
        ? { hpaKind: { kind: CRD_RESOURCE.kind, apiVersion: `${CRD_RESOURCE.group}/${CRD_RESOURCE.version}` } }
        : {}),
    },
  );
  const ctl = controller;
  let leader = !settings.leaderElect;
  monitor.leader.set(leader ? 1 : 0);
  const statsTimer = setInterval(() => exportMetricsClientStats(metrics.value, monitor), 5000);
  statsTimer.unref();
  const http = await startHttpServer({
    bindAddress: settings.bindAddress,
    registry: monitor.registry,
    health: { live: () => true, ready: () => ctl.synced, active: () => leader },
  });
  log.info(
    {
      reason: 'Starting',
      mode,
      hpaSource: settings.hpaSource,
      emulatedVersion: settings.emulatedVersion,
      metricsClient: metricsConfig.value.kind,
      namespace: settings.namespace ?? '(all)',
      bindAddress: settings.bindAddress,
      port: http.port,
    },
    'starting hpa-ts controller',
  );
  await ctl.startInformers();
  log.info({ reason: 'CachesSynced', hpas: ctl.hpas.size, pods: ctl.pods.size }, 'informer caches synced');

  let resolveLost: () => void = () => undefined;
  const lost = new Promise<void>((r) => (resolveLost = r));
  const stopSignal = new AbortController();
  let elector: LeaderElector | undefined;
  let electorRun: Promise<void> | undefined;
  if (settings.leaderElect) {
    const namespace = settings.leaseNamespace ?? defaultLeaseNamespace();
    elector = new LeaderElector({
      cluster,
      clock,
      namespace,
      name: settings.leaseName,
      identity,
      leaseDurationMs: settings.leaseDurationMs,
      renewDeadlineMs: settings.renewDeadlineMs,
      retryPeriodMs: settings.retryPeriodMs,
      onStartedLeading: () => {
        leader = true;
        monitor.leader.set(1);
        log.info(
          { reason: 'LeaderElection', identity, lease: `${namespace}/${settings.leaseName}` },
          'became leader; starting workers',
        );
        ctl.startWorkers();
      },
      onStoppedLeading: () => {
        leader = false;
        monitor.leader.set(0);
        if (!stopSignal.signal.aborted) {
          log.error({ reason: 'LeaderElectionLost', identity }, 'leader lease lost; stopping');
          resolveLost();
        }
      },
      onNewLeader: (id) => log.info({ reason: 'LeaderElection', leader: id }, `current leader: ${id}`),
      onError: (message) => log.warn({ reason: 'LeaderElectionError' }, message),
    });
    log.info(
      { reason: 'LeaderElection', identity, lease: `${namespace}/${settings.leaseName}` },
      'waiting for the leader lease',
    );
    electorRun = elector.run(stopSignal.signal);
  } else {
    ctl.startWorkers();
  }

  return {
    controller: ctl,
    monitor,
    httpPort: http.port,
    metrics: metrics.value,
    ...(shadow !== undefined ? { shadow } : {}),
    isLeader: () => leader,
    lost,
    stop: async () => {
      stopSignal.abort();
      await ctl.stopWorkers();
      await recorder.flush();
      recorder.stop();
      if (elector !== undefined) {
        await elector.release();
        await electorRun;
      }
      ctl.stopInformers();
      clearInterval(statsTimer);
      await metrics.value.close();
      cluster.close();
      await http.close();
    },
  };
}

function exportMetricsClientStats(client: ManagedMetricsClient, monitor: ControllerMetrics): void {
  const s = client.stats();
  let hits = 0;
  let misses = 0;
  for (const [kind, n] of Object.entries(s.requests))
    monitor.metricsClientRequests.set(
      {
        api:
          kind === 'resource'
            ? 'metrics.k8s.io'
            : kind === 'external'
              ? 'external.metrics.k8s.io'
              : 'custom.metrics.k8s.io',
        kind,
      },
      n,
    );
  for (const n of Object.values(s.hits)) hits += n;
  for (const n of Object.values(s.misses)) misses += n;
  monitor.metricsCache.set({ result: 'hit' }, hits);
  monitor.metricsCache.set({ result: 'miss' }, misses);
}

/** `hpa-ts run`: start, wait for SIGTERM/SIGINT (or a lost lease), stop cleanly. */
export async function runController(settings: RunSettings, metricsFlags: MetricsFlags): Promise<number> {
  const log = createLogger({ level: settings.logLevel, format: settings.logFormat });
  // Installed before start-up (which waits for the caches to sync): a SIGTERM then must not be lost.
  const signalled = new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  let running: RunningController;
  try {
    running = await Promise.race([
      startController(settings, metricsFlags, { log }),
      signalled.then((sig) => Promise.reject(new Error(`${sig} during start-up`))),
    ]);
  } catch (e) {
    const interrupted = (e as Error).message.endsWith('during start-up');
    log[interrupted ? 'info' : 'fatal'](
      { reason: interrupted ? 'Stopped' : 'StartFailed', err: (e as Error).message },
      interrupted ? 'stopped before start-up finished' : `cannot start: ${(e as Error).message}`,
    );
    return interrupted ? 0 : 1;
  }
  const why = await Promise.race([signalled, running.lost.then(() => 'lease lost')]);
  log.info({ reason: 'Stopping', signal: why }, 'stopping: finishing in-flight reconciles');
  await running.stop();
  log.info({ reason: 'Stopped' }, 'stopped');
  return why === 'lease lost' ? 1 : 0;
}
