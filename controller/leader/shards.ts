import { setMaxListeners } from 'node:events';
import type { Clock } from '../clock.js';
import type { ClusterAccess } from '../ports.js';
import { LeaderElector } from './elector.js';
import type { WriteGuard, WritePermit } from './guard.js';
import {
  memberLeaseName,
  nextFreeMember,
  nextFreeShard,
  planShards,
  shardLeaseName,
  shardOf,
  type ShardView,
} from './shard-rule.js';

/**
 * Sharding (`--shards N`, docs/scaling.md): HPAs are split into N shards by a stable hash of
 * `namespace/name` (shard-rule.ts), and each shard has its own Lease, won and kept by the one
 * LeaderElector of elector.ts — no other consensus. A replica also holds one member Lease, so
 * that one holding no shard yet is counted among the live replicas, and every replica holds its
 * fair share of the shards (planShards). A shard is the single leader lease of before, for its
 * HPAs only: its reconciles start once its Lease is ours, its writes are refused as soon as the
 * Lease is not valid by this replica's clock (its LeaseGuard), and a shard is released only after
 * its reconciles in flight have finished.
 */

/** A shard this replica holds, as its hooks see it. */
export interface OwnedShard {
  readonly index: number;
  readonly shards: number;
  /** `namespace/name` → whether the HPA belongs to this shard */
  belongs(key: string): boolean;
  /** aborts when the shard stops being this replica's */
  readonly signal: AbortSignal;
}

/** released: given up to another replica; lost: expired by our clock or taken; stopped: the replica is stopping */
export type ShardEnd = 'released' | 'lost' | 'stopped';

export interface ShardCoordinatorOptions {
  readonly cluster: Pick<ClusterAccess, 'getLease' | 'createLease' | 'updateLease'>;
  readonly clock: Clock;
  readonly namespace: string;
  /** the base name (--leader-elect-resource-name): Leases `<name>-shard-<i>-of-<N>`, `<name>-member-<j>-of-<N>` */
  readonly name: string;
  readonly identity: string;
  /** 2 … MAX_SHARDS */
  readonly shards: number;
  readonly leaseDurationMs?: number;
  readonly renewDeadlineMs?: number;
  readonly retryPeriodMs?: number;
  readonly random?: () => number;
  /**
   * A shard's Lease was acquired. Its HPAs are reconciled only once the returned promise settles:
   * the place to load what a new owner needs first (e.g. persisted history of `belongs` keys).
   */
  readonly onAcquired?: (shard: OwnedShard) => void | Promise<void>;
  /** The shard's HPAs may now be reconciled (the controller requeues them). */
  readonly onStarted?: (shard: OwnedShard) => void;
  /** The shard is not this replica's any more (released and stopped: after its reconciles finished). */
  readonly onStopped?: (index: number, how: ShardEnd) => void;
  /** Resolves once no reconcile of a `belongs` key is in flight (the controller's), before a release. */
  readonly drain?: (belongs: (key: string) => boolean) => Promise<void>;
  readonly onError?: (message: string) => void;
}

export class ShardCoordinator implements WriteGuard {
  private readonly shardElectors: LeaderElector[] = [];
  private readonly memberElectors: LeaderElector[] = [];
  /**
   * Watches (never takes) the single leader lease `<name>` of --shards 1: while a replica of
   * before holds it, it reconciles every HPA, so no shard is reconciled here (a rolling update
   * from one leader to shards never has two writers for an HPA).
   */
  private readonly single: LeaderElector;
  /** per shard: its HPAs may be reconciled (acquired, onAcquired done, not yet stopping) */
  private readonly active: boolean[];
  /** per shard: it is being given up because this replica holds more than its share */
  private readonly releasing: boolean[];
  private stopping = false;

  constructor(private readonly opts: ShardCoordinatorOptions) {
    const n = opts.shards;
    this.active = new Array<boolean>(n).fill(false);
    this.releasing = new Array<boolean>(n).fill(false);
    for (let i = 0; i < n; i++) {
      this.shardElectors.push(this.elector(shardLeaseName(opts.name, i, n), i, 'shard'));
      this.memberElectors.push(this.elector(memberLeaseName(opts.name, i, n), i, 'member'));
    }
    this.single = this.elector(opts.name, 0, 'single');
  }

  get shards(): number {
    return this.opts.shards;
  }

  /** Whether this replica may reconcile the HPA `key` now: its shard is ours and valid by our clock. */
  owns(key: string): boolean {
    const i = shardOf(key, this.opts.shards);
    return this.active[i] && this.shardElectors[i].guard.holds() && this.single.validHolder() === '';
  }

  /** Indexes of the shards whose Leases this replica holds. */
  held(): number[] {
    return this.shardElectors.flatMap((e, i) => (e.isLeader() ? [i] : []));
  }

  /** What this replica last observed of every shard and member Lease. */
  view(): ShardView {
    return {
      self: this.opts.identity,
      shardHolders: this.shardElectors.map((e) => e.validHolder()),
      memberHolders: this.memberElectors.map((e) => e.validHolder()),
    };
  }

  /** A write for `hpa` may be made while its shard's Lease is valid by this replica's clock. */
  permit(hpa?: string): WritePermit | undefined {
    if (hpa === undefined || this.single.validHolder() !== '') return undefined;
    return this.shardElectors[shardOf(hpa, this.opts.shards)].guard.permit();
  }

  describe(hpa?: string): string {
    if (hpa === undefined) return 'a sharded replica writes only for an HPA of a shard it holds';
    const leader = this.single.validHolder();
    if (leader !== '') return `${leader} holds the single leader lease ${this.opts.name}: it reconciles every HPA`;
    const i = shardOf(hpa, this.opts.shards);
    return `${hpa} is in shard ${i} of ${this.opts.shards}: ${this.shardElectors[i].guard.describe()}`;
  }

  /**
   * Campaigns for member and shard Leases until `signal` aborts; then releases what it holds
   * (each shard once its reconciles have finished) and resolves.
   */
  async run(signal: AbortSignal): Promise<void> {
    const loop = async (e: LeaderElector): Promise<void> => {
      // an elector's run ends when its Lease is lost or released; campaign again until stopped
      while (!signal.aborted) await e.run(signal);
    };
    // one listener per elector run (two Leases per shard) on the same signal: not a leak
    setMaxListeners(2 * this.opts.shards + 10, signal);
    signal.addEventListener('abort', () => (this.stopping = true), { once: true });
    await Promise.all([this.single, ...this.memberElectors, ...this.shardElectors].map(loop));
  }

  private elector(lease: string, i: number, kind: 'shard' | 'member' | 'single'): LeaderElector {
    const o = this.opts;
    return new LeaderElector({
      cluster: o.cluster,
      clock: o.clock,
      namespace: o.namespace,
      name: lease,
      identity: o.identity,
      ...(o.leaseDurationMs === undefined ? {} : { leaseDurationMs: o.leaseDurationMs }),
      ...(o.renewDeadlineMs === undefined ? {} : { renewDeadlineMs: o.renewDeadlineMs }),
      ...(o.retryPeriodMs === undefined ? {} : { retryPeriodMs: o.retryPeriodMs }),
      ...(o.random === undefined ? {} : { random: o.random }),
      ...(o.onError === undefined ? {} : { onError: o.onError }),
      ...(kind === 'single'
        ? { mayAcquire: () => false, onStartedLeading: () => undefined, onStoppedLeading: () => undefined }
        : kind === 'shard'
          ? {
              mayAcquire: () => this.mayAcquireShard(i),
              shouldRelease: () => this.shouldReleaseShard(i),
              onStartedLeading: (signal: AbortSignal) => this.work(i, signal),
              onStoppedLeading: () => this.stopped(i),
            }
          : {
              mayAcquire: () => nextFreeMember(this.view()) === i,
              // two of our member electors may win at once: keep the lowest slot
              shouldRelease: () => this.memberElectors.slice(0, i).some((e) => e.isLeader()),
              onStartedLeading: () => undefined,
              onStoppedLeading: () => undefined,
            }),
    });
  }

  private mayAcquireShard(i: number): boolean {
    const view = this.view();
    return planShards(view).acquire && nextFreeShard(view) === i;
  }

  /** Gives up one shard at a time, the highest-numbered held, while holding more than the rule allows. */
  private shouldReleaseShard(i: number): boolean {
    const release = planShards(this.view()).release && this.held().at(-1) === i;
    if (release) this.releasing[i] = true;
    return release;
  }

  /** The shard's work while it is ours: start its reconciles, and when it ends wait for them to finish. */
  private async work(i: number, signal: AbortSignal): Promise<void> {
    const n = this.opts.shards;
    this.releasing[i] = false;
    const shard: OwnedShard = { index: i, shards: n, belongs: (key) => shardOf(key, n) === i, signal };
    await this.opts.onAcquired?.(shard);
    if (!signal.aborted) {
      this.active[i] = true;
      this.opts.onStarted?.(shard);
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    }
    this.active[i] = false;
    await this.opts.drain?.(shard.belongs);
  }

  private stopped(i: number): void {
    this.active[i] = false;
    this.opts.onStopped?.(i, this.releasing[i] ? 'released' : this.stopping ? 'stopped' : 'lost');
    this.releasing[i] = false;
  }
}
