/**
 * The invariants the fault suite checks after every step (docs/reliability.md, "Fault injection
 * and fuzzing"). Pure: the world turns what it saw into observations, each observation is one
 * check, and a failed check is a Violation naming the invariant, the HPA and what was seen. A
 * synthetic history proves each check can fail (invariants.test.ts).
 */

export const Invariant = {
  /** a valid HPA's scale target stays within [minReplicas, maxReplicas] once reconciled */
  Bounds: 'replicas-within-bounds',
  /** no scale-down is written by a reconcile in which a metric failed */
  NoScaleDownOnFailedMetrics: 'no-scale-down-on-failed-metrics',
  /** no scale write to the replicas already there, no status write of the status already there */
  NoWriteWhenUnchanged: 'no-write-when-unchanged',
  /** within 2 sync periods after the last fault clears: a healthy reconcile, and its status true */
  Converges: 'status-converges',
  /** no exception escapes the controller */
  NoCrash: 'no-crash',
  /** no step takes longer than its bound, no call stays in flight longer than its bound */
  NoHang: 'no-hang',
} as const;
export type Invariant = (typeof Invariant)[keyof typeof Invariant];

export interface Violation {
  readonly invariant: Invariant;
  /** virtual ms since the world began */
  readonly at: number;
  readonly key: string;
  readonly detail: string;
}

/** What the world saw; `at` is virtual ms since it began (not the wall clock, which faults move). */
export type Observation =
  | {
      readonly kind: 'replicas';
      readonly at: number;
      readonly key: string;
      readonly min: number;
      readonly max: number;
      readonly replicas: number;
    }
  | {
      readonly kind: 'scale-write';
      readonly at: number;
      readonly key: string;
      readonly from: number;
      readonly to: number;
      /** a metric of this HPA failed during the reconcile that wrote */
      readonly metricsFailed: boolean;
    }
  | { readonly kind: 'status-write'; readonly at: number; readonly key: string; readonly unchanged: boolean }
  | {
      readonly kind: 'converged';
      readonly at: number;
      readonly key: string;
      readonly clearedAt: number;
      readonly syncPeriodMs: number;
      /** the last reconcile that ended without error, on metrics that all answered */
      readonly lastHealthyAt: number | undefined;
      /** status.conditions ScalingActive status */
      readonly scalingActive: string | undefined;
      readonly statusDesiredReplicas: number | undefined;
      readonly scaleReplicas: number;
    }
  | {
      readonly kind: 'step';
      readonly at: number;
      readonly realMs: number;
      readonly realBoundMs: number;
      /** virtual ms the oldest call still in flight has been waiting */
      readonly oldestInFlightMs: number;
      readonly inFlightBoundMs: number;
    }
  | { readonly kind: 'crash'; readonly at: number; readonly detail: string };

export class InvariantChecker {
  checks = 0;
  readonly violations: Violation[] = [];
  /** counted separately for the BENCH lines */
  crashes = 0;
  hangs = 0;

  observe(o: Observation): void {
    this.checks++;
    const v = check(o);
    if (v === undefined) return;
    this.violations.push(v);
    if (v.invariant === Invariant.NoCrash) this.crashes++;
    if (v.invariant === Invariant.NoHang) this.hangs++;
  }

  /** violations other than crashes and hangs */
  get invariantViolations(): number {
    return this.violations.length - this.crashes - this.hangs;
  }
}

function check(o: Observation): Violation | undefined {
  const v = (invariant: Invariant, key: string, detail: string): Violation => ({ invariant, at: o.at, key, detail });
  switch (o.kind) {
    case 'replicas':
      return o.replicas < o.min || o.replicas > o.max
        ? v(Invariant.Bounds, o.key, `replicas ${o.replicas} outside [${o.min}, ${o.max}]`)
        : undefined;
    case 'scale-write':
      if (o.to === o.from) return v(Invariant.NoWriteWhenUnchanged, o.key, `scale written with unchanged ${o.to}`);
      return o.to < o.from && o.metricsFailed
        ? v(Invariant.NoScaleDownOnFailedMetrics, o.key, `scaled down ${o.from} → ${o.to} on failed metrics`)
        : undefined;
    case 'status-write':
      return o.unchanged ? v(Invariant.NoWriteWhenUnchanged, o.key, 'status written unchanged') : undefined;
    case 'converged': {
      const late = `${(o.at - o.clearedAt) / 1000} s after the faults cleared`;
      if (o.at - o.clearedAt > 2 * o.syncPeriodMs) return v(Invariant.Converges, o.key, `checked only ${late}`);
      if (o.lastHealthyAt === undefined || o.lastHealthyAt <= o.clearedAt)
        return v(Invariant.Converges, o.key, `no healthy reconcile ${late}`);
      if (o.scalingActive !== 'True')
        return v(Invariant.Converges, o.key, `ScalingActive ${o.scalingActive ?? 'absent'} ${late}`);
      if (o.statusDesiredReplicas !== o.scaleReplicas)
        return v(
          Invariant.Converges,
          o.key,
          `status.desiredReplicas ${o.statusDesiredReplicas ?? 'absent'} ≠ scale ${o.scaleReplicas} ${late}`,
        );
      return undefined;
    }
    case 'step':
      if (o.realMs > o.realBoundMs) return v(Invariant.NoHang, '', `step took ${o.realMs} ms of real time`);
      return o.oldestInFlightMs > o.inFlightBoundMs
        ? v(Invariant.NoHang, '', `a call in flight for ${o.oldestInFlightMs / 1000} s of virtual time`)
        : undefined;
    case 'crash':
      return v(Invariant.NoCrash, '', o.detail);
    default:
      return assertNever(o);
  }
}

function assertNever(x: never): never {
  throw new Error(`unexpected observation ${JSON.stringify(x)}`);
}
