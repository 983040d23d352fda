/**
 * `npm run image` (scripts/image.sh) picks the OCI builder the user has and calls it as that tool
 * is called: the builders here are stand-ins on PATH that record their arguments and working
 * folder (no container engine runs in the tests; dockerfile-steps.test.ts runs the Dockerfile's
 * steps themselves).
 */
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './support/manifests.js';

const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** A folder of stand-in builders: each appends `<name> <cwd> <args>` to calls.log; `docker info` answers as told. */
function builders(names: readonly string[], dockerEngine = false): string {
  const dir = mkdtempSync(join(tmpdir(), 'hpa-ts-builders-'));
  for (const name of names) {
    const file = join(dir, name);
    writeFileSync(
      file,
      `#!/bin/sh\n${name === 'docker' ? `[ "$1" = info ] && exit ${dockerEngine ? 0 : 1}\n` : ''}echo "${name} $(pwd) $*" >> "${join(dir, 'calls.log')}"\n`,
    );
    chmodSync(file, 0o755);
  }
  return dir;
}

function image(dir: string, args: string[] = [], env: Record<string, string> = {}) {
  const r = spawnSync('bash', [join(ROOT, 'scripts', 'image.sh'), ...args], {
    // only the stand-ins and the basic tools: no real docker, podman or buildah
    env: { PATH: `${dir}:/usr/bin:/bin`, HOME: dir, ...env },
    encoding: 'utf8',
  });
  const log = join(dir, 'calls.log');
  return {
    status: r.status,
    stderr: r.stderr,
    calls: existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [],
  };
}

describe('npm run image', () => {
  it('builds with podman when docker is installed but its engine does not answer, and pushes with --push', () => {
    const dir = builders(['docker', 'podman']);
    const r = image(dir, ['--push'], { HPA_TS_IMAGE: 'registry.example.com/platform/hpa-ts:0.1.0' });
    expect(r.status).toBe(0);
    expect(r.calls).toEqual([
      `podman ${ROOT.replace(/\/$/, '')} build -t registry.example.com/platform/hpa-ts:0.1.0 -f Dockerfile .`,
      `podman ${ROOT.replace(/\/$/, '')} push registry.example.com/platform/hpa-ts:0.1.0`,
    ]);
    expect(r.stderr).toContain(
      'kustomize edit set image ghcr.io/hpa-ts/hpa-ts=registry.example.com/platform/hpa-ts:0.1.0',
    );
    expect(r.stderr).toContain('--set image.repository=registry.example.com/platform/hpa-ts --set image.tag=0.1.0');
  });

  it('prefers a working docker, and names the image after package.json by default', () => {
    const r = image(builders(['docker', 'podman', 'buildah'], true));
    expect(r.calls).toEqual([
      `docker ${ROOT.replace(/\/$/, '')} build -t ghcr.io/hpa-ts/hpa-ts:${version} -f Dockerfile .`,
    ]);
  });

  it('uses buildah when asked (HPA_TS_BUILDER), with a platform', () => {
    const r = image(builders(['docker', 'buildah'], true), ['--platform', 'linux/arm64'], {
      HPA_TS_BUILDER: 'buildah',
    });
    expect(r.calls).toEqual([
      `buildah ${ROOT.replace(/\/$/, '')} build --platform linux/arm64 -t ghcr.io/hpa-ts/hpa-ts:${version} -f Dockerfile .`,
    ]);
  });

  it('says what is missing when no builder works, and refuses a bad image name', () => {
    const none = image(builders(['docker']));
    expect(none.status).toBe(1);
    expect(none.stderr).toContain('docker is installed but its engine does not answer `docker info`');
    const bad = image(builders(['podman']), [], { HPA_TS_IMAGE: 'Registry/Hpa-TS' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('HPA_TS_IMAGE=Registry/Hpa-TS is not an image name');
    expect(bad.calls).toEqual([]);
  });
});
