import { describe, expect, it } from '@jest/globals';
import { HeapWatch } from '../../../controller/heap-watch.js';
import { ControllerMetrics } from '../../../controller/monitor.js';

const MiB = 1048576;

/** A watch over a heap whose used size the test sets, and the lines it logged. */
function watched(limitMiB: number) {
  const monitor = new ControllerMetrics({ defaultMetrics: false });
  const heap = { used: 0 };
  const lines: Array<{ level: string; reason: unknown; fields: Record<string, unknown> }> = [];
  const log = {
    warn: (fields: Record<string, unknown>) => lines.push({ level: 'warn', reason: fields.reason, fields }),
    info: (fields: Record<string, unknown>) => lines.push({ level: 'info', reason: fields.reason, fields }),
  };
  const watch = new HeapWatch({
    gauge: monitor.heapUsedRatio,
    log: log as unknown as ConstructorParameters<typeof HeapWatch>[0]['log'],
    stats: () => ({ used_heap_size: heap.used * MiB, heap_size_limit: limitMiB * MiB }),
  });
  const gauge = async (): Promise<number | undefined> => (await monitor.heapUsedRatio.get()).values[0]?.value;
  return { watch, heap, lines, gauge, monitor };
}

describe('the heap watch', () => {
  it('exports heap used / heap limit as hpa_ts_heap_used_ratio', async () => {
    const w = watched(200);
    w.heap.used = 50;
    w.watch.sample();
    expect(await w.gauge()).toBe(0.25);
    expect(await w.monitor.registry.metrics()).toContain('hpa_ts_heap_used_ratio 0.25');
    expect(w.lines).toEqual([]);
  });

  it('warns HeapNearLimit once when the heap crosses 85 %, not on every sample above it', () => {
    const w = watched(200);
    for (const used of [100, 160, 172, 180, 190, 175]) {
      w.heap.used = used;
      w.watch.sample();
    }
    expect(w.lines.map((l) => [l.level, l.reason])).toEqual([['warn', 'HeapNearLimit']]);
    expect(w.lines[0]?.fields).toMatchObject({ heapUsedMiB: 172, heapLimitMiB: 200, ratio: 0.86 });
  });

  it('warns again only after the heap went back under 80 %', () => {
    const w = watched(100);
    for (const used of [90, 82, 90, 70, 90]) {
      w.heap.used = used;
      w.watch.sample();
    }
    expect(w.lines.map((l) => [l.level, l.reason])).toEqual([
      ['warn', 'HeapNearLimit'],
      ['info', 'HeapBelowLimit'],
      ['warn', 'HeapNearLimit'],
    ]);
  });

  it('reads the real heap by default', () => {
    const monitor = new ControllerMetrics({ defaultMetrics: false });
    const ratio = new HeapWatch({
      gauge: monitor.heapUsedRatio,
      log: { warn: () => undefined, info: () => undefined } as never,
    }).sample();
    expect(ratio).toBeGreaterThan(0);
    expect(ratio).toBeLessThan(1);
  });
});
