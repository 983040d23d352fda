import { describe, expect, it } from '@jest/globals';
import type { HorizontalPodAutoscaler, HpaHistory } from '../../../algorithms/index.js';
import { builtinSyncOf, ShadowRounds } from '../../../controller/shadow.js';

type Status = NonNullable<HorizontalPodAutoscaler['status']>;

function hpa(status: Partial<Status> | undefined): HorizontalPodAutoscaler {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web', namespace: 'default', uid: 'u1', resourceVersion: '1' },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 10 },
    ...(status !== undefined ? { status: { desiredReplicas: 0, ...status } as Status } : {}),
  } as HorizontalPodAutoscaler;
}

const able = (reason: string): Status['conditions'] => [
  { type: 'AbleToScale', status: 'True', reason, lastTransitionTime: '2026-11-23T10:00:00Z' },
  { type: 'ScalingActive', status: 'True', reason: 'ValidMetricFound', lastTransitionTime: '2026-11-23T10:00:00Z' },
];

describe('builtinSyncOf (shadow mode: what the built-in controller did)', () => {
  it('ignores updates without a status change (spec edits, our own reads)', () => {
    const s = { currentReplicas: 2, desiredReplicas: 2, conditions: able('ReadyForNewScale') };
    expect(builtinSyncOf(hpa(s), hpa(s))).toBeUndefined();
    expect(builtinSyncOf(undefined, hpa(undefined))).toBeUndefined();
  });

  it('a rescale: SucceededRescale and a new lastScaleTime', () => {
    const before = hpa({ currentReplicas: 1, desiredReplicas: 1, conditions: able('ReadyForNewScale') });
    const after = hpa({
      currentReplicas: 1,
      desiredReplicas: 4,
      lastScaleTime: '2026-11-23T10:00:15Z',
      conditions: able('SucceededRescale'),
    });
    expect(builtinSyncOf(before, after)).toMatchObject({ currentReplicas: 1, desiredReplicas: 4, rescaled: true });
  });

  it('desired ≠ current without a rescale is not a scale event (a metrics error keeps the old desiredReplicas)', () => {
    // a new HPA whose first sync failed to get metrics: desiredReplicas stays 0, currentReplicas 3
    const first = hpa({
      currentReplicas: 3,
      desiredReplicas: 0,
      conditions: [
        {
          type: 'AbleToScale',
          status: 'True',
          reason: 'SucceededGetScale',
          lastTransitionTime: '2026-11-23T10:00:00Z',
        },
        {
          type: 'ScalingActive',
          status: 'False',
          reason: 'FailedGetResourceMetric',
          lastTransitionTime: '2026-11-23T10:00:00Z',
        },
      ],
    });
    expect(builtinSyncOf(hpa(undefined), first)).toMatchObject({
      currentReplicas: 3,
      desiredReplicas: 0,
      rescaled: false,
    });
    // a stabilized decision after a rescale keeps the old lastScaleTime
    const held = hpa({
      currentReplicas: 4,
      desiredReplicas: 4,
      lastScaleTime: '2026-11-23T10:00:15Z',
      conditions: able('SucceededRescale'),
    });
    const next = hpa({
      currentReplicas: 4,
      desiredReplicas: 4,
      lastScaleTime: '2026-11-23T10:00:15Z',
      conditions: able('ScaleDownStabilized'),
    });
    expect(builtinSyncOf(held, next)).toMatchObject({ rescaled: false });
  });
});

describe('ShadowRounds: one recommendation per built-in sync', () => {
  const P = 4000;
  const history = (times: readonly number[]): HpaHistory => ({
    recommendations: times.map((time, i) => ({ replicas: i + 1, time })),
    scaleUpEvents: [],
    scaleDownEvents: [],
  });
  const fresh: HpaHistory = { recommendations: null, scaleUpEvents: [], scaleDownEvents: [] };

  it('a comparison decides on the history from before the periodic reconcile of its round (within half a period)', () => {
    const rounds = new ShadowRounds(P);
    // the first reconcile of a new HPA: its initial recommendation is the comparison's to record again
    rounds.periodic('ns/web', 10_000, fresh);
    expect(rounds.forComparison('ns/web', history([10_000, 10_000]), 10_020)).toBe(fresh);
    // a periodic reconcile of an earlier round (a silent sync of the built-in) stays
    expect(rounds.forComparison('ns/web', history([6_000, 10_000]), 12_000).recommendations).toHaveLength(2);
    expect(rounds.forComparison('ns/other', history([10_000]), 10_020).recommendations).toHaveLength(1);
  });

  it('a periodic reconcile in the round of a comparison records nothing; one in a later round does', () => {
    const rounds = new ShadowRounds(P);
    rounds.compared('ns/web', 10_000);
    expect(rounds.periodicRecords('ns/web', 10_030)).toBe(false);
    expect(rounds.periodicRecords('ns/web', 14_000)).toBe(true);
    expect(rounds.periodicRecords('ns/other', 10_030)).toBe(true);
    rounds.forget('ns/web');
    expect(rounds.periodicRecords('ns/web', 10_030)).toBe(true);
  });
});
