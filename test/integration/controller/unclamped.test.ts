/**
 * The unclamped recommendation over HTTP (docs/recommendation.md): an HPA whose metrics ask for
 * 14 replicas with maxReplicas 10 shows 14 in `hpa-ts explain`, on /metrics as
 * hpa_ts_recommendation_unclamped, and, in CRD mode only, as status.unclampedReplicas.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { explainHpa } from '../../../app/explain-command.js';
import { runSettingsFromFlags } from '../../../app/settings.js';
import type { RunningController } from '../../../app/start.js';
import type { ReconcileOutcome } from '../../../controller/reconciler.js';
import { Resources } from '../../../simulator/apiserver/index.js';
import {
  FAST_FLAGS,
  busyDeployment,
  cpuMetric,
  hpa,
  hpaStatus,
  replicasOf,
  startCtl,
  startSim,
  waitFor,
  type Sim,
  CRD_HPAS,
  installHpaCrd,
} from './harness.js';

const LINE = 'unclamped recommendation: metrics ask for 14 replicas; limited to 10 by maxReplicas 10 (TooManyReplicas)';

let sim: Sim | undefined;
let ctl: RunningController | undefined;

afterEach(async () => {
  await ctl?.stop().catch(() => undefined);
  ctl = undefined;
  await sim?.close();
  sim = undefined;
});

/** 5 ready pods at 140 % of their CPU request against a 50 % target: 5 × 2.8 = 14 replicas. */
function overloaded(s: Sim, name: string): void {
  busyDeployment(s, name, 5, 140);
}

async function unclampedGauge(port: number): Promise<string[]> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return text.split('\n').filter((l) => l.startsWith('hpa_ts_recommendation_unclamped{'));
}

describe('an autoscaling/v2 HPA whose metrics ask for more than maxReplicas', () => {
  it('is explained, and shown on /metrics, while its status stays upstream’s', async () => {
    sim = await startSim();
    const s = sim;
    overloaded(s, 'web');
    s.server.store.create(Resources.horizontalPodAutoscalers, 'default', hpa('web', { metrics: [cpuMetric(50)] }));

    const settings = runSettingsFromFlags({ ...FAST_FLAGS, kubeconfig: s.kubeconfigPath });
    const explained = await explainHpa('default/web', settings, { metricsClient: 'apiserver' }, 'text');
    expect(explained.code).toBe(0);
    expect(explained.text).toContain(`\n  ${LINE}\n`);
    const json = await explainHpa('default/web', settings, { metricsClient: 'apiserver' }, 'json');
    expect(JSON.parse(json.text)).toMatchObject({
      metricsProposal: 14,
      unclamped: {
        replicas: 14,
        decided: 10,
        limits: [{ by: 'maxReplicas', reason: 'TooManyReplicas', replicas: 10 }],
      },
    });

    ctl = await startCtl(s);
    const port = ctl.httpPort;
    await waitFor('scaled to 10', () => replicasOf(s, 'web') === 10);
    const gauge = await waitForAsync(async () => {
      const lines = await unclampedGauge(port);
      return lines.length > 0 ? lines : undefined;
    });
    // 10 replicas now, 5 pods at 140 %: the metrics still ask for 14
    expect(gauge).toEqual(['hpa_ts_recommendation_unclamped{namespace="default",hpa_name="web"} 14']);
    expect(Object.keys(hpaStatus(s, 'web'))).not.toContain('unclampedReplicas');

    // out of range: scaled back without reading metrics, so the series goes
    const stored = s.server.store.get(Resources.horizontalPodAutoscalers, 'default', 'web');
    s.server.store.update(Resources.horizontalPodAutoscalers, 'default', 'web', {
      ...stored,
      spec: { ...(stored.spec as Record<string, unknown>), maxReplicas: 3 },
    });
    await waitFor('scaled back to 3', () => replicasOf(s, 'web') === 3);
    await waitForAsync(async () => ((await unclampedGauge(port)).length === 0 ? true : undefined));
  });
});

describe('an autoscaling.hpa-ts.io HPA (CRD mode)', () => {
  it('has status.unclampedReplicas, kept while metrics fail', async () => {
    sim = await startSim();
    const s = sim;
    installHpaCrd(s);
    overloaded(s, 'api');
    s.server.store.create(CRD_HPAS, 'default', {
      ...hpa('api', { metrics: [cpuMetric(50)] }),
      apiVersion: 'autoscaling.hpa-ts.io/v1',
    });
    const outcomes: ReconcileOutcome[] = [];
    ctl = await startCtl(s, { hpaSource: 'crd' }, (o) => outcomes.push(o));
    const status = (): { desiredReplicas?: number; unclampedReplicas?: number } =>
      ((s.server.store.get(CRD_HPAS, 'default', 'api') as { status?: unknown }).status ?? {}) as ReturnType<
        typeof status
      >;
    await waitFor('scaled to 10 with the unclamped 14 in status', () => {
      const st = status();
      return replicasOf(s, 'api') === 10 && st.desiredReplicas === 10 && st.unclampedReplicas === 14;
    });

    s.metricsDown = true;
    const before = outcomes.length;
    await waitFor('three reconciles with failed metrics', () => outcomes.length >= before + 3);
    expect(outcomes.at(-1)?.decision?.branch).toBe('metricsFailed');
    expect(status()).toMatchObject({ desiredReplicas: 10, unclampedReplicas: 14 });
  });
});

async function waitForAsync<T>(fn: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() - start > timeoutMs) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
