/**
 * `hpa-ts simulate`: the embedded cluster.
 *
 *   hpa-ts simulate SCENARIO.yaml [-o json] [--svg FILE]   the scenario in virtual time, in process
 *   hpa-ts simulate --serve [SCENARIO.yaml] [--port N]      a simulated cluster to use with kubectl and
 *                                                           `hpa-ts run --kubeconfig sim.kubeconfig`
 */
import { writeFileSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import type { Command } from '@commander-js/extra-typings';

export interface SimulateFlags {
  readonly serve?: boolean;
  readonly port: string;
  readonly prometheusPort: string;
  readonly kubeconfigOut: string;
  readonly timeScale: string;
  readonly output: string;
  readonly svg?: string;
  /** with --serve and no scenario: Prometheus and metrics-server interval (Go duration) */
  readonly scrapeInterval?: string;
}

function port(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new Error(`${flag} must be a port number (0 = any free port), got "${text}"`);
  return n;
}

/** Runs a scenario in virtual time; writes the timeline (or JSON) with `out`, notes with `err`. */
export async function simulateScenario(
  file: string,
  o: SimulateFlags,
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<number> {
  const { loadScenario, runScenario, TimelineFormatter, renderChartSvg, formatSeconds } =
    await import('../../simulator/index.js');
  const { realClock } = await import('../clock.js');
  if (o.output !== 'text' && o.output !== 'json') {
    err(`error: -o must be text or json, got "${o.output}"`);
    return 2;
  }
  const s = loadScenario(file);
  if (!s.ok) {
    err(`error: ${s.error}`);
    return 2;
  }
  const hpas = s.value.objects.filter((x) => x.kind === 'HorizontalPodAutoscaler');
  const names = hpas.map((h) => String((h.metadata as { name?: unknown }).name ?? ''));
  const refs = hpas.map((h) => {
    const ref = ((h.spec as Record<string, unknown> | undefined)?.scaleTargetRef ?? {}) as {
      kind?: string;
      name?: string;
    };
    return `${ref.kind ?? ''}/${ref.name ?? ''}`;
  });
  const fmt = new TimelineFormatter(names, refs);
  const text = o.output === 'text';
  if (text) out(fmt.header());
  const wallStart = realClock.now();
  const r = await runScenario(s.value, {
    ...(text ? { onEntry: (e) => out(fmt.line(e)) } : {}),
    keepDecisions: !text,
    keepTimeline: !text,
  });
  if (!r.ok) {
    err(`error: ${r.error}`);
    return 1;
  }
  const wall = (realClock.now() - wallStart) / 1000;
  const svgPath = resolve(o.svg ?? `${basename(file, extname(file))}.svg`);
  writeFileSync(
    svgPath,
    renderChartSvg(r.value.chart, { title: s.value.name, durationSeconds: s.value.durationSeconds }),
  );
  if (text) {
    out('');
    out(
      `simulated ${formatSeconds(s.value.durationSeconds)} in ${wall.toFixed(2)} s wall: ${r.value.reconciles} reconciles, ${r.value.timelineLines} timeline lines`,
    );
    out(`chart: ${svgPath}`);
  } else {
    out(
      JSON.stringify(
        {
          scenario: r.value.scenario,
          start: r.value.start,
          durationSeconds: r.value.durationSeconds,
          reconciles: r.value.reconciles,
          timeline: r.value.timeline.map((e) => ({
            t: e.elapsedSeconds,
            hpa: e.hpa,
            cells: e.cells,
            loadRps: e.loadRps ?? null,
          })),
          decisions: r.value.decisions,
        },
        null,
        2,
      ),
    );
    err(`chart: ${svgPath}`);
  }
  return 0;
}

export interface ServeHandle {
  readonly url: string;
  readonly prometheusUrl: string;
  readonly kubeconfigPath: string;
  close(): Promise<void>;
}

/** Starts a simulated cluster and writes its kubeconfig once it is ready to serve. */
export async function serveSimulator(
  file: string | undefined,
  o: SimulateFlags,
  out: (s: string) => void,
): Promise<ServeHandle> {
  // one after the other: lazy imports keep `hpa-ts --help` fast (and jest's ESM loader dislikes parallel ones)
  const { startSimulatorServer, ScaledClock, loadScenario, SimAnnotation, createObjects, simulationInputs } =
    await import('../../simulator/index.js');
  const { realClock } = await import('../clock.js');
  const { parseDuration } = await import('../options.js');
  const scrapeMs = o.scrapeInterval === undefined ? undefined : parseDuration(o.scrapeInterval, '--scrape-interval');
  const factor = Number(o.timeScale);
  if (!(factor > 0)) throw new Error(`--time-scale must be a positive number, got "${o.timeScale}"`);
  const clock = factor === 1 ? realClock : new ScaledClock({ factor, base: realClock });
  const scenario = file === undefined ? undefined : loadScenario(file);
  if (scenario !== undefined && !scenario.ok) throw new Error(scenario.error);
  const s = scenario?.value;
  const server = await startSimulatorServer({
    clock,
    port: port(o.port, '--port'),
    prometheusPort: port(o.prometheusPort, '--prometheus-port'),
    ...(s !== undefined
      ? {
          ...simulationInputs(s),
          version: s.serverVersion,
        }
      : scrapeMs !== undefined
        ? { scrape: { scrapeIntervalMs: scrapeMs, resolutionMs: scrapeMs } }
        : {}),
  });
  if (s !== undefined) {
    const created = createObjects(server.api.store, s.objects);
    if (!created.ok) {
      await server.close();
      throw new Error(created.error);
    }
  }
  const kubeconfigPath = resolve(o.kubeconfigOut);
  await server.writeKubeconfig(kubeconfigPath);
  out(
    `hpa-ts simulator serving a Kubernetes API at ${server.url}${factor === 1 ? '' : ` (time runs ${factor}× faster than real)`}`,
  );
  out(`  kubeconfig:  ${kubeconfigPath}        kubectl --kubeconfig ${o.kubeconfigOut} get hpa -w`);
  out(
    `  Prometheus:  ${server.prometheus.url}   (hpa-ts run --metrics-client=prometheus --prometheus-url ${server.prometheus.url} --adapter-config …)`,
  );
  out(
    '  metrics:     metrics.k8s.io/v1beta1, custom.metrics.k8s.io/v1beta2 and v1beta1, external.metrics.k8s.io/v1beta1',
  );
  out(`  load:        kubectl --kubeconfig ${o.kubeconfigOut} annotate deploy NAME ${SimAnnotation.rps}=1000`);
  out(`  controller:  hpa-ts run --kubeconfig ${o.kubeconfigOut} --leader-elect=false`);
  return { url: server.url, prometheusUrl: server.prometheus.url, kubeconfigPath, close: () => server.close() };
}

export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description(
      'the embedded cluster: run SCENARIO.yaml in virtual time, or --serve a simulated cluster for kubectl and hpa-ts run',
    )
    .argument('[scenario]', 'scenario file (YAML); with --serve its objects, load and metrics are served')
    .option('--serve', 'keep a simulated cluster running: API server, workloads, load, metrics APIs, Prometheus API')
    .option('--port <n>', 'API server port with --serve (0 = any free port)', '0')
    .option('--prometheus-port <n>', 'Prometheus HTTP API port with --serve (0 = any free port)', '0')
    .option('--kubeconfig-out <file>', 'with --serve: kubeconfig written once the cluster is ready', 'sim.kubeconfig')
    .option('--time-scale <factor>', 'with --serve: simulated seconds per real second', '1')
    .option(
      '--scrape-interval <duration>',
      'with --serve: Prometheus scrape interval and metrics-server resolution (default 15s)',
    )
    .option(
      '-o, --output <format>',
      'scenario output: text (a kubectl get hpa -w timeline) or json (every decision)',
      'text',
    )
    .option('--svg <file>', 'scenario chart (default: <scenario>.svg in the current directory)')
    .action(async (file, o) => {
      const out = (s: string): void => void process.stdout.write(`${s}\n`);
      const errOut = (s: string): void => void process.stderr.write(`${s}\n`);
      if (o.serve !== true) {
        if (file === undefined) {
          errOut('error: a scenario file is required (or --serve)');
          process.exit(2);
        }
        process.exit(await simulateScenario(file, o, out, errOut));
      }
      let handle: ServeHandle;
      try {
        handle = await serveSimulator(file, o, out);
      } catch (e) {
        errOut(`error: ${(e as Error).message}`);
        process.exit(1);
      }
      out('Ctrl-C to stop.');
      await new Promise<void>((resolveStop) => {
        process.once('SIGINT', () => resolveStop());
        process.once('SIGTERM', () => resolveStop());
      });
      await handle.close();
      process.exit(0);
    });
}
