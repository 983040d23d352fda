/**
 * The fault rounds: a world of HPAs, then `rounds` times — a fault phase of FAULT_STEPS steps
 * (one to three faults injected in each, metrics wandering), then a quiet phase of two sync
 * periods after which every HPA must have converged. Everything random comes from `seed`, so a
 * seed replays exactly.
 */
import { seededRandom } from '../../simulator/clock.js';
import { InvariantChecker } from './invariants.js';
import { FaultWorld, type FaultKind } from './world.js';

export const FAULT_STEPS = 24;

export interface RoundsOptions {
  readonly seed: number;
  readonly rounds: number;
  readonly hpas: number;
  /** called after every step (the soak samples memory here) */
  readonly onStep?: (world: FaultWorld) => void;
  /** stop early once this much virtual time has passed (the soak) */
  readonly virtualMs?: number;
  readonly checker?: InvariantChecker;
}

export interface RoundsResult {
  readonly checker: InvariantChecker;
  readonly faultsInjected: number;
  readonly byKind: ReadonlyMap<FaultKind, number>;
  readonly virtualMs: number;
}

/**
 * Runs the rounds with Math.random seeded too (the event recorder's jitter), and every exception
 * that escapes to the event loop counted as a crash.
 */
export async function runRounds(opts: RoundsOptions): Promise<RoundsResult> {
  const checker = opts.checker ?? new InvariantChecker();
  const world = new FaultWorld({
    seed: opts.seed,
    hpas: opts.hpas,
    checker,
    ...(opts.onStep === undefined ? {} : { onStep: opts.onStep }),
  });
  const crash = (e: unknown): void =>
    checker.observe({
      kind: 'crash',
      at: world.elapsed,
      detail: e instanceof Error ? (e.stack ?? e.message) : String(e),
    });
  let virtualMs = 0;
  const realRandom = Math.random;
  Math.random = seededRandom(opts.seed ^ 0x5eed);
  process.on('unhandledRejection', crash);
  process.on('uncaughtException', crash);
  try {
    await world.start();
    for (let round = 0; round < opts.rounds; round++) {
      if (opts.virtualMs !== undefined && world.elapsed >= opts.virtualMs) break;
      world.takeSnapshot();
      for (let s = 0; s < FAULT_STEPS; s++) {
        world.wander();
        const n = Math.floor(world.random() * 4);
        for (let i = 0; i < n; i++) world.inject();
        await world.step();
      }
      await world.quiet();
    }
    virtualMs = world.elapsed;
    await world.close();
  } catch (e) {
    crash(e);
  } finally {
    process.off('unhandledRejection', crash);
    process.off('uncaughtException', crash);
    Math.random = realRandom;
  }
  return { checker, faultsInjected: world.faultsInjected, byKind: world.injected, virtualMs };
}
