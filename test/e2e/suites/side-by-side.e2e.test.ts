/**
 * Side by side: kube-controller-manager's HPA controller owns generated HPAs; hpa-ts runs beside
 * it in shadow mode (the `shadow` overlay's ServiceAccount and RBAC) and compares each of the
 * built-in's syncs — desiredReplicas, conditions and status.currentMetrics. Metrics come from the
 * bed's aggregated metrics APIs; the lock-step workload keeps every input still while both read.
 *
 * HPA_TS_E2E_SEED replays a run; HPA_TS_E2E_SCENARIOS (200), HPA_TS_E2E_CONCURRENCY (50) and
 * HPA_TS_E2E_EPOCHS (12) size it; HPA_TS_E2E_SCENARIO_FILE replays the scenarios of a file
 * (docs/e2e.md) instead. The generated scenarios include the rare and release-dependent behaviours
 * (scenarios.ts, `extended`), and every one the release has must be reached (features.ts).
 */
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { ALL_KINDS } from '../bed/scenarios.js';
import { SideBySideBed } from '../bed/side-by-side.js';
import { expectNoForbidden, runSideBySide } from '../bed/side-by-side-suite.js';
import { describeIfBinaries, envInt, progress, scenarioFile, scenarioSeed } from '../bed/suite.js';

const gate = describeIfBinaries(['KUBE_APISERVER', 'KUBE_CONTROLLER_MANAGER', 'ETCD']);
const maybe = gate.run ? describe : describe.skip;

maybe('side by side with kube-controller-manager (metrics APIs)', () => {
  let bed: SideBySideBed;

  beforeAll(async () => {
    const t0 = Date.now();
    bed = await SideBySideBed.start({ name: 'side-by-side', periodMs: 4000, downscaleStabilization: '10s' });
    await bed.serveMetricsApis();
    await bed.startHpaTs();
    progress(`side-by-side: bed up in ${((Date.now() - t0) / 1000).toFixed(1)} s (${bed.stack.dir})`);
  }, 180_000);

  afterAll(async () => {
    await bed?.stop();
  });

  it('hpa-ts decides as kube-controller-manager does on every generated scenario (or the difference has a known cause)', async () => {
    await runSideBySide(bed, {
      label: 'side-by-side',
      benchPrefix: '',
      seed: scenarioSeed(),
      count: envInt('HPA_TS_E2E_SCENARIOS', 200),
      concurrency: envInt('HPA_TS_E2E_CONCURRENCY', 50),
      epochs: envInt('HPA_TS_E2E_EPOCHS', 12),
      kinds: ALL_KINDS,
      extended: true,
      reportFile: 'side-by-side-report.json',
      ...(scenarioFile() !== undefined ? { scenarioFile: scenarioFile() } : {}),
    });
  });

  it('hpa-ts in shadow mode, with the shadow overlay RBAC, got no 403 from the API server', async () => {
    await expectNoForbidden(bed);
  });
});
