/**
 * `hpa-ts demo` (what `npm start` runs): the seed 000 scenario against the embedded cluster, with
 * the real controller talking to it over HTTP through client-node, time compressed so it finishes
 * by itself in well under a minute. The composition root: it wires the simulator (simulator/demo.ts)
 * to the controller (startController).
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from '@commander-js/extra-typings';

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

export interface DemoFlags {
  readonly timeScale: string;
  readonly svg: string;
  readonly kubeconfigOut?: string;
  readonly rps: string;
  readonly loadDuration: string;
  /** apiserver (custom.metrics.k8s.io, default) or prometheus (PromQL with the seed's adapter rule) */
  readonly metricsClient?: string;
}

/** Runs the demo; resolves with the exit code (0 once replicas are back to 1). */
export async function demo(o: DemoFlags, write: (line: string) => void): Promise<number> {
  const factor = Number(o.timeScale);
  const rps = Number(o.rps);
  const metricsClient = o.metricsClient ?? 'apiserver';
  if (!(factor > 0) || !(rps >= 0) || (metricsClient !== 'apiserver' && metricsClient !== 'prometheus')) {
    write(
      'error: --time-scale must be a positive number, --rps a number ≥ 0, --metrics-client apiserver or prometheus',
    );
    return 2;
  }
  // one after the other: lazy imports keep `hpa-ts --help` fast (and jest's ESM loader dislikes parallel ones)
  const { runDemo, DEFAULT_RUN_FLAGS } = await import('../../simulator/index.js');
  const { realClock } = await import('../clock.js');
  const { startController } = await import('../run.js');
  const { runSettingsFromFlags, parseDuration } = await import('../options.js');
  const { silentLogger } = await import('../logging.js');
  const settings = runSettingsFromFlags({ ...DEFAULT_RUN_FLAGS, leaderElect: false, bindAddress: '127.0.0.1:0' });
  const result = await runDemo({
    base: realClock,
    factor,
    rps,
    loadSeconds: parseDuration(o.loadDuration, '--load-duration') / 1000,
    svgPath: resolve(o.svg),
    manifestsDir: seedManifestsDir(),
    write,
    ...(o.kubeconfigOut !== undefined ? { kubeconfigPath: resolve(o.kubeconfigOut) } : {}),
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
  program
    .command('demo')
    .description(
      'the seed demo: a simulated cluster, the real controller against it over HTTP, 1000 rps for 60 s, replicas 1 → 10 → 1',
    )
    .option('--time-scale <factor>', 'simulated seconds per real second (time compression)', '4')
    .option('--svg <file>', 'where to write the chart', join(tmpdir(), 'hpa-ts-demo.svg'))
    .option(
      '--kubeconfig-out <file>',
      'write a kubeconfig for the simulated cluster (kubectl get hpa -w while it runs)',
    )
    .option('--rps <n>', 'requests per second during the load phase', '1000')
    .option('--load-duration <duration>', 'how long the load lasts (simulated)', '60s')
    .option(
      '--metrics-client <kind>',
      "apiserver (custom.metrics.k8s.io) or prometheus (the simulator's Prometheus API with the seed's adapter rule)",
      'apiserver',
    )
    .action(async (o) => {
      const code = await demo(o, (line) => process.stdout.write(`${line}\n`));
      process.exit(code);
    });
}
