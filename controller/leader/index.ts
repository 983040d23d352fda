/** Leader election on a coordination.k8s.io/v1 Lease (client-go semantics). */
export { LeaderElector, formatMicroTime, type LeaderElectorOptions } from './elector.js';
export { LeaseGuard, type WriteGuard, type WritePermit } from './guard.js';
export { fenceWrites, fencedError } from './fence.js';
export { ShardCoordinator, type OwnedShard, type ShardCoordinatorOptions, type ShardEnd } from './shards.js';
export {
  MAX_SHARDS,
  memberLeaseName,
  nextFreeMember,
  nextFreeShard,
  planShards,
  shardLeaseName,
  shardOf,
  type ShardPlan,
  type ShardView,
} from './shard-rule.js';
