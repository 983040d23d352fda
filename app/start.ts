/**
 * `hpa-ts run` (and the demo, and tests that want the real thing in process): buildController in
 * run or demo mode, then informers, leader election or workers, and the /healthz, /readyz and
 * /metrics server; runController adds signals and the exit code.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { KubeConfig } from '@kubernetes/client-node';
import type { ManagedMetricsClient, MetricsFlags } from '../metrics-clients/index.js';
import { realClock, type Clock } from '../controller/clock.js';
import type { HpaController } from '../controller/controller.js';
import { LeaderElector } from '../controller/leader/index.js';
import { createLogger, type Logger } from '../controller/logging.js';
import type { ControllerMetrics } from '../controller/monitor.js';
import type { ReconcileOutcome } from '../controller/reconciler.js';
import type { ShadowComparator } from '../controller/shadow.js';
import { buildController, type BuiltController } from './build-controller.js';
import { loadKubeConfig } from './kubeconfig.js';
import { startServing } from './serving.js';
import type { RunSettings } from './settings.js';

export { CRD_RESOURCE } from './build-controller.js';
export { loadKubeConfig } from './kubeconfig.js';

const SA_NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

function defaultLeaseNamespace(): string {
  if (process.env.POD_NAMESPACE !== undefined && process.env.POD_NAMESPACE !== '') return process.env.POD_NAMESPACE;
  if (existsSync(SA_NAMESPACE_FILE)) return readFileSync(SA_NAMESPACE_FILE, 'utf8').trim();
  return 'default';
}

/** A running controller process: everything `run` starts, and how to stop it cleanly. */
export interface RunningController {
  readonly controller: HpaController;
  readonly monitor: ControllerMetrics;
  readonly httpPort: number;
  /** the port --secure-port serves on; undefined when it is off */
  readonly securePort?: number;
  readonly metrics: ManagedMetricsClient;
  readonly shadow?: ShadowComparator;
  isLeader(): boolean;
  /** stop taking work, finish in-flight reconciles, flush events, release the lease */
  stop(): Promise<void>;
  /** resolves when leadership is lost (the process should exit) */
  readonly lost: Promise<void>;
}

export interface StartOverrides {
  /** demo: the same controller without leader election, against the simulator */
  readonly mode?: 'run' | 'demo';
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
  const built = await buildController(overrides.mode ?? 'run', {
    cluster: { kubeConfig: overrides.kubeConfig ?? (await loadKubeConfig(settings.kubeconfig)) },
    metrics: { flags: metricsFlags },
    clock: overrides.clock ?? realClock,
    settings,
    ...(overrides.log === undefined ? {} : { log: overrides.log }),
    ...(overrides.onOutcome === undefined ? {} : { onOutcome: overrides.onOutcome }),
    ...(overrides.defaultMetrics === undefined ? {} : { defaultMetrics: overrides.defaultMetrics }),
  });
  if (!built.ok) throw new Error(built.error.message);
  return start(built.value);
}

/** Serves health and metrics, syncs the informers, then elects a leader or starts the workers. */
async function start(b: BuiltController): Promise<RunningController> {
  const { controller: ctl, monitor, settings, log, clock, identity } = b;
  const metrics = b.metrics as ManagedMetricsClient;
  const electing = b.mode === 'run' && settings.leaderElect;
  let leader = !electing;
  monitor.leader.set(leader ? 1 : 0);
  const statsTimer = setInterval(() => exportMetricsClientStats(metrics, monitor), 5000);
  statsTimer.unref();
  const serving = startServing({
    bindAddress: settings.bindAddress,
    secure: settings.secureServing,
    registry: monitor.registry,
    health: { live: () => true, ready: () => ctl.synced, active: () => leader },
    ...(b.connection === undefined ? {} : { connection: b.connection }),
    clock,
    log,
    observe: (o) => {
      monitor.apiRequests.inc({ verb: o.verb, resource: o.resource, code: String(o.status) });
      monitor.apiRequestDuration.observe({ verb: o.verb, resource: o.resource }, o.durationMs / 1000);
    },
  });
  // a port in use or a review kubeconfig that does not work: nothing may stay open behind the error
  const http = await serving.catch(async (e: unknown) => {
    clearInterval(statsTimer);
    await b.close();
    throw e;
  });
  log.info(
    {
      reason: 'Starting',
      mode: settings.shadow ? 'shadow' : settings.dryRun ? 'dry-run' : 'write',
      hpaSource: settings.hpaSource,
      emulatedVersion: settings.emulatedVersion,
      metricsClient: b.metricsKind,
      namespace: settings.namespace ?? '(all)',
      bindAddress: settings.bindAddress,
      port: http.httpPort,
      ...(http.securePort === undefined ? {} : { securePort: http.securePort }),
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
  if (electing) {
    const namespace = settings.leaseNamespace ?? defaultLeaseNamespace();
    elector = new LeaderElector({
      cluster: b.cluster,
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
    httpPort: http.httpPort,
    ...(http.securePort === undefined ? {} : { securePort: http.securePort }),
    metrics,
    ...(b.shadow !== undefined ? { shadow: b.shadow } : {}),
    isLeader: () => leader,
    lost,
    stop: async () => {
      stopSignal.abort();
      await ctl.stopWorkers();
      await b.recorder.flush();
      if (elector !== undefined) {
        await elector.release();
        await electorRun;
      }
      clearInterval(statsTimer);
      await b.close();
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
  // a signal during start-up is an outcome of the race, not an error to recognise by its text
  const started = await Promise.race([
    startController(settings, metricsFlags, { log }).then(
      (running) => ({ kind: 'started', running }) as const,
      (e: unknown) => ({ kind: 'failed', message: e instanceof Error ? e.message : String(e) }) as const,
    ),
    signalled.then((signal) => ({ kind: 'interrupted', signal }) as const),
  ]);
  if (started.kind === 'interrupted') {
    log.info({ reason: 'Stopped', signal: started.signal }, 'stopped before start-up finished');
    return 0;
  }
  if (started.kind === 'failed') {
    log.fatal({ reason: 'StartFailed', err: started.message }, `cannot start: ${started.message}`);
    return 1;
  }
  const running = started.running;
  const why = await Promise.race([signalled, running.lost.then(() => 'lease lost')]);
  log.info({ reason: 'Stopping', signal: why }, 'stopping: finishing in-flight reconciles');
  await running.stop();
  log.info({ reason: 'Stopped' }, 'stopped');
  return why === 'lease lost' ? 1 : 0;
}
