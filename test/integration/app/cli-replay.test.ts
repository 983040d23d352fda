/**
 * `hpa-ts replay` through the real CLI: seed 000's HPA over the metrics recorded from a run of the
 * seed-000 scenario (examples/replay/), the what-if variant, the chart, and one-line errors.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, cli } from './cli-process.js';

const dir = mkdtempSync(join(tmpdir(), 'hpa-ts-replay-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HPA = 'examples/replay/seed-000-hpa.yaml';
const SLOW = 'examples/replay/seed-000-slow.yaml';
const CSV = 'examples/replay/seed-000.csv';

interface Step {
  readonly t: number;
  readonly replicas: number | null;
  readonly desired: number;
  readonly limit: string | null;
}
interface Out {
  readonly variants: readonly { name: string; replicas: number[]; timeline: Step[] }[];
}

async function run(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return cli(args).exited;
}

describe('hpa-ts replay', () => {
  it('reproduces the seed-000 timeline 1 → 2 → 4 → 8 → 10 → 3 → 1 from the recorded metrics', async () => {
    const r = await run(['replay', '--hpa', HPA, '--metrics', CSV, '-o', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Out;
    expect(out.variants).toHaveLength(1);
    const v = out.variants[0];
    expect(v.replicas).toEqual([1, 2, 4, 8, 10, 3, 1]);
    // the steps the recorded run took, at the instants it took them (its sync period, 15 s)
    const desired = v.timeline.filter((s) => s.t >= 45 && s.t <= 120).map((s) => [s.t, s.desired, s.limit]);
    expect(desired).toEqual([
      [45, 2, 'ScaleUpLimit'],
      [60, 4, 'ScaleUpLimit'],
      [75, 8, 'ScaleUpLimit'],
      [90, 10, 'TooManyReplicas'],
      [105, 3, null],
      [120, 1, null],
    ]);
  });

  it('replays a --variant side by side and draws both in one --chart', async () => {
    const svg = join(dir, 'both.svg');
    const r = await run(['replay', '--hpa', HPA, '--variant', SLOW, '--metrics', CSV, '--chart', svg, '-o', 'json']);
    expect(r.code).toBe(0);
    expect(r.stderr.trim()).toBe(`chart: ${svg}`);
    const out = JSON.parse(r.stdout) as Out;
    expect(out.variants.map((v) => v.name)).toEqual(['seed-000-hpa', 'seed-000-slow']);
    expect(out.variants[0].replicas).toEqual([1, 2, 4, 8, 10, 3, 1]);
    // one pod per 30 s up, a minute's stabilization down: never past 3 in the same 60 s of load
    expect(out.variants[1].replicas).toEqual([1, 2, 3, 1]);
    const text = readFileSync(svg, 'utf8');
    expect(text).toMatch(/^<svg /);
    expect(text).toContain('seed-000-hpa (purple), seed-000-slow (red)');
    expect(text).toContain('http_requests_qps (average value)');
    expect(text).toContain('recorded (grey, dotted)');
  });

  it('prints each variant as a table by default', async () => {
    const r = await run(['replay', '--hpa', HPA, '--metrics', CSV]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(`seed-000-hpa (${HPA}): replicas 1 → 2 → 4 → 8 → 10 → 3 → 1`);
    expect(lines[1]).toMatch(
      /^TIME +REPLICAS +DESIRED +RECOMMENDATION +METRICS \(current\/target\) +LIMIT +CONDITION$/,
    );
    expect(lines.find((l) => l.startsWith('90s '))).toMatch(
      /^90s +8 +10 +13 +150066m\/50 +TooManyReplicas +SucceededRescale$/,
    );
  });

  it('is what `hpa-ts simulate examples/seed-000-demo.yaml --record` writes (the recording is a real run)', async () => {
    const again = join(dir, 'again.csv');
    const r = await run(['simulate', 'examples/seed-000-demo.yaml', '--svg', join(dir, 's.svg'), '--record', again]);
    expect(r.code).toBe(0);
    const body = (f: string): string => readFileSync(f, 'utf8').replace(/^#.*\n/gm, '');
    expect(body(again)).toBe(body(join(ROOT, CSV)));
  });

  it.each([
    ['a bad value', '45,Pods,http_requests_qps,,p,lots,', /^error: .*bad\.csv:3:30: value "lots" is not a quantity$/],
    ['an unknown type', '45,Podz,http_requests_qps,,p,1,', /^error: .*bad\.csv:3:4: type "Podz" is not one of /],
  ])('names the file, line and column of %s in the recording (exit 2)', async (_what, line, message) => {
    const file = join(dir, 'bad.csv');
    writeFileSync(file, `# a comment\ntime,type,metric,selector,pod,value,request\n${line}\n`);
    const r = await run(['replay', '--hpa', HPA, '--metrics', file]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(message);
  });

  it('names a metric of the HPA the recording lacks, and an HPA the API server rejects (exit 2, one line)', async () => {
    const hpa = readFileSync(join(ROOT, HPA), 'utf8');
    const unknown = join(dir, 'unknown.yaml');
    writeFileSync(unknown, hpa.replace('name: http_requests_qps', 'name: other_qps'));
    const a = await run(['replay', '--hpa', unknown, '--metrics', CSV]);
    expect(a.code).toBe(2);
    expect(a.stderr).toBe(
      `error: ${unknown}: spec.metrics[0] (Pods other_qps) is not in ${CSV} (recorded: Pods http_requests_qps)\n`,
    );
    const invalid = join(dir, 'invalid.yaml');
    writeFileSync(invalid, hpa.replace('maxReplicas: 10', 'maxReplicas: 0'));
    const b = await run(['replay', '--hpa', SLOW, '--variant', invalid, '--metrics', CSV]);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(
      new RegExp(
        `^error: ${invalid}: HorizontalPodAutoscaler/sample-httpserver: .*spec\\.maxReplicas: Invalid value: 0: must be greater than 0`,
      ),
    );
    expect(b.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('asks for exactly one source', async () => {
    const r = await run(['replay', '--hpa', HPA]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'error: give exactly one source: --metrics FILE, or --prometheus-url URL with --adapter-config, --from and --to\n',
    );
  });
});
