/**
 * hpa-ts.io/fallback-replicas in the pure decision (fallback.ts): counted failures, KEDA's
 * behaviors, the Fallback condition and events, pause winning, the annotation going away.
 */
import { describe, expect, it } from '@jest/globals';
import {
  EMPTY_HISTORY,
  decide,
  findCondition,
  historyAfter,
  parseHpaAnnotations,
  settleRescale,
  type DecideInput,
  type Decision,
  type HorizontalPodAutoscaler,
  type HorizontalPodAutoscalerBehavior,
  type HpaHistory,
  type MetricFetch,
  type PodSnapshot,
} from '../../../algorithms/index.js';
import {
  NOW,
  cpuFetch,
  cpuUtilization,
  decideInput,
  externalAverage,
  externalFailure,
  externalFetch,
  makeHpa,
  makePod,
} from './fixtures.js';

const podsOf = (n: number): PodSnapshot[] => Array.from({ length: n }, (_, i) => makePod(i));

/**
 * No stabilization, no rate limit worth the name: what the fallback recommends is what is
 * written (the default 300 s scale-down window and the scale-up rate would hide it).
 */
const FREE: HorizontalPodAutoscalerBehavior = {
  scaleUp: { stabilizationWindowSeconds: 0, policies: [{ type: 'Percent', value: 1000, periodSeconds: 15 }] },
  scaleDown: { stabilizationWindowSeconds: 0 },
};

interface Step {
  readonly decision: Decision;
  readonly hpa: HorizontalPodAutoscaler;
  readonly history: HpaHistory;
  readonly current: number;
}

/**
 * Reconciles 15 s apart as the controller makes them, each on the status, history and scale the
 * one before left (scale writes succeed).
 */
function reconcile(
  prev: { readonly hpa: HorizontalPodAutoscaler; readonly history: HpaHistory; readonly current: number },
  fetch: (pods: readonly PodSnapshot[]) => readonly MetricFetch[],
  annotations: Record<string, string>,
  i: number,
): Step {
  const pods = podsOf(Math.max(1, prev.current));
  const now = NOW + i * 15_000;
  const hpa = { ...prev.hpa, metadata: { ...prev.hpa.metadata, annotations } };
  const input: DecideInput = {
    ...decideInput(hpa, pods, fetch(pods), prev.current, { history: prev.history, now }),
    annotations: parseHpaAnnotations(annotations),
  };
  const planned = decide(input);
  const decision = planned.rescale === null ? planned : settleRescale(planned, { kind: 'written' }, now);
  return {
    decision,
    hpa: { ...hpa, status: decision.status },
    history: historyAfter(decision, { now }),
    current: decision.rescale?.to ?? prev.current,
  };
}

function run(
  start: { readonly hpa: HorizontalPodAutoscaler; readonly current: number; readonly history?: HpaHistory },
  fetches: readonly ((pods: readonly PodSnapshot[]) => readonly MetricFetch[])[],
  annotations: Record<string, string>,
): Step[] {
  const steps: Step[] = [];
  let prev = { hpa: start.hpa, history: start.history ?? EMPTY_HISTORY, current: start.current };
  fetches.forEach((f, i) => {
    const s = reconcile(prev, f, annotations, i);
    steps.push(s);
    prev = s;
  });
  return steps;
}

const failing = (): readonly MetricFetch[] => [externalFailure];
const served = (milli: number) => (): readonly MetricFetch[] => [externalFetch([milli])];
const queueHpa = (opts: {
  min?: number;
  max?: number;
  current: number;
  behavior?: HorizontalPodAutoscalerBehavior | null;
}) =>
  makeHpa([externalAverage('queue_depth', '10')], {
    min: 1,
    max: 20,
    behavior: FREE,
    ...opts,
    currentReplicas: opts.current,
  });
const fallbackCondition = (d: Decision) => findCondition(d.status.conditions, 'Fallback');

describe('hpa-ts.io/fallback-replicas: counting failures (KEDA: fallback once failures > threshold)', () => {
  const annotations = { 'hpa-ts.io/fallback-replicas': '6' };
  const steps = run(
    { hpa: queueHpa({ current: 2 }), current: 2 },
    [failing, failing, failing, failing, failing],
    annotations,
  );

  it('keeps upstream\u2019s refusal for failureThreshold (3) reconciles, saying how far it has counted', () => {
    for (const [i, s] of steps.slice(0, 3).entries()) {
      expect(s.decision.branch).toBe('metricsFailed');
      expect(s.decision.rescale).toBeNull();
      expect(s.history.fallback).toMatchObject({ consecutiveFailures: i + 1, active: false });
      expect(fallbackCondition(s.decision)).toMatchObject({ status: 'False', reason: 'BelowFailureThreshold' });
    }
    expect(fallbackCondition(steps[1].decision)?.message).toBe(
      '2 consecutive reconciles with a failed metric; fallback to 6 replicas (hpa-ts.io/fallback-replicas "6", behavior static) starts when more than 3 in a row fail',
    );
  });

  it('at the 4th failure scales to the fallback count, with Fallback=True and one FallbackStarted Warning', () => {
    const d = steps[3].decision;
    expect(d.rescale).toMatchObject({ from: 2, to: 6, write: 'written' });
    expect(d.rescale?.reason).toBe('hpa-ts.io/fallback-replicas: 4 reconciles in a row with a failed metric');
    expect(fallbackCondition(d)).toMatchObject({
      status: 'True',
      reason: 'FallbackActive',
      message:
        '4 consecutive reconciles with a failed metric (threshold 3): recommending 6 replicas (hpa-ts.io/fallback-replicas "6", behavior static)',
    });
    expect(d.events.filter((e) => e.reason === 'FallbackStarted')).toEqual([
      { type: 'Warning', reason: 'FallbackStarted', message: fallbackCondition(d)?.message },
    ]);
    expect(d.error?.code).toBe('FailedComputeMetricsReplicas');
    expect(d.fallback?.started).toBe(true);
    expect(steps[3].history.fallback).toMatchObject({ consecutiveFailures: 4, active: true });
  });

  it('stays in fallback without announcing it again', () => {
    const d = steps[4].decision;
    expect(d.rescale).toBeNull();
    expect(d.currentReplicas).toBe(6);
    expect(d.events.map((e) => e.reason)).not.toContain('FallbackStarted');
    expect(fallbackCondition(d)?.status).toBe('True');
    expect(d.reason).toBe('keep 6 replicas: in fallback, 5 consecutive reconciles with a failed metric');
  });

  it('ends when the metric is served again: Fallback=False MetricsAvailable, a FallbackEnded event, the count reset', () => {
    const last = steps[4];
    const back = reconcile(last, served(6 * 10_000), annotations, 5);
    expect(back.decision.branch).toBe('metrics');
    expect(fallbackCondition(back.decision)).toMatchObject({ status: 'False', reason: 'MetricsAvailable' });
    expect(back.decision.events).toContainEqual({
      type: 'Normal',
      reason: 'FallbackEnded',
      message: 'every metric was computed again: fallback to 6 replicas ended',
    });
    expect(back.history.fallback).toEqual({ consecutiveFailures: 0, active: false });
  });

  it('a success between failures starts the count again', () => {
    const s = run(
      { hpa: queueHpa({ current: 2 }), current: 2 },
      [failing, failing, failing, served(20_000), failing, failing, failing],
      annotations,
    );
    expect(s.map((x) => x.history.fallback?.consecutiveFailures)).toEqual([1, 2, 3, 0, 1, 2, 3]);
    expect(s.every((x) => x.decision.rescale === null)).toBe(true);
  });

  it('does not count a retry of the error back-off (within half a sync period of the last failure counted)', () => {
    const input = (at: number, history: HpaHistory): DecideInput => ({
      ...decideInput(queueHpa({ current: 2 }), podsOf(2), [externalFailure], 2, { history, now: NOW + at }),
      annotations: parseHpaAnnotations(annotations),
      syncPeriodMs: 15_000,
    });
    let history: HpaHistory = EMPTY_HISTORY;
    const counts: number[] = [];
    // the back-off's retries after 1, 2, 4 and 8 s, then one per sync period
    for (const at of [0, 1_000, 3_000, 7_000, 15_000, 30_000, 45_000]) {
      const d = decide(input(at, history));
      history = historyAfter(d, { now: NOW + at });
      counts.push(d.fallback?.state.consecutiveFailures ?? -1);
    }
    expect(counts).toEqual([1, 1, 1, 1, 2, 3, 4]);
    expect(history.fallback).toMatchObject({ active: true, lastCountedAt: NOW + 45_000 });
  });

  it('hpa-ts.io/fallback-failure-threshold sets the count tolerated', () => {
    const s = run({ hpa: queueHpa({ current: 2 }), current: 2 }, [failing, failing], {
      ...annotations,
      'hpa-ts.io/fallback-failure-threshold': '1',
    });
    expect(s[0].decision.rescale).toBeNull();
    expect(s[1].decision.rescale).toMatchObject({ to: 6 });
  });
});

describe('hpa-ts.io/fallback-behavior (KEDA\u2019s meanings), the count within [minReplicas, maxReplicas]', () => {
  const afterThreshold = (
    current: number,
    annotations: Record<string, string>,
    bounds: { min?: number; max?: number } = {},
  ): Decision => {
    const hpa = queueHpa({ current, behavior: FREE, ...bounds });
    const t = { 'hpa-ts.io/fallback-failure-threshold': '1', ...annotations };
    return run({ hpa, current }, [failing, failing], t)[1].decision;
  };

  it('static scales to the count asked for, down too (the user asked for it)', () => {
    expect(afterThreshold(8, { 'hpa-ts.io/fallback-replicas': '3' }).rescale).toMatchObject({ from: 8, to: 3 });
    expect(afterThreshold(2, { 'hpa-ts.io/fallback-replicas': '3' }).rescale).toMatchObject({ from: 2, to: 3 });
  });

  it('currentReplicasIfHigher keeps a higher current count: never a scale-down', () => {
    const a = { 'hpa-ts.io/fallback-replicas': '3', 'hpa-ts.io/fallback-behavior': 'currentReplicasIfHigher' };
    expect(afterThreshold(8, a).rescale).toBeNull();
    expect(afterThreshold(8, a).fallback?.replicas).toBe(8);
    expect(afterThreshold(2, a).rescale).toMatchObject({ from: 2, to: 3 });
  });

  it('currentReplicasIfLower keeps a lower current count: never a scale-up', () => {
    const a = { 'hpa-ts.io/fallback-replicas': '6', 'hpa-ts.io/fallback-behavior': 'currentReplicasIfLower' };
    expect(afterThreshold(2, a).rescale).toBeNull();
    expect(afterThreshold(9, a).rescale).toMatchObject({ from: 9, to: 6 });
  });

  it('clamps the count to [minReplicas, maxReplicas] before normalization', () => {
    expect(afterThreshold(4, { 'hpa-ts.io/fallback-replicas': '50' }, { max: 10 }).rescale).toMatchObject({ to: 10 });
    expect(afterThreshold(4, { 'hpa-ts.io/fallback-replicas': '0' }, { min: 2 }).rescale).toMatchObject({ to: 2 });
  });

  it('goes through the behavior policies like any recommendation (1 pod per minute here)', () => {
    const hpa = queueHpa({
      current: 2,
      behavior: {
        scaleUp: { stabilizationWindowSeconds: 0, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] },
      },
    });
    const s = run({ hpa, current: 2 }, [failing, failing, failing], {
      'hpa-ts.io/fallback-replicas': '6',
      'hpa-ts.io/fallback-failure-threshold': '1',
    });
    expect(s[1].decision.rescale).toMatchObject({ from: 2, to: 3 });
    expect(findCondition(s[1].decision.status.conditions, 'ScalingLimited')?.status).toBe('True');
    expect(s[2].decision.rescale).toBeNull();
  });

  it('is held back by the default scale-down stabilization window like any lower recommendation', () => {
    const hpa = queueHpa({ current: 8, behavior: null });
    const s = run({ hpa, current: 8 }, [failing, failing], {
      'hpa-ts.io/fallback-replicas': '3',
      'hpa-ts.io/fallback-failure-threshold': '1',
    });
    expect(s[1].decision.rescale).toBeNull();
    expect(s[1].decision.normalization).toMatchObject({ prenormalized: 3, stabilized: 8 });
  });
});

describe('fallback with some metrics working (the partial-failure case)', () => {
  const annotations = { 'hpa-ts.io/fallback-replicas': '4', 'hpa-ts.io/fallback-failure-threshold': '1' };
  const twoMetrics = (current: number) =>
    makeHpa([cpuUtilization(50), externalAverage('queue_depth', '10')], {
      min: 1,
      max: 20,
      currentReplicas: current,
      behavior: FREE,
    });
  const cpuAt =
    (milli: number) =>
    (pods: readonly PodSnapshot[]): readonly MetricFetch[] => [cpuFetch(pods, () => milli), externalFailure];

  it('counts a reconcile in which one metric of two failed', () => {
    const s = run({ hpa: twoMetrics(3), current: 3 }, [cpuAt(500)], annotations);
    expect(s[0].history.fallback).toMatchObject({ consecutiveFailures: 1, active: false });
  });

  it('recommends the higher of the fallback count and the metrics that worked (KEDA: the HPA takes the highest)', () => {
    const busy = run({ hpa: twoMetrics(3), current: 3 }, [cpuAt(500), cpuAt(2000)], annotations);
    // cpu at 200 % of request, target 50 %: 12 replicas beat the fallback's 4
    expect(busy[1].decision.rescale).toMatchObject({ from: 3, to: 12 });
    expect(busy[1].decision.rescale?.reason).toBe('cpu resource utilization (percentage of request) above target');
    const idle = run({ hpa: twoMetrics(3), current: 3 }, [cpuAt(100), cpuAt(100)], annotations);
    expect(idle[1].decision.rescale).toMatchObject({ from: 3, to: 4 });
  });
});

describe('fallback and the other annotations', () => {
  it('pause wins: a paused HPA in fallback writes nothing, and says what it would do', () => {
    const s = run({ hpa: queueHpa({ current: 2 }), current: 2 }, [failing, failing], {
      'hpa-ts.io/fallback-replicas': '6',
      'hpa-ts.io/fallback-failure-threshold': '1',
      'hpa-ts.io/paused': 'true',
    });
    expect(s[1].decision.rescale).toBeNull();
    expect(s[1].decision.annotations?.pause?.wouldScaleTo).toBe(6);
    expect(fallbackCondition(s[1].decision)?.status).toBe('True');
  });

  it('removing the annotation removes the condition and the count; upstream decides again', () => {
    const a = { 'hpa-ts.io/fallback-replicas': '6', 'hpa-ts.io/fallback-failure-threshold': '1' };
    const s = run({ hpa: queueHpa({ current: 2 }), current: 2 }, [failing, failing], a);
    const after = reconcile(s[1], failing, {}, 2);
    expect(fallbackCondition(after.decision)).toBeUndefined();
    expect(after.history).not.toHaveProperty('fallback');
    expect(after.decision.branch).toBe('metricsFailed');
    expect(after.decision.fallback).toBeUndefined();
  });

  it('an invalid value is reported and ignored; an invalid behavior turns fallback off rather than defaulting to static', () => {
    const bad = run({ hpa: queueHpa({ current: 8 }), current: 8 }, [failing, failing], {
      'hpa-ts.io/fallback-replicas': '3',
      'hpa-ts.io/fallback-failure-threshold': '1',
      'hpa-ts.io/fallback-behavior': 'currentReplicasIfHiger',
    });
    const d = bad[1].decision;
    expect(d.rescale).toBeNull();
    expect(fallbackCondition(d)).toBeUndefined();
    expect(findCondition(d.status.conditions, 'AnnotationsValid')).toMatchObject({
      status: 'False',
      reason: 'InvalidAnnotation',
      message:
        'hpa-ts.io/fallback-behavior: "currentReplicasIfHiger" is not one of static, currentReplicasIfHigher, currentReplicasIfLower, so fallback is off; ignored',
    });
    expect(d.events).toContainEqual(expect.objectContaining({ type: 'Warning', reason: 'InvalidAnnotation' }));
  });

  it('an invalid threshold is reported and the default (3) applies', () => {
    const s = run({ hpa: queueHpa({ current: 2 }), current: 2 }, [failing, failing, failing, failing], {
      'hpa-ts.io/fallback-replicas': '6',
      'hpa-ts.io/fallback-failure-threshold': '0',
    });
    expect(findCondition(s[0].decision.status.conditions, 'AnnotationsValid')?.message).toBe(
      'hpa-ts.io/fallback-failure-threshold: "0" is out of range: must be 1 … 2147483647; ignored',
    );
    expect(s.map((x) => x.decision.rescale?.to ?? null)).toEqual([null, null, null, 6]);
  });
});

describe('a fresh process (restart, hpa-ts explain)', () => {
  it('resumes an HPA whose Fallback condition is True, without a second FallbackStarted', () => {
    const a = { 'hpa-ts.io/fallback-replicas': '6' };
    const s = run({ hpa: queueHpa({ current: 2 }), current: 2 }, [failing, failing, failing, failing], a);
    const restarted = reconcile({ ...s[3], history: EMPTY_HISTORY }, failing, a, 4);
    expect(restarted.decision.fallback?.state).toMatchObject({ consecutiveFailures: 4, active: true });
    expect(restarted.decision.events.map((e) => e.reason)).not.toContain('FallbackStarted');
  });

  it('explains whether fallback is, or would be, active', () => {
    const a = { 'hpa-ts.io/fallback-replicas': '6' };
    const s = run({ hpa: queueHpa({ current: 2 }), current: 2 }, [failing, failing, failing, failing], a);
    expect(s[0].decision.explanation.at(-1)).toBe(
      'fallback is not active yet: 1 consecutive reconcile with a failed metric; after more than 3 it would recommend 6 replicas (6, behavior static, within [1, 20])',
    );
    expect(s[3].decision.explanation.at(-1)).toBe(
      'fallback is active: 4 consecutive reconciles with a failed metric, more than the threshold 3: the failed metrics propose 6 replicas (6, behavior static, within [1, 20]) (fallback started)',
    );
    expect(s[3].decision.explanation).not.toContain(
      'a metric failed and the others point down: refusing to scale down on missing data',
    );
    const ok = reconcile({ hpa: queueHpa({ current: 2 }), history: EMPTY_HISTORY, current: 2 }, served(20_000), a, 0);
    expect(ok.decision.explanation.at(-1)).toBe(
      'fallback is not active: every metric was computed; after more than 3 consecutive reconciles with a failed metric it would recommend 6 replicas (6, behavior static, within [1, 20])',
    );
  });
});
