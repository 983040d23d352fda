/**
 * The client-node adapter of the ClusterAccess port. Importing this loads
 * @kubernetes/client-node (~0.35 s, ~75 MB): import it lazily, only in commands that talk to a
 * cluster. `podSnapshotFromApi`/`hpaFromApi` live in convert.ts, which does not load it. HTTP,
 * errors and discovery are transport/'s.
 */
export {
  createClientNodeCluster,
  type ClientNodeCluster,
  type ClientNodeClusterOptions,
  type HpaResource,
} from './cluster.js';
export {
  podSnapshotFromApi,
  hpaFromApi,
  scaleFromApi,
  leaseFromApi,
  type MalformedReporter,
} from '../../transport/convert.js';
export {
  startInformer,
  type InformerOptions,
  type ListPage,
  type ListWatchSource,
  type RawWatchEvent,
} from './informer.js';
export { Backoff, type BackoffOptions } from './backoff.js';
