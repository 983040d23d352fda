import { describe, expect, it } from '@jest/globals';
import { decide, settleRescale, type Decision } from '../../../algorithms/index.js';
import { ControllerMetrics } from '../../../controller/monitor.js';
import { NOW, cpuFetch, cpuUtilization, decideInput, makeHpa, makePod } from '../algorithms/fixtures.js';

const pods = Array.from({ length: 4 }, (_, i) => makePod(i));
const hpa = makeHpa([cpuUtilization(50)], { min: 1, max: 20, currentReplicas: 4 });
const planned = decide(decideInput(hpa, pods, [cpuFetch(pods, () => 1000)], 4));

async function desiredGauge(d: Decision): Promise<number[]> {
  const m = new ControllerMetrics({ defaultMetrics: false });
  m.observeDecision(d, 5, new Map());
  return (await m.desiredReplicas.get()).values.map((v) => v.value);
}

async function reconciliations(d: Decision): Promise<Record<string, string | number>[]> {
  const m = new ControllerMetrics({ defaultMetrics: false });
  m.observeDecision(d, 5, new Map());
  return (await m.reconciliations.get()).values.map((v) => ({ ...v.labels, value: v.value }));
}

describe('ControllerMetrics.observeDecision (§5.7)', () => {
  it('sets desired_replicas after a successful rescale', async () => {
    const d = settleRescale(planned, { kind: 'written' }, NOW);
    expect(await desiredGauge(d)).toEqual([8]);
    expect(await reconciliations(d)).toEqual([{ action: 'scale_up', error: 'none', value: 1 }]);
  });

  it('leaves desired_replicas alone when the scale write failed (an early return upstream)', async () => {
    const d = settleRescale(planned, { kind: 'failed', message: 'failed to rescale everything' }, NOW);
    expect(await desiredGauge(d)).toEqual([]);
    expect(await reconciliations(d)).toEqual([{ action: 'none', error: 'internal', value: 1 }]);
  });

  it('leaves desired_replicas alone when the scale could not be read, whatever the message says', async () => {
    const d = decide({
      ...decideInput(hpa, pods, [], 4),
      scale: { ok: false, error: { stage: 'get', message: 'failed to rescale ' } },
    });
    expect(await desiredGauge(d)).toEqual([]);
  });
});

describe("ControllerMetrics: hpa-ts's per-HPA series (the dashboard's and the alerts')", () => {
  async function series(m: ControllerMetrics, g: { get(): Promise<{ values: { labels: object; value: number }[] }> }) {
    return (await g.get()).values.map((v) => ({ ...v.labels, value: v.value }));
  }

  it('exports the bounds, each metric against its target in kubectl units, and no unavailable metric', async () => {
    const m = new ControllerMetrics({ defaultMetrics: false });
    const d = settleRescale(planned, { kind: 'written' }, NOW);
    m.observeDecision(d, 5, new Map());
    const hpaLabels = { namespace: d.namespace, hpa_name: d.name };
    expect(await series(m, m.maxReplicas)).toEqual([{ ...hpaLabels, value: 20 }]);
    expect(await series(m, m.minReplicas)).toEqual([{ ...hpaLabels, value: 1 }]);
    const metric = 'cpu resource utilization (percentage of request)';
    expect(await series(m, m.metricValue)).toEqual([{ ...hpaLabels, metric, value: 100 }]);
    expect(await series(m, m.metricTarget)).toEqual([{ ...hpaLabels, metric, value: 50 }]);
    expect(await series(m, m.metricsUnavailable)).toEqual([{ ...hpaLabels, value: 0 }]);
  });

  it('counts warnings by reason, marks the metrics that failed, and drops the series of a metric that is gone', async () => {
    const m = new ControllerMetrics({ defaultMetrics: false });
    m.observeDecision(settleRescale(planned, { kind: 'written' }, NOW), 5, new Map());
    const failed = decide(decideInput(hpa, pods, [], 4));
    m.observeDecision(failed, 5, new Map());
    expect(await series(m, m.metricsUnavailable)).toEqual([
      { namespace: failed.namespace, hpa_name: failed.name, value: 1 },
    ]);
    expect(await series(m, m.metricValue)).toEqual([]);
    const reasons = failed.events.filter((e) => e.type === 'Warning').map((e) => e.reason);
    expect(reasons.length).toBeGreaterThan(0);
    expect((await series(m, m.reconcileErrors)).map((s) => (s as unknown as { reason: string }).reason).sort()).toEqual(
      [...new Set(reasons)].sort(),
    );
    m.forgetHpa(failed.namespace, failed.name);
    expect(await series(m, m.maxReplicas)).toEqual([]);
  });
});
