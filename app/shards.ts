/**
 * `hpa-ts run --shards N` (docs/scaling.md): the wiring of controller/leader/shards.ts. The
 * controller is built before the coordinator (which needs its cluster), so what the controller
 * is given — the write guard and the ownership filter — delegate to a coordinator set later.
 */
import {
  ShardCoordinator,
  shardOf,
  type OwnedShard,
  type WriteGuard,
  type WritePermit,
} from '../controller/leader/index.js';
import type { BuiltController } from './build-controller.js';

/** The guard and filter buildController is given; both refuse everything until `attach`. */
export class ShardOwnership implements WriteGuard {
  private coordinator: ShardCoordinator | undefined;

  attach(c: ShardCoordinator): void {
    this.coordinator = c;
  }

  readonly owns = (key: string): boolean => this.coordinator?.owns(key) ?? false;

  permit(hpa?: string): WritePermit | undefined {
    return this.coordinator?.permit(hpa);
  }

  describe(hpa?: string): string {
    return this.coordinator?.describe(hpa) ?? 'sharding has not started: this replica holds no shard';
  }
}

export interface ShardElection {
  readonly namespace: string;
  readonly name: string;
  readonly ownership: ShardOwnership;
  /**
   * Awaited when a shard is acquired, before any of its HPAs is reconciled (after the replica's
   * stale memory of them is dropped): the place for what a new owner must load first.
   */
  readonly onShardAcquired?: (shard: OwnedShard) => Promise<void> | void;
}

/**
 * Makes the coordinator, starts the workers (every reconcile asks `owns` first) and campaigns
 * until `signal` aborts; resolves once every shard is released. `onHeld` gets the count of
 * shards held after each change.
 */
export function runShards(
  b: BuiltController,
  election: ShardElection,
  signal: AbortSignal,
  onHeld: (held: number) => void,
): Promise<void> {
  const { controller: ctl, monitor, settings, log, clock, identity } = b;
  const shards = settings.shards;
  const lease = (i: number): string => `${election.namespace}/${election.name}-shard-${i}-of-${shards}`;
  const coordinator: ShardCoordinator = new ShardCoordinator({
    cluster: b.cluster,
    clock,
    namespace: election.namespace,
    name: election.name,
    identity,
    shards,
    leaseDurationMs: settings.leaseDurationMs,
    renewDeadlineMs: settings.renewDeadlineMs,
    retryPeriodMs: settings.retryPeriodMs,
    onAcquired: async (shard) => {
      log.info(
        { reason: 'ShardAcquired', identity, shard: shard.index, shards, lease: lease(shard.index) },
        `acquired shard ${shard.index} of ${shards}`,
      );
      ctl.forgetKeys(shard.belongs);
      await election.onShardAcquired?.(shard);
    },
    onStarted: (shard) => {
      const held = coordinator.held().length;
      monitor.shardsHeld.set(held);
      onHeld(held);
      ctl.enqueueNow(shard.belongs);
    },
    onStopped: (index, how) => {
      // its HPAs' series are another replica's now: two replicas must not both report them
      for (const key of ctl.hpas.keys()) {
        if (shardOf(key, shards) !== index) continue;
        const [namespace, name] = key.split('/');
        monitor.forgetHpa(namespace, name);
      }
      const held = coordinator.held().length;
      monitor.shardsHeld.set(held);
      onHeld(held);
      const fields = { reason: how === 'lost' ? 'ShardLost' : 'ShardReleased', identity, shard: index, shards };
      if (how === 'lost') log.warn({ ...fields, lease: lease(index) }, `lost shard ${index} of ${shards}`);
      else log.info({ ...fields, lease: lease(index) }, `released shard ${index} of ${shards}`);
    },
    drain: (belongs) => ctl.settled(belongs),
    onError: (message) => log.warn({ reason: 'LeaderElectionError' }, message),
  });
  election.ownership.attach(coordinator);
  log.info(
    {
      reason: 'LeaderElection',
      identity,
      shards,
      leases: `${election.namespace}/${election.name}-shard-*-of-${shards}`,
    },
    `sharding ${shards} ways: campaigning for a fair share`,
  );
  ctl.startWorkers();
  return coordinator.run(signal);
}
