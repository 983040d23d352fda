/**
 * `npm run test:e2e:releases` — the release matrix, on demand (not in CI's default run): for each
 * Kubernetes release (releases.ts) build or reuse kube-apiserver and kube-controller-manager
 * (test/e2e/stack/build.sh --version, cached per version), then run the side-by-side suites and the
 * simulator's fidelity suite against it, hpa-ts at the matching --emulated-version (the bed takes
 * it from the binaries). Every release uses the same seed. Prints per release
 * `BENCH agreement_<minor> <pct> %` and the decisions compared, writes tmp/e2e/releases/summary.md
 * (the table docs/e2e.md shows) and each release's reports under tmp/e2e/releases/<version>/.
 * Exits 1 when a required release failed to build or a suite failed. Run it under the shared
 * lock on a shared machine: `flock /tmp/hpa-ts-heavy.lock npm run test:e2e:releases`.
 *
 * HPA_TS_E2E_RELEASES=v1.35.4,v1.36.3 picks releases; HPA_TS_E2E_RELEASE_SUITES (space-separated
 * file names) picks suites; every HPA_TS_E2E_* knob of the suites passes through.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chooseReleases, type Release } from './releases.js';
import { coldBuildSeconds, readSuiteReport, summaryTable, type ReleaseResult } from './summary.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const OUT = join(ROOT, 'tmp', 'e2e', 'releases');
const SUITES = (
  process.env.HPA_TS_E2E_RELEASE_SUITES ??
  'side-by-side.e2e.test.ts prometheus.e2e.test.ts simulator-fidelity.e2e.test.ts'
)
  .split(/\s+/)
  .filter((s) => s !== '');

function say(msg: string): void {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} releases: ${msg}\n`);
}

interface Built {
  readonly version: string;
  readonly bin?: string;
  readonly seconds: number;
  readonly error?: string;
}

/** build.sh --version; its log goes to <out>/build.log. */
function build(version: string, out: string): Built {
  const t0 = Date.now();
  const r = spawnSync('bash', [join(ROOT, 'test/e2e/stack/build.sh'), '--version', version], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  writeFileSync(join(out, `build-${version}.log`), `${r.stderr ?? ''}\n--- stdout\n${r.stdout ?? ''}`);
  const seconds = (Date.now() - t0) / 1000;
  const bin = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  // 0: everything; 3: the core pieces (the Prometheus suite then skips, naming what is missing)
  if ((r.status === 0 || r.status === 3) && bin !== '') return { version, bin, seconds };
  const why = (r.stderr ?? '')
    .split('\n')
    .filter((l) => /FAILED|"Error"|error:|cannot|not available|Forbidden/i.test(l))
    .slice(0, 6)
    .map((l) => l.replace(/^\S+ stack: /, '').trim())
    .join(' / ');
  return { version, seconds, error: why !== '' ? why : `build.sh exited ${r.status}` };
}

/** The newest patch that builds (older listed patches of the minor are tried when it does not). */
function buildRelease(r: Release, out: string): Built {
  let last: Built | undefined;
  for (const version of [r.version, ...r.fallbacks.slice(0, 2)]) {
    say(`building (or reusing) ${version} …`);
    last = build(version, out);
    if (last.error === undefined) return last;
    say(`${version} did not build: ${last.error}`);
  }
  return last ?? { version: r.version, seconds: 0, error: 'nothing to build' };
}

/** jest on the suites with the release's binaries; resolves with its exit code. */
function runSuites(built: Built, out: string, seed: string): Promise<number> {
  const env = {
    ...process.env,
    NODE_OPTIONS: '--experimental-vm-modules --no-warnings',
    HPA_TS_STACK_BIN: built.bin,
    HPA_TS_K8S_VERSION: built.version,
    HPA_TS_E2E_NO_BUILD: '1',
    HPA_TS_E2E_REPORT_DIR: out,
    HPA_TS_E2E_SEED: seed,
  };
  const args = [
    join(ROOT, 'node_modules/jest/bin/jest.js'),
    '-c',
    join(ROOT, 'test/e2e/jest.config.js'),
    '--runInBand',
    '--json',
    '--outputFile',
    join(out, 'jest.json'),
    ...SUITES.map((s) => `test/e2e/suites/${s}`),
  ];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: 'inherit' });
    const stop = (): void => void child.kill('SIGTERM');
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    child.on('exit', (code) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(code ?? 1);
    });
  });
}

function bench(name: string, value: number | string, unit: string): void {
  process.stdout.write(`BENCH ${name} ${value} ${unit}\n`);
}

async function main(): Promise<number> {
  const { releases, source } = chooseReleases();
  const seed = process.env.HPA_TS_E2E_SEED ?? String(Math.floor(Math.random() * 2 ** 31));
  say(
    `releases ${releases.map((r) => r.version).join(', ')} (from ${source}); seed ${seed}; suites ${SUITES.join(' ')}`,
  );
  mkdirSync(OUT, { recursive: true });
  const results: ReleaseResult[] = [];
  for (const r of releases) {
    const out = join(OUT, `1.${r.minor}`);
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    const built = buildRelease(r, out);
    if (built.bin === undefined) {
      results.push({ release: r, version: built.version, buildError: built.error ?? '', buildSeconds: built.seconds });
      continue;
    }
    const t0 = Date.now();
    say(`${built.version}: running ${SUITES.join(', ')} (hpa-ts --emulated-version 1.${r.minor})`);
    const code = await runSuites(built, out, seed);
    const sbs = readSuiteReport(join(out, 'side-by-side-report.json'));
    const prom = readSuiteReport(join(out, 'prometheus-report.json'));
    const jest = existsSync(join(out, 'jest.json'))
      ? (JSON.parse(readFileSync(join(out, 'jest.json'), 'utf8')) as { numFailedTests: number; numPassedTests: number })
      : undefined;
    const result: ReleaseResult = {
      release: r,
      version: built.version,
      buildSeconds: built.seconds,
      coldBuildSeconds: coldBuildSeconds(built.bin),
      runSeconds: (Date.now() - t0) / 1000,
      exitCode: code,
      ...(sbs !== undefined ? { sideBySide: sbs } : {}),
      ...(prom !== undefined ? { prometheus: prom } : {}),
      ...(jest !== undefined ? { tests: { passed: jest.numPassedTests, failed: jest.numFailedTests } } : {}),
    };
    results.push(result);
    say(
      `${built.version}: jest exit ${code}; side by side ${sbs?.percent ?? '–'} % of ${sbs?.compared ?? 0} decisions, ` +
        `Prometheus ${prom?.percent ?? '–'} % of ${prom?.compared ?? 0}`,
    );
  }
  const table = summaryTable(results, seed);
  writeFileSync(join(OUT, 'summary.md'), table);
  writeFileSync(join(OUT, 'summary.json'), JSON.stringify({ seed, source, results }, null, 1));
  process.stdout.write(`\n${table}\n`);
  for (const { release, sideBySide, prometheus } of results) {
    if (sideBySide !== undefined) {
      bench(`agreement_${release.minor}`, sideBySide.percent, '%');
      bench(`decisions_compared_${release.minor}`, sideBySide.compared, 'decisions');
    }
    if (prometheus !== undefined) {
      bench(`prometheus_agreement_${release.minor}`, prometheus.percent, '%');
      bench(`prometheus_decisions_compared_${release.minor}`, prometheus.compared, 'decisions');
    }
  }
  const failed = results.filter((r) => r.release.required && (r.buildError !== undefined || r.exitCode !== 0));
  say(
    failed.length === 0
      ? `every required release passed (${OUT}/summary.md)`
      : `failed: ${failed.map((r) => r.version).join(', ')} (${OUT}/summary.md)`,
  );
  return failed.length === 0 ? 0 : 1;
}

process.exitCode = await main();
