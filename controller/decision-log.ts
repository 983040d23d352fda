import {
  formatGoDuration,
  formatInstant,
  type Decision,
  type StaleSamplesOutcome,
  type UnclampedRecommendation,
} from '../algorithms/index.js';
import type { Logger } from './logging.js';
import type { ControllerMetrics } from './monitor.js';
import type { ReconcileOutcome, WriteMode } from './reconciler.js';

/**
 * The decision as one JSON-able record: what dry-run logs for every decision, what normal mode
 * logs when the replica count changes, and what `explain -o json` prints.
 */
export interface DecisionRecord {
  readonly hpa: string;
  readonly namespace: string;
  readonly name: string;
  readonly reference: string;
  readonly current: number | null;
  readonly desired: number;
  readonly action: 'scale_up' | 'scale_down' | 'none';
  readonly metrics: readonly {
    readonly type: string;
    readonly metric?: string;
    readonly value?: string;
    readonly target?: string;
    readonly ratio?: number;
    readonly toleranceVerdict?: 'within' | 'outside';
    readonly pods?: {
      readonly ready: number;
      readonly unready: number;
      readonly missing: number;
      readonly ignored: number;
    };
    readonly rebalancedRatio?: number;
    readonly proposal?: number;
    readonly error?: string;
    readonly reason?: string;
  }[];
  readonly metricsProposal: number | null;
  /**
   * What the metrics asked for before stabilization, the policies and min/max, the count decided
   * and each limit in order; or, replicas null, why there is none (docs/recommendation.md)
   */
  readonly unclamped: UnclampedRecommendation;
  readonly stabilization: null | {
    readonly path: 'legacy' | 'behavior';
    readonly recommended: number;
    readonly stabilized: number;
    readonly applied: string | null;
    readonly scaleUpWindowSeconds?: number;
    readonly scaleDownWindowSeconds: number;
  };
  readonly limit: null | { readonly reason: string; readonly message: string; readonly replicas: number };
  readonly conditions: readonly {
    readonly type: string;
    readonly status: string;
    readonly reason?: string;
    readonly message?: string;
  }[];
  readonly events: readonly { readonly type: string; readonly reason: string; readonly message: string }[];
  readonly error: string | null;
  readonly reason: string;
  readonly steps: readonly string[];
  /** the stale-sample cut-off (`--metrics-max-age`, `hpa-ts.io/metrics-max-age`) when on */
  readonly staleSamples?: {
    readonly maxAge: string;
    readonly source: 'flag' | 'annotation';
    readonly dropped: readonly {
      readonly metric: string;
      readonly pod?: string;
      readonly labels?: Readonly<Record<string, string>>;
      readonly timestamp: string;
      readonly age: string;
    }[];
  };
}

/** The scale change made (or, in dry-run, that would be made): none when the write failed. */
function actionOf(d: Decision): DecisionRecord['action'] {
  if (d.rescale === null || d.rescale.write === 'failed') return 'none';
  return d.rescale.to > d.rescale.from ? 'scale_up' : 'scale_down';
}

export function decisionRecord(d: Decision): DecisionRecord {
  return {
    hpa: d.key,
    namespace: d.namespace,
    name: d.name,
    reference: d.reference,
    current: d.currentReplicas,
    desired: d.status.desiredReplicas,
    action: actionOf(d),
    metrics: d.metrics.map((m) =>
      m.ok
        ? {
            type: m.type,
            metric: m.description,
            value: m.current,
            target: m.target,
            ratio: m.detail.ratio,
            toleranceVerdict: m.detail.withinTolerance ? ('within' as const) : ('outside' as const),
            ...(m.detail.readyPods !== undefined
              ? {
                  pods: {
                    ready: m.detail.readyPods,
                    unready: m.detail.unreadyPods?.length ?? 0,
                    missing: m.detail.missingPods?.length ?? 0,
                    ignored: m.detail.ignoredPods?.length ?? 0,
                  },
                }
              : {}),
            ...(m.detail.rebalancedRatio !== undefined ? { rebalancedRatio: m.detail.rebalancedRatio } : {}),
            proposal: m.proposal,
          }
        : { type: m.type, error: m.eventMessage, reason: m.condition.reason },
    ),
    metricsProposal: d.metricDesiredReplicas,
    unclamped: d.unclamped,
    stabilization:
      d.normalization === null
        ? null
        : {
            path: d.normalization.path,
            recommended: d.normalization.prenormalized,
            stabilized: d.normalization.stabilized,
            applied: d.normalization.stabilizationReason,
            ...(d.normalization.scaleUpWindowSeconds !== undefined
              ? { scaleUpWindowSeconds: d.normalization.scaleUpWindowSeconds }
              : {}),
            scaleDownWindowSeconds: d.normalization.scaleDownWindowSeconds,
          },
    limit:
      d.normalization === null
        ? null
        : {
            reason: d.normalization.limited.reason,
            message: d.normalization.limited.message,
            replicas: d.normalization.limited.replicas,
          },
    conditions: (d.status.conditions ?? []).map((c) => ({
      type: c.type,
      status: c.status,
      reason: c.reason,
      message: c.message,
    })),
    events: d.events,
    error: d.error?.message ?? null,
    reason: d.reason,
    steps: d.explanation,
    ...(d.staleSamples === undefined ? {} : { staleSamples: staleSamplesRecord(d.staleSamples) }),
  };
}

function staleSamplesRecord(s: StaleSamplesOutcome): NonNullable<DecisionRecord['staleSamples']> {
  return {
    maxAge: formatGoDuration(s.maxAgeMs / 1000),
    source: s.source,
    dropped: s.dropped.map((x) => ({
      metric: x.metric,
      ...(x.pod === undefined ? {} : { pod: x.pod }),
      ...(x.labels === undefined ? {} : { labels: x.labels }),
      timestamp: formatInstant(x.timestamp),
      age: formatGoDuration(x.ageMs / 1000),
    })),
  };
}

/**
 * The log line of one reconcile: in dry-run and shadow mode every decision (and its count on
 * /metrics); in write mode a rescale at info, a failure at warn, anything else at debug.
 */
export function logOutcome(
  outcome: ReconcileOutcome,
  mode: WriteMode,
  log: Logger,
  monitor: ControllerMetrics | undefined,
): void {
  const d = outcome.decision;
  if (d === undefined) return;
  const [namespace, name] = [d.namespace, d.name];
  if (mode !== 'write') {
    const record = decisionRecord(d);
    monitor?.dryRunDecisions.inc({ namespace, hpa_name: name, action: record.action });
    if (mode === 'dry-run') log.info({ ...record, mode: 'dry-run' }, `dry-run: ${d.reason}`);
    return;
  }
  if (outcome.scaled !== undefined) {
    log.info({ ...decisionRecord(d), mode: 'write' }, d.reason);
  } else if (outcome.error !== undefined) {
    log.warn(
      {
        hpa: d.key,
        namespace,
        reason: d.error !== null ? 'ReconcileError' : 'StatusWriteFailed',
        err: outcome.error.message,
      },
      d.reason,
    );
  } else {
    log.debug(
      { hpa: d.key, namespace, current: d.currentReplicas, desired: d.status.desiredReplicas, reason: 'NoChange' },
      d.reason,
    );
  }
}
