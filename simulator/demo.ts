/**
 * `npm start`: seed 000 replayed against the embedded cluster, with the real controller talking
 * to it over HTTP through client-node. The simulator and the controller share one ScaledClock, so
 * the two simulated minutes play out in well under a minute of wall time. The Deployment and HPA
 * are the seed article's own manifests, unmodified (manifests/examples/seed-000: the Deployment,
 * and the autoscaling/v2beta2 HPA kept in article/), the metric comes through
 * custom.metrics.k8s.io from the seed's adapter rule (adapter/adapter-rules.yaml), and the load is
 * set live the way a user would: `kubectl annotate deploy sample-httpserver sim.hpa-ts.io/rps=1000`.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { Clock } from '../transport/clock.js';
import { loadAdapterConfig, type AdapterConfig } from '../metrics-clients/index.js';
import { Resources, type ObjectStore } from './apiserver/index.js';
import { asNumber, asObject } from './apiserver/json.js';
import { ScaledClock } from './clock.js';
import { ChartRecorder } from './scenario/chart-data.js';
import { renderChartSvg } from './scenario/chart-svg.js';
import { HpaTimeline, TimelineFormatter, type TimelineEntry } from './scenario/timeline.js';
import { startSimulatorServer } from './serve.js';
import { SimAnnotation } from './workload/index.js';

export interface DemoController {
  stop(): Promise<void>;
}

export interface DemoOptions {
  /** the real clock underneath (the composition root passes realClock) */
  readonly base: Clock;
  /** time compression: simulated seconds per real second */
  readonly factor: number;
  readonly rps?: number;
  readonly loadSeconds?: number;
  /** give up after this much simulated time */
  readonly maxSimulatedSeconds?: number;
  readonly svgPath: string;
  /** manifests/examples/seed-000 */
  readonly manifestsDir: string;
  readonly write: (line: string) => void;
  /**
   * Starts the real controller against the simulator: its kubeconfig YAML, the shared clock, and
   * where the simulator's Prometheus API and the seed's adapter rules are (for the prometheus
   * metrics client).
   */
  readonly startController: (
    kubeconfig: string,
    clock: Clock,
    prometheus: { readonly url: string; readonly adapterRules: string },
  ) => Promise<DemoController>;
  /** the metrics path named in the banner */
  readonly metricsPath?: string;
  /** where to write the kubeconfig for kubectl while the demo runs */
  readonly kubeconfigPath?: string;
  /** the Kubernetes release the simulated API server behaves as (its minor; default the newest) */
  readonly release?: number;
}

export interface DemoResult {
  readonly replicas: readonly number[];
  readonly entries: readonly TimelineEntry[];
  readonly svgPath: string;
  readonly simulatedSeconds: number;
  readonly wallSeconds: number;
  readonly finished: boolean;
}

const NAME = 'sample-httpserver';
const NAMESPACE = 'default';

/** The seed's manifests; the HPA file is the article's autoscaling/v2beta2 one, served as a view of v2. */
function seedObjects(dir: string): { deployment: Record<string, unknown>; hpa: Record<string, unknown> } {
  const read = (file: string): Record<string, unknown> => {
    const doc = parseAllDocuments(readFileSync(join(dir, file), 'utf8'))[0];
    return doc.toJS() as Record<string, unknown>;
  };
  return { deployment: read('sample-httpserver-deployment.yaml'), hpa: read('article/sample-httpserver-hpa.yaml') };
}

function annotateRps(store: ObjectStore, rps: number | null): void {
  store.patch(Resources.deployments, NAMESPACE, NAME, 'application/merge-patch+json', {
    metadata: { annotations: { [SimAnnotation.rps]: rps === null ? null : String(rps) } },
  });
}

/** Consecutive distinct values of the REPLICAS column, once the controller has written a status. */
export function replicaSequence(entries: readonly TimelineEntry[]): number[] {
  const out: number[] = [];
  for (const e of entries) {
    if (!e.hasStatus) continue;
    const r = Number(e.cells[5]);
    if (out[out.length - 1] !== r) out.push(r);
  }
  return out;
}

export async function runDemo(opts: DemoOptions): Promise<DemoResult> {
  const rps = opts.rps ?? 1000;
  const loadMs = (opts.loadSeconds ?? 60) * 1000;
  const clock = new ScaledClock({ factor: opts.factor, base: opts.base });
  const wallStart = opts.base.now();
  const start = clock.now();
  const rulesFile = join(opts.manifestsDir, 'adapter', 'adapter-rules.yaml');
  let adapterConfig: AdapterConfig | undefined;
  if (existsSync(rulesFile)) {
    const r = loadAdapterConfig(rulesFile);
    if (r.ok) adapterConfig = r.value;
  }
  const server = await startSimulatorServer({
    clock,
    ...(adapterConfig !== undefined ? { adapterConfig } : {}),
    ...(opts.release !== undefined ? { release: opts.release } : {}),
  });
  const store = server.api.store;
  if (opts.kubeconfigPath !== undefined) await server.writeKubeconfig(opts.kubeconfigPath);
  const w = opts.write;
  const factorText = Number.isInteger(opts.factor) ? String(opts.factor) : opts.factor.toFixed(1);
  w(
    `hpa-ts demo — seed 000: an HPA on http_requests_qps (prometheus-adapter rule), ${rps} requests per second for ${loadMs / 1000} s`,
  );
  w(
    `  simulated cluster: ${server.url}${opts.kubeconfigPath !== undefined ? `   (kubectl --kubeconfig ${opts.kubeconfigPath} get hpa -w)` : ''}`,
  );
  w(`  Prometheus API:    ${server.prometheus.url}`);
  w(`  controller:        hpa-ts, through client-node; metrics from ${opts.metricsPath ?? 'custom.metrics.k8s.io'}`);
  w(`  time runs ${factorText}× faster than real: AGE and the times below are simulated`);
  w('');

  const { deployment, hpa } = seedObjects(opts.manifestsDir);
  const chart = new ChartRecorder({
    store,
    clock,
    start,
    stepMs: 5000,
    loadOf: (wl) => server.simulation.load.offered(wl),
    readyOf: (wl) => server.simulation.load.readyPods(wl),
  });
  const formatter = new TimelineFormatter([NAME], [`Deployment/${NAME}`]);
  let loadStartAt: number | undefined;
  let loadEndAt: number | undefined;
  let finish: (done: boolean) => void = () => undefined;
  const finished = new Promise<boolean>((resolve) => (finish = resolve));
  const timers: (() => void)[] = [];

  const checkDone = (): void => {
    if (loadEndAt === undefined || clock.now() < loadEndAt + 15_000) return;
    try {
      const d = store.get(Resources.deployments, NAMESPACE, NAME);
      const h = store.get(Resources.horizontalPodAutoscalers, NAMESPACE, NAME);
      const ready = asNumber(asObject(d.status)?.readyReplicas) ?? 0;
      if (
        asNumber(asObject(d.spec)?.replicas) === 1 &&
        asNumber(asObject(h.status)?.currentReplicas) === 1 &&
        ready === 1
      ) {
        timers.push(clock.setTimer(10_000, () => finish(true)));
        loadEndAt = Number.POSITIVE_INFINITY; // finish once
      }
    } catch {
      // not there yet
    }
  };

  const timeline = new HpaTimeline({
    store,
    now: () => clock.now(),
    start,
    hpaTargetsStyle: 'modern',
    loadOf: (wl) => server.simulation.load.offered(wl),
    onEntry: (e) => {
      w(formatter.line(e));
      if (loadStartAt === undefined && !String(e.cells[2]).startsWith('<unknown>')) {
        // the HPA sees the idle value: start the load one sync later, as the seed's author did
        loadStartAt = clock.now() + 15_000;
        timers.push(
          clock.setTimer(15_000, () => {
            annotateRps(store, rps);
            w(`# load on: ${rps} rps   (kubectl annotate deploy ${NAME} ${SimAnnotation.rps}=${rps})`);
            timers.push(
              clock.setTimer(loadMs, () => {
                annotateRps(store, null);
                loadEndAt = clock.now();
                w(`# load off   (kubectl annotate deploy ${NAME} ${SimAnnotation.rps}-)`);
              }),
            );
          }),
        );
      }
      checkDone();
    },
  });

  store.create(Resources.deployments, NAMESPACE, deployment);
  await new Promise<void>((resolve) => {
    const watch = store.watch(Resources.deployments, { namespace: NAMESPACE }, (ev) => {
      if (ev.object.metadata.name === NAME && (asNumber(asObject(ev.object.status)?.readyReplicas) ?? 0) >= 1) {
        queueMicrotask(() => watch.stop());
        resolve();
      }
    });
  });
  w(formatter.header());
  timeline.start();
  chart.begin();
  const [group, version] = String(hpa.apiVersion).split('/');
  store.create({ group, version, resource: 'horizontalpodautoscalers' }, NAMESPACE, hpa);
  const controller = await opts.startController(server.kubeconfig(), clock, {
    url: server.prometheus.url,
    adapterRules: rulesFile,
  });
  const tick = (): void => {
    checkDone();
    timers.push(clock.setTimer(5_000, tick));
  };
  tick();
  // give up in time to stay within a minute of wall time (the demo takes about 170 s simulated),
  // but never before the load asked for has run and had 150 s to settle
  const withinAMinute = Math.min(300, Math.max(200, 55 * opts.factor));
  const limit = opts.maxSimulatedSeconds ?? Math.max(withinAMinute, loadMs / 1000 + 150);
  timers.push(clock.setTimer(limit * 1000, () => finish(false)));
  const done = await finished;
  for (const cancel of timers) cancel();
  chart.end();
  await controller.stop();
  timeline.stop();
  await server.close();
  const simulatedSeconds = Math.round((clock.now() - start) / 1000);
  writeFileSync(
    opts.svgPath,
    renderChartSvg(chart.result(), {
      title: `hpa-ts demo — seed 000 (${rps} rps for ${loadMs / 1000} s)`,
      durationSeconds: simulatedSeconds,
    }),
  );
  const replicas = replicaSequence(timeline.entries);
  const wallSeconds = (opts.base.now() - wallStart) / 1000;
  w('');
  w(`chart: ${opts.svgPath}`);
  w(
    `${done ? 'done' : 'stopped (time limit)'}: ${simulatedSeconds} s simulated in ${wallSeconds.toFixed(1)} s wall — replicas ${replicas.join(' → ')}`,
  );
  return { replicas, entries: timeline.entries, svgPath: opts.svgPath, simulatedSeconds, wallSeconds, finished: done };
}
