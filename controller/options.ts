import {
  DEFAULT_CONTROLLER_CONFIG,
  NEWEST_MINOR,
  applyFeatureGates,
  defaultGates,
  parseEmulatedVersion,
  profileForVersion,
  type ControllerConfig,
  type Profile,
} from '../algorithms/index.js';

/**
 * Go duration strings as kube-controller-manager's flags take them: "15s", "5m", "1m30s",
 * "300ms", "1h", "0" (a bare number of seconds is also accepted for convenience).
 */
export function parseDuration(text: string, flag: string): number {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t) * 1000;
  const unit: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g;
  let total = 0;
  let consumed = 0;
  for (const m of t.matchAll(re)) {
    if (m.index !== consumed) break;
    total += Number(m[1]) * unit[m[2]];
    consumed += m[0].length;
  }
  if (consumed === 0 || consumed !== t.length) {
    throw new Error(`invalid duration "${text}" for ${flag}: expected a Go duration such as 15s, 5m or 1m30s`);
  }
  return total;
}

/** Everything `hpa-ts run` is configured with, after parsing and validation. */
export interface RunSettings {
  readonly kubeconfig?: string;
  readonly namespace?: string;
  readonly syncPeriodMs: number;
  readonly workers: number;
  readonly config: ControllerConfig;
  readonly profile: Profile;
  readonly emulatedVersion: string;
  readonly dryRun: boolean;
  readonly shadow: boolean;
  readonly hpaSource: 'builtin' | 'crd';
  readonly leaderElect: boolean;
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
  readonly leaseName: string;
  readonly leaseNamespace?: string;
  readonly identity?: string;
  readonly bindAddress: string;
  readonly eventComponent: string;
  readonly errorBackoffBaseMs: number;
  /** share one namespace-wide metrics.k8s.io answer per sync period (off in shadow mode) */
  readonly resourceMetricsCache: boolean;
  readonly logLevel: string;
  readonly logFormat: 'json' | 'text';
}

/** Raw flag values as commander hands them over (strings, booleans). */
export interface RunFlags {
  readonly kubeconfig?: string;
  readonly namespace?: string;
  readonly horizontalPodAutoscalerSyncPeriod: string;
  readonly horizontalPodAutoscalerTolerance: string;
  readonly horizontalPodAutoscalerDownscaleStabilization: string;
  readonly horizontalPodAutoscalerCpuInitializationPeriod: string;
  readonly horizontalPodAutoscalerInitialReadinessDelay: string;
  readonly horizontalPodAutoscalerUpscaleDelay?: string;
  readonly horizontalPodAutoscalerDownscaleDelay?: string;
  readonly concurrentHorizontalPodAutoscalerSyncs: string;
  readonly emulatedVersion: string;
  readonly featureGates: string;
  readonly dryRun: boolean;
  readonly shadow: boolean;
  readonly hpaSource: string;
  readonly leaderElect: boolean;
  readonly leaderElectLeaseDuration: string;
  readonly leaderElectRenewDeadline: string;
  readonly leaderElectRetryPeriod: string;
  readonly leaderElectResourceName: string;
  readonly leaderElectResourceNamespace?: string;
  readonly leaderElectIdentity?: string;
  readonly bindAddress: string;
  readonly eventComponent: string;
  readonly errorBackoffBase: string;
  readonly resourceMetricsCache?: boolean;
  readonly logLevel: string;
  readonly logFormat: string;
}

function positiveInt(text: string, flag: string, min: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new Error(`${flag} must be an integer ≥ ${min}, got "${text}"`);
  return n;
}

/** Validates flags the way kube-controller-manager does, with messages naming the flag. */
export function runSettingsFromFlags(f: RunFlags): RunSettings {
  const version = parseEmulatedVersion(f.emulatedVersion);
  if (typeof version === 'string') throw new Error(version);
  const gates = applyFeatureGates(defaultGates(version.minor), f.featureGates, version.minor);
  if (typeof gates === 'string') throw new Error(`--feature-gates: ${gates}`);
  const tolerance = Number(f.horizontalPodAutoscalerTolerance);
  if (!Number.isFinite(tolerance) || tolerance < 0) {
    throw new Error(
      `--horizontal-pod-autoscaler-tolerance must be a number ≥ 0, got "${f.horizontalPodAutoscalerTolerance}"`,
    );
  }
  const workers = Number(f.concurrentHorizontalPodAutoscalerSyncs);
  if (!Number.isInteger(workers) || workers < 1) {
    throw new Error(
      `concurrent-horizontal-pod-autoscaler-syncs must be greater than 0, but got ${f.concurrentHorizontalPodAutoscalerSyncs}`,
    );
  }
  if (f.dryRun && f.shadow)
    throw new Error('--dry-run and --shadow cannot be combined: shadow mode already writes nothing');
  if (f.hpaSource !== 'builtin' && f.hpaSource !== 'crd')
    throw new Error(`--hpa-source must be builtin or crd, got "${f.hpaSource}"`);
  if (f.shadow && f.hpaSource !== 'builtin')
    throw new Error('--shadow compares with the built-in controller: it needs --hpa-source=builtin');
  if (f.logFormat !== 'json' && f.logFormat !== 'text')
    throw new Error(`--log-format must be json or text, got "${f.logFormat}"`);
  const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
  if (!levels.includes(f.logLevel))
    throw new Error(`--log-level must be one of ${levels.join(', ')}, got "${f.logLevel}"`);
  const leaseDurationMs = parseDuration(f.leaderElectLeaseDuration, '--leader-elect-lease-duration');
  const renewDeadlineMs = parseDuration(f.leaderElectRenewDeadline, '--leader-elect-renew-deadline');
  const retryPeriodMs = parseDuration(f.leaderElectRetryPeriod, '--leader-elect-retry-period');
  if (f.leaderElect && !(leaseDurationMs > renewDeadlineMs && renewDeadlineMs > retryPeriodMs && retryPeriodMs > 0)) {
    throw new Error(
      'leader election needs --leader-elect-lease-duration > --leader-elect-renew-deadline > --leader-elect-retry-period > 0',
    );
  }
  const syncPeriodMs = parseDuration(f.horizontalPodAutoscalerSyncPeriod, '--horizontal-pod-autoscaler-sync-period');
  if (syncPeriodMs <= 0) throw new Error('--horizontal-pod-autoscaler-sync-period must be positive');
  return {
    ...(f.kubeconfig !== undefined && f.kubeconfig !== '' ? { kubeconfig: f.kubeconfig } : {}),
    ...(f.namespace !== undefined && f.namespace !== '' ? { namespace: f.namespace } : {}),
    syncPeriodMs,
    workers,
    config: {
      ...DEFAULT_CONTROLLER_CONFIG,
      tolerance,
      downscaleStabilizationWindowSeconds:
        parseDuration(
          f.horizontalPodAutoscalerDownscaleStabilization,
          '--horizontal-pod-autoscaler-downscale-stabilization',
        ) / 1000,
      cpuInitializationPeriodSeconds:
        parseDuration(
          f.horizontalPodAutoscalerCpuInitializationPeriod,
          '--horizontal-pod-autoscaler-cpu-initialization-period',
        ) / 1000,
      delayOfInitialReadinessStatusSeconds:
        parseDuration(
          f.horizontalPodAutoscalerInitialReadinessDelay,
          '--horizontal-pod-autoscaler-initial-readiness-delay',
        ) / 1000,
    },
    profile: profileForVersion(version.minor, gates),
    emulatedVersion: `1.${version.minor}`,
    dryRun: f.dryRun,
    shadow: f.shadow,
    hpaSource: f.hpaSource,
    leaderElect: f.leaderElect,
    leaseDurationMs,
    renewDeadlineMs,
    retryPeriodMs,
    leaseName: f.leaderElectResourceName,
    ...(f.leaderElectResourceNamespace !== undefined && f.leaderElectResourceNamespace !== ''
      ? { leaseNamespace: f.leaderElectResourceNamespace }
      : {}),
    ...(f.leaderElectIdentity !== undefined && f.leaderElectIdentity !== '' ? { identity: f.leaderElectIdentity } : {}),
    bindAddress: f.bindAddress,
    eventComponent: f.eventComponent,
    errorBackoffBaseMs: parseDuration(f.errorBackoffBase, '--error-backoff-base'),
    // Shadow mode must read what the built-in controller reads at the same moment: no sharing.
    resourceMetricsCache: (f.resourceMetricsCache ?? true) && !f.shadow,
    logLevel: f.logLevel,
    logFormat: f.logFormat,
  };
}

export const DEFAULT_EMULATED_VERSION = `1.${NEWEST_MINOR}`;

/**
 * `hpa-ts run`'s defaults for a controller started in process (simulate, demo, tests, benchmarks):
 * upstream's settings, leader election off, /metrics on a free loopback port, no logs.
 */
export const EMBEDDED_RUN_FLAGS: RunFlags = {
  horizontalPodAutoscalerSyncPeriod: '15s',
  horizontalPodAutoscalerTolerance: '0.1',
  horizontalPodAutoscalerDownscaleStabilization: '5m',
  horizontalPodAutoscalerCpuInitializationPeriod: '5m',
  horizontalPodAutoscalerInitialReadinessDelay: '30s',
  concurrentHorizontalPodAutoscalerSyncs: '5',
  emulatedVersion: `1.${NEWEST_MINOR}`,
  featureGates: '',
  dryRun: false,
  shadow: false,
  hpaSource: 'builtin',
  leaderElect: false,
  leaderElectLeaseDuration: '15s',
  leaderElectRenewDeadline: '10s',
  leaderElectRetryPeriod: '2s',
  leaderElectResourceName: 'hpa-ts',
  bindAddress: '127.0.0.1:0',
  eventComponent: 'horizontal-pod-autoscaler',
  errorBackoffBase: '1s',
  logLevel: 'silent',
  logFormat: 'json',
};

/** HPA_TS_<FLAG_NAME_IN_UPPER_SNAKE>: every flag can come from the environment. */
export function envName(flag: string): string {
  return `HPA_TS_${flag.replace(/^--/, '').replace(/-/g, '_').toUpperCase()}`;
}

export { positiveInt };
