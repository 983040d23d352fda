/**
 * `npm run test:faults`: the fault rounds (the real controller in virtual time, faults injected at
 * random) and the fuzzers, from one seed. Prints `seed N` first, the BENCH lines last, and exits 1
 * when any invariant was violated, any input crashed or hung. Replay a run with
 * HPA_TS_FAULTS_SEED=N; size it with HPA_TS_FAULTS_ROUNDS, HPA_TS_FAULTS_HPAS and HPA_TS_FUZZ_RUNS
 * (docs/reliability.md, "Fault injection and fuzzing").
 */
import { runFuzz } from './fuzz.js';
import { runRounds } from './rounds.js';

function envInt(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) {
    console.error(`${name}=${JSON.stringify(text)}: expected a whole number ≥ 0`);
    process.exit(2);
  }
  return n;
}

const seed = envInt('HPA_TS_FAULTS_SEED', Math.floor(Math.random() * 2 ** 31));
const rounds = envInt('HPA_TS_FAULTS_ROUNDS', 150);
const hpas = envInt('HPA_TS_FAULTS_HPAS', 16);
const fuzzRuns = envInt('HPA_TS_FUZZ_RUNS', 100_000);
console.log(`seed ${seed}`);

const started = performance.now();
const faults = await runRounds({ seed, rounds, hpas });
const faultsMs = performance.now() - started;
const { checker } = faults;
console.log(
  `fault rounds: ${rounds} rounds × ${hpas} HPAs, ${faults.virtualMs / 1000} s of virtual time in ${(faultsMs / 1000).toFixed(1)} s`,
);
console.log(`  injected: ${[...faults.byKind].map(([k, n]) => `${k} ${n}`).join(', ')}`);
for (const v of checker.violations.slice(0, 20))
  console.log(`  VIOLATION ${v.invariant} at ${v.at / 1000} s ${v.key}: ${v.detail}`);

const fuzzStarted = performance.now();
const fuzz = await runFuzz({ seed, runs: fuzzRuns });
console.log(`fuzzing: ${fuzz.inputs} inputs in ${((performance.now() - fuzzStarted) / 1000).toFixed(1)} s`);
for (const [target, n] of fuzz.perTarget) console.log(`  ${target}: ${n}`);
for (const s of fuzz.samples) console.log(`  ${s.replace(/\n/g, '\n  ')}`);

const violations = checker.invariantViolations + fuzz.violations;
const crashes = checker.crashes + fuzz.crashes;
const hangs = checker.hangs + fuzz.hangs;
console.log(`BENCH faults_injected ${faults.faultsInjected}`);
console.log(`BENCH invariant_checks ${checker.checks}`);
console.log(`BENCH invariant_violations ${violations}`);
console.log(`BENCH fuzz_inputs ${fuzz.inputs}`);
console.log(`BENCH crashes ${crashes}`);
console.log(`BENCH hangs ${hangs}`);
if (violations + crashes + hangs > 0) {
  console.log(`FAILED: replay with HPA_TS_FAULTS_SEED=${seed} npm run test:faults`);
  process.exitCode = 1;
}
