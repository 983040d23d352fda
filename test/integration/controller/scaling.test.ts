import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { RunningController } from '../../../app/start.js';
import {
  DEPLOYMENTS,
  EVENTS,
  HPAS,
  condition,
  cpuMetric,
  createReadyPod,
  busyDeployment,
  hpa,
  replicasOf,
  startCtl,
  startSim,
  waitFor,
  writes,
  type Sim,
} from './harness.js';

let sim: Sim;
let ctl: RunningController | undefined;

beforeEach(async () => {
  sim = await startSim();
});

afterEach(async () => {
  await ctl?.stop();
  ctl = undefined;
  await sim.close();
});

function setup(name: string, replicas: number, cpuEach: number, spec: Record<string, unknown>): void {
  busyDeployment(sim, name, replicas, cpuEach);
  sim.server.store.create(HPAS, 'default', hpa(name, spec));
}

describe('the controller over HTTP against the simulator API server', () => {
  it('scales up on CPU utilization and reports it like upstream', async () => {
    setup('web', 2, 90, { maxReplicas: 10, metrics: [cpuMetric(50)] });
    ctl = await startCtl(sim);
    await waitFor('scale to 4', () => replicasOf(sim, 'web') === 4);
    await waitFor('SucceededRescale', () => condition(sim, 'web', 'AbleToScale')?.reason === 'SucceededRescale');
    expect(condition(sim, 'web', 'ScalingActive')).toMatchObject({ status: 'True', reason: 'ValidMetricFound' });
    const events = sim.server.store.list(EVENTS, { namespace: 'default' }).items as unknown as {
      reason: string;
      message: string;
      source: { component: string };
    }[];
    expect(events.find((e) => e.reason === 'SuccessfulRescale')).toMatchObject({
      message: 'New size: 4; reason: cpu resource utilization (percentage of request) above target',
      source: { component: 'horizontal-pod-autoscaler' },
    });
  });

  it('holds a scale-down inside the stabilization window, then releases it', async () => {
    setup('api', 4, 50, { minReplicas: 1, maxReplicas: 10, metrics: [cpuMetric(50)] });
    ctl = await startCtl(sim, { horizontalPodAutoscalerDownscaleStabilization: '2s' });
    await waitFor('first reconcile', () => condition(sim, 'api', 'ScalingActive')?.reason === 'ValidMetricFound');
    for (let i = 0; i < 4; i++) sim.cpu.set(`api-${i}`, 10);
    await waitFor('ScaleDownStabilized', () => condition(sim, 'api', 'AbleToScale')?.reason === 'ScaleDownStabilized');
    expect(replicasOf(sim, 'api')).toBe(4);
    await waitFor('released to 1', () => replicasOf(sim, 'api') === 1, 10_000);
  });

  it("follows seed 000's HPA on a Pods custom metric, rate-limited by its behavior", async () => {
    sim.server.store.create(
      DEPLOYMENTS,
      'default',
      parse(readFileSync('manifests/examples/seed-000/sample-httpserver-deployment.yaml', 'utf8')),
    );
    createReadyPod(sim, 'sample-httpserver', 'sample-httpserver-6784dcf77c-56th4');
    sim.custom.set('http_requests_qps/sample-httpserver-6784dcf77c-56th4', 1_000_133);
    const manifest = parse(readFileSync('manifests/examples/seed-000/sample-httpserver-hpa.v2.yaml', 'utf8')) as Record<
      string,
      unknown
    >;
    sim.server.store.create(HPAS, 'default', {
      ...manifest,
      metadata: { ...(manifest.metadata as object), namespace: 'default' },
    });
    ctl = await startCtl(sim);
    await waitFor('scale to 2', () => replicasOf(sim, 'sample-httpserver') === 2);
    expect(condition(sim, 'sample-httpserver', 'ScalingLimited')).toMatchObject({
      status: 'True',
      reason: 'ScaleUpLimit',
    });
    const h = sim.server.store.get(HPAS, 'default', 'sample-httpserver') as unknown as {
      status: { currentMetrics: unknown[] };
    };
    expect(h.status.currentMetrics[0]).toEqual({
      type: 'Pods',
      pods: { metric: { name: 'http_requests_qps' }, current: { averageValue: '1000133m' } },
    });
  });

  it('reports ScalingActive=False with the upstream reason and does not scale when the metrics API is down', async () => {
    setup('down', 3, 10, { metrics: [cpuMetric(50)] });
    sim.metricsDown = true;
    let reconciles = 0;
    ctl = await startCtl(sim, {}, (o) => o.key === 'default/down' && reconciles++);
    const c = await waitFor('FailedGetResourceMetric', () => condition(sim, 'down', 'ScalingActive'));
    expect(c).toMatchObject({ status: 'False', reason: 'FailedGetResourceMetric' });
    expect(c.message).toContain(
      'the HPA was unable to compute the replica count: failed to get cpu utilization: unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API:',
    );
    const seen = reconciles;
    await waitFor('two more reconciles with the metrics API down', () => reconciles >= seen + 2);
    expect(replicasOf(sim, 'down')).toBe(3);
    expect(writes(sim).filter((w) => w.subresource === 'scale')).toHaveLength(0);
  });

  it('writes nothing at all in dry-run', async () => {
    setup('dry', 2, 95, { metrics: [cpuMetric(50)] });
    sim.server.clearRequests();
    const decisions: string[] = [];
    ctl = await startCtl(sim, { dryRun: true }, (o) => o.decision && decisions.push(o.decision.reason));
    await waitFor('two dry-run decisions', () => decisions.length >= 2);
    expect(decisions[0]).toContain('scale Deployment/default/dry from 2 to 4');
    expect(writes(sim)).toEqual([]);
    expect(replicasOf(sim, 'dry')).toBe(2);
  });
});
