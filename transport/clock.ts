/**
 * The only source of time above algorithms/ (STYLE.md: time is an argument). Real in `run`,
 * virtual in `simulate` (simulator/clock.ts VirtualClock) and compressed in the demo (ScaledClock);
 * the controller, the transport and the simulator all read it through this interface.
 */
export interface Clock {
  now(): number;
  /**
   * Milliseconds on a clock that never jumps (CLOCK_MONOTONIC): for durations that guard safety,
   * such as how long ago the leader lease was renewed. A wall clock set back must not stretch
   * them. Virtual and scaled clocks leave it out: their `now()` never jumps back.
   */
  monotonicNow?(): number;
  /** Resolves after `ms` of this clock's time, or rejects with an AbortError when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Calls `fn` after `ms`; returns a cancel function. */
  setTimer(ms: number, fn: () => void): () => void;
}

export class AbortError extends Error {
  constructor(message = 'aborted') {
    super(message);
    this.name = 'AbortError';
  }
}

/**
 * Node's setTimeout holds at most 2^31-1 ms (~24.8 days); a longer delay fires after 1 ms with a
 * TimeoutOverflowWarning, which turns a long wait into a busy loop. Flags are range-checked far
 * below it (app/flags), and the real clock makes any longer wait work by re-arming in steps.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** setTimeout for any delay: waits beyond MAX_TIMER_MS are chained; NaN or negative is 0. */
function longTimeout(ms: number, fn: () => void): () => void {
  let handle: ReturnType<typeof setTimeout>;
  const arm = (left: number): void => {
    const step = Math.min(left, MAX_TIMER_MS);
    handle = setTimeout(() => (left > step ? arm(left - step) : fn()), step);
  };
  arm(ms > 0 ? ms : 0);
  return () => clearTimeout(handle);
}

/** `Clock.sleep` for any clock, from its `setTimer`: resolves after `ms`, rejects with AbortError on abort. */
export function sleepWith(setTimer: Clock['setTimer'], ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(new AbortError());
      return;
    }
    const cancel = setTimer(ms, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    const onAbort = (): void => {
      cancel();
      reject(new AbortError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export const realClock: Clock = {
  now: () => Date.now(),
  monotonicNow: () => performance.now(),
  sleep: (ms, signal) => sleepWith(longTimeout, ms, signal),
  setTimer: longTimeout,
};

/** The clock's monotonic reading, or its `now()` where it has none (virtual and scaled clocks). */
export function monotonicNow(clock: Clock): number {
  return clock.monotonicNow?.() ?? clock.now();
}

/** Sleeps on `clock`; false when `signal` aborted first (the caller should stop), true otherwise. */
export async function sleepUnlessAborted(clock: Clock, ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await clock.sleep(ms, signal);
    return true;
  } catch {
    return false;
  }
}
