/**
 * Clocks of the simulator. The controller's Clock port (controller/clock.ts) is what every part
 * reads: the workload model, the load model, the scrapers and the controller share one instance,
 * so they agree on "now" whether time is real, virtual (VirtualClock) or compressed (ScaledClock).
 */
import type { Clock } from '../controller/clock.js';
import { AbortError } from '../controller/clock.js';

export interface ScaledClockOptions {
  /** Simulated milliseconds per real millisecond: 4 = time runs 4× faster than real. */
  readonly factor: number;
  /** The real clock underneath (timers and wall time); the composition root passes realClock. */
  readonly base: Clock;
  /** Simulated epoch milliseconds at creation; default: the base clock's now. */
  readonly start?: number;
}

/**
 * Time compressed by a constant factor: `now()` advances `factor` simulated milliseconds per real
 * one and every timer or sleep of `ms` fires after `ms / factor` real milliseconds. Used by
 * `npm start` so the seed demo (about two simulated minutes) plays out in well under a minute,
 * with the simulator and the real controller sharing the same compressed time.
 */
export class ScaledClock implements Clock {
  readonly factor: number;
  private readonly base: Clock;
  private readonly realStart: number;
  private readonly simStart: number;

  constructor(opts: ScaledClockOptions) {
    if (!(opts.factor > 0) || !Number.isFinite(opts.factor)) {
      throw new Error(`time compression factor must be a positive number, got ${opts.factor}`);
    }
    this.factor = opts.factor;
    this.base = opts.base;
    this.realStart = opts.base.now();
    this.simStart = opts.start ?? this.realStart;
  }

  now(): number {
    return this.simStart + Math.floor((this.base.now() - this.realStart) * this.factor);
  }

  private real(ms: number): number {
    return Math.max(0, ms) / this.factor;
  }

  setTimer(ms: number, fn: () => void): () => void {
    return this.base.setTimer(this.real(ms), fn);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted === true) return Promise.reject(new AbortError());
    return this.base.sleep(this.real(ms), signal);
  }
}

/** A seeded pseudo-random source in [0, 1) (mulberry32): byte-stable names and jitter in tests. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
