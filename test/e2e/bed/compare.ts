/**
 * Records every shadow comparison hpa-ts makes (one per status write of kube-controller-manager's
 * HPA controller), adds what the ShadowComparator leaves out — status.currentMetrics, compared
 * exactly as written — and keeps the inputs of every disagreement for the report.
 */
import type { HorizontalPodAutoscalerStatus } from '../../../algorithms/index.js';
import { decisionRecord, type DecisionRecord } from '../../../controller/decision-log.js';
import type { ReconcileOutcome } from '../../../controller/reconciler.js';
import type { ShadowComparator, ShadowComparison } from '../../../controller/shadow.js';
import type { Feature } from './features.js';

export interface ComparisonRecord {
  readonly namespace: string;
  readonly hpa: string;
  readonly at: number;
  /** the bed's epoch of the scenario when hpa-ts compared */
  readonly epoch: number;
  readonly agree: boolean;
  readonly desiredAgree: boolean;
  readonly conditionsAgree: boolean;
  readonly metricsAgree: boolean;
  readonly differences: readonly string[];
  readonly builtin: ShadowComparison['builtin'] & { readonly currentMetrics: unknown; readonly lastScaleTime?: string };
  readonly ours: ShadowComparison['ours'] & { readonly currentMetrics: unknown };
  /** hpa-ts's decision with its inputs and steps (kept for disagreements) */
  readonly decision?: DecisionRecord;
  readonly history?: unknown;
  /** the behaviours this decision exercised (features.ts) */
  readonly features?: readonly Feature[];
}

/** Tags a compared decision with the features it exercised (the bed knows the pods and the release). */
export type FeatureTagger = (
  outcome: ReconcileOutcome & { readonly decision: NonNullable<ReconcileOutcome['decision']> },
  builtinConditions: readonly { type: string; status: string }[],
) => readonly Feature[];

/** JSON with sorted keys and without null/undefined members: equal means semantically equal as written. */
export function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, value: unknown) => {
    if (value === null || value === undefined) return undefined;
    if (typeof value === 'object' && !Array.isArray(value)) {
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
      );
    }
    return value;
  });
}

export class ComparisonRecorder {
  readonly records: ComparisonRecord[] = [];
  private seen = 0;
  /** hpa-ts outcomes per namespace (the lock-step driver waits for them) */
  readonly lastOutcomeAt = new Map<string, number>();
  /** every hpa-ts reconcile per namespace: when, and whether it compared a built-in sync */
  readonly outcomes = new Map<string, { at: number; compared: boolean }[]>();

  constructor(
    private readonly shadow: () => ShadowComparator | undefined,
    private readonly epochOf: (namespace: string) => number,
    private readonly historyOf?: (key: string) => unknown,
    private readonly featuresOf?: FeatureTagger,
  ) {}

  /** hpa-ts was restarted: its ShadowComparator counts from zero again. */
  reset(): void {
    this.seen = 0;
  }

  /** The StartOverrides.onOutcome hook of hpa-ts (runs after the ShadowComparator). */
  onOutcome(outcome: ReconcileOutcome): void {
    const ns = outcome.key.split('/')[0];
    const now = Date.now();
    this.lastOutcomeAt.set(ns, now);
    const shadow = this.shadow();
    const total = shadow === undefined ? this.seen : shadow.agreed + shadow.disagreed;
    const list = this.outcomes.get(ns) ?? [];
    list.push({ at: now, compared: total !== this.seen });
    this.outcomes.set(ns, list);
    if (shadow === undefined || total === this.seen) return;
    this.seen = total;
    const all = shadow.comparisons();
    const cmp = all[all.length - 1];
    if (cmp === undefined || cmp.hpa !== outcome.key || outcome.decision === undefined) return;
    const theirStatus = (outcome.hpa?.status ?? {}) as HorizontalPodAutoscalerStatus;
    const ourStatus = outcome.decision.status;
    const theirs = theirStatus.currentMetrics ?? [];
    const mine = ourStatus.currentMetrics ?? [];
    const metricsAgree = canonical(theirs) === canonical(mine);
    const differences = [...cmp.differences];
    if (!metricsAgree) differences.push(`currentMetrics: built-in ${canonical(theirs)}, hpa-ts ${canonical(mine)}`);
    const desiredAgree = !cmp.differences.some((d) => d.startsWith('desiredReplicas'));
    const conditionsAgree = !cmp.differences.some((d) => d.startsWith('conditions'));
    const agree = differences.length === 0;
    const decision = outcome.decision;
    const features = this.featuresOf?.({ ...outcome, decision }, cmp.builtin.conditions) ?? [];
    this.records.push({
      namespace: ns,
      hpa: outcome.key,
      at: Date.now(),
      epoch: this.epochOf(ns),
      agree,
      desiredAgree,
      conditionsAgree,
      metricsAgree,
      differences,
      builtin: {
        ...cmp.builtin,
        currentMetrics: theirs,
        ...(theirStatus.lastScaleTime ? { lastScaleTime: String(theirStatus.lastScaleTime) } : {}),
      },
      ours: { ...cmp.ours, currentMetrics: mine },
      features,
      ...(agree ? {} : { decision: decisionRecord(decision), history: this.historyOf?.(outcome.key) }),
    });
  }

  forNamespace(ns: string): ComparisonRecord[] {
    return this.records.filter((r) => r.namespace === ns);
  }
}

export interface AgreementSummary {
  readonly scenarios: number;
  readonly compared: number;
  readonly agreed: number;
  readonly percent: number;
  readonly desiredAgreed: number;
  readonly conditionsAgreed: number;
  readonly metricsAgreed: number;
}

export function summarize(records: readonly ComparisonRecord[], scenarios: number): AgreementSummary {
  const agreed = records.filter((r) => r.agree).length;
  return {
    scenarios,
    compared: records.length,
    agreed,
    percent: records.length === 0 ? 0 : Math.floor((agreed / records.length) * 10000) / 100,
    desiredAgreed: records.filter((r) => r.desiredAgree).length,
    conditionsAgreed: records.filter((r) => r.conditionsAgree).length,
    metricsAgreed: records.filter((r) => r.metricsAgree).length,
  };
}
