/**
 * `hpa-ts demo` (what `npm start` runs): the seed 000 scenario against the embedded cluster, with
 * the real controller talking to it over HTTP through client-node, time compressed so it finishes
 * by itself in well under a minute. It wires the simulator (simulator/demo.ts) to the controller
 * (startController in demo mode).
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from '@commander-js/extra-typings';
import { addFlags, rawFlags, readFlags } from './flags/commander.js';
import { parseFlags, type RawFlags } from './flags/values.js';
import { exitAfterFlush, exitWithError } from './exit.js';

/** manifests/examples/seed-000, looked up from this module (a checkout or the built dist/). */
export function seedManifestsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'manifests', 'examples', 'seed-000');
    if (existsSync(join(candidate, 'sample-httpserver-deployment.yaml'))) return candidate;
    dir = dirname(dir);
  }
  throw new Error('manifests/examples/seed-000 not found next to the hpa-ts package');
}

/** `demo`'s flags as text, as a user or a test gives them (checked against the flag table). */
export type DemoFlags = RawFlags;

/** Runs the demo; resolves with the exit code (0 once replicas are back to 1). */
export async function demo(o: DemoFlags, write: (line: string) => void): Promise<number> {
  const values = parseFlags('demo', o);
  if (!values.ok) {
    write(`error: ${values.error.message}`);
    return 2;
  }
  const v = values.value;
  const factor = v.timeScale ?? 4;
  const rps = v.rps ?? 1000;
  const metricsClient = v.metricsClient ?? 'apiserver';
  // one after the other: lazy imports keep `hpa-ts --help` fast (and jest's ESM loader dislikes parallel ones)
  const { runDemo } = await import('../simulator/index.js');
  const { realClock } = await import('../controller/clock.js');
  const { startController } = await import('./start.js');
  const { runSettingsFromFlags, emulatedMinor, EMBEDDED_RUN_FLAGS } = await import('./settings.js');
  const { silentLogger } = await import('../controller/logging.js');
  const release = emulatedMinor(v.emulatedVersion ?? '');
  if (!release.ok) {
    write(`error: ${release.error.message}`);
    return 2;
  }
  const settings = runSettingsFromFlags({ ...EMBEDDED_RUN_FLAGS, emulatedVersion: `1.${release.value}` });
  const result = await runDemo({
    base: realClock,
    factor,
    rps,
    loadSeconds: (v.loadDuration ?? 60_000) / 1000,
    svgPath: resolve(v.svg ?? join(tmpdir(), 'hpa-ts-demo.svg')),
    manifestsDir: seedManifestsDir(),
    write,
    release: release.value,
    ...(v.kubeconfigOut !== undefined ? { kubeconfigPath: resolve(v.kubeconfigOut) } : {}),
    metricsPath:
      metricsClient === 'prometheus'
        ? "the simulator's Prometheus API with the seed's adapter rule"
        : 'custom.metrics.k8s.io',
    startController: async (kubeconfig, clock, prometheus) => {
      const { KubeConfig } = await import('@kubernetes/client-node');
      const kc = new KubeConfig();
      kc.loadFromString(kubeconfig);
      const metrics =
        metricsClient === 'prometheus'
          ? { metricsClient, prometheusUrl: prometheus.url, adapterConfig: prometheus.adapterRules }
          : { metricsClient };
      const running = await startController(settings, metrics, {
        mode: 'demo',
        kubeConfig: kc,
        clock,
        log: silentLogger(),
        defaultMetrics: false,
      });
      return { stop: () => running.stop() };
    },
  });
  return result.finished ? 0 : 1;
}

export function registerDemoCommand(program: Command): void {
  const cmd = program
    .command('demo')
    .description(
      'the seed demo: a simulated cluster, the real controller against it over HTTP, 1000 rps for 60 s, replicas 1 → 10 → 1',
    );
  addFlags(cmd, 'demo');
  cmd.action(async () => {
    const values = readFlags(cmd, 'demo');
    if (!values.ok) exitWithError(values.error);
    await exitAfterFlush(await demo(rawFlags(cmd, 'demo'), (line) => process.stdout.write(`${line}\n`)));
  });
}
