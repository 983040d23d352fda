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
import { NEWEST_MINOR, err, type Result } from '../algorithms/index.js';
import { addFlags, rawFlags, readFlags } from './flags/commander.js';
import type { FlagError } from './flags/kinds.js';
import { parseFlags, type FlagValues, type RawFlags } from './flags/values.js';
import { exitAfterFlush, exitWithError } from './exit.js';

/** `simulate`'s flags as text, as a user or a test gives them (checked against the flag table). */
export type SimulateFlags = RawFlags;

/** How long `simulate --serve` waits for its servers to close after SIGTERM/SIGINT (it exits within 5 s). */
const CLOSE_MS = 1_500;

function simulateValues(o: SimulateFlags): Result<FlagValues, FlagError> {
  return parseFlags('simulate', o);
}

/** Runs a scenario in virtual time; writes the timeline (or JSON) with `out`, notes with `err`. */
export async function simulateScenario(
  file: string,
  o: SimulateFlags,
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<number> {
  const values = simulateValues(o);
  if (!values.ok) {
    err(`error: ${values.error.message}`);
    return 2;
  }
  const { TimelineFormatter, renderChartSvg, formatSeconds } = await import('../simulator/index.js');
  const { loadScenario, runScenario, withEmulatedVersion } = await import('./scenario-run.js');
  const { realClock } = await import('../controller/clock.js');
  const loaded = loadScenario(file);
  const s = loaded.ok ? withEmulatedVersion(loaded.value, values.value.emulatedVersion) : loaded;
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
  const text = values.value.output !== 'json';
  if (text) out(fmt.header());
  const wallStart = realClock.now();
  const recordTo = values.value.record;
  const { startRecording } = await import('./record.js');
  const recorder = recordTo === undefined ? undefined : startRecording(s.value.start);
  const r = await runScenario(s.value, {
    ...(text ? { onEntry: (e) => out(fmt.line(e)) } : {}),
    keepDecisions: !text || recorder !== undefined,
    keepTimeline: !text,
    ...(recorder !== undefined ? { metrics: recorder.metrics } : {}),
  });
  if (!r.ok) {
    err(`error: ${r.error}`);
    return 1;
  }
  if (recordTo !== undefined && recorder !== undefined) {
    writeFileSync(
      resolve(recordTo),
      recorder.write(recordTo, r.value.decisions, `${s.value.name}: hpa-ts simulate ${file} --record ${recordTo}`),
    );
    err(`recorded: ${resolve(recordTo)}`);
  }
  const wall = (realClock.now() - wallStart) / 1000;
  const svgPath = resolve(values.value.svg ?? `${basename(file, extname(file))}.svg`);
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
  const values = simulateValues(o);
  if (!values.ok) throw new Error(values.error.message);
  const v = values.value;
  const { startSimulatorServer, ScaledClock, SimAnnotation, createObjects, simulationInputs } =
    await import('../simulator/index.js');
  const { loadScenario, scenarioRelease, withEmulatedVersion } = await import('./scenario-run.js');
  const { emulatedMinor } = await import('./settings.js');
  const { realClock } = await import('../controller/clock.js');
  const scrapeMs = v.scrapeInterval;
  const factor = v.timeScale ?? 1;
  const clock = factor === 1 ? realClock : new ScaledClock({ factor, base: realClock });
  const loaded = file === undefined ? undefined : loadScenario(file);
  const scenario = loaded === undefined || !loaded.ok ? loaded : withEmulatedVersion(loaded.value, v.emulatedVersion);
  if (scenario !== undefined && !scenario.ok) throw new Error(scenario.error);
  const s = scenario?.value;
  const flagRelease = emulatedMinor(v.emulatedVersion ?? `1.${NEWEST_MINOR}`);
  const release = s !== undefined ? scenarioRelease(s) : flagRelease.ok ? flagRelease : err(flagRelease.error.message);
  if (!release.ok) throw new Error(release.error);
  const server = await startSimulatorServer({
    clock,
    port: v.port ?? 0,
    prometheusPort: v.prometheusPort ?? 0,
    ...(v.maxPods !== undefined ? { maxPods: v.maxPods } : {}),
    release: release.value,
    ...(s !== undefined
      ? {
          ...simulationInputs(s),
          ...(s.serverVersion !== undefined ? { version: s.serverVersion } : {}),
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
  const kubeconfigOut = v.kubeconfigOut ?? 'sim.kubeconfig';
  const kubeconfigPath = resolve(kubeconfigOut);
  await server.writeKubeconfig(kubeconfigPath);
  out(
    `hpa-ts simulator serving a Kubernetes API at ${server.url}${factor === 1 ? '' : ` (time runs ${factor}× faster than real)`}`,
  );
  out(
    `  release:     1.${release.value} (HorizontalPodAutoscalers validated, defaulted and pruned as its kube-apiserver does)`,
  );
  out(`  kubeconfig:  ${kubeconfigPath}        kubectl --kubeconfig ${kubeconfigOut} get hpa -w`);
  out(
    `  Prometheus:  ${server.prometheus.url}   (hpa-ts run --metrics-client=prometheus --prometheus-url ${server.prometheus.url} --adapter-config …)`,
  );
  out(
    '  metrics:     metrics.k8s.io/v1beta1, custom.metrics.k8s.io/v1beta2 and v1beta1, external.metrics.k8s.io/v1beta1',
  );
  out(`  load:        kubectl --kubeconfig ${kubeconfigOut} annotate deploy NAME ${SimAnnotation.rps}=1000`);
  out(`  controller:  hpa-ts run --kubeconfig ${kubeconfigOut} --leader-elect=false`);
  return { url: server.url, prometheusUrl: server.prometheus.url, kubeconfigPath, close: () => server.close() };
}

export function registerSimulateCommand(program: Command): void {
  const cmd = program
    .command('simulate')
    .description(
      'the embedded cluster: run SCENARIO.yaml in virtual time, or --serve a simulated cluster for kubectl and hpa-ts run',
    )
    .argument('[scenario]', 'scenario file (YAML); with --serve its objects, load and metrics are served');
  addFlags(cmd, 'simulate');
  cmd.action(async (file: string | undefined) => {
    const values = readFlags(cmd, 'simulate');
    if (!values.ok) exitWithError(values.error);
    const o = rawFlags(cmd, 'simulate');
    const out = (s: string): void => void process.stdout.write(`${s}\n`);
    const errOut = (s: string): void => void process.stderr.write(`${s}\n`);
    if (values.value.serve === true && values.value.record !== undefined)
      exitWithError({ message: '--record records a scenario run in virtual time; it does not go with --serve' });
    if (values.value.serve !== true) {
      if (file === undefined) exitWithError({ message: 'a scenario file is required (or --serve)' });
      await exitAfterFlush(await simulateScenario(file, o, out, errOut));
    }
    let handle: ServeHandle;
    try {
      handle = await serveSimulator(file, o, out);
    } catch (e) {
      exitWithError({ message: (e as Error).message }, 1);
    }
    out('Ctrl-C to stop.');
    await new Promise<void>((resolveStop) => {
      process.once('SIGINT', () => resolveStop());
      process.once('SIGTERM', () => resolveStop());
    });
    // open watches and keep-alive clients must not hold the exit: at most CLOSE_MS, then go
    await Promise.race([handle.close(), new Promise((r) => setTimeout(r, CLOSE_MS).unref())]);
    process.exit(0);
  });
}
