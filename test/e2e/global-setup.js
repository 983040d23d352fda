/**
 * Jest global setup of the e2e suites: build (or reuse, instantly, from the cache) the real
 * components with test/e2e/stack/build.sh, export the bin dir for the suites, and kill what a
 * previous, interrupted run may have left behind (process groups registered by dead owners).
 * HPA_TS_E2E_NO_BUILD=1 skips build.sh (the suites then use $HPA_TS_STACK_BIN or the default cache).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const REGISTRY_DIR = process.env.HPA_TS_E2E_REGISTRY ?? join(tmpdir(), 'hpa-ts-e2e-procs');

/** Kills the process groups (and removes the temp dirs) registered by `owner` or by owners that are gone. */
export function reap(owner) {
  let files = [];
  try {
    files = readdirSync(REGISTRY_DIR);
  } catch {
    return 0;
  }
  let n = 0;
  for (const f of files) {
    const path = join(REGISTRY_DIR, f);
    let e;
    try {
      e = JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      continue;
    }
    let alive = true;
    try {
      process.kill(e.owner, 0);
    } catch {
      alive = false;
    }
    if (e.owner === owner || !alive) {
      if (e.dir !== undefined) {
        // a bed's temp dir whose owner died (kept on purpose only with HPA_TS_E2E_KEEP=1)
        if (process.env.HPA_TS_E2E_KEEP !== '1') rmSync(e.dir, { recursive: true, force: true });
      } else {
        try {
          process.kill(-e.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
      rmSync(path, { force: true });
      n++;
    }
  }
  return n;
}

export default function globalSetup() {
  const stale = reap(undefined);
  if (stale > 0) process.stderr.write(`e2e: killed ${stale} process group(s) left by an earlier run\n`);
  if (process.env.HPA_TS_E2E_NO_BUILD === '1') return;
  const t0 = Date.now();
  const args = process.env.HPA_TS_K8S_VERSION ? ['--version', process.env.HPA_TS_K8S_VERSION] : [];
  const r = spawnSync('bash', [join(here, 'stack', 'build.sh'), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const bin = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  // 0: everything; 3: core pieces only (the Prometheus suite then skips, naming what is missing)
  if ((r.status === 0 || r.status === 3) && bin !== '') {
    process.env.HPA_TS_STACK_BIN = bin;
    process.stderr.write(
      `e2e: stack binaries in ${bin} (build.sh exit ${r.status}, ${((Date.now() - t0) / 1000).toFixed(1)} s)\n`,
    );
  } else {
    process.stderr.write(`e2e: build.sh failed (exit ${r.status}); suites needing missing binaries will be skipped\n`);
  }
}
