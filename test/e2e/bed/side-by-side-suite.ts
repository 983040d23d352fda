/**
 * The body shared by the two side-by-side suites (metrics APIs, Prometheus): generate the
 * scenarios from a seed, run them against both controllers, report agreement (BENCH lines and a
 * JSON report with every disagreement and its inputs), and fail on any disagreement but those of
 * the one documented limitation of shadow mode (docs/differences.md, "Found side by side") — the causes of the
 * hpa-ts bugs found here are fixed, so seeing one again is a regression — or on any 403.
 */
import { writeFileSync } from 'node:fs';
import { expect } from '@jest/globals';
import { forbiddenRequests } from './hpa-ts.js';
import type { Cause } from './classify.js';
import { countFeatures, featuresOf, type Feature } from './features.js';
import { loadScenarioFile, scenarioFileText } from './scenario-file.js';
import { generateScenarios, type GeneratedScenario, type MetricKindName } from './scenarios.js';
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
  /** also generate the rare, release-dependent behaviours (scenarios.ts) */
  readonly extended?: boolean;
  /** a scenario file to replay instead of generated scenarios ($HPA_TS_E2E_SCENARIO_FILE) */
  readonly scenarioFile?: string;
}

/**
 * Below this many generated scenarios the per-feature counts are reported but not required: a
 * quick run (HPA_TS_E2E_SCENARIOS=40) may miss a rare behaviour; the documented size may not.
 */
export const FEATURES_REQUIRED_FROM = 200;

function scenariosOf(bed: SideBySideBed, o: SuiteRun): GeneratedScenario[] {
  const prefix = o.benchPrefix === '' ? 'sbs' : o.benchPrefix.replace(/_$/, '');
  if (o.scenarioFile !== undefined) {
    progress(`${o.label}: scenarios from ${o.scenarioFile}`);
    return loadScenarioFile(o.scenarioFile, prefix, o.epochs);
  }
  progress(
    `${o.label}: seed ${o.seed} (replay with HPA_TS_E2E_SEED=${o.seed}), ${o.count} scenarios × ${o.epochs} epochs, ${o.concurrency} at a time`,
  );
  return generateScenarios(o.seed, o.count, prefix, {
    periodMs: bed.opts.periodMs,
    epochs: o.epochs,
    kinds: o.kinds,
    extended: o.extended === true,
  });
}

/** Prints the decisions per feature; returns the features this release has that no decision reached. */
function reportFeatures(bed: SideBySideBed, o: SuiteRun, counts: Record<Feature, number>): Feature[] {
  const has = featuresOf(bed.stack.minor);
  const rows = (Object.keys(counts) as Feature[]).map(
    (f) => `${f}=${has.includes(f) ? counts[f] : `${counts[f]} (not in 1.${bed.stack.minor})`}`,
  );
  progress(`${o.label}: decisions per feature at ${bed.stack.env.K8S_VERSION}: ${rows.join(', ')}`);
  for (const f of has) bench(`${o.benchPrefix}feature_${f.replace(/-/g, '_')}`, counts[f], 'decisions');
  return has.filter((f) => counts[f] === 0);
}

/**
 * Shadow mode observes the built-in controller only through its status writes; its own periodic
 * reconciles stand in for the built-in's silent syncs (classify.ts, 'shadow-periodic-history').
 */
const TOLERATED: readonly Cause[] = ['shadow-periodic-history'];

export async function runSideBySide(bed: SideBySideBed, o: SuiteRun): Promise<void> {
  const scenarios = scenariosOf(bed, o);
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
  const features = countFeatures(bed.results.flatMap((r) => r.comparisons));
  const featuresRequired = o.scenarioFile === undefined && o.extended === true && o.count >= FEATURES_REQUIRED_FROM;
  const unreached = reportFeatures(bed, o, features);
  const report = bed.writeReport(o.reportFile, {
    release: bed.stack.env.K8S_VERSION,
    seed: o.seed,
    ...(o.scenarioFile !== undefined ? { scenarioFile: o.scenarioFile } : {}),
    epochs: o.epochs,
    periodMs: bed.opts.periodMs,
    wallSeconds: (Date.now() - t0) / 1000,
    features,
    featuresOfRelease: featuresOf(bed.stack.minor),
    featuresUnreached: unreached,
    featuresRequired,
  });
  writeReplayFile(bed, o, report);
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
  // a release's behaviour no decision reached is not proven (the report lists the counts)
  if (featuresRequired) expect(unreached).toEqual([]);
  // every scenario was compared at least a few times (kcm writes a status whenever it changes)
  expect(s.compared).toBeGreaterThanOrEqual(s.scenarios * 2);
}

/** The scenarios with a disagreement, as a scenario file next to the report (HPA_TS_E2E_SCENARIO_FILE replays them). */
function writeReplayFile(bed: SideBySideBed, o: SuiteRun, report: string): void {
  const failing = bed.results.filter((r) => r.comparisons.some((c) => !c.agree)).map((r) => r.scenario);
  if (failing.length === 0) return;
  const file = report.replace(/\.json$/, '-replay.yaml');
  writeFileSync(
    file,
    scenarioFileText(
      failing,
      o.epochs,
      `${failing.length} scenario(s) that disagreed at ${bed.stack.env.K8S_VERSION} (seed ${o.seed}); replay: HPA_TS_E2E_SCENARIO_FILE=${file}`,
    ),
  );
  progress(`${o.label}: scenarios that disagreed, to replay: ${file}`);
}

export async function expectNoForbidden(bed: SideBySideBed): Promise<void> {
  const text = (await bed.hpaTs?.monitor.registry.metrics()) ?? '';
  const f = forbiddenRequests(text);
  expect(f.lines).toEqual([]);
  // and it did talk to the API server
  expect(text).toMatch(/hpa_ts_api_requests_total\{[^}]*code="200"/);
}
