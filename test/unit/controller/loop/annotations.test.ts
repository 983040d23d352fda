/**
 * hpa-ts's annotations in the loop (docs/annotations.md), in virtual time: `hpa-ts.io/sync-period`
 * sets the HPA's own requeue period; `hpa-ts.io/paused` and `hpa-ts.io/paused-replicas` keep the
 * scale from being written (but for the one paused-replicas write) while status keeps coming.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { Resources } from '../../../../simulator/apiserver/index.js';
import { Loop, NS, gaps } from './harness.js';

let loop: Loop;
afterEach(async () => {
  await loop.stop();
});

function replicasOf(name: string): unknown {
  return (loop.store.get(Resources.deployments, NS, name).spec as { replicas?: number }).replicas;
}

function conditionOf(name: string, type: string): { status: string; reason: string; message: string } | undefined {
  const status = loop.store.get(Resources.horizontalPodAutoscalers, NS, name).status as
    { conditions?: { type: string; status: string; reason: string; message: string }[] } | undefined;
  return status?.conditions?.find((c) => c.type === type);
}

function annotate(name: string, annotations: Record<string, string>): void {
  const hpa = loop.store.get(Resources.horizontalPodAutoscalers, NS, name);
  loop.store.update(Resources.horizontalPodAutoscalers, NS, name, {
    ...hpa,
    metadata: { ...hpa.metadata, annotations },
  });
}

describe('hpa-ts.io/sync-period', () => {
  it('requeues the HPA after its own period while the others keep the global one', async () => {
    loop = new Loop({ syncPeriodMs: 15_000 });
    loop.addWorkload('slow', { annotations: { 'hpa-ts.io/sync-period': '40s' } });
    loop.addWorkload('fast', { annotations: { 'hpa-ts.io/sync-period': '5s' } });
    loop.addWorkload('plain');
    loop.metrics.behaviour.set('slow', { value: '3' });
    await loop.start();
    await loop.runUntil(125);
    expect(gaps(loop.reconcileTimes('slow'))).toEqual([40, 40, 40]);
    expect(gaps(loop.reconcileTimes('fast'))).toEqual(Array<number>(25).fill(5));
    expect(gaps(loop.reconcileTimes('plain'))).toEqual(Array<number>(8).fill(15));
  });

  it('an invalid period keeps the global one and says so in an event and the AnnotationsValid condition', async () => {
    loop = new Loop({ syncPeriodMs: 15_000 });
    loop.addWorkload('web', { annotations: { 'hpa-ts.io/sync-period': '2h' } });
    await loop.start();
    await loop.runUntil(61);
    expect(gaps(loop.reconcileTimes('web'))).toEqual([15, 15, 15, 15]);
    expect(loop.events).toContain('Warning InvalidAnnotation');
    expect(conditionOf('web', 'AnnotationsValid')).toMatchObject({
      status: 'False',
      reason: 'InvalidAnnotation',
      message: 'hpa-ts.io/sync-period: "2h" is out of range: must be between 1s and 1h; ignored',
    });
  });

  it('an edit of the annotation applies from the next requeue, and its removal clears the condition', async () => {
    loop = new Loop({ syncPeriodMs: 15_000 });
    loop.addWorkload('web', { annotations: { 'hpa-ts.io/sync-period': 'soon' } });
    await loop.start();
    await loop.runUntil(16);
    expect(conditionOf('web', 'AnnotationsValid')?.status).toBe('False');
    annotate('web', { 'hpa-ts.io/sync-period': '10s' });
    await loop.runUntil(61);
    // edited at 16: the key comes back 10 s after the edit, then every 10 s
    expect(loop.reconcileTimes('web')).toEqual([0, 15, 26, 36, 46, 56]);
    expect(conditionOf('web', 'AnnotationsValid')).toBeUndefined();
  });
});

describe('hpa-ts.io/paused', () => {
  it('writes nothing to the scale over many periods while status and metrics keep coming', async () => {
    loop = new Loop({ syncPeriodMs: 15_000 });
    loop.addWorkload('web', { replicas: 2, annotations: { 'hpa-ts.io/paused': 'true' } });
    loop.metrics.behaviour.set('web', { value: '7' });
    await loop.start();
    await loop.runUntil(150);
    expect(loop.clusterWrites).not.toContain('updateScale');
    expect(replicasOf('web')).toBe(2);
    expect(loop.reconcileTimes('web')).toHaveLength(11);
    const status = loop.store.get(Resources.horizontalPodAutoscalers, NS, 'web').status as {
      desiredReplicas: number;
      currentMetrics: unknown[];
    };
    expect(status.desiredReplicas).toBe(2);
    expect(status.currentMetrics).toHaveLength(1);
    expect(conditionOf('web', 'Paused')).toEqual({
      type: 'Paused',
      status: 'True',
      reason: 'PausedByAnnotation',
      // 7 asked; the default scale-up policy allows 4 from 2 (what upstream would write)
      message: 'hpa-ts.io/paused is "true": the scale is held at 2; unpaused it would scale to 4',
      lastTransitionTime: expect.any(String),
    });
  });

  it('scales as upstream would once unpaused, and the Paused condition goes', async () => {
    loop = new Loop({ syncPeriodMs: 15_000 });
    loop.addWorkload('web', { replicas: 2, annotations: { 'hpa-ts.io/paused': 'true' } });
    loop.metrics.behaviour.set('web', { value: '7' });
    await loop.start();
    await loop.runUntil(31);
    annotate('web', {});
    await loop.runUntil(46);
    expect(replicasOf('web')).toBe(4); // 2 → 4: the default scale-up policy's limit, as upstream
    await loop.runUntil(61);
    expect(replicasOf('web')).toBe(7);
    expect(conditionOf('web', 'Paused')).toBeUndefined();
  });
});

describe('hpa-ts.io/paused-replicas', () => {
  it('scales to the count once, then holds it over many periods', async () => {
    loop = new Loop({ syncPeriodMs: 15_000 });
    loop.addWorkload('web', { replicas: 5, annotations: { 'hpa-ts.io/paused-replicas': '3' } });
    loop.metrics.behaviour.set('web', { value: '9' });
    await loop.start();
    await loop.runUntil(150);
    expect(loop.clusterWrites.filter((w) => w === 'updateScale')).toHaveLength(1);
    expect(replicasOf('web')).toBe(3);
    expect(loop.events).toContain('Normal SuccessfulRescale');
    expect(conditionOf('web', 'Paused')?.message).toBe(
      'hpa-ts.io/paused-replicas is "3": the scale is held at 3; unpaused it would scale to 6',
    );
  });

  it('sets the count back when something else changes it while paused', async () => {
    loop = new Loop({ syncPeriodMs: 15_000 });
    loop.addWorkload('web', { replicas: 5, annotations: { 'hpa-ts.io/paused-replicas': '3' } });
    await loop.start();
    await loop.runUntil(20);
    const d = loop.store.get(Resources.deployments, NS, 'web');
    loop.store.update(Resources.deployments, NS, 'web', { ...d, spec: { ...(d.spec as object), replicas: 7 } });
    await loop.runUntil(50);
    expect(replicasOf('web')).toBe(3);
    expect(loop.clusterWrites.filter((w) => w === 'updateScale')).toHaveLength(2);
  });

  it('keeps the count within [minReplicas, maxReplicas]', async () => {
    loop = new Loop({ syncPeriodMs: 15_000 });
    loop.addWorkload('web', { replicas: 5, annotations: { 'hpa-ts.io/paused-replicas': '0' } });
    await loop.start();
    await loop.runUntil(60);
    expect(replicasOf('web')).toBe(1);
    expect(loop.clusterWrites.filter((w) => w === 'updateScale')).toHaveLength(1);
  });
});
