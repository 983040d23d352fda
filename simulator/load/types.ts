/** The load model's data: what a scenario says about a workload's load, and what each pod carries. */
import type { Clock } from '../../transport/clock.js';
import type { ObjectStore } from '../apiserver/index.js';
import type { LoadTrace } from './trace.js';

/** A per-pod series driven by the pod's share of the load: value = base + perRequest × rps (gauge), or its integral (counter). */
export interface PodSeriesSpec {
  readonly name: string;
  readonly kind: 'gauge' | 'counter';
  readonly base: number;
  readonly perRequest: number;
  readonly labels?: Readonly<Record<string, string>>;
}

export interface WorkloadLoadSpec {
  readonly trace?: LoadTrace;
  readonly series?: readonly PodSeriesSpec[];
  /** extra labels of the workload's http_requests_total series (e.g. verb: GET) */
  readonly requestLabels?: Readonly<Record<string, string>>;
}

/** A queue (external metric): messages arrive by a trace and each Ready pod of `workload` consumes `perPodPerSecond`. */
export interface QueueSpec {
  readonly metric: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly arrivals: LoadTrace;
  readonly workload?: string;
  readonly perPodPerSecond: number;
  readonly initial?: number;
}

export interface LoadModelOptions {
  readonly store: ObjectStore;
  readonly clock: Clock;
  /** instant traces count from (scenario start); default: clock.now() at construction */
  readonly startedAt?: number;
  /** by `namespace/name` of the Deployment or StatefulSet */
  readonly workloads?: ReadonlyMap<string, WorkloadLoadSpec>;
  readonly queues?: readonly QueueSpec[];
}

export interface ContainerLoad {
  readonly name: string;
  cpuSecondsTotal: number;
  readonly serving: boolean;
}

export interface PodLoad {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  labels: Readonly<Record<string, string>>;
  workload: string | undefined;
  running: boolean;
  ready: boolean;
  ip: string;
  readonly containers: ContainerLoad[];
  requestsTotal: number;
  /** counters of custom series by name */
  readonly counters: Map<string, number>;
  /** a per-pod constant added to the working set, so pods differ a little as real ones do */
  readonly memoryJitterBytes: number;
}

/** How a workload's pods turn requests into resource usage (from its annotations). */
export interface WorkloadProfile {
  /** cores an idle container burns */
  readonly cpuBase: number;
  /** core-seconds per request */
  readonly cpuPerRequest: number;
  readonly memoryBaseBytes: number;
  /** extra working set per request per second */
  readonly memoryPerRequestBytes: number;
  readonly requestsPerScrape: number;
}
