/** The load model: traces and what they do to each workload's pods. */
export {
  LoadModel,
  workloadKey,
  type LoadModelOptions,
  type PodLoad,
  type ContainerLoad,
  type PodSeriesSpec,
  type QueueSpec,
  type WorkloadLoadSpec,
} from './model.js';
export { rpsAt, integrate, parseTrace, parseSeconds, parseCsvTrace, type LoadTrace, type TracePoint } from './trace.js';
