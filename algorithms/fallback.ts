/**
 * hpa-ts.io/fallback-replicas (docs/annotations.md, fallback), KEDA's ScaledObject fallback for
 * any HPA and any metric type: after more than `failureThreshold` reconciles in a row in which a
 * metric could not be computed, the fallback count stands in for the failed metrics' proposals
 * and goes through normalization (stabilization, behavior policies, [minReplicas, maxReplicas])
 * like any recommendation. Without the annotation, and with nothing of it left over, the metrics
 * path and the decision are upstream's, untouched.
 */
import { FallbackBehavior, HpaAnnotation, type FallbackAnnotations } from './annotations.js';
import type { HorizontalPodAutoscalerCondition } from './api-types.js';
import { findCondition, removeCondition, setCondition, type ConditionUpdate } from './conditions.js';
import { reviseDecision, type Reconcile } from './decision-build.js';
import type { Decision, DecisionEvent, FallbackOutcome } from './decision.js';
import type { FallbackHistory, HpaHistory } from './history.js';
import type { MetricsComputed } from './metrics-path.js';

/** The condition fallback puts on an HPA; removed again when the annotation goes. */
export const FALLBACK_CONDITION = 'Fallback';

export const FallbackReason = {
  /** True: this reconcile recommended the fallback count */
  FallbackActive: 'FallbackActive',
  /** False: a metric failed, not yet more than failureThreshold times in a row */
  BelowFailureThreshold: 'BelowFailureThreshold',
  /** False: every metric was computed */
  MetricsAvailable: 'MetricsAvailable',
} as const;

/** What the metrics path goes on with: §2's result (or the fallback's), the history, the rescale reason. */
export interface FallbackStep {
  readonly computed: MetricsComputed;
  readonly history: HpaHistory;
  /** the rescale event's reason when the fallback count is the recommendation; else null (upstream's) */
  readonly reason: string | null;
}

/** The count fallback asks for at `currentReplicas` (KEDA doFallback), within [min, max]. */
export function fallbackReplicas(
  config: FallbackAnnotations,
  currentReplicas: number,
  bounds: { readonly minReplicas: number; readonly maxReplicas: number },
): number {
  const asked =
    config.behavior === FallbackBehavior.currentReplicasIfHigher
      ? Math.max(currentReplicas, config.replicas)
      : config.behavior === FallbackBehavior.currentReplicasIfLower
        ? Math.min(currentReplicas, config.replicas)
        : config.replicas;
  return Math.min(bounds.maxReplicas, Math.max(bounds.minReplicas, asked));
}

/**
 * The state before this reconcile: the one kept in the history; without one (a fresh process, or
 * `hpa-ts explain`) an HPA whose Fallback condition is True resumes in fallback, so a restart
 * neither waits failureThreshold more reconciles nor announces the fallback again.
 */
function priorState(r: Reconcile, config: FallbackAnnotations, history: HpaHistory): FallbackHistory {
  if (history.fallback !== undefined) return history.fallback;
  return findCondition(r.originalStatus.conditions, FALLBACK_CONDITION)?.status === 'True'
    ? { consecutiveFailures: config.failureThreshold, active: true }
    : { consecutiveFailures: 0, active: false };
}

/**
 * The count after this reconcile: reset by a reconcile whose metrics were all computed; one more
 * for a failing one, unless it comes within half a sync period of the last failure counted (a
 * retry of hpa-ts's error back-off, docs/differences.md), so the threshold counts sync periods
 * as KEDA's counts polling intervals.
 */
function nextState(
  prior: FallbackHistory,
  failed: boolean,
  input: { readonly now: number; readonly syncPeriodMs?: number },
): Omit<FallbackHistory, 'active'> {
  if (!failed) return { consecutiveFailures: 0 };
  const { now, syncPeriodMs } = input;
  const last = prior.lastCountedAt;
  // a clock set back (now < last) makes no retry
  const retry = last !== undefined && syncPeriodMs !== undefined && now >= last && now - last < syncPeriodMs / 2;
  if (retry) return { consecutiveFailures: prior.consecutiveFailures, lastCountedAt: last };
  return { consecutiveFailures: prior.consecutiveFailures + 1, lastCountedAt: now };
}

/**
 * Between §2 and normalization (§3.1 step 7): counts the reconcile as failed when a metric could
 * not be computed (all of them, or some: the partial-failure case) and, past the threshold,
 * replaces §2's result by the higher of the fallback count and the metrics that worked. A
 * reconcile whose selector was rejected computed no metric: it neither counts nor resets.
 */
export function fallbackStep(
  r: Reconcile,
  computed: MetricsComputed,
  currentReplicas: number,
  history: HpaHistory,
): FallbackStep {
  const config = r.input.annotations?.fallback ?? null;
  const unchanged = { computed, history, reason: null };
  if (config === null || computed.selector === null || computed.tolerances === null) return unchanged;
  if (computed.evaluations.length === 0 && !computed.ok) return unchanged;
  const prior = priorState(r, config, history);
  const failed = computed.evaluations.some((ev) => !ev.ok);
  const counted = nextState(prior, failed, r.input);
  const { consecutiveFailures } = counted;
  const active = failed && consecutiveFailures > config.failureThreshold;
  const state: FallbackHistory = { ...counted, active };
  const replicas = fallbackReplicas(config, currentReplicas, r);
  r.fallback = { config, state, replicas, started: active && !prior.active, ended: !active && prior.active };
  const kept = { ...history, fallback: state };
  if (!active) return { computed, history: kept, reason: null };
  let best = -1;
  let metric = '';
  for (const ev of computed.evaluations) {
    if (ev.ok && ev.proposal > best) {
      best = ev.proposal;
      metric = ev.description;
    }
  }
  const fallbackWins = replicas >= best;
  return {
    computed: {
      ok: true,
      selector: computed.selector,
      tolerances: computed.tolerances,
      evaluations: computed.evaluations,
      replicas: fallbackWins ? replicas : best,
      metric: fallbackWins ? HpaAnnotation.fallbackReplicas : metric,
      // the failure stays the reconcile's error (logged, counted), after the rescale
      partialError: computed.ok ? computed.partialError : computed.error,
    },
    history: kept,
    reason: fallbackWins
      ? `${HpaAnnotation.fallbackReplicas}: ${consecutiveFailures} reconciles in a row with a failed metric`
      : null,
  };
}

/**
 * After upstream's decision, for every path: the Fallback condition and the start and end
 * events of a reconcile that computed metrics; the condition and the kept state removed once the
 * annotation is gone. Other paths keep the condition and state as they were.
 */
export function withFallback(r: Reconcile, d: Decision): Decision {
  const config = r.input.annotations?.fallback ?? null;
  const outcome = r.fallback;
  if (config === null) {
    const conditions = d.status.conditions ?? [];
    if (d.history.fallback === undefined && findCondition(conditions, FALLBACK_CONDITION) === undefined) return d;
    const { fallback: _dropped, ...history } = d.history;
    return revise(d, { history, conditions: removeCondition(conditions, FALLBACK_CONDITION), events: d.events });
  }
  if (outcome === undefined) return d;
  const events: DecisionEvent[] = [...d.events];
  if (outcome.started) events.push({ type: 'Warning', reason: 'FallbackStarted', message: fallbackMessage(outcome) });
  if (outcome.ended)
    events.push({
      type: 'Normal',
      reason: 'FallbackEnded',
      message: `every metric was computed again: fallback to ${outcome.replicas} replicas ended`,
    });
  const conditions = setCondition(d.status.conditions ?? [], fallbackCondition(outcome), r.input.now);
  return revise(d, { history: d.history, conditions, events, fallback: outcome });
}

function revise(
  d: Decision,
  c: {
    readonly history: HpaHistory;
    readonly conditions: HorizontalPodAutoscalerCondition[];
    readonly events: readonly DecisionEvent[];
    readonly fallback?: FallbackOutcome;
  },
): Decision {
  return reviseDecision(d, {
    rescale: d.rescale,
    status: { ...d.status, conditions: c.conditions },
    events: c.events,
    error: d.error,
    monitor: d.monitor,
    annotations: d.annotations,
    history: c.history,
    fallback: c.fallback,
  });
}

/** The Fallback condition: True while the fallback count is recommended, False with why not. */
export function fallbackCondition(o: FallbackOutcome): ConditionUpdate {
  const { consecutiveFailures: n } = o.state;
  if (o.state.active)
    return {
      type: FALLBACK_CONDITION,
      status: 'True',
      reason: FallbackReason.FallbackActive,
      message: fallbackMessage(o),
    };
  if (n > 0)
    return {
      type: FALLBACK_CONDITION,
      status: 'False',
      reason: FallbackReason.BelowFailureThreshold,
      message: `${n} consecutive ${n === 1 ? 'reconcile' : 'reconciles'} with a failed metric; fallback to ${describeCount(o)} starts when more than ${o.config.failureThreshold} in a row fail`,
    };
  return {
    type: FALLBACK_CONDITION,
    status: 'False',
    reason: FallbackReason.MetricsAvailable,
    message: `every metric was computed; fallback to ${describeCount(o)} would start when more than ${o.config.failureThreshold} reconciles in a row fail`,
  };
}

/** e.g. `6 replicas (hpa-ts.io/fallback-replicas "6", behavior static)` */
function describeCount(o: FallbackOutcome): string {
  const asked = String(o.config.replicas);
  return `${o.replicas} replicas (${HpaAnnotation.fallbackReplicas} ${JSON.stringify(asked)}, behavior ${o.config.behavior})`;
}

function fallbackMessage(o: FallbackOutcome): string {
  const n = o.state.consecutiveFailures;
  return `${n} consecutive reconciles with a failed metric (threshold ${o.config.failureThreshold}): recommending ${describeCount(o)}`;
}
