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
import { LeaderElector, LeaseGuard } from '../controller/leader/index.js';
import { createLogger, type Logger } from '../controller/logging.js';
import { HEAP_SAMPLE_MS, HeapWatch } from '../controller/heap-watch.js';
import type { ControllerMetrics } from '../controller/monitor.js';
import type { ReconcileOutcome } from '../controller/reconciler.js';
import type { ShadowComparator } from '../controller/shadow.js';
import { buildController, type BuiltController } from './build-controller.js';
import { loadKubeConfigWithSource } from './kubeconfig.js';
import { startServing } from './serving.js';
import { runShards, ShardOwnership, type ShardElection } from './shards.js';
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
  /**
   * Stop taking work, finish in-flight reconciles, flush events, release the lease — each step
   * bounded (SHUTDOWN_MS in all), whatever the API server does; after a lost lease, only what
   * needs no write.
   */
  stop(): Promise<void>;
  /** resolves when leadership is lost (the process should exit) */
  readonly lost: Promise<void>;
}

/**
 * Shutdown budget per step, in ms: in-flight reconciles, queued events, the lease release, then
 * closing (which cancels whatever request still hangs). 4.5 s in all: `hpa-ts run` exits within
 * 5 s of SIGTERM or of losing its lease (docs/reliability.md), however the API server behaves.
 */
export const SHUTDOWN_MS = { workers: 2000, events: 1000, release: 1000, close: 500 } as const;

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
  const mode = overrides.mode ?? 'run';
  const clock = overrides.clock ?? realClock;
  const lease =
    mode === 'run' && settings.leaderElect
      ? { namespace: settings.leaseNamespace ?? defaultLeaseNamespace(), name: settings.leaseName }
      : undefined;
  // The write path asks the lease before every write (item 1 of issue 13: a paused leader wakes
  // up without the right to write, whatever its renew loop does next); with --shards, the lease
  // of the written HPA's shard (app/shards.ts).
  const sharding =
    lease !== undefined && settings.shards > 1 ? { ...lease, ownership: new ShardOwnership() } : undefined;
  const guard =
    lease === undefined
      ? undefined
      : (sharding?.ownership ?? new LeaseGuard(clock, `${lease.namespace}/${lease.name}`, settings.renewDeadlineMs));
  const found = overrides.kubeConfig === undefined ? await loadKubeConfigWithSource(settings.kubeconfig) : undefined;
  const built = await buildController(mode, {
    cluster:
      found === undefined
        ? { kubeConfig: overrides.kubeConfig as KubeConfig }
        : { kubeConfig: found.kubeConfig, source: found.source },
    metrics: { flags: metricsFlags },
    clock,
    settings,
    ...(guard === undefined ? {} : { writeGuard: guard }),
    ...(sharding === undefined ? {} : { owns: sharding.ownership.owns }),
    ...(overrides.log === undefined ? {} : { log: overrides.log }),
    ...(overrides.onOutcome === undefined ? {} : { onOutcome: overrides.onOutcome }),
    ...(overrides.defaultMetrics === undefined ? {} : { defaultMetrics: overrides.defaultMetrics }),
  });
  if (!built.ok) throw new Error(built.error.message);
  if (sharding !== undefined) return start(built.value, sharding);
  return start(built.value, lease === undefined || !(guard instanceof LeaseGuard) ? undefined : { ...lease, guard });
}

/** Waits for `p`, at most `ms` of `clock`: a shutdown step never waits longer, whatever hangs. */
function atMost(clock: Clock, ms: number, p: Promise<unknown>): Promise<void> {
  return new Promise((resolve) => {
    const cancel = clock.setTimer(ms, resolve);
    void p.then(
      () => {
        cancel();
        resolve();
      },
      () => {
        cancel();
        resolve();
      },
    );
  });
}

interface Election {
  readonly namespace: string;
  readonly name: string;
  readonly guard: LeaseGuard;
}

/** Serves health and metrics, syncs the informers, then elects a leader (or shares shards) or starts the workers. */
async function start(b: BuiltController, election: Election | ShardElection | undefined): Promise<RunningController> {
  const { controller: ctl, monitor, settings, log, clock, identity } = b;
  const metrics = b.metrics as ManagedMetricsClient;
  let leader = election === undefined;
  monitor.leader.set(leader ? 1 : 0);
  const statsTimer = setInterval(() => exportMetricsClientStats(metrics, monitor), 5000);
  statsTimer.unref();
  // the process's own heap, on real time whatever the controller's clock
  const heap = new HeapWatch({ gauge: monitor.heapUsedRatio, log });
  heap.sample();
  const heapTimer = setInterval(() => heap.sample(), HEAP_SAMPLE_MS);
  heapTimer.unref();
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
    clearInterval(heapTimer);
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
  let lostLease = false;
  const lost = new Promise<void>((r) => (resolveLost = r));
  const stopSignal = new AbortController();
  let elector: LeaderElector | undefined;
  let electorRun: Promise<void> | undefined;
  if (election !== undefined && 'ownership' in election) {
    // sharded: every replica works, on the HPAs of the shards it holds; losing one is no reason to exit
    electorRun = runShards(b, election, stopSignal.signal, (held) => {
      leader = held > 0;
      monitor.leader.set(leader ? 1 : 0);
    });
  } else if (election !== undefined) {
    const lease = `${election.namespace}/${election.name}`;
    elector = new LeaderElector({
      cluster: b.cluster,
      clock,
      namespace: election.namespace,
      name: election.name,
      identity,
      guard: election.guard,
      leaseDurationMs: settings.leaseDurationMs,
      renewDeadlineMs: settings.renewDeadlineMs,
      retryPeriodMs: settings.retryPeriodMs,
      onStartedLeading: async (signal) => {
        leader = true;
        monitor.leader.set(1);
        log.info({ reason: 'LeaderElection', identity, lease }, 'became leader; starting workers');
        // the stored histories before the first reconcile as leader (docs/history-store.md)
        await loadHistories(b);
        if (!signal.aborted) ctl.startWorkers();
      },
      onStoppedLeading: () => {
        leader = false;
        monitor.leader.set(0);
        if (!stopSignal.signal.aborted) {
          // Like kube-controller-manager: a replica that lost its lease stops and exits.
          lostLease = true;
          log.error({ reason: 'LeaderElectionLost', identity }, 'leader lease lost; stopping');
          void ctl.stopWorkers();
          resolveLost();
        }
      },
      onNewLeader: (id) => log.info({ reason: 'LeaderElection', leader: id }, `current leader: ${id}`),
      onError: (message) => log.warn({ reason: 'LeaderElectionError' }, message),
    });
    log.info({ reason: 'LeaderElection', identity, lease }, 'waiting for the leader lease');
    electorRun = elector.run(stopSignal.signal);
  } else {
    await loadHistories(b);
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
      // The lease stays ours (and renewed) while in-flight work finishes; it is released last.
      await atMost(clock, SHUTDOWN_MS.workers, ctl.stopWorkers());
      // the last histories too, while the lease is still ours (a restart then loses nothing)
      if (!lostLease)
        await atMost(clock, SHUTDOWN_MS.events, Promise.all([b.recorder.flush(), b.historyStore?.flushAll()]));
      b.historyStore?.stop();
      b.recorder.stop();
      stopSignal.abort();
      const released = async (): Promise<void> => {
        if (elector !== undefined && !lostLease) await elector.release();
        await electorRun;
      };
      await atMost(clock, SHUTDOWN_MS.release, released());
      clearInterval(statsTimer);
      clearInterval(heapTimer);
      // closing the connection cancels any request still waiting on the API server
      await atMost(clock, SHUTDOWN_MS.close, Promise.all([b.close(), http.close()]));
    },
  };
}

/**
 * --history-store=configmap: reads the histories of the namespaces of the cached HPAs (or of
 * --namespace), at most one request timeout: a slow API server delays the first reconcile by
 * that much at most, then the controller starts without what is missing, as upstream would.
 */
async function loadHistories(b: BuiltController): Promise<void> {
  const store = b.historyStore;
  if (store === undefined) return;
  const namespaces = new Set<string>();
  if (b.settings.namespace !== undefined) namespaces.add(b.settings.namespace);
  else for (const key of b.controller.hpas.keys()) namespaces.add(key.slice(0, key.indexOf('/')));
  let summary: { restored: number; rejected: number } | undefined;
  await atMost(
    b.clock,
    b.settings.requestTimeoutMs,
    store.load(namespaces).then((s) => (summary = s)),
  );
  b.log.info(
    { reason: 'HistoryLoaded', namespaces: namespaces.size, ...(summary ?? { timedOut: true }) },
    'stored HPA histories read',
  );
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
