/**
 * hpa-ts.io/fallback-replicas end to end over HTTP (docs/annotations.md, fallback): the
 * controller talks HTTP to the simulator, whose custom metrics API does not serve the HPA's Pods
 * metric at first; past the threshold the Deployment is scaled to the fallback count, and once
 * the metric is served the Fallback condition turns False.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import type { RunningController } from '../../../app/start.js';
import type { ReconcileOutcome } from '../../../controller/reconciler.js';
import {
  DEPLOYMENTS,
  EVENTS,
  condition,
  createReadyPod,
  deployment,
  hpa,
  replicasOf,
  startCtl,
  startSim,
  waitFor,
  type Sim,
} from './harness.js';

let sim: Sim | undefined;
let ctl: RunningController | undefined;

afterEach(async () => {
  await ctl?.stop().catch(() => undefined);
  ctl = undefined;
  await sim?.close();
  sim = undefined;
});

const QPS = {
  type: 'Pods',
  pods: { metric: { name: 'http_requests_qps' }, target: { type: 'AverageValue', averageValue: '10' } },
};

function eventsOf(s: Sim, name: string): { type: string; reason: string; message: string }[] {
  const items = s.server.store.list(EVENTS, { namespace: 'default' }).items as unknown as {
    type: string;
    reason: string;
    message: string;
    involvedObject: { name: string };
  }[];
  return items.filter((e) => e.involvedObject.name === name);
}

describe('hpa-ts.io/fallback-replicas over HTTP', () => {
  it('a Pods metric not served: 2 → 5 past the threshold (Fallback=True, FallbackStarted); served again: Fallback=False, FallbackEnded', async () => {
    sim = await startSim();
    const s = sim;
    s.server.store.create(DEPLOYMENTS, 'default', deployment('web', 2));
    for (let i = 0; i < 2; i++) createReadyPod(s, 'web', `web-${i}`);
    const body = hpa('web', { maxReplicas: 10, metrics: [QPS] });
    s.server.store.create({ group: 'autoscaling', version: 'v2', resource: 'horizontalpodautoscalers' }, 'default', {
      ...body,
      metadata: {
        ...(body.metadata as Record<string, unknown>),
        annotations: { 'hpa-ts.io/fallback-replicas': '5', 'hpa-ts.io/fallback-failure-threshold': '2' },
      },
    });
    const outcomes: ReconcileOutcome[] = [];
    ctl = await startCtl(s, {}, (o) => outcomes.push(o));

    await waitFor('scaled to the fallback count', () => replicasOf(s, 'web') === 5);
    const active = await waitFor('Fallback=True', () => {
      const c = condition(s, 'web', 'Fallback');
      return c?.status === 'True' ? c : undefined;
    });
    expect(active).toMatchObject({ reason: 'FallbackActive' });
    expect(active.message).toMatch(
      /^\d+ consecutive reconciles with a failed metric \(threshold 2\): recommending 5 replicas \(hpa-ts\.io\/fallback-replicas "5", behavior static\)$/,
    );
    // the threshold counts failures once per half sync period, not each back-off retry
    const started = outcomes.find((o) => o.decision?.fallback?.started === true);
    expect(started?.decision?.fallback?.state.consecutiveFailures).toBe(3);
    // upstream's scale-up limit without spec.behavior (max(2 × 2, 4)) applies to the fallback too
    expect(started?.scaled).toBe(4);
    await waitFor('a FallbackStarted event', () => eventsOf(s, 'web').find((e) => e.reason === 'FallbackStarted'));
    expect(eventsOf(s, 'web').find((e) => e.reason === 'FallbackStarted')?.type).toBe('Warning');

    // the metric is served: 5 pods at 10 qps each, on target
    for (let i = 2; i < 5; i++) createReadyPod(s, 'web', `web-${i}`);
    for (let i = 0; i < 5; i++) s.custom.set(`http_requests_qps/web-${i}`, 10_000);
    const ok = await waitFor('Fallback=False', () => {
      const c = condition(s, 'web', 'Fallback');
      return c?.status === 'False' ? c : undefined;
    });
    expect(ok).toMatchObject({ reason: 'MetricsAvailable' });
    await waitFor('a FallbackEnded event', () => eventsOf(s, 'web').find((e) => e.reason === 'FallbackEnded'));
    expect(eventsOf(s, 'web').find((e) => e.reason === 'FallbackEnded')?.type).toBe('Normal');
    expect(replicasOf(s, 'web')).toBe(5);
  });
});
