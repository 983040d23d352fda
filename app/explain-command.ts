import type { Command } from '@commander-js/extra-typings';
import { type Decision, type Result, err, explainUnclamped, ok } from '../algorithms/index.js';
import type { MetricsFlags } from '../metrics-clients/index.js';
import type { HpaController } from '../controller/controller.js';
import { decisionRecord } from '../controller/decision-log.js';
import { addFlags, readFlags } from './flags/commander.js';
import { FlagErrorCode, flagError, type FlagError } from './flags/kinds.js';
import { exitAfterFlush, exitWithError } from './exit.js';
import { controllerFlags, type RunSettings } from './settings.js';

/** Renders a decision for a human: every input and step, then what would be written. */
export function renderExplanation(d: Decision): string {
  const lines: string[] = [];
  lines.push(`HPA ${d.key} → ${d.reference}`);
  lines.push(`  replicas: current ${d.currentReplicas ?? '<unknown>'}, min ${d.minReplicas}, max ${d.maxReplicas}`);
  lines.push('steps:');
  for (const s of d.explanation) lines.push(`  - ${s}`);
  lines.push(`decision: ${d.reason}`);
  lines.push(`  unclamped recommendation: ${explainUnclamped(d.unclamped, d)}`);
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

/** NAMESPACE/NAME, or NAME in the --namespace (default: default); anything else is an error naming the argument. */
export function parseHpaArgument(
  target: string,
  namespace: string | undefined,
): Result<{ namespace: string; name: string }, FlagError> {
  const parts = target.split('/');
  if (parts.length === 1 && target !== '') return ok({ namespace: namespace ?? 'default', name: target });
  if (parts.length === 2 && parts[0] !== '' && parts[1] !== '') return ok({ namespace: parts[0], name: parts[1] });
  return err(
    flagError(
      FlagErrorCode.InvalidArgument,
      '<hpa>',
      `${JSON.stringify(target)} is not an HPA: expected NAMESPACE/NAME or NAME`,
      target,
    ),
  );
}

/**
 * Starts the informers and waits for their first list: undefined once listed, else what went
 * wrong. A one-shot command does not retry: the first failed list (each bounded by
 * --request-timeout) is the answer, and nothing waits longer than twice that in all.
 */
async function listedOrFailed(ctl: HpaController, requestTimeoutMs: number): Promise<string | undefined> {
  void ctl.startInformers();
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<string>((resolve) => {
    timer = setTimeout(
      () => resolve(`no answer from the API server within ${formatSeconds(2 * requestTimeoutMs)} (--request-timeout)`),
      2 * requestTimeoutMs,
    );
  });
  try {
    const failed = await Promise.race([ctl.syncedOrFailed(), gaveUp]);
    if (failed === undefined) return undefined;
    if (typeof failed === 'string') return failed;
    const hint = failed.failure === 'Timeout' ? ` (--request-timeout ${formatSeconds(requestTimeoutMs)})` : '';
    return `cannot list from the API server: ${failed.message}${hint}`;
  } finally {
    clearTimeout(timer);
  }
}

function formatSeconds(ms: number): string {
  return `${ms / 1000}s`;
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
  const parsed = parseHpaArgument(target, settings.namespace);
  if (!parsed.ok) return { code: 2, text: `error: ${parsed.error.message}` };
  const { namespace, name } = parsed.value;
  const { findKubeConfigWithSource } = await import('./kubeconfig.js');
  const { buildController } = await import('./build-controller.js');
  const { realClock } = await import('../controller/clock.js');
  const kc = await findKubeConfigWithSource(settings.kubeconfig);
  if (!kc.ok || kc.value === undefined)
    return { code: 1, text: `error: ${kc.ok ? 'no kubeconfig' : kc.error.message}` };
  const source = kc.value.source;
  const built = await buildController('explain', {
    cluster: { kubeConfig: kc.value.kubeConfig, source },
    metrics: { flags: metricsFlags },
    clock: realClock,
    settings: { ...settings, namespace },
  });
  if (!built.ok) return { code: 2, text: `error: ${built.error.message}` };
  const ctl = built.value.controller;
  try {
    const unreachable = await listedOrFailed(ctl, settings.requestTimeoutMs);
    if (unreachable !== undefined) {
      const cluster = JSON.stringify(kc.value.kubeConfig.getCurrentCluster()?.name ?? '');
      return { code: 1, text: `error: kubeconfig ${source}: cluster ${cluster}: ${unreachable}` };
    }
    const key = `${namespace}/${name}`;
    if (ctl.hpas.get(key) === undefined) return { code: 1, text: `error: horizontalpodautoscaler ${key} not found` };
    const outcome = await ctl.reconcileNow(key);
    const d = outcome.decision;
    if (d === undefined) return { code: 1, text: `error: horizontalpodautoscaler ${key} not found` };
    if (output === 'json') return { code: 0, text: JSON.stringify(decisionRecord(d), null, 2) };
    const fallbackNote =
      d.fallback === undefined
        ? ''
        : '; failing reconciles are counted from this one, or from the threshold when the Fallback condition is True';
    return {
      code: 0,
      text: `${renderExplanation(d)}\n(explained by a fresh process: no recommendation history, so stabilization only sees this decision${fallbackNote})`,
    };
  } finally {
    await built.value.close();
  }
}

export function registerExplainCommand(program: Command): void {
  const cmd = program
    .command('explain')
    .argument('<hpa>', 'NAMESPACE/NAME of the HPA (or NAME with --namespace)')
    .description('compute one decision for one HPA now and show every input and step; writes nothing');
  addFlags(cmd, 'explain');
  cmd.action(async (hpa: string) => {
    const flags = controllerFlags(readFlags(cmd, 'explain'));
    if (!flags.ok) exitWithError(flags.error);
    const target = parseHpaArgument(hpa, flags.value.settings.namespace);
    if (!target.ok) exitWithError(target.error);
    const output = flags.value.values.output === 'json' ? 'json' : 'text';
    const r = await explainHpa(hpa, flags.value.settings, flags.value.metrics, output);
    (r.code === 0 ? process.stdout : process.stderr).write(`${r.text}\n`);
    await exitAfterFlush(r.code);
  });
}
