/**
 * Settings of an embedded or command-line controller, from the flag table's values. Combinations
 * the table cannot express (lease timings, --shadow with --dry-run) are checked here, with errors
 * naming the flags.
 */
import {
  DEFAULT_CONTROLLER_CONFIG,
  applyFeatureGates,
  defaultGates,
  parseEmulatedVersion,
  profileForVersion,
  type ControllerConfig,
  type Profile,
  type Result,
  err,
  ok,
} from '../algorithms/index.js';
import type { MetricsFlags } from '../metrics-clients/index.js';
import { FlagErrorCode, flagError, type FlagError } from './flags/kinds.js';
import { defaultFlagValues, parseFlags, type FlagValues, type RawFlags } from './flags/values.js';
import { secureServingSettings, type SecureServingSettings } from './serving-settings.js';

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
  /** --shards: 1 is the single leader lease; more shares the HPAs between replicas (docs/scaling.md) */
  readonly shards: number;
  readonly bindAddress: string;
  /** --secure-port and its delegated authentication and authorization; null when off */
  readonly secureServing: SecureServingSettings | null;
  readonly eventComponent: string;
  readonly errorBackoffBaseMs: number;
  /** one API-server request (--request-timeout) */
  readonly requestTimeoutMs: number;
  /** client-side rate limit per API client (--kube-api-qps, --kube-api-burst) */
  readonly kubeApiQps: number;
  readonly kubeApiBurst: number;
  /** share one namespace-wide metrics.k8s.io answer per sync period (off in shadow mode) */
  readonly resourceMetricsCache: boolean;
  /** where HPA histories live (--history-store): memory (upstream) or one ConfigMap per namespace */
  readonly historyStore: 'memory' | 'configmap';
  readonly logLevel: string;
  readonly logFormat: 'json' | 'text';
}

/**
 * `hpa-ts run`'s defaults for a controller started in process (simulate, demo, tests, benchmarks):
 * the table's defaults, leader election off, /metrics on a free loopback port, no logs.
 */
export const EMBEDDED_RUN_FLAGS: RawFlags = { leaderElect: false, bindAddress: '127.0.0.1:0', logLevel: 'silent' };

function invalid(flag: string, detail: string): Result<never, FlagError> {
  return err(flagError(FlagErrorCode.InvalidCombination, flag, detail));
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === '' ? undefined : v;
}

/** Checks kube-controller-manager makes beyond each flag's own range, with messages naming the flags. */
function checkCombinations(v: FlagValues, all: FlagValues): Result<void, FlagError> {
  if (v.dryRun === true && v.shadow === true)
    return invalid('--dry-run', '--dry-run and --shadow cannot be combined: shadow mode already writes nothing');
  if (v.shadow === true && v.hpaSource !== 'builtin')
    return invalid('--shadow', '--shadow compares with the built-in controller: it needs --hpa-source=builtin');
  const lease = all.leaderElectLeaseDuration ?? 0;
  const renew = all.leaderElectRenewDeadline ?? 0;
  const retry = all.leaderElectRetryPeriod ?? 0;
  if (v.leaderElect === true && !(lease > renew && renew > retry && retry > 0))
    return invalid(
      '--leader-elect-lease-duration',
      'leader election needs --leader-elect-lease-duration > --leader-elect-renew-deadline > --leader-elect-retry-period > 0',
    );
  if ((all.shards ?? 1) > 1 && all.leaderElect !== true)
    return invalid('--shards', '--shards above 1 shares the HPAs through Leases: it needs --leader-elect');
  // a namespace's history ConfigMap would be written by the replicas of several shards, and a
  // write is permitted per HPA, not per namespace (docs/history-store.md#limits)
  if ((all.shards ?? 1) > 1 && all.historyStore === 'configmap')
    return invalid(
      '--history-store',
      '--history-store=configmap does not go with --shards above 1 (not yet supported)',
    );
  return ok(undefined);
}

/** `--emulated-version` text → the release's minor (simulate, demo), or the flag error `run` gives. */
export function emulatedMinor(text: string): Result<number, FlagError> {
  const version = parseEmulatedVersion(text);
  if (typeof version === 'string') return err(flagError(FlagErrorCode.InvalidValue, '--emulated-version', version));
  return ok(version.minor);
}

/** Values of `run` or `explain` (others take run's defaults) → settings, or the flag that is wrong. */
export function runSettings(given: FlagValues): Result<RunSettings, FlagError> {
  const v: FlagValues = { ...defaultFlagValues('run'), ...given };
  const version = parseEmulatedVersion(v.emulatedVersion ?? '');
  if (typeof version === 'string') return err(flagError(FlagErrorCode.InvalidValue, '--emulated-version', version));
  const gates = applyFeatureGates(defaultGates(version.minor), v.featureGates ?? '', version.minor);
  if (typeof gates === 'string') return err(flagError(FlagErrorCode.InvalidValue, '--feature-gates', gates));
  const combined = checkCombinations(given, v);
  if (!combined.ok) return combined;
  const secureServing = secureServingSettings(v);
  if (!secureServing.ok) return secureServing;
  const shadow = v.shadow === true;
  const kubeconfig = nonEmpty(v.kubeconfig);
  const namespace = nonEmpty(v.namespace);
  const leaseNamespace = nonEmpty(v.leaderElectResourceNamespace);
  const identity = nonEmpty(v.leaderElectIdentity);
  return ok({
    ...(kubeconfig === undefined ? {} : { kubeconfig }),
    ...(namespace === undefined ? {} : { namespace }),
    syncPeriodMs: v.horizontalPodAutoscalerSyncPeriod ?? 0,
    workers: v.concurrentHorizontalPodAutoscalerSyncs ?? 1,
    config: {
      ...DEFAULT_CONTROLLER_CONFIG,
      tolerance: v.horizontalPodAutoscalerTolerance ?? DEFAULT_CONTROLLER_CONFIG.tolerance,
      downscaleStabilizationWindowSeconds: (v.horizontalPodAutoscalerDownscaleStabilization ?? 0) / 1000,
      cpuInitializationPeriodSeconds: (v.horizontalPodAutoscalerCpuInitializationPeriod ?? 0) / 1000,
      delayOfInitialReadinessStatusSeconds: (v.horizontalPodAutoscalerInitialReadinessDelay ?? 0) / 1000,
      // off (absent) by default, so the config stays upstream's
      ...((v.metricsMaxAge ?? 0) > 0 ? { metricsMaxAgeMs: v.metricsMaxAge } : {}),
    },
    profile: profileForVersion(version.minor, gates),
    emulatedVersion: `1.${version.minor}`,
    dryRun: v.dryRun === true,
    shadow,
    hpaSource: v.hpaSource === 'crd' ? 'crd' : 'builtin',
    leaderElect: v.leaderElect === true,
    leaseDurationMs: v.leaderElectLeaseDuration ?? 0,
    renewDeadlineMs: v.leaderElectRenewDeadline ?? 0,
    retryPeriodMs: v.leaderElectRetryPeriod ?? 0,
    leaseName: v.leaderElectResourceName ?? 'hpa-ts',
    ...(leaseNamespace === undefined ? {} : { leaseNamespace }),
    ...(identity === undefined ? {} : { identity }),
    shards: v.shards ?? 1,
    bindAddress: v.bindAddress ?? ':8080',
    secureServing: secureServing.value,
    eventComponent: v.eventComponent ?? 'horizontal-pod-autoscaler',
    errorBackoffBaseMs: v.errorBackoffBase ?? 0,
    requestTimeoutMs: v.requestTimeout ?? 30_000,
    kubeApiQps: v.kubeApiQps ?? 200,
    kubeApiBurst: v.kubeApiBurst ?? 400,
    // Shadow mode must read what the built-in controller reads at the same moment: no sharing.
    resourceMetricsCache: v.resourceMetricsCache !== false && !shadow,
    historyStore: v.historyStore === 'configmap' ? 'configmap' : 'memory',
    logLevel: v.logLevel ?? 'info',
    logFormat: v.logFormat === 'text' ? 'text' : 'json',
  });
}

/**
 * Settings from raw `run` flags (text or plain values), for controllers started in code: tests,
 * the e2e bed, benchmarks. Their flags are constants, so a bad one is a bug: it throws.
 */
export function runSettingsFromFlags(raw: RawFlags): RunSettings {
  const values = parseFlags('run', raw);
  const settings = values.ok ? runSettings(values.value) : values;
  if (!settings.ok) throw new Error(settings.error.message);
  return settings.value;
}

/** The metrics-client flags of `run`, `explain` or `metrics get` as the registry takes them. */
export function metricsFlagsFrom(v: FlagValues): MetricsFlags {
  const flags: Record<string, unknown> = {
    metricsClient: v.metricsClient,
    prometheusUrl: v.prometheusUrl,
    adapterConfig: v.adapterConfig,
    staticFile: v.staticFile,
    prometheusTokenFile: v.prometheusTokenFile,
    prometheusBasicAuthUser: v.prometheusBasicAuthUser,
    prometheusBasicAuthPasswordFile: v.prometheusBasicAuthPasswordFile,
    prometheusCaFile: v.prometheusCaFile,
    prometheusClientCertFile: v.prometheusClientCertFile,
    prometheusClientKeyFile: v.prometheusClientKeyFile,
    prometheusInsecureSkipTlsVerify: v.prometheusInsecureSkipTlsVerify,
    adapterParity: v.adapterParity,
    prometheusVerb: v.prometheusVerb,
    metricsRelistIntervalMs: v.metricsRelistInterval,
    // `metrics get` calls it --timeout
    metricsTimeoutMs: v.metricsTimeout ?? v.timeout,
  };
  return Object.fromEntries(Object.entries(flags).filter(([, x]) => x !== undefined)) as MetricsFlags;
}

/** What `run` and `explain` start from: settings, the metrics client's flags, and every value. */
export interface ControllerFlags {
  readonly settings: RunSettings;
  readonly metrics: MetricsFlags;
  readonly values: FlagValues;
}

export function controllerFlags(values: Result<FlagValues, FlagError>): Result<ControllerFlags, FlagError> {
  if (!values.ok) return values;
  const settings = runSettings(values.value);
  if (!settings.ok) return settings;
  return ok({ settings: settings.value, metrics: metricsFlagsFrom(values.value), values: values.value });
}

/** Raw `run` flags (commander's attribute names → text or plain values), as tests and the e2e bed write them. */
export type RunFlags = RawFlags;
