/** Event recording with client-go's correlation, spam filtering and retries (spec §4.2). */
export {
  EventRecorder,
  type EventDropReason,
  type EventObjectRef,
  type EventRecorderOptions,
  type EventType,
  type RecordedWrite,
} from './recorder.js';
export {
  COMBINED_PREFIX,
  EventCorrelator,
  aggregateKey,
  eventKey,
  spamKey,
  type Correlated,
  type CorrelatorOptions,
} from './correlator.js';
export { Lru } from './lru.js';
