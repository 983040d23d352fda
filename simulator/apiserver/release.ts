/**
 * The Kubernetes release the simulated API server behaves as (`--emulated-version`): what it
 * validates, defaults and prunes follows that release's kube-apiserver with its default feature
 * gates (algorithms/profile.ts `defaultGates`, spec §0.3 V2/V3) — behavior.*.tolerance kept from
 * 1.35 (HPAConfigurableTolerance beta), minReplicas 0 accepted from 1.37 (HPAScaleToZero beta).
 *
 * `/version` reports the release as gitVersion (and as emulationMajor/emulationMinor, as a
 * kube-apiserver started with --emulated-version does), but its `minor` field says 31: the kubectl
 * dispatcher of the Google Cloud SDK picks the kubectl it runs by that field, and from 1.32 on
 * kubectl sends protobuf bodies on typed creates, which this server does not decode.
 */
import { defaultGates, NEWEST_MINOR, OLDEST_MINOR } from '../../algorithms/profile.js';
import type { VersionInfo } from './http/server.js';
import type { ServerFeatures } from './registry.js';

/** The release a server emulates unless told otherwise: the controller's default. */
export const DEFAULT_RELEASE_MINOR = NEWEST_MINOR;

/** The `minor` field /version reports: the kubectl dispatcher then runs its JSON-only kubectl 1.31. */
export const KUBECTL_DISPATCH_MINOR = '31';

/** The API server's HPA gates at release 1.`minor`, as that release's defaults set them. */
export function releaseFeatures(minor: number): ServerFeatures {
  const gates = defaultGates(minor);
  return { scaleToZero: gates.HPAScaleToZero, configurableTolerance: gates.HPAConfigurableTolerance };
}

/** True for a minor hpa-ts emulates (1.26 … 1.37). */
export function isKnownRelease(minor: number): boolean {
  return Number.isInteger(minor) && minor >= OLDEST_MINOR && minor <= NEWEST_MINOR;
}

const BUILD = {
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2024-12-10T00:00:00Z',
  goVersion: 'go1.22.10',
  compiler: 'gc',
  platform: 'linux/amd64',
} as const;

/** /version of a server emulating release 1.`minor` (see the module comment for `minor`). */
export function releaseVersionInfo(minor: number): VersionInfo {
  return {
    major: '1',
    minor: KUBECTL_DISPATCH_MINOR,
    gitVersion: `v1.${minor}.0`,
    emulationMajor: '1',
    emulationMinor: String(minor),
    ...BUILD,
  };
}

/** Parses `v1.31.4` / `1.31` into /version fields: the server reports exactly that version. */
export function versionInfo(version: string): VersionInfo {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?(.*)$/.exec(version);
  const major = m?.[1] ?? '1';
  const minor = m?.[2] ?? '31';
  const gitVersion = m === null ? version : `v${major}.${minor}.${m[3] ?? '0'}${m[4]}`;
  return { major, minor, gitVersion, ...BUILD };
}

/** The release a /version document stands for: its emulated minor, else its gitVersion's minor. */
export function versionMinor(info: VersionInfo): number {
  if (info.emulationMinor !== undefined) return Number(info.emulationMinor);
  const m = /^v?\d+\.(\d+)/.exec(info.gitVersion);
  return m === null ? Number(info.minor) : Number(m[1]);
}
