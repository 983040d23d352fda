/**
 * Side by side through Prometheus: real Prometheus scrapes the bed's per-pod /metrics endpoints;
 * the real prometheus-adapter, with the seeds' rule files, serves metrics.k8s.io,
 * custom.metrics.k8s.io and external.metrics.k8s.io to kube-controller-manager; hpa-ts (shadow)
 * reads the same Prometheus directly with the same rule files (--metrics-client=prometheus).
 * Both must see the same values and decide the same.
 *
 * HPA_TS_E2E_PROM_SCENARIOS (40), HPA_TS_E2E_PROM_CONCURRENCY (40), HPA_TS_E2E_EPOCHS (12).
 */
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { ALL_KINDS, type MetricKindName } from '../bed/scenarios.js';
import { SideBySideBed } from '../bed/side-by-side.js';
import { expectNoForbidden, runSideBySide } from '../bed/side-by-side-suite.js';
import { describeIfBinaries, envInt, progress, scenarioSeed } from '../bed/suite.js';

const gate = describeIfBinaries([
  'KUBE_APISERVER',
  'KUBE_CONTROLLER_MANAGER',
  'ETCD',
  'PROMETHEUS',
  'PROMETHEUS_ADAPTER',
]);
const maybe = gate.run ? describe : describe.skip;

/**
 * What the seeds' rules serve: resourceRules (cpu, memory), the http_requests → _qps rule, the
 * queue_messages_cnt external rule — every kind but Object metrics.
 */
const PROMETHEUS_KINDS: readonly MetricKindName[] = ALL_KINDS.filter((k) => !k.startsWith('object-'));

maybe('side by side with kube-controller-manager (Prometheus + prometheus-adapter)', () => {
  let bed: SideBySideBed;

  beforeAll(async () => {
    const t0 = Date.now();
    // the next epoch 1 s after each kcm sync: its values are scraped and pinned (1.5 s + 0.8 s) before the next sync
    bed = await SideBySideBed.start({
      name: 'prometheus',
      periodMs: 4000,
      downscaleStabilization: '10s',
      applyPhase: 0.25,
    });
    const prom = await bed.servePrometheus();
    await bed.startHpaTs({
      metricsClient: 'prometheus',
      prometheusUrl: prom.url,
      adapterConfig: prom.adapterConfig,
      metricsRelistIntervalMs: 2000,
    });
    progress(`prometheus: bed up in ${((Date.now() - t0) / 1000).toFixed(1)} s (${bed.stack.dir})`);
  }, 240_000);

  afterAll(async () => {
    if (bed?.prom !== undefined)
      progress(`prometheus: proxy ${JSON.stringify(bed.prom.proxy.stats)}, ${bed.prom.exporter.scrapes} scrapes`);
    await bed?.stop();
  });

  it('kube-controller-manager (via prometheus-adapter) and hpa-ts (PromQL from the same rules) see the same values and decide the same', async () => {
    await runSideBySide(bed, {
      label: 'prometheus',
      benchPrefix: 'prometheus_',
      seed: scenarioSeed(),
      count: envInt('HPA_TS_E2E_PROM_SCENARIOS', 40),
      concurrency: envInt('HPA_TS_E2E_PROM_CONCURRENCY', 40),
      epochs: envInt('HPA_TS_E2E_EPOCHS', 12),
      kinds: PROMETHEUS_KINDS,
      reportFile: 'prometheus-report.json',
    });
  });

  it('hpa-ts got no 403 from the API server', async () => {
    await expectNoForbidden(bed);
  });
});
