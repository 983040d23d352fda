/**
 * The external tools the chart and monitoring tests run, found where the e2e stack scripts cache
 * them: helm (test/e2e/stack/helm.sh) and promtool (test/e2e/stack/build.sh). Missing, their tests
 * are skipped saying so — except in CI (CI=true), where .ci/run builds them first and a missing
 * tool is a failure, so a green CI always ran them.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './manifests.js';

const CACHE = process.env.HPA_TS_STACK_CACHE ?? join(homedir(), '.cache', 'hpa-ts', 'stack');

/** The Helm version helm.sh builds (its default, read from the script: one place says it). */
export function helmVersion(): string {
  const script = readFileSync(join(ROOT, 'test', 'e2e', 'stack', 'helm.sh'), 'utf8');
  const m = /HELM_VERSION="\$\{HPA_TS_HELM_VERSION:-(v[0-9.]+)\}"/.exec(script);
  return process.env.HPA_TS_HELM_VERSION ?? m?.[1] ?? 'unknown';
}

function firstExisting(paths: readonly (string | undefined)[]): string | undefined {
  return paths.find((p): p is string => p !== undefined && p !== '' && existsSync(p));
}

export const HELM = firstExisting([process.env.HPA_TS_HELM, join(CACHE, 'helm', helmVersion(), 'bin', 'helm')]);

/** promtool of the stack version asked for, else of any version build.sh built (it is the same Debian package). */
export const PROMTOOL = firstExisting([
  process.env.HPA_TS_PROMTOOL,
  process.env.HPA_TS_STACK_BIN === undefined ? undefined : join(process.env.HPA_TS_STACK_BIN, 'promtool'),
  join(CACHE, process.env.HPA_TS_K8S_VERSION ?? 'v1.37.2', 'bin', 'promtool'),
  ...(existsSync(CACHE)
    ? readdirSync(CACHE)
        .filter((v) => /^v1\.\d+\.\d+$/.test(v))
        .sort()
        .reverse()
        .map((v) => join(CACHE, v, 'bin', 'promtool'))
    : []),
]);

/** `describe` when the tool is there; else `describe.skip` with a warning, or a failing test in CI. */
export function needsTool(
  name: string,
  path: string | undefined,
  howToGet: string,
): { readonly run: boolean; readonly missing: string } {
  if (path !== undefined) return { run: true, missing: '' };
  const missing = `${name} not found: ${howToGet}`;
  if (process.env.CI !== 'true') console.warn(`${missing} — skipping its tests`);
  return { run: false, missing };
}
