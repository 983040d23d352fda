import { monotonicNow, sleepUnlessAborted, type Clock } from '../clock.js';
import type { ClusterAccess, ClusterError, LeaseRecord } from '../ports.js';
import { LeaseGuard } from './guard.js';

/**
 * Leader election on a coordination.k8s.io/v1 Lease with client-go's semantics
 * (tools/leaderelection: leaderelection.go, resourcelock/leaselock.go), so an hpa-ts replica
 * set behaves like kube-controller-manager's: exactly one instance reconciles.
 *
 * - A lease is taken over only once it has expired *as observed locally*: the time we last saw
 *   its record change plus its leaseDurationSeconds, by our own monotonic clock. The remote
 *   renewTime is never compared with our clock, so skewed clocks cannot cause two leaders.
 * - Every write carries the resourceVersion last read; a 409 means another candidate won.
 * - The leader renews every retryPeriod; if it cannot renew within renewDeadline *of its last
 *   successful renewal* (monotonic: a pause does not restart the count) it stops leading (its
 *   `onStartedLeading` signal aborts) before anyone else can acquire, because renewDeadline <
 *   leaseDuration; it also stops at once when it finds the lease held by someone else.
 * - Beyond client-go: `guard` (guard.ts) refuses writes as soon as the renew deadline has passed
 *   by this replica's clock, whatever its loops are doing; the write path asks it (fence.ts).
 * - leaseTransitions counts holder changes; acquireTime is kept across renewals.
 * - On a graceful stop the leader writes the lease with an empty holder and a 1 s duration
 *   (ReleaseOnCancel), so a standby takes over at its next retry instead of after 15 s.
 * - For sharding (shards.ts, one elector per shard Lease): `mayAcquire` lets a candidate only
 *   watch a free Lease while it holds its share, and `shouldRelease` makes the leader give the
 *   Lease up gracefully (work wound down, guard revoked, then the release write).
 */

export interface LeaderElectorOptions {
  readonly cluster: Pick<ClusterAccess, 'getLease' | 'createLease' | 'updateLease'>;
  readonly clock: Clock;
  readonly namespace: string;
  readonly name: string;
  /** unique per instance, e.g. `<hostname>_<uuid>` like kube-controller-manager */
  readonly identity: string;
  /** default 15 s */
  readonly leaseDurationMs?: number;
  /** default 10 s */
  readonly renewDeadlineMs?: number;
  /** default 2 s */
  readonly retryPeriodMs?: number;
  /**
   * Leadership acquired; `signal` aborts when it ends. A returned promise (the leader's work)
   * is awaited, up to renewDeadline, before a graceful release, so the old leader has stopped
   * writing before the new one starts.
   */
  readonly onStartedLeading: (signal: AbortSignal) => void | Promise<void>;
  /** Leadership ended (lost, released or stopped). Not called if this instance never led. */
  readonly onStoppedLeading: () => void;
  /** Another (or this) identity was observed holding the lease. */
  readonly onNewLeader?: (identity: string) => void;
  /** release the lease when `run`'s signal aborts; default true */
  readonly releaseOnCancel?: boolean;
  /** [0, 1); injectable for tests */
  readonly random?: () => number;
  /** failed lease calls and lost leadership, for the log */
  readonly onError?: (message: string, error?: ClusterError) => void;
  /** the write guard to grant and revoke; default: one of its own (`elector.guard`) */
  readonly guard?: LeaseGuard;
  /** asked before each try to take a free or expired lease; false: only read it. Default: always. */
  readonly mayAcquire?: () => boolean;
  /** asked after each renewal; true: stop leading and release the lease as `release()` does */
  readonly shouldRelease?: () => boolean;
}

/** What one try to acquire or renew found; 'free' when it was not ours to take (mayAcquire). */
type TryOutcome = 'ours' | 'held' | 'free' | 'failed';

/** client-go's JitterFactor for the acquire loop. */
const JITTER_FACTOR = 1.2;

/** metav1.MicroTime text: six fractional digits (the adapter re-prints it through V1MicroTime too). */
export function formatMicroTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '000Z');
}

/** The fields client-go compares (its observedRawRecord): the election record, not the resourceVersion. */
function sameRecord(a: LeaseRecord | undefined, b: LeaseRecord): boolean {
  return (
    a !== undefined &&
    a.holderIdentity === b.holderIdentity &&
    a.leaseDurationSeconds === b.leaseDurationSeconds &&
    a.acquireTime === b.acquireTime &&
    a.renewTime === b.renewTime &&
    a.leaseTransitions === b.leaseTransitions
  );
}

export class LeaderElector {
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private observed: LeaseRecord | undefined;
  /** monotonic ms at which the observed record last changed */
  private observedTime = 0;
  /** monotonic ms at which the last successful acquire or renew was sent */
  private renewedAt = Number.NEGATIVE_INFINITY;
  /** refuses writes once the lease is not valid by this replica's clock (guard.ts) */
  readonly guard: LeaseGuard;
  private reportedLeader = '';
  private leading = false;
  private running: Promise<void> | undefined;
  private runStopper: AbortController | undefined;
  private releaseRequested = false;
  /** outcome of the release write made by the current/last run, if it made one */
  private lastReleaseOk: boolean | undefined;

  constructor(private readonly opts: LeaderElectorOptions) {
    this.leaseDurationMs = opts.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = opts.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = opts.retryPeriodMs ?? 2_000;
    // client-go's NewLeaderElector checks; a bad configuration is a bug, not a runtime failure.
    if (opts.identity === '') throw new Error('leader election: identity must not be empty');
    if (this.leaseDurationMs <= this.renewDeadlineMs)
      throw new Error('leader election: leaseDuration must be greater than renewDeadline');
    if (this.renewDeadlineMs <= JITTER_FACTOR * this.retryPeriodMs) {
      throw new Error(`leader election: renewDeadline must be greater than retryPeriod*${JITTER_FACTOR}`);
    }
    if (this.retryPeriodMs < 1) throw new Error('leader election: retryPeriod must be positive');
    this.guard = opts.guard ?? new LeaseGuard(opts.clock, `${opts.namespace}/${opts.name}`, this.renewDeadlineMs);
  }

  /** True while this instance leads (between onStartedLeading and onStoppedLeading). */
  isLeader(): boolean {
    return this.leading;
  }

  /** The holder last observed on the lease ('' when free or unknown). */
  getLeader(): string {
    return this.observed?.holderIdentity ?? '';
  }

  /** The holder of the lease if it is still valid by this replica's clock as last observed, else ''. */
  validHolder(): string {
    return this.isLeaseValid(monotonicNow(this.opts.clock)) ? this.getLeader() : '';
  }

  /**
   * Campaigns until leading, then renews until leadership is lost, `signal` aborts or
   * `release()` is called; resolves when done (like client-go's Run, it does not campaign
   * again: call `run` anew, or exit as kube-controller-manager does).
   */
  run(signal: AbortSignal): Promise<void> {
    if (this.running !== undefined) throw new Error('leader election: run is already in progress');
    const stopper = new AbortController();
    const onAbort = (): void => stopper.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) stopper.abort();
    this.runStopper = stopper;
    this.releaseRequested = false;
    this.running = this.campaign(stopper.signal, signal).finally(() => {
      signal.removeEventListener('abort', onAbort);
      this.running = undefined;
      this.runStopper = undefined;
    });
    return this.running;
  }

  /**
   * Gives the lease up: stops leading (if running) and writes it with an empty holder so
   * another instance takes over at once. Resolves true when the lease is not ours any more.
   */
  async release(): Promise<boolean> {
    if (this.running !== undefined) {
      this.releaseRequested = true;
      this.runStopper?.abort();
      await this.running;
      if (this.lastReleaseOk !== undefined) return this.lastReleaseOk;
    }
    return this.releaseLease();
  }

  private async campaign(stop: AbortSignal, outer: AbortSignal): Promise<void> {
    this.lastReleaseOk = undefined;
    if (!(await this.acquire(stop))) return;
    const leader = new AbortController();
    this.leading = true;
    let work: Promise<void> | undefined;
    try {
      const r = this.opts.onStartedLeading(leader.signal);
      if (r instanceof Promise) work = r.catch((e: unknown) => this.opts.onError?.(`leader work failed: ${String(e)}`));
    } catch (e) {
      this.opts.onError?.(`onStartedLeading failed: ${String(e)}`);
    }
    const ended = await this.renewLoop(stop);
    this.leading = false;
    // Lost: no write from now on. Stopped: the work may finish what it has in flight while the
    // lease is still ours, and the guard is revoked before the lease is released.
    if (ended === 'lost') this.guard.revoke();
    leader.abort();
    const release = this.releaseRequested || (outer.aborted && this.opts.releaseOnCancel !== false);
    if (release && ended === 'stopped') {
      // Let the leader's work wind down before someone else may start.
      if (work !== undefined) await this.within(work, this.renewDeadlineMs);
      this.guard.revoke();
      this.lastReleaseOk = await this.releaseLease();
    }
    this.guard.revoke();
    this.opts.onStoppedLeading();
  }

  /** Retries every retryPeriod (jittered ×[1, 2.2)) until the lease is ours; false when stopped. */
  private async acquire(stop: AbortSignal): Promise<boolean> {
    const random = this.opts.random ?? Math.random;
    while (!stop.aborted) {
      // An answer later than the renew deadline is of no use: the lease it won would already be
      // too old to write under (the guard counts from when the request was sent). Try again.
      const take = this.opts.mayAcquire?.() ?? true;
      const outcome = await this.within(this.tryAcquireOrRenew(take), this.renewDeadlineMs);
      this.maybeReportTransition();
      if (outcome === 'ours' && this.guard.holds()) return true;
      const delay = this.retryPeriodMs + random() * JITTER_FACTOR * this.retryPeriodMs;
      if (!(await sleepUnlessAborted(this.opts.clock, delay, stop))) return false;
    }
    return false;
  }

  /** Renews every retryPeriod; returns why it ended: leadership lost, or stopped. */
  private async renewLoop(stop: AbortSignal): Promise<'lost' | 'stopped'> {
    while (!stop.aborted) {
      const renewal = await this.renewBeforeDeadline(stop);
      if (renewal !== 'renewed') return renewal;
      if (this.opts.shouldRelease?.() === true) {
        this.releaseRequested = true;
        return 'stopped';
      }
      if (!(await sleepUnlessAborted(this.opts.clock, this.retryPeriodMs, stop))) return 'stopped';
    }
    return 'stopped';
  }

  /**
   * Retries the renewal until renewDeadline after the last successful one. The deadline is fixed
   * on the monotonic clock before the first try: a process paused past it (SIGSTOP, a long GC)
   * finds it passed when it resumes and steps down, instead of counting a fresh deadline.
   */
  private async renewBeforeDeadline(stop: AbortSignal): Promise<'renewed' | 'lost' | 'stopped'> {
    const { clock, namespace, name } = this.opts;
    const deadline = this.renewedAt + this.renewDeadlineMs;
    for (;;) {
      const left = deadline - monotonicNow(clock);
      if (left <= 0) {
        this.opts.onError?.(`failed to renew lease ${namespace}/${name}: timed out after ${this.renewDeadlineMs} ms`);
        return 'lost';
      }
      const outcome = await this.within(this.tryAcquireOrRenew(true), left);
      this.maybeReportTransition();
      if (stop.aborted) return 'stopped';
      if (outcome === 'ours') return 'renewed';
      if (outcome === 'held') {
        this.opts.onError?.(`lease ${namespace}/${name} is held by ${this.getLeader()}: leadership lost`);
        return 'lost';
      }
      const wait = Math.min(this.retryPeriodMs, deadline - monotonicNow(clock));
      if (wait > 0 && !(await sleepUnlessAborted(clock, wait, stop))) return 'stopped';
    }
  }

  /** client-go's tryAcquireOrRenew: 'held' when someone else holds a valid lease; `take`: may take a free one. */
  private async tryAcquireOrRenew(take: boolean): Promise<TryOutcome> {
    const { cluster, namespace, name, identity } = this.opts;
    const now = this.opts.clock.now();
    const sentAt = monotonicNow(this.opts.clock);
    const nowText = formatMicroTime(now);
    const desired = {
      holderIdentity: identity,
      leaseDurationSeconds: Math.floor(this.leaseDurationMs / 1000),
      acquireTime: nowText,
      renewTime: nowText,
      leaseTransitions: 0,
    };
    // 1. Fast path: the leader assumes the lease is as it last wrote it.
    const mine = this.observed;
    if (mine !== undefined && this.holdsObserved() && this.isLeaseValid(sentAt)) {
      const r = await cluster.updateLease(namespace, name, {
        ...desired,
        acquireTime: mine.acquireTime,
        leaseTransitions: mine.leaseTransitions,
        resourceVersion: mine.resourceVersion,
      });
      if (r.ok) return this.renewed(r.value, sentAt);
      this.opts.onError?.('failed to update lease optimistically, falling back to slow path', r.error);
    }
    // 2. Read (or create) the lease.
    const got = await cluster.getLease(namespace, name);
    if (!got.ok) {
      this.opts.onError?.(`error retrieving lease ${namespace}/${name}`, got.error);
      return 'failed';
    }
    if (got.value === null) {
      if (!take) return 'free';
      const created = await cluster.createLease(namespace, name, desired);
      if (!created.ok) {
        this.opts.onError?.('error initially creating lease', created.error);
        return 'failed';
      }
      return this.renewed(created.value, sentAt);
    }
    // 3. Someone else's valid lease: wait. Validity runs from when we saw the record change.
    const old = got.value;
    if (!sameRecord(this.observed, old)) this.setObserved(old);
    else this.observed = old; // same record, possibly a newer resourceVersion; observedTime stays
    if ((old.holderIdentity ?? '') !== '' && this.isLeaseValid(monotonicNow(this.opts.clock)) && !this.holdsObserved())
      return 'held';
    // 4. Take it over (or renew it through the slow path).
    if (!take && !this.holdsObserved()) return 'free';
    const transitions = this.holdsObserved() ? old.leaseTransitions : old.leaseTransitions + 1;
    const acquireTime = this.holdsObserved() ? old.acquireTime : nowText;
    const updated = await cluster.updateLease(namespace, name, {
      ...desired,
      acquireTime,
      leaseTransitions: transitions,
      resourceVersion: old.resourceVersion,
    });
    if (!updated.ok) {
      // 409 Conflict: another candidate wrote first; we lost this round.
      this.opts.onError?.('failed to update lease', updated.error);
      return 'failed';
    }
    return this.renewed(updated.value, sentAt);
  }

  /**
   * Our write of the lease succeeded: it is ours from when the request was sent. An answer that
   * arrives after a newer one (it was slow) changes nothing.
   */
  private renewed(record: LeaseRecord, sentAt: number): 'ours' {
    if (sentAt < this.renewedAt) return 'ours';
    this.setObserved(record);
    this.renewedAt = sentAt;
    this.guard.grant(sentAt);
    return 'ours';
  }

  /** client-go's release: empty holder, 1 s duration, same transitions; true when the lease is not ours any more. */
  private async releaseLease(): Promise<boolean> {
    const { cluster, namespace, name, identity } = this.opts;
    const got = await cluster.getLease(namespace, name);
    if (!got.ok) {
      this.opts.onError?.('failed to read lease for release', got.error);
      return false;
    }
    if (got.value === null || got.value.holderIdentity !== identity) return true;
    const now = formatMicroTime(this.opts.clock.now());
    const r = await cluster.updateLease(namespace, name, {
      holderIdentity: '',
      leaseDurationSeconds: 1,
      acquireTime: now,
      renewTime: now,
      leaseTransitions: got.value.leaseTransitions,
      resourceVersion: got.value.resourceVersion,
    });
    if (!r.ok) {
      this.opts.onError?.('failed to release lease', r.error);
      return false;
    }
    this.setObserved(r.value);
    return true;
  }

  private holdsObserved(): boolean {
    return this.observed?.holderIdentity === this.opts.identity;
  }

  private isLeaseValid(now: number): boolean {
    return this.observed !== undefined && this.observedTime + this.observed.leaseDurationSeconds * 1000 > now;
  }

  private setObserved(record: LeaseRecord): void {
    this.observed = record;
    this.observedTime = monotonicNow(this.opts.clock);
  }

  private maybeReportTransition(): void {
    const holder = this.observed?.holderIdentity ?? '';
    if (holder === this.reportedLeader) return;
    this.reportedLeader = holder;
    // A released lease has no holder: nobody new leads yet.
    if (holder !== '') this.opts.onNewLeader?.(holder);
  }

  /** The promise's value, or undefined if it takes longer than `ms` (client-go bounds each try by the renew deadline). */
  private within<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
    if (ms <= 0) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const cancel = this.opts.clock.setTimer(ms, () => resolve(undefined));
      void p.then(
        (v) => {
          cancel();
          resolve(v);
        },
        () => {
          cancel();
          resolve(undefined);
        },
      );
    });
  }
}
