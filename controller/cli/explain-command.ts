import { Option, type Command } from '@commander-js/extra-typings';
import type { MetricsFlags } from '../../metrics-clients/index.js';
import type { Decision } from '../../algorithms/index.js';
import { decisionRecord } from '../decision-log.js';
import {
  DEFAULT_EMULATED_VERSION,
  EMBEDDED_RUN_FLAGS,
  runSettingsFromFlags,
  type RunFlags,
  type RunSettings,
} from '../options.js';
import { addMetricsClientOptions, metricsFlagsFrom, type RawMetricsOptions } from './metrics-options.js';
import { envOpt } from './env-option.js';

/** Renders a decision for a human: every input and step, then what would be written. */
export function renderExplanation(d: Decision): string {
  const lines: string[] = [];
  lines.push(`HPA ${d.key} → ${d.reference}`);
  lines.push(`  replicas: current ${d.currentReplicas ?? '<unknown>'}, min ${d.minReplicas}, max ${d.maxReplicas}`);
  lines.push('steps:');
  for (const s of d.explanation) lines.push(`  - ${s}`);
  lines.push(`decision: ${d.reason}`);
  if (d.rescale !== null)
    lines.push(`  would write: scale ${d.reference} spec.replicas ${d.rescale.from} → ${d.rescale.to}`);
  else lines.push('  would write: no scale change');
  lines.push(
    `  status.desiredReplicas ${d.status.desiredReplicas}${d.statusChanged ? ' (status would be updated)' : ' (status unchanged)'}`,
  );
  lines.push('conditions:');
  for (const c of d.status.conditions ?? [])
    lines.push(`  ${c.type.padEnd(15)} ${c.status.padEnd(6)} ${(c.reason ?? '').padEnd(28)} ${c.message ?? ''}`);
  if (d.events.length > 0) {
    lines.push('events:');
    for (const e of d.events) lines.push(`  ${e.type.padEnd(8)} ${e.reason.padEnd(28)} ${e.message}`);
  }
  return lines.join('\n');
}

/**
 * `hpa-ts explain NS/NAME`: one decision, computed as the controller would now, with every input
 * and step; nothing is written. A fresh process has no recommendation history, so scale-down
 * stabilization only sees this decision (a running controller may hold higher recent ones).
 */
export async function explainHpa(
  target: string,
  settings: RunSettings,
  metricsFlags: MetricsFlags,
  output: 'text' | 'json',
): Promise<{ code: number; text: string }> {
  const [namespace, name] = target.includes('/') ? target.split('/', 2) : [settings.namespace ?? 'default', target];
  const { loadKubeConfig } = await import('../run.js');
  const { createClientNodeCluster } = await import('../kube/index.js');
  const { createMetricsClient, metricsClientOptionsFromFlags } = await import('../../metrics-clients/index.js');
  const { HpaController } = await import('../controller.js');
  const { cachedPodLister } = await import('../caches.js');
  const { EventRecorder } = await import('../events/index.js');
  const { realClock } = await import('../clock.js');
  const { silentLogger } = await import('../logging.js');
  const { CRD_RESOURCE } = await import('../run.js');
  const kc = await loadKubeConfig(settings.kubeconfig);
  const crd = settings.hpaSource === 'crd';
  const cluster = createClientNodeCluster({
    kubeConfig: kc,
    clock: realClock,
    ...(crd ? { hpaResource: CRD_RESOURCE } : {}),
    userAgent: 'hpa-ts-explain',
  });
  const config = metricsClientOptionsFromFlags(metricsFlags);
  if (!config.ok) return { code: 2, text: `error: ${config.error.field}: ${config.error.message}` };
  // eslint-disable-next-line prefer-const -- assigned after the pod lister that reads it is built
  let ctl: InstanceType<typeof HpaController> | undefined;
  const metrics = await createMetricsClient(config.value, {
    kubeConfig: kc,
    podLister: cachedPodLister(() => ctl?.pods),
    now: () => Date.now(),
  });
  if (!metrics.ok) {
    cluster.close();
    return { code: 2, text: `error: metrics client: ${metrics.error.field}: ${metrics.error.message}` };
  }
  const recorder = new EventRecorder({ sink: cluster, clock: realClock, dryRun: true });
  ctl = new HpaController(
    { cluster, metrics: metrics.value, events: recorder, clock: realClock, log: silentLogger() },
    {
      syncPeriodMs: settings.syncPeriodMs,
      workers: 1,
      config: settings.config,
      profile: settings.profile,
      mode: 'dry-run',
      namespace,
      errorBackoffBaseMs: 0,
    },
  );
  try {
    await ctl.startInformers();
    const key = `${namespace}/${name}`;
    if (ctl.hpas.get(key) === undefined) return { code: 1, text: `error: horizontalpodautoscaler ${key} not found` };
    const outcome = await ctl.reconcileNow(key);
    const d = outcome.decision;
    if (d === undefined) return { code: 1, text: `error: horizontalpodautoscaler ${key} not found` };
    if (output === 'json') return { code: 0, text: JSON.stringify(decisionRecord(d), null, 2) };
    return {
      code: 0,
      text: `${renderExplanation(d)}\n(explained by a fresh process: no recommendation history, so stabilization only sees this decision)`,
    };
  } finally {
    ctl.stopInformers();
    recorder.stop();
    await metrics.value.close();
    cluster.close();
  }
}

export function registerExplainCommand(program: Command): void {
  const cmd = program
    .command('explain')
    .argument('<hpa>', 'NAMESPACE/NAME of the HPA (or NAME with --namespace)')
    .description('compute one decision for one HPA now and show every input and step; writes nothing')
    .addOption(envOpt('--kubeconfig <file>', 'kubeconfig file'))
    .addOption(envOpt('-n, --namespace <namespace>', 'namespace when <hpa> has none'))
    .addOption(envOpt('--hpa-source <source>', 'builtin or crd').default('builtin'))
    .addOption(
      envOpt('--emulated-version <version>', 'behave like this kube-controller-manager release').default(
        DEFAULT_EMULATED_VERSION,
      ),
    )
    .addOption(envOpt('--feature-gates <gates>', 'A=true,B=false').default(''))
    .addOption(envOpt('--horizontal-pod-autoscaler-tolerance <ratio>', 'global tolerance').default('0.1'))
    .addOption(
      envOpt('--horizontal-pod-autoscaler-downscale-stabilization <duration>', 'legacy scale-down window').default(
        '5m',
      ),
    )
    .addOption(
      envOpt('--horizontal-pod-autoscaler-cpu-initialization-period <duration>', 'cpu initialization period').default(
        '5m',
      ),
    )
    .addOption(
      envOpt('--horizontal-pod-autoscaler-initial-readiness-delay <duration>', 'initial readiness delay').default(
        '30s',
      ),
    )
    .addOption(
      new Option('-o, --output <format>', 'text or json').choices(['text', 'json'] as const).default('text' as const),
    );
  addMetricsClientOptions(cmd);
  cmd.action(async (hpa, o) => {
    let settings: RunSettings;
    try {
      settings = runSettingsFromFlags({
        ...EMBEDDED_RUN_FLAGS,
        dryRun: true,
        errorBackoffBase: '0',
        ...(o as unknown as Partial<RunFlags>),
      });
    } catch (e) {
      process.stderr.write(`error: ${(e as Error).message}\n`);
      process.exit(2);
    }
    const r = await explainHpa(hpa, settings, metricsFlagsFrom(o as RawMetricsOptions), o.output);
    (r.code === 0 ? process.stdout : process.stderr).write(`${r.text}\n`);
    process.exit(r.code);
  });
}
