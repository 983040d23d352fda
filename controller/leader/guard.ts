import { monotonicNow, type Clock } from '../clock.js';

/**
 * The right to write, asked at the write path before every scale, status and event write
 * (fence.ts), not only in the renew loop: a replica paused (SIGSTOP, a long GC) or cut off from
 * the API server must not write beside the leader that replaced it.
 */
export interface WriteGuard {
  /**
   * A permit for one write: its `signal` aborts when the right to write ends (the validity the
   * permit was issued under runs out, or leadership is given up), so no write outlives it.
   * Undefined when this replica may not write now. Call `done` when the write has finished.
   * `hpa` (`namespace/name`) is the HPA the write is made for: a sharded replica (shards.ts) may
   * write for the HPAs of the shards it holds only; the single leader lease ignores it.
   */
  permit(hpa?: string): WritePermit | undefined;
  /** Why writes (for `hpa`) are refused, for the error of a refused write. */
  describe(hpa?: string): string;
}

export interface WritePermit {
  readonly signal: AbortSignal;
  done(): void;
}

/**
 * The leader lease as this replica's own clock sees it (client-go gives no such guarantee: its
 * leader keeps working until its renew loop notices). Every successful acquire or renew of the
 * lease `grant`s writes for the renew deadline, counted on the monotonic clock from when that
 * request was *sent*, so never later than the API server stored it. A standby takes over only
 * once the lease has not changed for a whole lease duration since it *saw* that record, so the
 * last write this replica may start ends at least leaseDuration − renewDeadline (5 s with the
 * defaults) before anyone else may start: the margin a request cancelled at that moment has to
 * be gone from the wire. Nothing extends a validity on resume: a process paused past it wakes up
 * with writes refused, whatever its timers then do.
 */
export class LeaseGuard implements WriteGuard {
  private validUntil = Number.NEGATIVE_INFINITY;
  private lastGrantAt: number | undefined;
  private term = new AbortController();

  constructor(
    private readonly clock: Clock,
    /** `namespace/name` of the Lease, for messages */
    private readonly lease: string,
    /** how long a grant lasts: the renew deadline */
    private readonly windowMs: number,
  ) {}

  /** A renewal (or acquisition) sent at `sentAt` (monotonic ms) succeeded. */
  grant(sentAt: number): void {
    if (sentAt + this.windowMs <= this.validUntil) return;
    this.validUntil = sentAt + this.windowMs;
    this.lastGrantAt = sentAt;
  }

  /** Leadership is over (lost, released, stopped): refuse writes and cancel those in flight. */
  revoke(): void {
    this.validUntil = Number.NEGATIVE_INFINITY;
    this.term.abort();
    this.term = new AbortController();
  }

  /** Milliseconds writes are still allowed for; 0 when they are not. */
  remainingMs(): number {
    return Math.max(0, this.validUntil - monotonicNow(this.clock));
  }

  /** Whether this replica may write now. */
  holds(): boolean {
    return this.remainingMs() > 0;
  }

  permit(): WritePermit | undefined {
    const left = this.remainingMs();
    if (left <= 0) return undefined;
    const ac = new AbortController();
    const abort = (): void => ac.abort();
    const term = this.term.signal;
    term.addEventListener('abort', abort, { once: true });
    const cancelTimer = this.clock.setTimer(left, abort);
    return {
      signal: ac.signal,
      done: () => {
        cancelTimer();
        term.removeEventListener('abort', abort);
      },
    };
  }

  describe(): string {
    if (this.lastGrantAt === undefined) return `this replica does not hold the leader lease ${this.lease}`;
    const ago = ((monotonicNow(this.clock) - this.lastGrantAt) / 1000).toFixed(1);
    return `this replica's leader lease ${this.lease} was last renewed ${ago} s ago (renew deadline ${this.windowMs / 1000} s): it may not write`;
  }
}
