import { describe, expect, it } from '@jest/globals';
import type { HorizontalPodAutoscaler } from '../../../algorithms/index.js';
import { builtinSyncOf } from '../../../controller/shadow.js';

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
