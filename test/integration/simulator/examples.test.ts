/**
 * Every scenario shipped in examples/ runs, in virtual time with the real controller, and shows
 * what its seed article observed.
 */
import { describe, expect, it } from '@jest/globals';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadScenario, runScenario, type ScenarioResult, type TimedDecision } from '../../../app/scenario-run.js';
import { replicaSequence } from '../../../simulator/demo.js';
import type { Scenario } from '../../../simulator/scenario/types.js';

const DIR = fileURLToPath(new URL('../../../examples/', import.meta.url));

async function run(file: string, edit: (s: Scenario) => Scenario = (s) => s): Promise<ScenarioResult> {
  const s = loadScenario(`${DIR}${file}`);
  if (!s.ok) throw new Error(s.error);
  const r = await runScenario(edit(s.value));
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

const maxReplicas = (r: ScenarioResult): number => Math.max(...r.timeline.map((e) => Number(e.cells[5])));
const lastReplicas = (r: ScenarioResult): number => Number(r.timeline[r.timeline.length - 1].cells[5]);
const metricOf = (d: TimedDecision, i = 0): string | undefined => d.metrics[i]?.value;

describe('examples/', () => {
  it('has a scenario for every seed setup, one for scale to zero, one for the unclamped recommendation', () => {
    expect(
      readdirSync(DIR)
        .filter((f) => f.endsWith('.yaml'))
        .sort(),
    ).toEqual([
      'fallback.yaml',
      'metrics-max-age.yaml',
      'pod-selection.yaml',
      'scale-to-zero.yaml',
      'seed-000-demo.yaml',
      'seed-001-pods-avg.yaml',
      'seed-002-cpu-memory.yaml',
      'seed-003-pods-per-second.yaml',
      'seed-004-container-resource.yaml',
      'seed-004-external-queue.yaml',
      'seed-004-object-ingress.yaml',
      'seed-004-pods-selector.yaml',
      'unclamped-recommendation.yaml',
    ]);
  });

  it('seed 000: http_requests_qps through the adapter rule, 1 → 2 → 4 → 8 → 10 → … → 1', async () => {
    const r = await run('seed-000-demo.yaml');
    expect(replicaSequence(r.timeline)).toEqual([1, 2, 4, 8, 10, 3, 1]);
    expect(r.timeline.some((e) => e.cells[2] === '66m/50')).toBe(true);
  });

  it('seed 001: a current value of 4 against target 3 scales to 2 replicas', async () => {
    const r = await run('seed-001-pods-avg.yaml');
    const first = r.decisions.find((d) => metricOf(d) === '4');
    expect(first).toMatchObject({ current: 1, desired: 2 });
    expect(lastReplicas(r)).toBe(2);
    expect(r.timeline.map((e) => e.cells[2])).toContain('4/3');
  });

  it('seed 002: cpu and memory Utilization, up to 3, then down one step per 5 minutes of stabilization', async () => {
    const r = await run('seed-002-cpu-memory.yaml');
    expect(r.timeline[r.timeline.length - 1].cells[2]).toMatch(/^memory: \d+%\/80%, cpu: \d+%\/20%$/);
    expect(replicaSequence(r.timeline)).toEqual([1, 3, 2, 1]);
    const down = r.decisions.filter((d) => d.scaled !== null && d.action === 'scale_down').map((d) => d.t);
    const loadEnd = 240;
    expect(down[0] - loadEnd).toBeGreaterThanOrEqual(300);
    expect(down[1] - down[0]).toBeGreaterThanOrEqual(240);
  });

  it('seed 003: the v2beta1 HPA (targetAverageValue 10m) on a rate over 2m reaches 3 replicas', async () => {
    const r = await run('seed-003-pods-per-second.yaml');
    expect(r.timeline[0].cells[2]).toBe('<unknown>/10m');
    expect(lastReplicas(r)).toBe(3);
  });

  it('seed 004 Object: the Ingress requests-per-second against Value 2k drives replicas up to maxReplicas', async () => {
    const r = await run('seed-004-object-ingress.yaml');
    expect(r.timeline.map((e) => e.cells[2])).toEqual(expect.arrayContaining(['3k/2k', '7k/2k']));
    expect(lastReplicas(r)).toBe(10);
  });

  it('seed 004 External: queue_messages_cnt AverageValue 30 scales the consumers up, then down when the queue is drained', async () => {
    const r = await run('seed-004-external-queue.yaml');
    expect(r.timeline.some((e) => / \(avg\)$/.test(String(e.cells[2])))).toBe(true);
    expect(maxReplicas(r)).toBeGreaterThanOrEqual(8);
    expect(lastReplicas(r)).toBeLessThan(maxReplicas(r));
  });

  it('seed 004 ContainerResource: cpu of container "application" at 60 % follows the ramp', async () => {
    const r = await run('seed-004-container-resource.yaml');
    expect(r.timeline.some((e) => /^cpu: \d+%\/60%$/.test(String(e.cells[2])))).toBe(true);
    expect(r.decisions.some((d) => d.metrics[0]?.type === 'ContainerResource')).toBe(true);
    expect(lastReplicas(r)).toBeGreaterThanOrEqual(3);
  });

  it('seed 004 Pods with a metric selector: http_requests{verb=GET} at 500m', async () => {
    const r = await run('seed-004-pods-selector.yaml');
    expect(r.timeline.some((e) => /^\d+m\/500m$/.test(String(e.cells[2])))).toBe(true);
    expect(maxReplicas(r)).toBeGreaterThanOrEqual(6);
  });

  it('scale to zero at 1.37: up with the queue, down to 0 once it is empty, up again from 0', async () => {
    const r = await run('scale-to-zero.yaml');
    const seq = replicaSequence(r.timeline);
    expect(seq[0]).toBe(1);
    expect(seq).toContain(10);
    const zero = seq.indexOf(0);
    expect(zero).toBeGreaterThan(0);
    expect(seq.slice(zero).some((n) => n > 0)).toBe(true);
  });

  it('unclamped recommendation: held at maxReplicas 4 while what the queue asks for grows', async () => {
    const r = await run('unclamped-recommendation.yaml');
    expect(maxReplicas(r)).toBe(4);
    const capped = r.decisions.filter((d) => d.current === 4);
    const asked = capped.map((d) => d.unclamped.replicas ?? 0);
    expect(capped.length).toBeGreaterThan(5);
    expect(asked.every((n) => n > 4)).toBe(true);
    expect(asked.slice(1).every((n, i) => n >= asked[i])).toBe(true);
    expect(asked[asked.length - 1]).toBeGreaterThan(asked[0]);
    expect(capped.map((d) => d.unclamped)).toContainEqual(
      expect.objectContaining({ decided: 4, limits: [{ by: 'maxReplicas', reason: 'TooManyReplicas', replicas: 4 }] }),
    );
  });

  it('fallback: the External metric down for 2 minutes; the 4th failing sync scales 1 → 4, the metric back ends it', async () => {
    const r = await run('fallback.yaml');
    const fallbackOf = (d: TimedDecision) => d.conditions.find((c) => c.type === 'Fallback');
    const started = r.decisions.find((d) => d.events.some((e) => e.reason === 'FallbackStarted'));
    expect(started).toMatchObject({ t: 75, current: 1, desired: 4, action: 'scale_up' });
    expect(started?.metrics[0].error).toBeDefined();
    expect(fallbackOf(started as TimedDecision)).toMatchObject({ status: 'True', reason: 'FallbackActive' });
    // failures at 30 s, 45 s and 60 s (the back-off's retries in between are not counted)
    expect(r.decisions.filter((d) => d.t < 75).every((d) => fallbackOf(d)?.status === 'False')).toBe(true);
    const ended = r.decisions.find((d) => d.events.some((e) => e.reason === 'FallbackEnded'));
    expect(ended).toMatchObject({ t: 150, current: 4 });
    expect(fallbackOf(ended as TimedDecision)).toMatchObject({ status: 'False', reason: 'MetricsAvailable' });
    const seq = replicaSequence(r.timeline);
    expect(seq.slice(0, 2)).toEqual([1, 4]);
    expect(Math.max(...seq)).toBeGreaterThan(4);
  });

  it("pods by owner: the busy canary sharing shop-web's labels does not scale shop-web; its own load does", async () => {
    const r = await run('pod-selection.yaml');
    const web = r.decisions.filter((d) => d.name === 'shop-web');
    const LOAD_AT = 300;
    expect(web.some((d) => d.t < LOAD_AT && d.scaled !== null && d.scaled > 2)).toBe(false);
    expect(web.some((d) => d.t >= LOAD_AT && d.scaled !== null && d.scaled > 2)).toBe(true);
    // while the canary is busy: shop-web's 2 pods counted, the canary's 2 left out
    const busyCanary = web.filter((d) => d.t > 120 && d.t < LOAD_AT);
    expect(busyCanary.length).toBeGreaterThan(0);
    expect(busyCanary.every((d) => d.metrics[0]?.pods?.ready === 2)).toBe(true);
    // upstream's selection on the same scenario: the canary's cpu scales shop-web up before 5m
    const upstream = await run('pod-selection.yaml', (s) => ({
      ...s,
      objects: s.objects.map((o) =>
        o.kind === 'HorizontalPodAutoscaler'
          ? { ...o, metadata: { ...(o.metadata as Record<string, unknown>), annotations: {} } }
          : o,
      ),
    }));
    expect(upstream.decisions.some((d) => d.t < LOAD_AT && d.scaled !== null && d.scaled > 2)).toBe(true);
  });
});
