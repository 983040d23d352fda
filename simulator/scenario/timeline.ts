/**
 * The `kubectl get hpa -w` view of a run: every change of an HPA's printed row (the server's own
 * Table printer, so TARGETS reads exactly like `kubectl get hpa`: `66m/50`, `cpu: 42%/50%`) becomes
 * one line, with the load offered to its target beside it. AGE is left out of "changed": like
 * kubectl, a line is printed when the object changes, and only then does AGE move.
 */
import { Resources, type ObjectStore, type WatchHandle } from '../apiserver/index.js';
import { asArray, asNumber, asObject, asString } from '../apiserver/json.js';
import { hpaPrinter } from '../apiserver/printers/hpa.js';
import type { HpaTargetsStyle } from '../apiserver/printers/table.js';
import type { KubeObject } from '../apiserver/types.js';

/**
 * A status a controller wrote, not the one the API server gives a new HPA
 * (`{currentMetrics: null, desiredReplicas: 0}`, apiserver/kinds/autoscaling.ts).
 */
function controllerWroteStatus(status: unknown): boolean {
  const s = asObject(status) ?? {};
  return (
    asArray(s.conditions).length > 0 ||
    asArray(s.currentMetrics).length > 0 ||
    (asNumber(s.currentReplicas) ?? 0) !== 0 ||
    (asNumber(s.desiredReplicas) ?? 0) !== 0 ||
    s.lastScaleTime !== undefined ||
    s.observedGeneration !== undefined
  );
}

export type Cell = string | number;

export interface TimelineEntry {
  /** epoch ms of the change */
  readonly at: number;
  readonly elapsedSeconds: number;
  /** namespace/name */
  readonly hpa: string;
  /** NAME REFERENCE TARGETS MINPODS MAXPODS REPLICAS AGE */
  readonly cells: readonly Cell[];
  /** requests per second offered to the scale target then, if the load model knows it */
  readonly loadRps: number | undefined;
  /** the controller has written a status (the first line after `kubectl apply` has none) */
  readonly hasStatus: boolean;
}

export interface TimelineOptions {
  readonly store: ObjectStore;
  readonly now: () => number;
  /** elapsed time counts from here */
  readonly start: number;
  readonly hpaTargetsStyle: HpaTargetsStyle;
  /** load offered to a workload `namespace/name` */
  readonly loadOf?: (workload: string) => number | undefined;
  readonly onEntry?: (e: TimelineEntry) => void;
  /** keep every entry in `entries` (default true; a streaming caller may not need them) */
  readonly keep?: boolean;
}

export const TIMELINE_HEADER = [
  'NAME',
  'REFERENCE',
  'TARGETS',
  'MINPODS',
  'MAXPODS',
  'REPLICAS',
  'AGE',
  'LOAD',
] as const;

/** The scale target of an HPA as a load-model workload key. */
export function targetWorkload(hpa: KubeObject): string {
  const ref = asObject(asObject(hpa.spec)?.scaleTargetRef) ?? {};
  return `${hpa.metadata.namespace ?? ''}/${asString(ref.name) ?? ''}`;
}

export class HpaTimeline {
  readonly entries: TimelineEntry[] = [];
  /** lines produced so far (kept or not) */
  count = 0;
  private readonly last = new Map<string, string>();
  private watch: WatchHandle | undefined;

  constructor(private readonly opts: TimelineOptions) {}

  start(): void {
    this.watch = this.opts.store.watch(Resources.horizontalPodAutoscalers, {}, (ev) => {
      if (ev.type === 'BOOKMARK') return;
      const key = `${ev.object.metadata.namespace ?? ''}/${ev.object.metadata.name ?? ''}`;
      if (ev.type === 'DELETED') {
        this.last.delete(key);
        return;
      }
      this.observe(key, ev.object);
    });
  }

  stop(): void {
    this.watch?.stop();
  }

  private observe(key: string, hpa: KubeObject): void {
    const now = this.opts.now();
    const cells = hpaPrinter
      .cells(hpa, { now, hpaTargetsStyle: this.opts.hpaTargetsStyle })
      .map((c) => (c === null ? '' : typeof c === 'boolean' ? String(c) : c));
    const fingerprint = JSON.stringify(cells.slice(0, 6));
    if (this.last.get(key) === fingerprint) return;
    this.last.set(key, fingerprint);
    const entry: TimelineEntry = {
      at: now,
      elapsedSeconds: (now - this.opts.start) / 1000,
      hpa: key,
      cells,
      loadRps: this.opts.loadOf?.(targetWorkload(hpa)),
      hasStatus: controllerWroteStatus(hpa.status),
    };
    this.count++;
    if (this.opts.keep !== false) this.entries.push(entry);
    this.opts.onEntry?.(entry);
  }
}

/** Formats rps for the LOAD column: `1000 rps`, `12.5 rps`, `0.03 rps`. */
export function formatRps(rps: number | undefined): string {
  if (rps === undefined) return '';
  if (rps > 0 && rps < 1) return `${Number(rps.toPrecision(2))} rps`;
  const r = Math.round(rps * 10) / 10;
  return `${Number.isInteger(r) ? r.toFixed(0) : r.toFixed(1)} rps`;
}

/** Column widths like kubectl's tabwriter (padding 3), from the names it will print. */
export class TimelineFormatter {
  private readonly widths: number[];

  constructor(names: readonly string[] = [], references: readonly string[] = []) {
    this.widths = [
      Math.max(4, ...names.map((n) => n.length)),
      Math.max(9, ...references.map((r) => r.length)),
      14,
      7,
      7,
      8,
      5,
      0,
    ];
  }

  private row(cells: readonly Cell[]): string {
    return cells
      .map((c, i) => (i === cells.length - 1 ? String(c) : String(c).padEnd(this.widths[i])))
      .join('   ')
      .trimEnd();
  }

  header(): string {
    return this.row(TIMELINE_HEADER);
  }

  line(e: TimelineEntry): string {
    return this.row([...e.cells, formatRps(e.loadRps)]);
  }
}
