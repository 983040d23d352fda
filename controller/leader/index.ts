/** Leader election on a coordination.k8s.io/v1 Lease (client-go semantics). */
export { LeaderElector, formatMicroTime, type LeaderElectorOptions } from './elector.js';
export { LeaseGuard, type WriteGuard, type WritePermit } from './guard.js';
export { fenceWrites, fencedError } from './fence.js';
