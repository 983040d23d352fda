/**
 * The body shared by the two side-by-side suites (metrics APIs, Prometheus): generate the
 * scenarios from a seed, run them against both controllers, report agreement (BENCH lines and a
 * JSON report with every disagreement and its inputs), and fail on any disagreement but those of
 * the one documented limitation of shadow mode (docs/differences.md, "Found side by side") — the causes of the
 * hpa-ts bugs found here are fixed, so seeing one again is a regression — or on any 403.
 */
import { expect } from '@jest/globals';
import { forbiddenRequests } from './hpa-ts.js';
import type { Cause } from './classify.js';
import { generateScenarios, type MetricKindName } from './scenarios.js';
import type { SideBySideBed } from './side-by-side.js';
import { bench, progress } from './suite.js';

export interface SuiteRun {
  readonly label: string;
  /** BENCH name prefix ('' for the main suite) */
  readonly benchPrefix: string;
  readonly seed: number;
  readonly count: number;
  readonly concurrency: number;
  readonly epochs: number;
  readonly kinds: readonly MetricKindName[];
  readonly reportFile: string;
}

/**
 * Shadow mode observes the built-in controller only through its status writes; its own periodic
 * reconciles stand in for the built-in's silent syncs (classify.ts, 'shadow-periodic-history').
 */
const TOLERATED: readonly Cause[] = ['shadow-periodic-history'];

export async function runSideBySide(bed: SideBySideBed, o: SuiteRun): Promise<void> {
  progress(
    `${o.label}: seed ${o.seed} (replay with HPA_TS_E2E_SEED=${o.seed}), ${o.count} scenarios × ${o.epochs} epochs, ${o.concurrency} at a time`,
  );
  const scenarios = generateScenarios(o.seed, o.count, o.benchPrefix === '' ? 'sbs' : o.benchPrefix.replace(/_$/, ''), {
    periodMs: bed.opts.periodMs,
    epochs: o.epochs,
    kinds: o.kinds,
  });
  const t0 = Date.now();
  await bed.runAll(scenarios, o.concurrency, (r, n) => {
    if (r.errors.length > 0) progress(`${r.scenario.lockstep.namespace}: ${r.errors.join('; ')}`);
    if (n % 20 === 0 || n === scenarios.length) {
      const s = bed.summary();
      progress(
        `${o.label}: ${n}/${scenarios.length} scenarios, ${s.compared} decisions compared, ${s.agreed} agreed (${((Date.now() - t0) / 1000).toFixed(0)} s)`,
      );
    }
  });
  const s = bed.summary();
  const causes = bed.causes();
  const report = bed.writeReport(o.reportFile, {
    seed: o.seed,
    epochs: o.epochs,
    periodMs: bed.opts.periodMs,
    wallSeconds: (Date.now() - t0) / 1000,
  });
  progress(
    `${o.label}: ${s.scenarios} scenarios, ${s.compared} decisions compared, ${s.agreed} agreed = ${s.percent} % ` +
      `(desiredReplicas ${s.desiredAgreed}, conditions ${s.conditionsAgreed}, currentMetrics ${s.metricsAgreed}); ` +
      `disagreements by cause: ${JSON.stringify(causes)}; report: ${report}`,
  );
  bench(`${o.benchPrefix}agreement`, s.percent, '%');
  bench(`${o.benchPrefix}decisions_compared`, s.compared, 'decisions');
  bench(`${o.benchPrefix}scenarios`, s.scenarios, 'scenarios');
  const notTolerated = bed
    .disagreements()
    .filter((d) => d.causes.some((c) => !TOLERATED.includes(c)))
    .map((d) => `${d.record.hpa} epoch ${d.record.epoch} [${d.causes.join(',')}]: ${d.record.differences.join('; ')}`);
  const failed = bed.results
    .filter((r) => r.errors.length > 0)
    .map((r) => `${r.scenario.lockstep.namespace}: ${r.errors.join('; ')}`);
  expect(failed).toEqual([]);
  expect(notTolerated).toEqual([]);
  // every scenario was compared at least a few times (kcm writes a status whenever it changes)
  expect(s.compared).toBeGreaterThanOrEqual(s.scenarios * 2);
}

export async function expectNoForbidden(bed: SideBySideBed): Promise<void> {
  const text = (await bed.hpaTs?.monitor.registry.metrics()) ?? '';
  const f = forbiddenRequests(text);
  expect(f.lines).toEqual([]);
  // and it did talk to the API server
  expect(text).toMatch(/hpa_ts_api_requests_total\{[^}]*code="200"/);
}
