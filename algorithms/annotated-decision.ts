/**
 * hpa-ts's annotations applied to an upstream decision (docs/annotations.md), after §3.1 step 8
 * has planned its rescale and before the write. Upstream's decision is made first and whole, so
 * a paused HPA computes, shows and records exactly what upstream would (status.currentMetrics,
 * conditions, the recommendation history); the pause only replaces the planned write. Without
 * hpa-ts annotations (and no condition of theirs left on the status) the decision is returned as
 * it is, so it stays upstream's to the byte.
 */
import { HpaAnnotation, pauseOf, type AnnotationError } from './annotations.js';
import type { HorizontalPodAutoscalerCondition } from './api-types.js';
import { findCondition, removeCondition, setCondition } from './conditions.js';
import { reviseDecision, type Reconcile } from './decision-build.js';
import type { AnnotationOutcome, Decision, DecisionEvent, PauseOutcome } from './decision.js';
import { plannedRescale } from './rescale.js';

/** The conditions hpa-ts's annotations put on an HPA; removed again when the annotation goes. */
export const AnnotationCondition = {
  Paused: 'Paused',
  AnnotationsValid: 'AnnotationsValid',
} as const;

/** The decision `d` as the HPA's annotations (input.annotations) change it. */
export function withAnnotations(r: Reconcile, d: Decision): Decision {
  const a = r.input.annotations;
  const pause = a === undefined ? null : pauseOf(a);
  const errors = a?.errors ?? [];
  const conditions = d.status.conditions ?? [];
  const leftOver =
    findCondition(conditions, AnnotationCondition.Paused) !== undefined ||
    findCondition(conditions, AnnotationCondition.AnnotationsValid) !== undefined;
  if (pause === null && errors.length === 0 && !leftOver) return d;
  const events: DecisionEvent[] = [...d.events];
  let next = validity(conditions, errors, events, r);
  if (pause === null) {
    next = removeCondition(next, AnnotationCondition.Paused);
    return reviseDecision(d, {
      rescale: d.rescale,
      status: { ...d.status, conditions: next },
      events,
      error: d.error,
      monitor: d.monitor,
      annotations: { errors, pause: null },
    });
  }
  return paused(r, d, { annotation: pause.annotation, requested: pause.replicas }, next, events, errors);
}

/** AnnotationsValid=False naming each rejected annotation and value (and a Warning event), or removed. */
function validity(
  conditions: readonly HorizontalPodAutoscalerCondition[],
  errors: readonly AnnotationError[],
  events: DecisionEvent[],
  r: Reconcile,
): HorizontalPodAutoscalerCondition[] {
  if (errors.length === 0) return removeCondition(conditions, AnnotationCondition.AnnotationsValid);
  const message = errors.map((e) => e.message).join('; ');
  events.push({ type: 'Warning', reason: 'InvalidAnnotation', message });
  return setCondition(
    conditions,
    { type: AnnotationCondition.AnnotationsValid, status: 'False', reason: 'InvalidAnnotation', message },
    r.input.now,
  );
}

/**
 * A paused HPA: the planned write is dropped; with paused-replicas, the one write is to the count
 * asked for, clamped to [minReplicas, maxReplicas] (then held: a later reconcile finds it there).
 * status.desiredReplicas is the count held, not the one upstream would write: that one is in the
 * Paused condition's message and in explain.
 */
function paused(
  r: Reconcile,
  d: Decision,
  asked: { readonly annotation: HpaAnnotation; readonly requested: number | null },
  conditions: readonly HorizontalPodAutoscalerCondition[],
  events: DecisionEvent[],
  errors: readonly AnnotationError[],
): Decision {
  const current = d.currentReplicas;
  const wouldScaleTo = d.rescale?.to ?? null;
  const holdAt =
    current === null
      ? null
      : asked.requested === null
        ? current
        : Math.min(d.maxReplicas, Math.max(d.minReplicas, asked.requested));
  const pause: PauseOutcome = { ...asked, holdAt, wouldScaleTo };
  const withPaused = setCondition(
    conditions,
    {
      type: AnnotationCondition.Paused,
      status: 'True',
      reason: 'PausedByAnnotation',
      message: pausedMessage(pause, d),
    },
    r.input.now,
  );
  const annotations: AnnotationOutcome = { errors, pause };
  if (current === null || holdAt === null) {
    return reviseDecision(d, {
      rescale: null,
      status: { ...d.status, conditions: withPaused },
      events,
      error: d.error,
      monitor: d.monitor,
      annotations,
    });
  }
  const rescale =
    holdAt === current
      ? null
      : plannedRescale(r, {
          branch: 'metrics',
          currentReplicas: current,
          desiredReplicas: holdAt,
          reason: `${HpaAnnotation.pausedReplicas} is ${asked.requested ?? holdAt}`,
          history: d.history,
          metrics: null,
        });
  return reviseDecision(d, {
    rescale,
    status: {
      ...d.status,
      desiredReplicas: rescale === null ? current : r.originalStatus.desiredReplicas,
      conditions: withPaused,
    },
    events,
    error: d.error,
    monitor: {
      reconciliation: d.monitor.reconciliation,
      metricComputations: d.monitor.metricComputations,
      desiredReplicas: rescale === null ? current : null,
    },
    annotations,
  });
}

/** The Paused condition's message: which annotation, where the scale is held, what upstream would do. */
export function pausedMessage(p: PauseOutcome, d: Pick<Decision, 'minReplicas' | 'maxReplicas'>): string {
  const value = p.requested === null ? '"true"' : JSON.stringify(String(p.requested));
  const clamped =
    p.requested !== null && p.holdAt !== null && p.holdAt !== p.requested
      ? ` (clamped to [${d.minReplicas}, ${d.maxReplicas}])`
      : '';
  const held = p.holdAt === null ? 'the scale is not known' : `the scale is held at ${p.holdAt}${clamped}`;
  const would =
    p.wouldScaleTo === null ? 'unpaused it would not rescale' : `unpaused it would scale to ${p.wouldScaleTo}`;
  return `${p.annotation} is ${value}: ${held}; ${would}`;
}
