import { afterEach, describe, expect, it } from '@jest/globals';
import type { RunningController } from '../../../app/start.js';
import type { ReconcileOutcome } from '../../../controller/reconciler.js';
import {
  DEPLOYMENTS,
  EVENTS,
  cpuMetric,
  createReadyPod,
  deployment,
  hpa,
  replicasOf,
  startCtl,
  startSim,
  waitFor,
  type Sim,
  CRD_HPAS,
  installHpaCrd,
} from './harness.js';

/**
 * Issue 13 item 3: CRD mode trusts its CEL rules, which a server without CEL (older ones, the
 * simulator) does not apply. An autoscaling.hpa-ts.io HPA with minReplicas 5 > maxReplicas 2 is
 * stored; the controller validates it as the API server validates an autoscaling/v2 HPA and
 * reports it — a condition and an event naming the field and what it must be — and never
 * writes its scale (before: 2 ↔ 5 every sync).
 */
const EXPECTED = 'spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`';

let sim: Sim | undefined;
let ctl: RunningController | undefined;

afterEach(async () => {
  await ctl?.stop().catch(() => undefined);
  await sim?.close();
});

function crdHpa(name: string, minReplicas: number, maxReplicas: number): Record<string, unknown> {
  return {
    ...hpa(name, { minReplicas, maxReplicas, metrics: [cpuMetric(50)] }),
    apiVersion: 'autoscaling.hpa-ts.io/v1',
  };
}

function statusOf(
  s: Sim,
  name: string,
): { conditions?: { type: string; status: string; reason: string; message: string }[] } {
  return ((s.server.store.get(CRD_HPAS, 'default', name) as { status?: unknown }).status ?? {}) as ReturnType<
    typeof statusOf
  >;
}

describe('CRD mode with an HPA the CRD would reject but the server stored', () => {
  it('reports minReplicas 5 > maxReplicas 2 with a condition and an event naming the field, and never writes its scale', async () => {
    sim = await startSim();
    const s = sim;
    installHpaCrd(s);
    for (const name of ['bad', 'good']) {
      s.server.store.create(DEPLOYMENTS, 'default', {
        ...deployment(name, 3),
        metadata: { name, namespace: 'default' },
      });
      for (let i = 0; i < 3; i++) {
        createReadyPod(s, name, `${name}-${i}`);
        s.cpu.set(`${name}-${i}`, 100);
      }
    }
    // accepted: the simulator, like a server without CEL, does not run the CRD's x-kubernetes-validations
    s.server.store.create(CRD_HPAS, 'default', crdHpa('bad', 5, 2));
    s.server.store.create(CRD_HPAS, 'default', crdHpa('good', 1, 6));
    const outcomes: ReconcileOutcome[] = [];
    ctl = await startCtl(s, { hpaSource: 'crd' }, (o) => outcomes.push(o));

    await waitFor('the invalid HPA reported', () =>
      statusOf(s, 'bad').conditions?.find((c) => c.type === 'ScalingActive'),
    );
    expect(statusOf(s, 'bad').conditions?.find((c) => c.type === 'ScalingActive')).toMatchObject({
      status: 'False',
      reason: 'InvalidSpec',
      message: `the HPA spec is invalid, so it is not acted on: ${EXPECTED}`,
    });
    const events = s.server.store.list(EVENTS, { namespace: 'default' }).items as unknown as {
      reason: string;
      message: string;
      involvedObject: { name: string; kind: string; apiVersion: string };
    }[];
    expect(events.filter((e) => e.involvedObject.name === 'bad').map((e) => [e.reason, e.message])).toEqual([
      ['InvalidSpec', `the HPA spec is invalid, so it is not acted on: ${EXPECTED}`],
    ]);
    expect(events.find((e) => e.involvedObject.name === 'bad')?.involvedObject).toMatchObject({
      kind: 'HorizontalPodAutoscaler',
      apiVersion: 'autoscaling.hpa-ts.io/v1',
    });

    // several syncs later: the valid HPA beside it scaled, the invalid one's target never written
    await waitFor(
      'three reconciles of the invalid HPA',
      () => outcomes.filter((o) => o.key === 'default/bad').length >= 3,
    );
    await waitFor('the valid HPA scaled', () => replicasOf(s, 'good') === 6);
    expect(replicasOf(s, 'bad')).toBe(3);
    const badTargetWrites = s.server.requests.filter(
      (r) => r.resource === 'deployments' && r.name === 'bad' && !['get', 'list', 'watch'].includes(r.verb),
    );
    expect(badTargetWrites).toEqual([]);
    // nor read: an invalid HPA is not acted on at all
    expect(s.server.requests.filter((r) => r.resource === 'deployments' && r.name === 'bad')).toEqual([]);
    const badOutcomes = outcomes.filter((o) => o.key === 'default/bad');
    expect(badOutcomes.every((o) => o.scaled === undefined && o.decision?.error?.code === 'InvalidSpec')).toBe(true);
    // the status is written once, not every sync (no write when nothing changed)
    expect(badOutcomes.filter((o) => o.statusWritten)).toHaveLength(1);
  });
});
