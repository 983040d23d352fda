/**
 * hpa-ts's annotations end to end over HTTP (docs/annotations.md): an annotated HPA is created
 * through the simulator's API as kubectl would create it, and the controller, talking HTTP to
 * the same server, honours it — on autoscaling/v2 and on autoscaling.hpa-ts.io (CRD mode) alike.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { RunningController } from '../../../app/start.js';
import type { ReconcileOutcome } from '../../../controller/reconciler.js';
import { Resources } from '../../../simulator/apiserver/index.js';
import { HAVE_KUBECTL } from '../../deploy/support/manifests.js';
import {
  busyDeployment,
  condition,
  cpuMetric,
  hpa,
  hpaStatus,
  replicasOf,
  startCtl,
  startSim,
  waitFor,
  writes,
  type Sim,
  CRD_HPAS,
  installHpaCrd,
} from './harness.js';

const EXAMPLE = fileURLToPath(new URL('../../../manifests/examples/annotations/paused-replicas.yaml', import.meta.url));
const EXAMPLES_DIR = fileURLToPath(new URL('../../../manifests/examples/annotations/', import.meta.url));

let sim: Sim | undefined;
let ctl: RunningController | undefined;

afterEach(async () => {
  await ctl?.stop().catch(() => undefined);
  ctl = undefined;
  await sim?.close();
  sim = undefined;
});

/** A Deployment with `replicas` ready pods at 90% of their CPU request: upstream would scale up. */
function busyWorkload(s: Sim, name: string, replicas: number): void {
  busyDeployment(s, name, replicas, 90);
}

/** An autoscaling/v2 HPA on 50% CPU, 1 … 10 replicas, with these annotations. */
function annotatedHpa(name: string, annotations: Record<string, string>): Record<string, unknown> {
  const body = hpa(name, { maxReplicas: 10, metrics: [cpuMetric(50)] });
  return { ...body, metadata: { ...(body.metadata as Record<string, unknown>), annotations } };
}

/** POST as kubectl create does; returns the HTTP status. */
async function create(s: Sim, path: string, body: Record<string, unknown>): Promise<number> {
  const res = await fetch(`${s.server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await res.text();
  return res.status;
}

function scaleWrites(s: Sim, name: string): number {
  return writes(s).filter(
    (w) => w.resource === 'deployments' && w.subresource === 'scale' && (w as { name?: string }).name === name,
  ).length;
}

describe('annotated autoscaling/v2 HPAs over HTTP', () => {
  it('hpa-ts.io/paused-replicas scales to the count once and holds it while status keeps coming; removing it resumes', async () => {
    sim = await startSim();
    const s = sim;
    busyWorkload(s, 'web', 4);
    const body = annotatedHpa('web', { 'hpa-ts.io/paused-replicas': '2' });
    expect(await create(s, '/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers', body)).toBe(201);
    const outcomes: ReconcileOutcome[] = [];
    ctl = await startCtl(s, {}, (o) => outcomes.push(o));

    await waitFor('scaled to 2', () => replicasOf(s, 'web') === 2);
    await waitFor('five more reconciles', () => outcomes.filter((o) => o.key === 'default/web').length >= 6);
    expect(replicasOf(s, 'web')).toBe(2);
    expect(scaleWrites(s, 'web')).toBe(1);
    expect(condition(s, 'web', 'Paused')).toMatchObject({ status: 'True', reason: 'PausedByAnnotation' });
    expect(condition(s, 'web', 'Paused')?.message).toMatch(
      /^hpa-ts\.io\/paused-replicas is "2": the scale is held at 2;/,
    );
    expect(hpaStatus(s, 'web').currentMetrics).toHaveLength(1);
    expect(hpaStatus(s, 'web').desiredReplicas).toBe(2);

    const stored = s.server.store.get(Resources.horizontalPodAutoscalers, 'default', 'web');
    s.server.store.update(Resources.horizontalPodAutoscalers, 'default', 'web', {
      ...stored,
      metadata: { ...stored.metadata, annotations: {} },
    });
    await waitFor('scaled up from 2 once unpaused', () => replicasOf(s, 'web') > 2);
    await waitFor('the Paused condition removed', () => condition(s, 'web', 'Paused') === undefined);
  });
});

describe('annotated autoscaling.hpa-ts.io HPAs (CRD mode) over HTTP', () => {
  it('hpa-ts.io/paused holds the scale; an invalid sync period is reported and ignored', async () => {
    sim = await startSim();
    const s = sim;
    installHpaCrd(s);
    busyWorkload(s, 'api', 3);
    const body = {
      ...annotatedHpa('api', { 'hpa-ts.io/paused': 'true', 'hpa-ts.io/sync-period': '90m' }),
      apiVersion: 'autoscaling.hpa-ts.io/v1',
    };
    expect(await create(s, '/apis/autoscaling.hpa-ts.io/v1/namespaces/default/horizontalpodautoscalers', body)).toBe(
      201,
    );
    const outcomes: ReconcileOutcome[] = [];
    ctl = await startCtl(s, { hpaSource: 'crd' }, (o) => outcomes.push(o));

    const conditionOf = (type: string): { status: string; reason: string; message: string } | undefined =>
      (
        (s.server.store.get(CRD_HPAS, 'default', 'api') as { status?: { conditions?: { type: string }[] } }).status
          ?.conditions as { type: string; status: string; reason: string; message: string }[] | undefined
      )?.find((c) => c.type === type);
    // the global period (300 ms here) applies: several reconciles come quickly
    await waitFor('four reconciles', () => outcomes.filter((o) => o.key === 'default/api').length >= 4);
    expect(replicasOf(s, 'api')).toBe(3);
    expect(scaleWrites(s, 'api')).toBe(0);
    expect(conditionOf('Paused')).toMatchObject({
      status: 'True',
      message: 'hpa-ts.io/paused is "true": the scale is held at 3; unpaused it would scale to 6',
    });
    expect(conditionOf('AnnotationsValid')).toMatchObject({
      status: 'False',
      reason: 'InvalidAnnotation',
      message: 'hpa-ts.io/sync-period: "90m" is out of range: must be between 1s and 1h; ignored',
    });
  });
});

(HAVE_KUBECTL ? describe : describe.skip)('kubectl apply of the example manifest', () => {
  it('manifests/examples/annotations/paused-replicas.yaml: the Deployment of 5 is scaled to 2 once and held', async () => {
    sim = await startSim();
    const s = sim;
    const outcomes: ReconcileOutcome[] = [];
    ctl = await startCtl(s, {}, (o) => outcomes.push(o));
    // async: the API server answering kubectl runs in this process
    const applied = await promisify(execFile)('kubectl', ['--kubeconfig', s.kubeconfigPath, 'apply', '-f', EXAMPLE], {
      timeout: 60_000,
    });
    expect(applied.stdout).toContain('horizontalpodautoscaler.autoscaling/maintenance-web created');
    await waitFor('scaled to 2', () => replicasOf(s, 'maintenance-web') === 2);
    // no pods run in this server, so the CPU metric fails: the pause writes its count all the same
    await waitFor(
      'three more reconciles',
      () => outcomes.filter((o) => o.key === 'default/maintenance-web').length >= 4,
    );
    expect(replicasOf(s, 'maintenance-web')).toBe(2);
    expect(scaleWrites(s, 'maintenance-web')).toBe(1);
    expect(condition(s, 'maintenance-web', 'Paused')?.status).toBe('True');
  });

  it('every manifest of manifests/examples/annotations/ applies, and each HPA is reconciled with its annotations valid', async () => {
    sim = await startSim();
    const s = sim;
    ctl = await startCtl(s, {});
    const applied = await promisify(execFile)(
      'kubectl',
      ['--kubeconfig', s.kubeconfigPath, 'apply', '-f', EXAMPLES_DIR],
      {
        timeout: 60_000,
      },
    );
    const hpas = [...applied.stdout.matchAll(/horizontalpodautoscaler\.autoscaling\/(\S+) created/g)].map((m) => m[1]);
    expect(hpas.sort()).toEqual([
      'batch-worker',
      'fallback-consumer',
      'maintenance-web',
      'paused-web',
      'shop-web',
      'stale-web',
    ]);
    for (const name of hpas) {
      await waitFor(`${name} reconciled`, () => condition(s, name, 'AbleToScale') !== undefined);
      expect([name, condition(s, name, 'AnnotationsValid')]).toEqual([name, undefined]);
    }
    // what each annotation shows on the status, read back as kubectl would
    expect(condition(s, 'paused-web', 'Paused')?.status).toBe('True');
    expect(condition(s, 'maintenance-web', 'Paused')?.status).toBe('True');
    expect(condition(s, 'fallback-consumer', 'Fallback')).toBeDefined();
  });
});
