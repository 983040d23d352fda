/**
 * The controller's Clock port. It is defined in transport/clock.ts, the bottom layer, so the
 * transport, the controller and the simulator read one interface; this file keeps the
 * controller's own imports short.
 */
export {
  AbortError,
  MAX_TIMER_MS,
  monotonicNow,
  realClock,
  sleepUnlessAborted,
  type Clock,
} from '../transport/clock.js';
