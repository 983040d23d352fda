/**
 * The unclamped recommendation (algorithms/unclamped.ts, docs/recommendation.md): what the
 * metrics asked for before stabilization, the policies and min/max, on every branch of decide().
 */
import { describe, expect, it } from '@jest/globals';
import {
  EMPTY_HISTORY,
  decide,
  explainUnclamped,
  parseHpaAnnotations,
  profileForVersion,
  unclampedReplicasOf,
  unclampedUpdate,
  withUnclampedReplicas,
  type DecideInput,
  type Decision,
  type HorizontalPodAutoscalerBehavior,
  type MetricFetch,
  type PodSnapshot,
} from '../../../algorithms/index.js';
import {
  NOW,
  cpuFetch,
  cpuUtilization,
  decideInput,
  externalAverage,
  externalFetch,
  makeHpa,
  makePod,
  podsAverage,
  podsFetch,
} from './fixtures.js';

const podsOf = (n: number): PodSnapshot[] => Array.from({ length: n }, (_, i) => makePod(i));

/** `current` pods at `usageMilli` each of a 1000m request, against a 50 % CPU target. */
function cpuAt(
  current: number,
  usageMilli: number,
  opts: { min?: number; max?: number; behavior?: HorizontalPodAutoscalerBehavior | null } = {},
): DecideInput {
  const pods = podsOf(current);
  const hpa = makeHpa([cpuUtilization(50)], { currentReplicas: current, ...opts });
  return decideInput(hpa, pods, [cpuFetch(pods, () => usageMilli)], current);
}

const failedFetch: MetricFetch = {
  kind: 'resource',
  result: { ok: false, error: { kind: 'Unavailable', api: 'resource', path: '/apis/metrics.k8s.io', message: 'down' } },
};

function line(d: Decision): string {
  return explainUnclamped(d.unclamped, d);
}

describe('on the metrics path', () => {
  it('is the metrics proposal above maxReplicas, limited to maxReplicas (TooManyReplicas)', () => {
    // 5 pods at 140 % of a 50 % target: 5 × 2.8 = 14
    const d = decide(cpuAt(5, 1400, { max: 10 }));
    expect(d.unclamped).toEqual({
      replicas: 14,
      metric: 'cpu resource utilization (percentage of request)',
      partial: false,
      decided: 10,
      limits: [{ by: 'maxReplicas', reason: 'TooManyReplicas', replicas: 10 }],
    });
    expect(d.rescale?.to).toBe(10);
    expect(line(d)).toBe('metrics ask for 14 replicas; limited to 10 by maxReplicas 10 (TooManyReplicas)');
  });

  it('is the proposal below minReplicas, raised to minReplicas (TooFewReplicas)', () => {
    // no recommendation yet: scale-down stabilization has nothing higher to hold
    const d = decide({ ...cpuAt(4, 100, { min: 3 }), history: { ...EMPTY_HISTORY, recommendations: [] } });
    expect(d.unclamped).toMatchObject({
      replicas: 1,
      decided: 3,
      limits: [{ by: 'minReplicas', reason: 'TooFewReplicas', replicas: 3 }],
    });
    expect(line(d)).toBe('metrics ask for 1 replica; raised to 3 by minReplicas 3 (TooFewReplicas)');
  });

  it('is the decided count itself when nothing limits it', () => {
    const d = decide(cpuAt(4, 750));
    expect(d.unclamped).toMatchObject({ replicas: 6, decided: 6, limits: [] });
    expect(d.rescale?.to).toBe(6);
    expect(line(d)).toBe('metrics ask for 6 replicas; not limited');
  });

  it('shows the legacy scale-up cap (max(2 × current, 4)) as the scale-up rate limit', () => {
    const d = decide(cpuAt(2, 3500, { max: 50 }));
    expect(d.unclamped).toMatchObject({
      replicas: 14,
      decided: 4,
      limits: [{ by: 'scaleUpRate', reason: 'ScaleUpLimit', replicas: 4 }],
    });
  });

  it('shows scale-down stabilization holding a higher recent recommendation', () => {
    const input = cpuAt(8, 250);
    const history = { ...EMPTY_HISTORY, recommendations: [{ replicas: 8, time: NOW - 60_000 }] };
    const d = decide({ ...input, history });
    expect(d.unclamped).toMatchObject({
      replicas: 4,
      decided: 8,
      limits: [{ by: 'scaleDownStabilization', reason: 'ScaleDownStabilized', replicas: 8 }],
    });
    expect(d.rescale).toBeNull();
    expect(line(d)).toBe(
      'metrics ask for 4 replicas; held at 8 by the scale-down stabilization window (ScaleDownStabilized)',
    );
  });

  it('shows a behavior scale-up policy, then keeps limits in the order upstream applies them', () => {
    const behavior: HorizontalPodAutoscalerBehavior = {
      scaleUp: {
        stabilizationWindowSeconds: 0,
        selectPolicy: 'Max',
        policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }],
      },
    };
    const d = decide(cpuAt(4, 2000, { max: 20, behavior }));
    expect(d.unclamped).toMatchObject({
      replicas: 16,
      decided: 5,
      limits: [{ by: 'scaleUpRate', reason: 'ScaleUpLimit', replicas: 5 }],
    });
    expect(line(d)).toBe('metrics ask for 16 replicas; limited to 5 by the scale-up rate limit (ScaleUpLimit)');
  });

  it('is the highest proposal over several metrics, naming the metric that made it', () => {
    const pods = podsOf(4);
    const hpa = makeHpa([cpuUtilization(50), podsAverage('requests', '10')], { max: 10, currentReplicas: 4 });
    // cpu: 4 × 1.5 = 6; requests: 4 × 30/10 = 12; the legacy cap max(2 × 4, 4) = 8
    const input = decideInput(hpa, pods, [cpuFetch(pods, () => 750), podsFetch(pods, () => 30_000)], 4);
    const d = decide(input);
    expect(d.unclamped).toMatchObject({ replicas: 12, metric: 'pods metric requests', partial: false, decided: 8 });
  });

  it('leaves failed metrics out when the others decide (partial), and says so', () => {
    const pods = podsOf(4);
    const hpa = makeHpa([cpuUtilization(50), externalAverage('queue', '10')], { max: 20, currentReplicas: 4 });
    const d = decide(decideInput(hpa, pods, [failedFetch, externalFetch([90_000])], 4));
    expect(d.branch).toBe('metrics');
    expect(d.unclamped).toMatchObject({ replicas: 9, partial: true, decided: 8 });
    expect(line(d)).toBe(
      'metrics ask for 9 replicas (from the metrics that could be computed); limited to 8 by the scale-up rate limit (ScaleUpLimit)',
    );
  });

  it('raises a scale from zero to minReplicas after the policies (§3.1 step 7.7)', () => {
    const base = profileForVersion(37);
    const profile = { ...base, gates: { ...base.gates, HPAScaleToZero: true } };
    const behavior: HorizontalPodAutoscalerBehavior = {
      scaleUp: {
        stabilizationWindowSeconds: 0,
        selectPolicy: 'Max',
        policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }],
      },
    };
    const hpa = makeHpa([externalAverage('queue', '10')], { min: 2, max: 10, behavior, currentReplicas: 0 });
    const zero = {
      ...hpa,
      status: {
        currentReplicas: 0,
        desiredReplicas: 0,
        conditions: [{ type: 'ScaledToZero', status: 'True', reason: 'ScaledToZero', message: '' }],
      },
    };
    const d = decide(decideInput(zero, [], [externalFetch([50_000])], 0, { profile }));
    expect(d.branch).toBe('metrics');
    expect(d.rescale?.to).toBe(2);
    expect(d.unclamped).toMatchObject({
      replicas: 5,
      decided: 2,
      limits: [
        { by: 'scaleUpRate', reason: 'ScaleUpLimit', replicas: 1 },
        { by: 'scaleFromZero', reason: 'TooFewReplicas', replicas: 2 },
      ],
    });
  });

  it('is upstream’s under a pause: decided is what upstream would write, not the count held', () => {
    const input = cpuAt(5, 1400, { max: 10 });
    const paused = decide({ ...input, annotations: parseHpaAnnotations({ 'hpa-ts.io/paused': 'true' }) });
    expect(paused.rescale).toBeNull();
    expect(paused.unclamped).toEqual(decide(input).unclamped);
  });
});

describe('where there is none', () => {
  it.each([
    [
      'aboveMax',
      cpuAt(12, 500, { max: 10 }),
      'current replicas above maxReplicas, scaled back without reading metrics',
    ],
    ['belowMin', cpuAt(1, 500, { min: 2 }), 'current replicas below minReplicas, scaled back without reading metrics'],
    ['disabled', cpuAt(0, 500), 'the target has 0 replicas, autoscaling is disabled, no metric was read'],
  ])('%s: none, and the last value is removed', (absent, input, text) => {
    const d = decide(input);
    expect(d.unclamped).toEqual({ replicas: null, absent });
    expect(unclampedUpdate(d.unclamped)).toEqual({ kind: 'remove' });
    expect(line(d)).toBe(`none: ${text}`);
  });

  it('noMetrics: an HPA without metrics has none (upstream normalizes a proposal of 0), and the value is removed', () => {
    const pods = podsOf(3);
    const d = decide(decideInput(makeHpa([], { min: 2, currentReplicas: 3 }), pods, [], 3));
    expect(d.branch).toBe('metrics');
    expect(d.metricDesiredReplicas).toBe(-1);
    expect(d.unclamped).toEqual({ replicas: null, absent: 'noMetrics' });
    expect(unclampedUpdate(d.unclamped)).toEqual({ kind: 'remove' });
  });

  it('metricsFailed: none, and the last value is kept (as status.desiredReplicas is)', () => {
    const pods = podsOf(3);
    const d = decide(decideInput(makeHpa([cpuUtilization(50)], { currentReplicas: 3 }), pods, [failedFetch], 3));
    expect(d.branch).toBe('metricsFailed');
    expect(d.unclamped).toEqual({ replicas: null, absent: 'metricsFailed' });
    expect(unclampedUpdate(d.unclamped)).toEqual({ kind: 'keep' });
  });

  it('scaleUnavailable and invalidSpec: none, and the last value is kept', () => {
    const input = cpuAt(3, 500);
    const unreadable = decide({ ...input, scale: { ok: false, error: { stage: 'get', message: 'gone' } } });
    expect(unreadable.unclamped).toEqual({ replicas: null, absent: 'scaleUnavailable' });
    const invalid = decide({
      ...input,
      specErrors: [
        {
          type: 'FieldValueInvalid',
          field: 'spec.maxReplicas',
          value: 0,
          message: 'Invalid value: 0: must be greater than 0',
        },
      ],
    });
    expect(invalid.unclamped).toEqual({ replicas: null, absent: 'invalidSpec' });
    for (const d of [unreadable, invalid]) expect(unclampedUpdate(d.unclamped)).toEqual({ kind: 'keep' });
  });
});

describe('status.unclampedReplicas of an autoscaling.hpa-ts.io/v1 HPA', () => {
  const upstream = { currentReplicas: 5, desiredReplicas: 10 };

  it('is set, kept from the status read, or left out, and the upstream fields stay as they are', () => {
    const previous = { ...upstream, unclampedReplicas: 12 };
    expect(withUnclampedReplicas(upstream, previous, { kind: 'set', replicas: 14 })).toEqual({
      ...upstream,
      unclampedReplicas: 14,
    });
    expect(withUnclampedReplicas(upstream, previous, { kind: 'keep' })).toEqual(previous);
    expect(withUnclampedReplicas(previous, previous, { kind: 'remove' })).toEqual(upstream);
    expect(withUnclampedReplicas(upstream, undefined, { kind: 'keep' })).toEqual(upstream);
    expect(upstream).toEqual({ currentReplicas: 5, desiredReplicas: 10 });
  });

  it('is read back only as a non-negative integer', () => {
    const read = (v: unknown): number | undefined =>
      unclampedReplicasOf({ desiredReplicas: 1, ...({ unclampedReplicas: v } as object) });
    expect([read(3), read(0), read(-1), read(1.5), read('3'), read(null)]).toEqual([
      3,
      0,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(unclampedReplicasOf(undefined)).toBeUndefined();
  });
});
