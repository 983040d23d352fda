/** `hpa-ts simulate SCENARIO.yaml`: the command's outputs (timeline, -o json, SVG) and its errors. */
import { afterAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveSimulator, simulateScenario, type SimulateFlags } from '../../../app/simulate-command.js';

const SEED = fileURLToPath(new URL('../../../examples/seed-000-demo.yaml', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'hpa-ts-simulate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const flags = (o: Partial<SimulateFlags>): SimulateFlags => ({
  port: '0',
  prometheusPort: '0',
  kubeconfigOut: 'sim.kubeconfig',
  timeScale: '1',
  output: 'text',
  ...o,
});

async function simulate(
  file: string,
  o: Partial<SimulateFlags>,
): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await simulateScenario(
    file,
    flags(o),
    (s) => out.push(s),
    (s) => err.push(s),
  );
  return { code, out, err };
}

describe('hpa-ts simulate SCENARIO.yaml', () => {
  it('prints the kubectl get hpa -w timeline, a summary and the chart path', async () => {
    const svg = join(dir, 'seed.svg');
    const r = await simulate(SEED, { svg });
    expect(r.code).toBe(0);
    expect(r.out[0]).toMatch(/^NAME\s+REFERENCE\s+TARGETS\s+MINPODS\s+MAXPODS\s+REPLICAS\s+AGE\s+LOAD$/);
    expect(r.out).toContain(
      'sample-httpserver   Deployment/sample-httpserver   66m/50           1         10        10         105s    0 rps',
    );
    expect(r.out.find((l) => l.startsWith('simulated 4m in '))).toMatch(/: 20 reconciles, 10 timeline lines$/);
    expect(r.out[r.out.length - 1]).toBe(`chart: ${svg}`);
    expect(readFileSync(svg, 'utf8')).toMatch(/^<svg /);
  });

  it('-o json prints every decision and the timeline as JSON', async () => {
    const svg = join(dir, 'json.svg');
    const r = await simulate(SEED, { output: 'json', svg });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out.join('\n')) as {
      reconciles: number;
      decisions: { t: number; action: string }[];
      timeline: { cells: unknown[] }[];
    };
    expect(doc.reconciles).toBe(20);
    expect(doc.decisions.filter((d) => d.action === 'scale_up').map((d) => d.t)).toEqual([45, 60, 75, 90]);
    expect(doc.timeline[0].cells[0]).toBe('sample-httpserver');
    expect(r.err).toEqual([`chart: ${svg}`]);
    expect(existsSync(svg)).toBe(true);
  });

  it('reports a broken scenario with the field, exit code 2', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'duration: 1m\nload: { web: { type: zigzag } }\n');
    const r = await simulate(bad, {});
    expect(r).toEqual({
      code: 2,
      out: [],
      err: ['error: load.web.type: expected constant, step, ramp, spike, sine or csv, got "zigzag"'],
    });
  });
});

describe('hpa-ts simulate --serve SCENARIO.yaml', () => {
  it("serves the scenario's objects and load over HTTP, and writes the kubeconfig", async () => {
    const kubeconfig = join(dir, 'scenario.kubeconfig');
    const out: string[] = [];
    const file = fileURLToPath(new URL('../../../examples/seed-004-object-ingress.yaml', import.meta.url));
    const h = await serveSimulator(file, flags({ kubeconfigOut: kubeconfig }), (s) => out.push(s));
    try {
      expect(readFileSync(kubeconfig, 'utf8')).toContain(`server: ${h.url}`);
      const hpa = await fetch(`${h.url}/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers/sample-app`);
      expect(hpa.status).toBe(200);
      // the Ingress is served for discovery (kind → resource mapping of the Object metric)
      const apis = (await (await fetch(`${h.url}/apis`)).json()) as { groups: { name: string }[] };
      expect(apis.groups.map((g) => g.name)).toEqual(
        expect.arrayContaining(['networking.k8s.io', 'custom.metrics.k8s.io', 'metrics.k8s.io']),
      );
      const m = await fetch(
        `${h.url}/apis/custom.metrics.k8s.io/v1beta2/namespaces/default/ingresses.networking.k8s.io/main-route/requests-per-second`,
      );
      expect(((await m.json()) as { items: { value: string }[] }).items[0].value).toBe('3k');
      expect(out.some((l) => l.startsWith('  Prometheus:  http://127.0.0.1:'))).toBe(true);
    } finally {
      await h.close();
    }
  });
});
