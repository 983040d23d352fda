import type { HorizontalPodAutoscaler, HorizontalPodAutoscalerStatus, HpaHistory } from '../algorithms/index.js';
import { decisionRecord } from './decision-log.js';
import type { Logger } from './logging.js';
import type { ControllerMetrics } from './monitor.js';
import type { ReconcileOutcome } from './reconciler.js';

/** What the built-in controller wrote, as seen in one HPA status update. */
export interface BuiltinSync {
  readonly currentReplicas: number;
  readonly desiredReplicas: number;
  /**
   * The built-in changed the scale in this sync. A status whose desiredReplicas differs from
   * currentReplicas is not enough: a metrics error keeps the old desiredReplicas (0 for a new HPA)
   * without any rescale.
   */
  readonly rescaled: boolean;
  readonly conditions: readonly { readonly type: string; readonly status: string; readonly reason?: string }[];
  /**
   * The status the built-in read in this sync: the one its write replaced. Its conditions are an
   * input (a target at 0 replicas is autoscaled only with ScaledToZero=True, R3.10.4), so the
   * comparison decides on it, not on the status the built-in has just written.
   */
  readonly readStatus?: HorizontalPodAutoscalerStatus;
}

export interface ShadowComparison {
  readonly hpa: string;
  readonly agree: boolean;
  readonly builtin: BuiltinSync;
  readonly ours: {
    readonly desiredReplicas: number;
    readonly conditions: readonly { type: string; status: string; reason?: string }[];
  };
  readonly differences: readonly string[];
}

/** Did this update come from a built-in controller sync (its status changed)? */
export function builtinSyncOf(
  prev: HorizontalPodAutoscaler | undefined,
  next: HorizontalPodAutoscaler,
): BuiltinSync | undefined {
  const s = next.status;
  if (s === null || s === undefined) return undefined;
  const p = prev?.status;
  const changed =
    p === null ||
    p === undefined ||
    p.desiredReplicas !== s.desiredReplicas ||
    (p.currentReplicas ?? 0) !== (s.currentReplicas ?? 0) ||
    p.lastScaleTime !== s.lastScaleTime ||
    JSON.stringify(p.conditions ?? []) !== JSON.stringify(s.conditions ?? []) ||
    JSON.stringify(p.currentMetrics ?? []) !== JSON.stringify(s.currentMetrics ?? []);
  if (!changed || (s.conditions ?? []).length === 0) return undefined;
  // upstream reconcileAutoscaler sets AbleToScale/SucceededRescale and lastScaleTime only after a rescale
  const rescaled =
    (s.conditions ?? []).some((c) => c.type === 'AbleToScale' && c.reason === 'SucceededRescale') ||
    (p !== null && p !== undefined && s.lastScaleTime != null && p.lastScaleTime !== s.lastScaleTime);
  return {
    currentReplicas: s.currentReplicas ?? 0,
    desiredReplicas: s.desiredReplicas,
    rescaled,
    conditions: conditionsOf(s),
    ...(p !== null && p !== undefined ? { readStatus: p } : {}),
  };
}

function conditionsOf(s: HorizontalPodAutoscalerStatus): BuiltinSync['conditions'] {
  return (s.conditions ?? []).map((c) => ({
    type: c.type,
    status: c.status,
    ...(c.reason !== undefined ? { reason: c.reason } : {}),
  }));
}

/**
 * One recommendation per sync of the built-in controller, in shadow mode. The built-in records a
 * recommendation at every sync, but shows only the syncs that change its status; hpa-ts's own
 * periodic reconciles stand in for the silent ones. When a periodic reconcile and a comparison
 * fall in the same round (within half a sync period of each other), they stand for the same
 * built-in sync: the comparison's recommendation is the one kept. Without this, a periodic
 * reconcile that ran just after the built-in rescaled — reading the new replica count with the
 * old metrics — left a recommendation the built-in never made (classify.ts,
 * 'shadow-periodic-history').
 */
export class ShadowRounds {
  /** key → the last periodic reconcile that recorded: when, and the history before it */
  private readonly periodicRound = new Map<string, { at: number; before: HpaHistory }>();
  /** key → time of the last comparison */
  private readonly comparedAt = new Map<string, number>();

  constructor(private readonly syncPeriodMs: number) {}

  /**
   * The history a comparison decides on: as it was before the periodic reconcile of its round, as
   * if that one had not run (the comparison then records what it recorded, the initial
   * recommendation of a new HPA included, as the built-in did in that sync).
   */
  forComparison(key: string, history: HpaHistory, now: number): HpaHistory {
    const round = this.periodicRound.get(key);
    return round === undefined || now - round.at >= this.syncPeriodMs / 2 ? history : round.before;
  }

  /** Whether a periodic reconcile at `now` records its recommendation (not when the round had a comparison). */
  periodicRecords(key: string, now: number): boolean {
    const at = this.comparedAt.get(key);
    return at === undefined || now - at >= this.syncPeriodMs / 2;
  }

  compared(key: string, now: number): void {
    this.comparedAt.set(key, now);
    this.periodicRound.delete(key);
  }

  /** A periodic reconcile at `now` recorded; `before` is the history it started from. */
  periodic(key: string, now: number, before: HpaHistory): void {
    this.periodicRound.set(key, { at: now, before });
  }

  forget(key: string): void {
    this.periodicRound.delete(key);
    this.comparedAt.delete(key);
  }
}

/**
 * Shadow mode: every time the built-in controller writes an HPA's status, hpa-ts computes its own
 * decision from the same current replica count and the metrics of that moment, writes nothing,
 * and compares — desiredReplicas and the conditions (type, status, reason). Agreement counters
 * go to /metrics; every disagreement is logged with both values and our inputs.
 */
export class ShadowComparator {
  private readonly results: ShadowComparison[] = [];
  private agreeCount = 0;
  private disagreeCount = 0;

  constructor(private readonly deps: { log: Logger; monitor?: ControllerMetrics; keep?: number }) {}

  compare(outcome: ReconcileOutcome, builtin: BuiltinSync): ShadowComparison | undefined {
    const d = outcome.decision;
    if (d === undefined) return undefined;
    const desired = d.status.desiredReplicas;
    const ours = { desiredReplicas: desired, conditions: conditionsOf(d.status) };
    const differences: string[] = [];
    if (desired !== builtin.desiredReplicas)
      differences.push(`desiredReplicas: built-in ${builtin.desiredReplicas}, hpa-ts ${desired}`);
    const key = (c: { type: string; status: string; reason?: string }): string =>
      `${c.type}=${c.status}/${c.reason ?? ''}`;
    const theirs = builtin.conditions
      .filter((c) => c.type !== 'AbleToScale')
      .map(key)
      .join(', ');
    const mine = ours.conditions
      .filter((c) => c.type !== 'AbleToScale')
      .map(key)
      .join(', ');
    // AbleToScale differs by construction: ours never wrote the scale (SucceededRescale vs not).
    if (theirs !== mine) differences.push(`conditions: built-in [${theirs}], hpa-ts [${mine}]`);
    const cmp: ShadowComparison = { hpa: d.key, agree: differences.length === 0, builtin, ours, differences };
    this.results.push(cmp);
    if (this.results.length > (this.deps.keep ?? 10_000)) this.results.shift();
    const labels = { namespace: d.namespace, hpa_name: d.name, result: cmp.agree ? 'agree' : 'disagree' };
    this.deps.monitor?.shadowDecisions.inc(labels);
    if (cmp.agree) {
      this.agreeCount++;
      this.deps.log.debug(
        { hpa: d.key, namespace: d.namespace, reason: 'ShadowAgree', desired },
        'shadow: agrees with the built-in controller',
      );
    } else {
      this.disagreeCount++;
      this.deps.log.warn(
        {
          hpa: d.key,
          namespace: d.namespace,
          reason: 'ShadowDisagree',
          builtin,
          ours,
          differences,
          inputs: decisionRecord(d),
        },
        `shadow: disagrees with the built-in controller: ${differences.join('; ')}`,
      );
    }
    return cmp;
  }

  get agreed(): number {
    return this.agreeCount;
  }

  get disagreed(): number {
    return this.disagreeCount;
  }

  comparisons(): readonly ShadowComparison[] {
    return this.results;
  }
}
