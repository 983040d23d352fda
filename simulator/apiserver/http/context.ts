/** What the HTTP handlers share: the store, clock-derived print context, faults, open watches. */
import type { FaultInjector } from '../faults.js';
import type { PrintContext, HpaTargetsStyle } from '../printers/table.js';
import type { ObjectStore } from '../store/store.js';

export interface OpenWatch {
  /** Ends the stream; `abrupt` destroys the socket instead of finishing the chunked body. */
  close(abrupt: boolean): void;
}

export interface HttpContext {
  readonly store: ObjectStore;
  readonly faults: FaultInjector;
  readonly hpaTargetsStyle: HpaTargetsStyle;
  readonly bookmarkIntervalMs: number;
  readonly openWatches: Set<OpenWatch>;
}

export function printContext(ctx: HttpContext): PrintContext {
  return { now: ctx.store.now(), hpaTargetsStyle: ctx.hpaTargetsStyle };
}
