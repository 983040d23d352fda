/**
 * Exponential back-off with jitter that forgets old failures, like client-go's
 * `NewExponentialBackoffManager` used by the reflector: 1 s, 2 s, 4 s … capped at 30 s, each
 * plus up to `jitter` of itself (so reconnecting clients do not move in lock-step), and back to
 * 1 s once no failure has happened for `resetAfterMs` (the connection was healthy meanwhile).
 */
export interface BackoffOptions {
  readonly initialMs?: number;
  readonly maxMs?: number;
  readonly factor?: number;
  /** extra fraction added at random: 0.2 → delay × [1, 1.2) */
  readonly jitter?: number;
  readonly resetAfterMs?: number;
  /** [0, 1); injectable so tests are deterministic */
  readonly random?: () => number;
}

export class Backoff {
  private attempt = 0;
  private lastFailureAt: number | undefined;
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly factor: number;
  private readonly jitter: number;
  private readonly resetAfterMs: number;
  private readonly random: () => number;

  constructor(opts: BackoffOptions = {}) {
    this.initialMs = opts.initialMs ?? 1000;
    this.maxMs = opts.maxMs ?? 30_000;
    this.factor = opts.factor ?? 2;
    this.jitter = opts.jitter ?? 0.2;
    this.resetAfterMs = opts.resetAfterMs ?? 120_000;
    this.random = opts.random ?? Math.random;
  }

  /** The delay before the next attempt after a failure observed at `now`. */
  next(now: number): number {
    if (this.lastFailureAt !== undefined && now - this.lastFailureAt > this.resetAfterMs) this.attempt = 0;
    this.lastFailureAt = now;
    const base = Math.min(this.maxMs, this.initialMs * this.factor ** this.attempt);
    if (base < this.maxMs) this.attempt++;
    return Math.round(base * (1 + this.jitter * this.random()));
  }

  reset(): void {
    this.attempt = 0;
    this.lastFailureAt = undefined;
  }
}
