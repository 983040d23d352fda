/**
 * Shadow mode beside the built-in controller: every status the built-in writes makes hpa-ts decide
 * once more, from the replica count the built-in saw (its status.currentReplicas, not what the
 * scale reads now), and compare; hpa-ts itself never writes — no scale, no status, no event.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { Resources } from '../../../../simulator/apiserver/index.js';
import { Loop, NS } from './harness.js';

let loop: Loop;
afterEach(async () => {
  await loop.stop();
});

/** A condition of the built-in's status, stamped now. */
function condition(type: string, reason: string, status = 'True') {
  const at = new Date(loop.clock.now()).toISOString().replace(/\.\d+Z$/, 'Z');
  return { type, status, reason, lastTransitionTime: at };
}

/** What kube-controller-manager 1.37 writes after scaling web from 5 to its maxReplicas 10. */
function builtinWritesStatus(): void {
  const hpa = loop.store.get(Resources.horizontalPodAutoscalers, NS, 'web');
  const at = new Date(loop.clock.now()).toISOString().replace(/\.\d+Z$/, 'Z');
  loop.store.updateStatus(Resources.horizontalPodAutoscalers, NS, 'web', {
    ...hpa,
    status: {
      currentReplicas: 5,
      desiredReplicas: 10,
      lastScaleTime: at,
      conditions: [
        condition('AbleToScale', 'SucceededRescale'),
        condition('ScalingActive', 'ValidMetricFound'),
        condition('ScalingLimited', 'TooManyReplicas'),
        condition('ScaledToZero', 'NotScaledToZero', 'False'),
      ],
    },
  });
}

describe('shadow mode', () => {
  it("decides from the built-in controller's currentReplicas when it writes a status, and writes nothing", async () => {
    loop = new Loop({ mode: 'shadow', syncPeriodMs: 15_000 });
    // 40 against an AverageValue target of 1: as many replicas as the scale-up limit allows,
    // max(2 × current, 4) — so the decision shows which current replica count it started from
    loop.addWorkload('web', { replicas: 2 });
    loop.metrics.behaviour.set('web', { value: '40' });
    await loop.start();
    await loop.runUntil(5);
    expect(loop.outcomes.map((o) => o.outcome.decision?.status.desiredReplicas)).toEqual([4]);

    builtinWritesStatus();
    await loop.runUntil(6);
    expect(loop.reconcileTimes('web')).toEqual([0, 5]);
    const [comparison] = loop.shadow.comparisons();
    expect(comparison).toMatchObject({
      builtin: { currentReplicas: 5, desiredReplicas: 10 },
      ours: { desiredReplicas: 10 },
    });
    expect(comparison.agree).toBe(true);

    await loop.runUntil(61);
    expect(loop.reconcileTimes('web')).toEqual([0, 5, 20, 35, 50]);
    expect(loop.clusterWrites).toEqual([]);
    expect(loop.events).toEqual([]);
    expect(loop.store.get(Resources.deployments, NS, 'web').spec).toMatchObject({ replicas: 2 });
  });

  it('decides on the status the built-in read: a target it scaled to zero (ScaledToZero=True) is autoscaled from metrics', async () => {
    loop = new Loop({ mode: 'shadow', syncPeriodMs: 15_000 });
    loop.addWorkload('web', { replicas: 0 });
    const stored = loop.store.get(Resources.horizontalPodAutoscalers, NS, 'web');
    loop.store.update(Resources.horizontalPodAutoscalers, NS, 'web', {
      ...stored,
      spec: { ...(stored.spec as object), minReplicas: 0 },
    });
    loop.metrics.behaviour.set('web', { value: '3' });
    await loop.start();
    const at = new Date(loop.clock.now()).toISOString().replace(/\.\d+Z$/, 'Z');
    const write = (status: Record<string, unknown>): void => {
      const hpa = loop.store.get(Resources.horizontalPodAutoscalers, NS, 'web');
      loop.store.updateStatus(Resources.horizontalPodAutoscalers, NS, 'web', { ...hpa, status });
    };
    // the built-in scaled web from 1 to 0 earlier: the HPA carries ScaledToZero=True (R3.10.3)
    write({
      currentReplicas: 1,
      desiredReplicas: 0,
      lastScaleTime: at,
      conditions: [
        condition('AbleToScale', 'SucceededRescale'),
        condition('ScalingActive', 'ValidMetricFound'),
        condition('ScalingLimited', 'DesiredWithinRange', 'False'),
        condition('ScaledToZero', 'ScaledToZero'),
      ],
    });
    await loop.runUntil(1);
    // now it reads the HPA with ScaledToZero=True, autoscales web from 0 and writes NotScaledToZero
    await loop.runUntil(20);
    write({
      desiredReplicas: 3,
      lastScaleTime: at,
      conditions: [
        condition('AbleToScale', 'SucceededRescale'),
        condition('ScalingActive', 'ValidMetricFound'),
        condition('ScalingLimited', 'DesiredWithinRange', 'False'),
        condition('ScaledToZero', 'NotScaledToZero', 'False'),
      ],
    });
    await loop.runUntil(21);
    const last = loop.shadow.comparisons().at(-1);
    expect(last?.builtin).toMatchObject({ currentReplicas: 0, desiredReplicas: 3 });
    expect(last?.ours.conditions).toContainEqual({ type: 'ScalingActive', status: 'True', reason: 'ValidMetricFound' });
    expect(last?.ours.desiredReplicas).toBe(3);
    expect(loop.clusterWrites).toEqual([]);
  });
});
