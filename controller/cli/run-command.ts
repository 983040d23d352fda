import { Option, type Command } from '@commander-js/extra-typings';
import { DEFAULT_EMULATED_VERSION, runSettingsFromFlags, type RunFlags } from '../options.js';
import { addMetricsClientOptions, metricsFlagsFrom, type RawMetricsOptions } from './metrics-options.js';
import { envOpt } from './env-option.js';

/**
 * A boolean flag that also reads `false` correctly from its environment variable (commander
 * alone treats any value of a boolean flag's variable as true): `--x`, `--x=false`, `HPA_TS_X=false`.
 */
export function boolOpt(flags: string, description: string, dflt: boolean): Option {
  return envOpt(flags, description)
    .default(dflt)
    .preset('true')
    .argParser((v: string) => v !== 'false');
}

/** `hpa-ts run`: the controller. Flag names and defaults follow kube-controller-manager. */
export function registerRunCommand(program: Command): void {
  const cmd = program
    .command('run')
    .description('run the HPA controller against a cluster (kubeconfig, KUBECONFIG or in-cluster service account)')
    .addOption(
      envOpt(
        '--kubeconfig <file>',
        'kubeconfig file (default: $KUBECONFIG, ~/.kube/config, or the in-cluster service account)',
      ),
    )
    .addOption(
      envOpt('-n, --namespace <namespace>', 'watch the HPAs and pods of one namespace only (default: all namespaces)'),
    )
    .addOption(
      envOpt(
        '--horizontal-pod-autoscaler-sync-period <duration>',
        'period for syncing the number of pods in each HPA',
      ).default('15s'),
    )
    .addOption(
      envOpt(
        '--horizontal-pod-autoscaler-tolerance <ratio>',
        'minimum change (from 1.0) in the desired-to-actual metrics ratio to consider scaling',
      ).default('0.1'),
    )
    .addOption(
      envOpt(
        '--horizontal-pod-autoscaler-downscale-stabilization <duration>',
        'period for which the highest recent recommendation is kept before scaling down',
      ).default('5m'),
    )
    .addOption(
      envOpt(
        '--horizontal-pod-autoscaler-cpu-initialization-period <duration>',
        'period after pod start when CPU samples may be skipped',
      ).default('5m'),
    )
    .addOption(
      envOpt(
        '--horizontal-pod-autoscaler-initial-readiness-delay <duration>',
        'period after pod start during which readiness changes are treated as initial readiness',
      ).default('30s'),
    )
    .addOption(
      envOpt('--horizontal-pod-autoscaler-upscale-delay <duration>', 'deprecated by upstream; accepted and ignored'),
    )
    .addOption(
      envOpt('--horizontal-pod-autoscaler-downscale-delay <duration>', 'deprecated by upstream; accepted and ignored'),
    )
    .addOption(
      envOpt('--concurrent-horizontal-pod-autoscaler-syncs <n>', 'number of HPAs reconciled concurrently').default('5'),
    )
    .addOption(
      envOpt('--emulated-version <version>', 'behave like this kube-controller-manager release (1.26 … 1.37)').default(
        DEFAULT_EMULATED_VERSION,
      ),
    )
    .addOption(
      envOpt(
        '--feature-gates <gates>',
        'A=true,B=false: HPAConfigurableTolerance, HPAScaleToZero, HPAGeneration, HPAOptimizedSelectorStore, StaleControllerConsistencyHPA, PodLevelResources',
      ).default(''),
    )
    .addOption(
      boolOpt(
        '--dry-run [bool]',
        'write nothing (no scale, no status, no events); log every decision as one JSON line',
        false,
      ),
    )
    .addOption(
      boolOpt(
        '--shadow [bool]',
        'watch built-in HPAs, compute decisions, write nothing, and compare with what the built-in controller did',
        false,
      ),
    )
    .addOption(
      envOpt(
        '--hpa-source <source>',
        'builtin: autoscaling/v2 HorizontalPodAutoscalers; crd: autoscaling.hpa-ts.io/v1 (for managed clusters)',
      ).default('builtin'),
    )
    .addOption(boolOpt('--leader-elect [bool]', 'elect a leader on a Lease before reconciling (true/false)', true))
    .addOption(envOpt('--leader-elect-lease-duration <duration>', 'lease duration').default('15s'))
    .addOption(
      envOpt(
        '--leader-elect-renew-deadline <duration>',
        'how long the leader keeps trying to renew before giving up',
      ).default('10s'),
    )
    .addOption(
      envOpt('--leader-elect-retry-period <duration>', 'wait between attempts to acquire or renew').default('2s'),
    )
    .addOption(envOpt('--leader-elect-resource-name <name>', 'name of the Lease').default('hpa-ts'))
    .addOption(
      envOpt(
        '--leader-elect-resource-namespace <namespace>',
        'namespace of the Lease (default: the pod namespace, else default)',
      ),
    )
    .addOption(envOpt('--leader-elect-identity <id>', 'this instance in the Lease (default: hostname_uuid)'))
    .addOption(envOpt('--bind-address <host:port>', 'serve /healthz, /readyz and /metrics here').default(':8080'))
    .addOption(
      envOpt('--event-component <name>', 'source.component of the events written').default('horizontal-pod-autoscaler'),
    )
    .addOption(
      envOpt(
        '--error-backoff-base <duration>',
        'first retry of a failed HPA, doubling up to the sync period; 0 = retry one sync period later like upstream',
      ).default('1s'),
    )
    .addOption(
      boolOpt(
        '--resource-metrics-cache [bool]',
        'fetch metrics.k8s.io once per namespace per sync period and share it between HPAs (off in --shadow; upstream asks per HPA)',
        true,
      ),
    )
    .addOption(envOpt('--log-level <level>', 'fatal, error, warn, info, debug, trace').default('info'))
    .addOption(envOpt('--log-format <format>', 'json (one line per event) or text').default('json'));
  addMetricsClientOptions(cmd);
  cmd.action(async (o) => {
    let settings;
    try {
      settings = runSettingsFromFlags(o as unknown as RunFlags);
    } catch (e) {
      process.stderr.write(`error: ${(e as Error).message}\n`);
      process.exit(2);
    }
    const { runController } = await import('../run.js');
    const code = await runController(settings, metricsFlagsFrom(o as RawMetricsOptions));
    process.exit(code);
  });
}
