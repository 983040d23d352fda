/**
 * `npm start` (hpa-ts demo): the simulator over HTTP, the real controller through client-node,
 * seed 000's manifests and 1000 rps — here with time 20× faster than real. Nothing is asserted
 * about wall time: the timeline is in simulated time. At 20× every reconcile's real duration counts
 * 20 times over and the reconciles drift later (docs/simulator.md, demo); with the default 60 s of
 * load the 8 → 10 step falls just after the load ends, so on a busy machine it could stop at 9.
 * The tests give the load 90 s, enough for the four scale-ups whatever the drift.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demo } from '../../../app/demo-command.js';

const dir = mkdtempSync(join(tmpdir(), 'hpa-ts-demo-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the demo', () => {
  it('plays the seed timeline: replicas 1 → 2 → 4 → 8 → 10 under load, back to 1 after, and finishes by itself', async () => {
    const lines: string[] = [];
    const svg = join(dir, 'demo.svg');
    const code = await demo({ timeScale: '20', svg, rps: '1000', loadDuration: '90s' }, (l) => lines.push(l));
    const out = lines.join('\n');
    expect(code).toBe(0);
    expect(out).toContain('1000 requests per second for 90 s');
    expect(out).toContain('time runs 20× faster than real');
    expect(out).toMatch(/^NAME\s+REFERENCE\s+TARGETS\s+MINPODS\s+MAXPODS\s+REPLICAS\s+AGE\s+LOAD$/m);
    expect(out).toMatch(/^sample-httpserver {3}Deployment\/sample-httpserver {3}\d+m\/50 +1 +10 +1 +\S+ +0 rps$/m);
    expect(out).toMatch(/^sample-httpserver .* 1000 rps$/m);
    const done = lines.find((l) => l.startsWith('done: '));
    expect(done).toBeDefined();
    // it ends by itself once replicas are back to 1, at least 15 s (simulated) after the 90 s of load
    expect(Number(/^done: (\d+) s simulated/.exec(done ?? '')?.[1])).toBeGreaterThanOrEqual(105);
    const sequence = (/replicas (.*)$/.exec(done ?? '')?.[1] ?? '').split(' → ').map(Number);
    // up in doublings to the maximum, then down to the minimum (the seed shows 10 → 3 → 1)
    expect(sequence.slice(0, 5)).toEqual([1, 2, 4, 8, 10]);
    expect(sequence[sequence.length - 1]).toBe(1);
    expect(lines).toContain(`chart: ${svg}`);
    expect(existsSync(svg)).toBe(true);
    expect(readFileSync(svg, 'utf8')).toContain('HPA default/sample-httpserver');
  }, 60_000);

  it("runs the same with the prometheus metrics client reading the simulator's Prometheus API through the seed's rule", async () => {
    const lines: string[] = [];
    const code = await demo(
      { timeScale: '20', svg: join(dir, 'prom.svg'), rps: '1000', loadDuration: '90s', metricsClient: 'prometheus' },
      (l) => lines.push(l),
    );
    expect(code).toBe(0);
    expect(lines.join('\n')).toContain("metrics from the simulator's Prometheus API with the seed's adapter rule");
    const sequence = (/replicas (.*)$/.exec(lines.find((l) => l.startsWith('done: ')) ?? '')?.[1] ?? '')
      .split(' → ')
      .map(Number);
    expect(sequence.slice(0, 5)).toEqual([1, 2, 4, 8, 10]);
    expect(sequence[sequence.length - 1]).toBe(1);
  }, 60_000);
});
