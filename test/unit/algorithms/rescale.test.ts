import { describe, expect, it } from '@jest/globals';
import {
  decide,
  historyAfter,
  settleRescale,
  type DecideInput,
  type HorizontalPodAutoscalerBehavior,
} from '../../../algorithms/index.js';
import { NOW, cpuFetch, cpuUtilization, decideInput, makeHpa, makePod } from './fixtures.js';

const LATER = NOW + 2_000;
const BEHAVIOR: HorizontalPodAutoscalerBehavior = {
  scaleUp: {
    stabilizationWindowSeconds: 0,
    selectPolicy: 'Max',
    policies: [{ type: 'Pods', value: 10, periodSeconds: 60 }],
  },
  scaleDown: {
    stabilizationWindowSeconds: 0,
    selectPolicy: 'Max',
    policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }],
  },
};

/** 4 pods at twice their 50 % target: the metrics ask for 8. */
function scaleUpInput(behavior: HorizontalPodAutoscalerBehavior | null = BEHAVIOR): DecideInput {
  const pods = Array.from({ length: 4 }, (_, i) => makePod(i));
  const hpa = makeHpa([cpuUtilization(50)], { min: 1, max: 20, behavior, currentReplicas: 4 });
  const withStatus = { ...hpa, status: { ...hpa.status, desiredReplicas: 4, lastScaleTime: '2024-12-31T00:00:00Z' } };
  return decideInput(withStatus, pods, [cpuFetch(pods, () => 1000)], 4);
}

describe('decide() plans the scale write', () => {
  it('leaves the rescale planned, with the status as known before the write', () => {
    const d = decide(scaleUpInput());
    expect(d.rescale).toMatchObject({ from: 4, to: 8, write: 'planned' });
    expect(d.status.desiredReplicas).toBe(4);
    expect(d.status.conditions?.find((c) => c.type === 'AbleToScale')?.reason).not.toBe('SucceededRescale');
    expect(d.events.map((e) => e.reason)).not.toContain('SuccessfulRescale');
    expect(d.monitor.desiredReplicas).toBeNull();
  });

  it('a decision without a rescale is final: settleRescale returns it unchanged', () => {
    const pods = Array.from({ length: 4 }, (_, i) => makePod(i));
    const hpa = makeHpa([cpuUtilization(50)], { min: 1, max: 20, currentReplicas: 4 });
    const d = decide(decideInput(hpa, pods, [cpuFetch(pods, () => 500)], 4));
    expect(d.rescale).toBeNull();
    expect(d.monitor.desiredReplicas).toBe(4);
    expect(settleRescale(d, { kind: 'written' }, NOW)).toBe(d);
  });
});

describe('settleRescale', () => {
  it('a written rescale: SucceededRescale, SuccessfulRescale, the new desired count and lastScaleTime (R3.8.4)', () => {
    const d = settleRescale(decide(scaleUpInput()), { kind: 'written' }, NOW);
    expect(d.rescale?.write).toBe('written');
    expect(d.status).toMatchObject({ currentReplicas: 4, desiredReplicas: 8, lastScaleTime: '2025-01-01T00:00:00Z' });
    expect(d.status.conditions?.find((c) => c.type === 'AbleToScale')).toMatchObject({
      status: 'True',
      reason: 'SucceededRescale',
      message: 'the HPA controller was able to update the target scale to 8',
    });
    expect(d.events.at(-1)).toEqual({
      type: 'Normal',
      reason: 'SuccessfulRescale',
      message: 'New size: 8; reason: cpu resource utilization (percentage of request) above target',
    });
    expect(d.monitor).toMatchObject({ reconciliation: { action: 'scale_up', error: 'none' }, desiredReplicas: 8 });
    expect(d.error).toBeNull();
  });

  it('a skipped write (dry-run, shadow, explain) reports the same decision as a written one', () => {
    const planned = decide(scaleUpInput());
    const written = settleRescale(planned, { kind: 'written' }, NOW);
    const skipped = settleRescale(planned, { kind: 'skipped' }, NOW);
    expect(skipped.rescale?.write).toBe('skipped');
    expect(skipped.status).toEqual(written.status);
    expect(skipped.events).toEqual(written.events);
    expect(skipped.reason).toBe(written.reason);
  });

  it('a failed write: FailedRescale, AbleToScale=False, the old desired count and lastScaleTime (R3.8.3)', () => {
    const d = settleRescale(decide(scaleUpInput()), { kind: 'failed', message: 'the server is on fire' }, LATER);
    expect(d.rescale).toMatchObject({ from: 4, to: 8, write: 'failed' });
    expect(d.status).toMatchObject({ currentReplicas: 4, desiredReplicas: 4, lastScaleTime: '2024-12-31T00:00:00Z' });
    expect(d.status.conditions?.find((c) => c.type === 'AbleToScale')).toMatchObject({
      status: 'False',
      reason: 'FailedUpdateScale',
      message: 'the HPA controller was unable to update the target scale: the server is on fire',
      lastTransitionTime: '2025-01-01T00:00:02Z',
    });
    expect(d.events.at(-1)).toEqual({
      type: 'Warning',
      reason: 'FailedRescale',
      message:
        'New size: 8; reason: cpu resource utilization (percentage of request) above target; error: the server is on fire',
    });
    expect(d.error).toEqual({
      code: 'FailedRescale',
      message: 'failed to rescale Deployment/default/web: the server is on fire',
      cause: 'the server is on fire',
      spec: false,
    });
    expect(d.monitor).toMatchObject({ reconciliation: { action: 'none', error: 'internal' }, desiredReplicas: null });
    expect(d.explanation.at(-1)).toBe('the scale write failed: the server is on fire');
    expect(d.reason).toBe('wanted 8 replicas but could not update the scale: the server is on fire');
  });

  it('settles a decision once: a settled decision is returned unchanged', () => {
    const d = settleRescale(decide(scaleUpInput()), { kind: 'written' }, NOW);
    expect(settleRescale(d, { kind: 'failed', message: 'late' }, LATER)).toBe(d);
  });
});

describe('historyAfter (§3.6, §3.7) in each write mode', () => {
  const recommendation = { replicas: 8, time: NOW };

  it('normal mode, write succeeded: the recommendation and a scale-up event', () => {
    const d = settleRescale(decide(scaleUpInput()), { kind: 'written' }, NOW);
    const h = historyAfter(d, { now: NOW });
    expect(h.recommendations).toContainEqual(recommendation);
    expect(h.scaleUpEvents).toEqual([{ replicaChange: 4, time: NOW, outdated: false }]);
    expect(h.scaleDownEvents).toEqual([]);
  });

  it('normal mode, write failed: the recommendation only', () => {
    const d = settleRescale(decide(scaleUpInput()), { kind: 'failed', message: 'conflict' }, LATER);
    const h = historyAfter(d, { now: NOW });
    expect(h.recommendations).toContainEqual(recommendation);
    expect(h.scaleUpEvents).toEqual([]);
  });

  it('dry-run: the recommendation only, nothing changed in the cluster', () => {
    const d = settleRescale(decide(scaleUpInput()), { kind: 'skipped' }, NOW);
    const h = historyAfter(d, { now: NOW });
    expect(h.recommendations).toContainEqual(recommendation);
    expect(h.scaleUpEvents).toEqual([]);
  });

  it("shadow: the built-in controller's rescale is recorded, ours is not", () => {
    const d = settleRescale(decide(scaleUpInput()), { kind: 'skipped' }, NOW);
    const h = historyAfter(d, { now: NOW, builtinRescale: { from: 4, to: 6 } });
    expect(h.scaleUpEvents).toEqual([{ replicaChange: 2, time: NOW, outdated: false }]);
    expect(historyAfter(d, { now: NOW, builtinRescale: { from: 4, to: 4 } }).scaleUpEvents).toEqual([]);
  });

  it('without a behavior no scale event is recorded (R3.6.2)', () => {
    const d = settleRescale(decide(scaleUpInput(null)), { kind: 'written' }, NOW);
    const h = historyAfter(d, { now: NOW, builtinRescale: { from: 8, to: 9 } });
    expect(h.recommendations).toContainEqual(recommendation);
    expect(h.scaleUpEvents).toEqual([]);
  });

  it('the behavior used is the applied one: its defaulted policy periods outdate old events (R3.6.3)', () => {
    const input = scaleUpInput({ scaleUp: null, scaleDown: null });
    const old = { replicaChange: 1, time: NOW - 3_600_000, outdated: false };
    const d = settleRescale(
      decide({ ...input, history: { recommendations: null, scaleUpEvents: [old], scaleDownEvents: [] } }),
      { kind: 'written' },
      NOW,
    );
    expect(d.behavior?.scaleUp?.policies).toHaveLength(2);
    expect(historyAfter(d, { now: NOW }).scaleUpEvents).toEqual([{ replicaChange: 4, time: NOW, outdated: false }]);
  });
});
