/**
 * The stale-sample cut-off on the simulator (examples/metrics-max-age.yaml): the simulated
 * metrics.k8s.io stamps its samples 5 minutes in the past from 3m to 8m (`stale-metrics` fault,
 * simulator/metrics/service.ts), in virtual time with the real controller.
 */
import { describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { loadScenario, runScenario, type ScenarioResult } from '../../../app/scenario-run.js';
import type { Scenario } from '../../../simulator/scenario/index.js';

const FILE = fileURLToPath(new URL('../../../examples/metrics-max-age.yaml', import.meta.url));
const STALE_FROM = 180;
const STALE_TO = 480;

function scenario(): Scenario {
  const s = loadScenario(FILE);
  if (!s.ok) throw new Error(s.error);
  return s.value;
}

async function run(s: Scenario): Promise<ScenarioResult> {
  const r = await runScenario(s);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

/** The scenario with the HPA's annotations replaced (objects are plain manifests). */
function withHpaAnnotations(s: Scenario, annotations: Record<string, string>): Scenario {
  const objects = s.objects.map((o) => {
    if (o.kind !== 'HorizontalPodAutoscaler') return o;
    const metadata = o.metadata as Record<string, unknown>;
    return { ...o, metadata: { ...metadata, annotations } };
  });
  return { ...s, objects };
}

const scaleDowns = (r: ScenarioResult) =>
  r.decisions.filter((d) => d.scaled !== null && d.action === 'scale_down').map((d) => d.t);

describe('hpa-ts.io/metrics-max-age on the simulator', () => {
  it('does not scale down while every sample is stale, says so, and scales down once samples are fresh', async () => {
    const r = await run(scenario());
    const inWindow = r.decisions.filter((d) => d.t >= STALE_FROM + 15 && d.t < STALE_TO);
    expect(inWindow.length).toBeGreaterThan(5);
    for (const d of inWindow) {
      expect(d.action).toBe('none');
      expect(d.staleSamples?.source).toBe('annotation');
      expect(d.staleSamples?.maxAge).toBe('2m0s');
      expect(d.staleSamples?.dropped.length).toBe(d.current);
      expect(d.staleSamples?.dropped.every((x) => x.metric === 'Resource cpu' && x.age === '5m0s')).toBe(true);
      expect(d.events.map((e) => e.reason)).toContain('FailedGetResourceMetric');
      expect(d.events.find((e) => e.reason === 'FailedGetResourceMetric')?.message).toContain('every sample is stale');
      expect(d.steps[0]).toMatch(
        /^samples older than 2m0s \(hpa-ts\.io\/metrics-max-age\) are not trusted: \d+ dropped$/,
      );
    }
    const down = scaleDowns(r);
    expect(down.length).toBeGreaterThan(0);
    expect(down.every((t) => t >= STALE_TO)).toBe(true);
    expect(r.decisions.at(-1)?.current).toBe(1);
    // before the fault every sample is fresh: nothing dropped
    expect(r.decisions.filter((d) => d.t < STALE_FROM).every((d) => d.staleSamples?.dropped.length === 0)).toBe(true);
  });

  it('without the annotation (or with "0") the same run trusts the old samples and scales down inside the window', async () => {
    const variants: Record<string, string>[] = [{}, { 'hpa-ts.io/metrics-max-age': '0' }];
    for (const annotations of variants) {
      const r = await run(withHpaAnnotations(scenario(), annotations));
      expect(r.decisions.every((d) => d.staleSamples === undefined)).toBe(true);
      const down = scaleDowns(r);
      expect(down.some((t) => t > STALE_FROM && t < STALE_TO)).toBe(true);
    }
  });

  it('the flag (a scenario controller: setting) applies when the HPA has no annotation', async () => {
    const s = withHpaAnnotations(scenario(), {});
    const r = await run({ ...s, controller: { ...s.controller, 'metrics-max-age': '2m' } });
    expect(scaleDowns(r).every((t) => t >= STALE_TO)).toBe(true);
    expect(r.decisions.some((d) => d.staleSamples?.source === 'flag' && d.staleSamples.dropped.length > 0)).toBe(true);
  });
});
