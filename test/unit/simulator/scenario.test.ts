import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  TimelineFormatter,
  formatRps,
  parseScenario as parseScenarioWorld,
  renderChartSvg,
  type Scenario,
} from '../../../simulator/scenario/index.js';
import { loadScenario, parseScenario, runScenario, type ScenarioResult } from '../../../app/scenario-run.js';
import { replicaSequence } from '../../../simulator/demo.js';

const EXAMPLES = fileURLToPath(new URL('../../../examples/', import.meta.url));
const GOLDEN = fileURLToPath(new URL('./golden/seed-000-demo.svg', import.meta.url));

function scenario(file: string): Scenario {
  const s = loadScenario(`${EXAMPLES}${file}`);
  if (!s.ok) throw new Error(s.error);
  return s.value;
}

async function run(s: Scenario): Promise<ScenarioResult> {
  const r = await runScenario(s);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

describe('scenario files', () => {
  it('name the field that is wrong', () => {
    const bad = (yaml: string): string => {
      const r = parseScenario(yaml, '/tmp/s.yaml');
      return r.ok ? 'ok' : r.error;
    };
    expect(bad('duration: soon')).toBe('duration: invalid duration "soon"');
    expect(bad('controller: { horizontal-pod-autoscaler-sync-periods: 5s }')).toMatch(
      /^controller\.horizontal-pod-autoscaler-sync-periods: unknown flag/,
    );
    expect(bad('objects: [{ file: nope.yaml }]')).toMatch(/^objects\[0\]\.file: cannot read \/tmp\/nope\.yaml/);
    expect(bad('faults: [{ type: meteor }]')).toBe(
      'faults[0].type: expected metrics-unavailable, slow-start or stale-metrics',
    );
    expect(bad('faults: [{ type: stale-metrics, api: resource }]')).toBe(
      'faults[0].age: required (how old the samples are, e.g. 5m)',
    );
    expect(bad('faults: [{ type: stale-metrics, api: pods, age: 5m }]')).toBe(
      'faults[0].api: expected resource, custom, external or all',
    );
    expect(bad('faults: [{ type: stale-metrics, age: -5 }]')).toBe('faults[0].age: must not be negative');
    expect(bad('load: { web: { type: zigzag } }')).toBe(
      'load.web.type: expected constant, step, ramp, spike, sine or csv, got "zigzag"',
    );
  });

  it('reject controller flags the controller rejects', async () => {
    const yaml = 'controller: { horizontal-pod-autoscaler-tolerance: "-1" }';
    const error = 'controller: --horizontal-pod-autoscaler-tolerance: -1 is out of range: must be between 0 and 1';
    expect(parseScenario(yaml, '/tmp/s.yaml')).toEqual({ ok: false, error });
    // the simulator reads the section as text; running it checks it too
    const s = parseScenarioWorld(yaml, '/tmp/s.yaml');
    if (!s.ok) throw new Error(s.error);
    expect(await runScenario(s.value)).toEqual({ ok: false, error });
  });

  it('reject an object the API server rejects, naming it', async () => {
    const s = parseScenario('objects: [{ apiVersion: v1, kind: Widget, metadata: { name: w } }]', '/tmp/s.yaml');
    if (!s.ok) throw new Error(s.error);
    expect(await runScenario(s.value)).toEqual({
      ok: false,
      error: 'objects[0] Widget/w: no kind "Widget" in version "v1" is served by the simulator',
    });
  });
});

describe('simulate in virtual time', () => {
  it('reproduces the seed 000 timeline: 1 → 2 → 4 → 8 → 10 under 1000 rps, back to 1 after', async () => {
    const r = await run(scenario('seed-000-demo.yaml'));
    expect(replicaSequence(r.timeline)).toEqual([1, 2, 4, 8, 10, 3, 1]);
    const targets = r.timeline.map((e) => e.cells[2]);
    expect(targets).toContain('66m/50');
    expect(targets.some((t) => /^[0-9]{6}m\/50$/.test(String(t)))).toBe(true);
  });

  it('prints like `kubectl get hpa -w`, with the load beside each line', async () => {
    const r = await run(scenario('seed-000-demo.yaml'));
    const f = new TimelineFormatter(['sample-httpserver'], ['Deployment/sample-httpserver']);
    expect(f.header()).toBe(
      'NAME                REFERENCE                      TARGETS          MINPODS   MAXPODS   REPLICAS   AGE     LOAD',
    );
    const line = r.timeline.find((e) => e.cells[2] === '66m/50' && e.cells[5] === 1);
    expect(line).toBeDefined();
    expect(f.line(line as (typeof r.timeline)[number])).toBe(
      'sample-httpserver   Deployment/sample-httpserver   66m/50           1         10        1          2m15s   0 rps',
    );
    expect([formatRps(1000), formatRps(12.25), formatRps(0.03), formatRps(undefined)]).toEqual([
      '1000 rps',
      '12.3 rps',
      '0.03 rps',
      '',
    ]);
  });

  it('records every decision for -o json', async () => {
    const r = await run(scenario('seed-000-demo.yaml'));
    expect(r.decisions.length).toBe(r.decisionsMade);
    const up = r.decisions.find((d) => d.scaled === 2);
    expect(up).toMatchObject({ hpa: 'default/sample-httpserver', action: 'scale_up', current: 1, desired: 2 });
    expect(up?.limit?.reason).toBe('ScaleUpLimit');
  });

  it('draws the same SVG chart byte for byte on every run (golden file)', async () => {
    const s = scenario('seed-000-demo.yaml');
    const svg = renderChartSvg((await run(s)).chart, { title: s.name, durationSeconds: s.durationSeconds });
    expect(renderChartSvg((await run(s)).chart, { title: s.name, durationSeconds: s.durationSeconds })).toBe(svg);
    if (process.env.UPDATE_GOLDEN === '1' || !existsSync(GOLDEN)) writeFileSync(GOLDEN, svg);
    expect(svg).toBe(readFileSync(GOLDEN, 'utf8'));
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  });

  it('a metrics outage keeps the replicas where they are (ScalingActive False) until it ends', async () => {
    const base = scenario('seed-000-demo.yaml');
    const r = await run({
      ...base,
      faults: [{ type: 'metrics-unavailable', api: 'custom', fromSeconds: 20, toSeconds: 100 }],
    });
    const during = r.decisions.filter((d) => d.t > 25 && d.t < 100);
    expect(during.length).toBeGreaterThan(0);
    expect(during.every((d) => d.action === 'none' && d.error !== null)).toBe(true);
    expect(during[0].conditions.find((c) => c.type === 'ScalingActive')).toMatchObject({
      status: 'False',
      reason: 'FailedGetPodsMetric',
    });
  });

  it('slow pod start-ups delay the ready replicas', async () => {
    const base = scenario('seed-000-demo.yaml');
    const normal = await run(base);
    const slow = await run({ ...base, faults: [{ type: 'slow-start', factor: 10, fromSeconds: 0, toSeconds: 600 }] });
    const readyAt = (r: ScenarioResult, n: number): number =>
      r.chart[0].points.find((p) => p.ready >= n)?.t ?? Number.POSITIVE_INFINITY;
    expect(readyAt(slow, 2)).toBeGreaterThan(readyAt(normal, 2) + 10);
  });
});
