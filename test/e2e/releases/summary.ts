/**
 * The release matrix's results: what each release's suite reports say, the build times build.sh
 * recorded, and the table docs/e2e.md shows (tmp/e2e/releases/summary.md).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Release } from './releases.js';

export interface SuiteReport {
  readonly percent: number;
  readonly compared: number;
  readonly scenarios: number;
  readonly causes: Readonly<Record<string, number>>;
  readonly features?: Readonly<Record<string, number>>;
  readonly featuresOfRelease?: readonly string[];
  readonly featuresUnreached?: readonly string[];
}

export interface ReleaseResult {
  readonly release: Release;
  /** the patch that was built (a fallback when the newest did not build) */
  readonly version: string;
  readonly buildError?: string;
  /** build.sh of this run (a cached build returns at once) */
  readonly buildSeconds: number;
  /** what the pieces took when they were built (build.sh's logs/timings.tsv) */
  readonly coldBuildSeconds?: number;
  readonly runSeconds?: number;
  readonly exitCode?: number;
  readonly sideBySide?: SuiteReport;
  readonly prometheus?: SuiteReport;
  readonly tests?: { readonly passed: number; readonly failed: number };
}

/** The summary of a side-by-side report (undefined when the suite did not write one). */
export function readSuiteReport(file: string): SuiteReport | undefined {
  if (!existsSync(file)) return undefined;
  const r = JSON.parse(readFileSync(file, 'utf8')) as {
    summary: { percent: number; compared: number; scenarios: number };
    causes: Record<string, number>;
    features?: Record<string, number>;
    featuresOfRelease?: string[];
    featuresUnreached?: string[];
  };
  return {
    percent: r.summary.percent,
    compared: r.summary.compared,
    scenarios: r.summary.scenarios,
    causes: r.causes,
    ...(r.features !== undefined ? { features: r.features } : {}),
    ...(r.featuresOfRelease !== undefined ? { featuresOfRelease: r.featuresOfRelease } : {}),
    ...(r.featuresUnreached !== undefined ? { featuresUnreached: r.featuresUnreached } : {}),
  };
}

/** Seconds build.sh took for kube-apiserver and kube-controller-manager of the release in `bin`/.. (last build of each). */
export function coldBuildSeconds(bin: string): number | undefined {
  const file = join(dirname(bin), 'logs', 'timings.tsv');
  if (!existsSync(file)) return undefined;
  const last = new Map<string, number>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const [, piece, status, seconds] = line.split('\t');
    if (status === 'ok' && (piece === 'kube-apiserver' || piece === 'kube-controller-manager'))
      last.set(piece, Number(seconds));
  }
  return last.size === 2 ? [...last.values()].reduce((a, b) => a + b, 0) : undefined;
}

function minutes(s: number | undefined): string {
  if (s === undefined) return '–';
  return s < 90 ? `${Math.round(s)} s` : `${Math.floor(s / 60)} min ${String(Math.round(s % 60)).padStart(2, '0')} s`;
}

function agreement(r: SuiteReport | undefined): string {
  return r === undefined ? '–' : `${r.percent} % of ${r.compared} (${r.scenarios} scenarios)`;
}

function featureCell(r: SuiteReport | undefined): string {
  if (r?.features === undefined || r.featuresOfRelease === undefined) return '–';
  const has = r.featuresOfRelease;
  const reached = has.filter((f) => (r.features?.[f] ?? 0) > 0).length;
  const missing = r.featuresUnreached ?? [];
  return `${reached}/${has.length}${missing.length > 0 ? ` (none: ${missing.join(', ')})` : ''}`;
}

function resultCell(r: ReleaseResult): string {
  if (r.buildError !== undefined) return `not built: ${r.buildError}`;
  if (r.exitCode === 0) return `passed${r.tests !== undefined ? ` (${r.tests.passed} tests)` : ''}`;
  return `FAILED (exit ${r.exitCode}${r.tests !== undefined ? `, ${r.tests.failed} tests failed` : ''})`;
}

/** The per-release table (markdown) and the decisions per feature of each. */
export function summaryTable(results: readonly ReleaseResult[], seed: string): string {
  const head = [
    '| release | side by side (metrics APIs) | through Prometheus | features reached | kube-apiserver + kcm build (cold) | suites | result |',
    '| ------- | --------------------------- | ------------------ | ---------------- | -------------------------------- | ------ | ------ |',
  ];
  const rows = results.map(
    (r) =>
      `| ${r.version} | ${agreement(r.sideBySide)} | ${agreement(r.prometheus)} | ${featureCell(r.sideBySide)} | ${minutes(r.coldBuildSeconds)} | ${minutes(r.runSeconds)} | ${resultCell(r)} |`,
  );
  const features = [...new Set(results.flatMap((r) => Object.keys(r.sideBySide?.features ?? {})))];
  const featureHead = [
    `| decisions per feature | ${results.map((r) => r.version).join(' | ')} |`,
    `| --------------------- | ${results.map(() => '---').join(' | ')} |`,
  ];
  const featureRows = features.map((f) => {
    const cells = results.map((r) => {
      const n = r.sideBySide?.features?.[f];
      if (n === undefined) return '–';
      return r.sideBySide?.featuresOfRelease?.includes(f) === false ? `(${n})` : String(n);
    });
    return `| ${f} | ${cells.join(' | ')} |`;
  });
  return [
    `Release matrix, seed ${seed}:`,
    '',
    ...head,
    ...rows,
    '',
    '(n): the release does not have the feature (kube-controller-manager ignores it there); its decisions are compared all the same.',
    '',
    ...featureHead,
    ...featureRows,
    '',
  ].join('\n');
}
