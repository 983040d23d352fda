/** Small helpers shared by the suite files: skipping on missing binaries, progress, BENCH lines. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadStackEnv, missingBinaries, type StackEnv } from './stack.js';

/** Where the suites write their reports: $HPA_TS_E2E_REPORT_DIR (the releases run sets one per release), else tmp/e2e. */
export function reportDir(): string {
  const env = process.env.HPA_TS_E2E_REPORT_DIR;
  const dir =
    env !== undefined && env !== '' ? env : join(fileURLToPath(new URL('../../../', import.meta.url)), 'tmp', 'e2e');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** '' when every binary is there, else a message naming the missing ones (the suite is skipped). */
export function missingFor(needed: readonly (keyof StackEnv)[]): string {
  const missing = missingBinaries(loadStackEnv(), needed);
  return missing === '' ? '' : `missing binary: ${missing} (test/e2e/stack/build.sh could not build it; see its log)`;
}

/** `describe`, or `describe.skip` with a line saying why. */
export function describeIfBinaries(needed: readonly (keyof StackEnv)[]): { run: boolean; why: string } {
  const why = missingFor(needed);
  if (why !== '') process.stderr.write(`e2e: SKIP suite — ${why}\n`);
  return { run: why === '', why };
}

export function progress(msg: string): void {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} e2e: ${msg}\n`);
}

/** `BENCH <name> <value> <unit>` on its own line (STYLE.md). */
export function bench(name: string, value: number | string, unit: string): void {
  process.stdout.write(`BENCH ${name} ${value} ${unit}\n`);
}

/** Polls until `fn` returns a value (not undefined/false). */
export async function eventually<T>(
  what: string,
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs: number,
  intervalMs = 250,
): Promise<T> {
  const t0 = Date.now();
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() - t0 > timeoutMs)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last !== undefined ? `: ${(last as Error).message}` : ''}`,
      );
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Seed of the generated scenarios: $HPA_TS_E2E_SEED, else a fresh one (printed, to replay a run). */
export function scenarioSeed(): number {
  const env = process.env.HPA_TS_E2E_SEED;
  if (env !== undefined && env !== '') return Number(env);
  return Math.floor(Math.random() * 2 ** 31);
}

/** $HPA_TS_E2E_SCENARIO_FILE: scenarios to replay instead of generated ones (scenario-file.ts). */
export function scenarioFile(): string | undefined {
  const f = process.env.HPA_TS_E2E_SCENARIO_FILE;
  return f !== undefined && f !== '' ? f : undefined;
}

export function envInt(name: string, dflt: number): number {
  const v = process.env[name];
  return v !== undefined && v !== '' ? Number(v) : dflt;
}
