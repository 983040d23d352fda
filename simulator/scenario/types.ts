/** A scenario for `hpa-ts simulate SCENARIO.yaml`: what to create, what load to offer, for how long. */
import type { AdapterConfig } from '../../metrics-clients/index.js';
import type { QueueSpec, WorkloadLoadSpec } from '../load/index.js';
import type { MetricsApi, ObjectMetricSpec } from '../metrics/service.js';

export type Fault =
  | {
      /** the metrics API answers 503 Service Unavailable (an aggregated API server that is down) */
      readonly type: 'metrics-unavailable';
      readonly api: MetricsApi | 'all';
      readonly fromSeconds: number;
      readonly toSeconds: number;
    }
  | {
      /** pods created in the interval start `factor` times slower (slow image pulls, a busy node) */
      readonly type: 'slow-start';
      readonly factor: number;
      readonly fromSeconds: number;
      readonly toSeconds: number;
      /** only pods of this workload (`namespace/name`); all when absent */
      readonly workload?: string;
    }
  | {
      /** the metrics API stamps its samples `ageSeconds` in the past (a pipeline that stopped updating) */
      readonly type: 'stale-metrics';
      readonly api: MetricsApi | 'all';
      readonly ageSeconds: number;
      readonly fromSeconds: number;
      readonly toSeconds: number;
      /** only the samples of this namespace; all when absent */
      readonly namespace?: string;
    };

export interface Scenario {
  readonly name: string;
  /** where relative paths were resolved from */
  readonly baseDir: string;
  readonly durationSeconds: number;
  /** the virtual clock's epoch */
  readonly start: number;
  /** manifests, created in order at the start (namespaces they name are created first) */
  readonly objects: readonly Record<string, unknown>[];
  /** by `namespace/name` of the Deployment or StatefulSet */
  readonly load: ReadonlyMap<string, WorkloadLoadSpec>;
  readonly queues: readonly QueueSpec[];
  readonly objectMetrics: readonly ObjectMetricSpec[];
  readonly adapterConfig?: AdapterConfig;
  /** controller flags as written (flag name → text), checked by the composition root */
  readonly controller: Readonly<Record<string, string>>;
  /**
   * what the simulated server's /version reports (TARGETS style: `cpu: 42%/50%` from 1.30,
   * `42%/50%` before); absent: the emulated release's
   */
  readonly serverVersion?: string;
  readonly faults: readonly Fault[];
  readonly scrapeIntervalSeconds: number;
  readonly resolutionSeconds: number;
  readonly podDefaults: { readonly startupSeconds?: number; readonly readinessSeconds?: number };
  /** seconds between chart samples; default 5 */
  readonly chartStepSeconds: number;
}
