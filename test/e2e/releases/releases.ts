/**
 * Which Kubernetes releases `npm run test:e2e:releases` runs: the newest patch of every minor the
 * Go module proxy serves for k8s.io/kubernetes from 1.33 to the newest hpa-ts emulates
 * (`go list -m -versions`, the module's own version list), or $HPA_TS_E2E_RELEASES. Releases from
 * 1.34 on are required; 1.33 is tried and reported (the proxy has refused some of its patches).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NEWEST_MINOR } from '../../../algorithms/profile.js';

export interface Release {
  /** v1.34.4 */
  readonly version: string;
  readonly minor: number;
  /** a failure of this release fails the run (1.34 on); older ones are tried and reported */
  readonly required: boolean;
  /** older patches of the same minor the proxy lists, newest first (tried when this one does not build) */
  readonly fallbacks: readonly string[];
}

export const OLDEST_TRIED_MINOR = 33;
export const REQUIRED_FROM_MINOR = 34;

/** What the proxy listed when this was written, for a machine where `go list` cannot ask it. */
export const KNOWN_RELEASES: readonly string[] = ['v1.33.13', 'v1.34.4', 'v1.35.4', 'v1.36.3', 'v1.37.2'];

const STABLE = /^v1\.(\d+)\.(\d+)$/;

/** The newest stable patch per minor in [OLDEST_TRIED_MINOR, NEWEST_MINOR], oldest minor first. */
export function releasesFrom(versions: readonly string[]): Release[] {
  const byMinor = new Map<number, string[]>();
  for (const v of versions) {
    const m = STABLE.exec(v.trim());
    if (m === null) continue;
    const minor = Number(m[1]);
    if (minor < OLDEST_TRIED_MINOR || minor > NEWEST_MINOR) continue;
    byMinor.set(minor, [...(byMinor.get(minor) ?? []), v.trim()]);
  }
  const patch = (v: string): number => Number(STABLE.exec(v)?.[2] ?? 0);
  return [...byMinor.entries()]
    .sort(([a], [b]) => a - b)
    .map(([minor, vs]) => {
      const sorted = [...new Set(vs)].sort((a, b) => patch(b) - patch(a));
      return { version: sorted[0], minor, required: minor >= REQUIRED_FROM_MINOR, fallbacks: sorted.slice(1) };
    });
}

/** `go list -m -versions k8s.io/kubernetes` in a scratch module; undefined (with why) when it fails. */
function proxyVersions(): { versions?: string[]; why?: string } {
  const dir = mkdtempSync(join(tmpdir(), 'hpa-ts-releases-'));
  try {
    writeFileSync(join(dir, 'go.mod'), 'module hpa-ts.local/releases\n\ngo 1.22\n');
    const r = spawnSync('go', ['list', '-m', '-versions', 'k8s.io/kubernetes'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local', GOWORK: 'off' },
    });
    if (r.error !== undefined) return { why: r.error.message };
    if (r.status !== 0) return { why: (r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ') };
    return { versions: r.stdout.trim().split(/\s+/).slice(1) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The releases to run and where the list came from. */
export function chooseReleases(env: NodeJS.ProcessEnv = process.env): { releases: Release[]; source: string } {
  const given = env.HPA_TS_E2E_RELEASES;
  if (given !== undefined && given.trim() !== '') {
    const versions = given.split(',').map((v) => v.trim());
    const bad = versions.filter((v) => !STABLE.test(v));
    if (bad.length > 0)
      throw new Error(`HPA_TS_E2E_RELEASES: expected v1.Y.Z versions separated by commas, got ${bad.join(', ')}`);
    return {
      releases: versions.map((version) => {
        const minor = Number(STABLE.exec(version)?.[1]);
        return { version, minor, required: true, fallbacks: [] };
      }),
      source: 'HPA_TS_E2E_RELEASES',
    };
  }
  const listed = proxyVersions();
  if (listed.versions !== undefined && releasesFrom(listed.versions).length > 0)
    return {
      releases: releasesFrom(listed.versions),
      source: 'the Go module proxy (go list -m -versions k8s.io/kubernetes)',
    };
  return {
    releases: releasesFrom(KNOWN_RELEASES),
    source: `the releases known to build (the proxy's list could not be read: ${listed.why ?? 'no stable 1.33+ version listed'})`,
  };
}
