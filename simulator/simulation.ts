/**
 * One simulated cluster's moving parts over a store and a clock: the workload model, the load
 * model, the collectors (Prometheus, metrics-server) and the metrics they serve. The same object
 * backs `simulate --serve` (over HTTP, real or compressed time) and `simulate SCENARIO` (in
 * process, virtual time).
 */
import type { Clock } from '../transport/clock.js';
import {
  parseAdapterConfig,
  formatConfigError,
  type AdapterConfig,
  type MetricsClient,
} from '../metrics-clients/index.js';
import type { ObjectStore } from './apiserver/index.js';
import type { KubeObject } from './apiserver/types.js';
import { LoadModel, type QueueSpec, type WorkloadLoadSpec } from './load/index.js';
import { AdapterEmulator } from './metrics/adapter.js';
import { DEFAULT_ADAPTER_RULES } from './metrics/default-rules.js';
import { InProcessMetricsClient } from './metrics/in-process-client.js';
import { Collectors, type ScrapeOptions } from './metrics/scrape.js';
import { MetricsService, type ObjectMetricSpec } from './metrics/service.js';
import { Tsdb, type TsdbOptions } from './metrics/tsdb.js';
import { WorkloadController } from './workload/index.js';

export interface SimulationOptions {
  readonly store: ObjectStore;
  readonly clock: Clock;
  /** pod-name randomness (seeded by default: reproducible runs) */
  readonly random?: () => number;
  /** load per workload (`namespace/name`) */
  readonly workloads?: ReadonlyMap<string, WorkloadLoadSpec>;
  readonly queues?: readonly QueueSpec[];
  readonly objects?: readonly ObjectMetricSpec[];
  /** prometheus-adapter config serving custom/external metrics; default DEFAULT_ADAPTER_RULES */
  readonly adapterConfig?: AdapterConfig;
  readonly scrape?: Omit<ScrapeOptions, 'onScrape'>;
  readonly tsdb?: TsdbOptions;
  /** stretches pod start-up delays (faults) */
  readonly startupFactor?: (pod: KubeObject, now: number) => number;
  readonly podDefaults?: { readonly startupSeconds?: number; readonly readinessSeconds?: number };
  readonly onScrape?: () => void;
}

/**
 * Pods a simulated cluster holds at most unless told otherwise (`simulate --serve --max-pods`):
 * about 250 MB of them; a Deployment of 100,000 replicas is accepted as on a real cluster, its
 * pods are created in bursts of 500 until the limit refuses more (ReplicaFailure FailedCreate).
 */
export const DEFAULT_MAX_PODS = 10_000;

export function defaultAdapterConfig(): AdapterConfig {
  const r = parseAdapterConfig(DEFAULT_ADAPTER_RULES, '<simulator default rules>');
  if (!r.ok) throw new Error(`built-in adapter rules: ${formatConfigError(r.error)}`);
  return r.value;
}

export class Simulation {
  readonly workload: WorkloadController;
  readonly load: LoadModel;
  readonly tsdb: Tsdb;
  readonly collectors: Collectors;
  readonly metrics: MetricsService;
  private readonly adapter: AdapterEmulator;
  private started = false;

  constructor(readonly opts: SimulationOptions) {
    this.workload = new WorkloadController({
      store: opts.store,
      clock: opts.clock,
      ...(opts.random !== undefined ? { random: opts.random } : {}),
      ...(opts.startupFactor !== undefined ? { startupFactor: opts.startupFactor } : {}),
      ...(opts.podDefaults !== undefined ? { defaults: opts.podDefaults } : {}),
    });
    this.load = new LoadModel({
      store: opts.store,
      clock: opts.clock,
      ...(opts.workloads !== undefined ? { workloads: opts.workloads } : {}),
      ...(opts.queues !== undefined ? { queues: opts.queues } : {}),
    });
    this.tsdb = new Tsdb(opts.tsdb);
    this.collectors = new Collectors(opts.clock, this.load, this.tsdb, {
      ...opts.scrape,
      ...(opts.onScrape !== undefined ? { onScrape: opts.onScrape } : {}),
    });
    const adapter = new AdapterEmulator(opts.adapterConfig ?? defaultAdapterConfig(), this.tsdb, () =>
      opts.clock.now(),
    );
    this.adapter = adapter;
    this.metrics = new MetricsService({
      clock: opts.clock,
      store: opts.store,
      load: this.load,
      collectors: this.collectors,
      adapter,
      ...(opts.objects !== undefined ? { objects: opts.objects } : {}),
    });
  }

  /** Resolves once the adapter rules compiled; throws naming the rule that did not. */
  async ready(): Promise<void> {
    const r = await this.adapter.ready();
    if (!r.ok) throw new Error(`adapter rules: ${r.error}`);
  }

  /** Starts watching the store and the collectors' timers. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.load.start();
    this.workload.start();
    this.collectors.start();
  }

  stop(): void {
    this.collectors.stop();
    this.workload.stop();
    this.load.stop();
    this.started = false;
  }

  /** A MetricsClient reading this simulation in process (virtual time). */
  metricsClient(): MetricsClient {
    return new InProcessMetricsClient(this.metrics);
  }
}
