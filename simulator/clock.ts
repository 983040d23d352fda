/**
 * Clocks of the simulator, which owns simulated time. The Clock port (transport/clock.ts) is what
 * every part reads: the workload model, the load model, the scrapers and the controller share one
 * instance, so they agree on "now" whether time is real, virtual (VirtualClock) or compressed
 * (ScaledClock).
 */
import { AbortError, sleepWith, type Clock } from '../transport/clock.js';

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

/**
 * A clock that only moves when told to: timers fire in time order as `advance` passes them.
 * Used by `simulate`/`replay` and by tests that must not sleep for real.
 */
export class VirtualClock implements Clock {
  private current: number;
  private seq = 0;
  private timers: { at: number; seq: number; fn: () => void }[] = [];
  /** the sum of every wall-clock step (`jump`) so far */
  private jumped = 0;

  constructor(start: number) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  /** Time that only moves forward with `advance`: `now()` less every `jump`. */
  monotonicNow(): number {
    return this.current - this.jumped;
  }

  setTimer(ms: number, fn: () => void): () => void {
    const timer = { at: this.current + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepWith((d, fn) => this.setTimer(d, fn), ms, signal);
  }

  /** The instant of the next pending timer, if any. */
  nextTimerAt(): number | undefined {
    let next: number | undefined;
    for (const t of this.timers) if (next === undefined || t.at < next) next = t.at;
    return next;
  }

  /**
   * Moves time forward to `until`, firing due timers in order; between timers it lets pending
   * promise callbacks run (`settle`) so async code woken by a timer finishes before time moves on.
   */
  async advanceTo(until: number, settle: () => Promise<void> = flushMicrotasks): Promise<void> {
    for (;;) {
      await settle();
      const due = this.timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (due === undefined) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.current = Math.max(this.current, due.at);
      due.fn();
    }
    this.current = Math.max(this.current, until);
    await settle();
  }

  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.current + ms);
  }

  /**
   * Steps the wall clock by `ms` (either way) as NTP or an operator would: `now()` jumps, while
   * pending timers keep the delay they were set with (Node's timers run on a monotonic clock, so
   * a wall-clock step neither fires nor delays them). For fault injection (test/faults).
   */
  jump(ms: number): void {
    this.current += ms;
    this.jumped += ms;
    for (const t of this.timers) t.at += ms;
  }
}

/** Lets every already-queued promise continuation run (a few turns of the microtask queue and one macrotask). */
export async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
  await new Promise<void>((resolve) => setImmediate(resolve));
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
