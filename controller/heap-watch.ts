/**
 * Reports a V8 heap running out before it does (issue 16; docs/deploy.md "Memory and the heap
 * limit"): `hpa_ts_heap_used_ratio` (heap used / heap limit, the limit being --max-old-space-size
 * plus the young generation, as V8 counts it) on every sample, and one warn line `HeapNearLimit`
 * when the ratio crosses 0.85 — once per crossing: it is said again only after the heap went back
 * under 0.80, so a heap hovering at the threshold does not flood the log.
 */
import { getHeapStatistics } from 'node:v8';
import type { Gauge } from 'prom-client';
import type { Logger } from './logging.js';

export const HEAP_NEAR_LIMIT_RATIO = 0.85;
/** the ratio under which a later crossing is reported again */
export const HEAP_REARM_RATIO = 0.8;
/** how often `run` samples the heap */
export const HEAP_SAMPLE_MS = 10_000;

export interface HeapStats {
  readonly used_heap_size: number;
  readonly heap_size_limit: number;
}

export interface HeapWatchOptions {
  readonly gauge: Gauge;
  readonly log: Pick<Logger, 'warn' | 'info'>;
  /** default v8.getHeapStatistics */
  readonly stats?: () => HeapStats;
}

export class HeapWatch {
  private near = false;
  private readonly stats: () => HeapStats;

  constructor(private readonly opts: HeapWatchOptions) {
    this.stats = opts.stats ?? getHeapStatistics;
  }

  /** Reads the heap once: sets the gauge, logs a crossing; returns the ratio. */
  sample(): number {
    const s = this.stats();
    const ratio = s.heap_size_limit > 0 ? s.used_heap_size / s.heap_size_limit : 0;
    this.opts.gauge.set(ratio);
    const mib = (n: number): number => Math.round(n / 1048576);
    if (!this.near && ratio > HEAP_NEAR_LIMIT_RATIO) {
      this.near = true;
      this.opts.log.warn(
        { reason: 'HeapNearLimit', heapUsedMiB: mib(s.used_heap_size), heapLimitMiB: mib(s.heap_size_limit), ratio },
        `heap at ${(ratio * 100).toFixed(0)} % of its limit: raise the container's memory limit before the process runs out`,
      );
    } else if (this.near && ratio < HEAP_REARM_RATIO) {
      this.near = false;
      this.opts.log.info(
        { reason: 'HeapBelowLimit', heapUsedMiB: mib(s.used_heap_size), heapLimitMiB: mib(s.heap_size_limit), ratio },
        'heap back under 80 % of its limit',
      );
    }
    return ratio;
  }
}
