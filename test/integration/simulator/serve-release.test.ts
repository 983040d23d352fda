/**
 * `--emulated-version` of simulate and demo: the simulated API server validates, defaults and
 * prunes HorizontalPodAutoscalers as that release's kube-apiserver (test/e2e/suites/
 * simulator-fidelity.e2e.test.ts compares it with the real ones), through the real kubectl. At
 * the default, 1.37, it keeps per-HPA tolerance and accepts minReplicas 0; at 1.34 it drops the
 * one and refuses the other, as kube-apiserver 1.34 does.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { demo } from '../../../app/demo-command.js';
import { serveSimulator, simulateScenario, type SimulateFlags } from '../../../app/simulate-command.js';

const HAVE_KUBECTL = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
if (!HAVE_KUBECTL) console.warn('kubectl is not on PATH: skipping the real-kubectl tests of --emulated-version');
const describeKubectl = HAVE_KUBECTL ? describe : describe.skip;
const SCALE_TO_ZERO = fileURLToPath(new URL('../../../examples/scale-to-zero.yaml', import.meta.url));

const dir = mkdtempSync(join(tmpdir(), 'hpa-ts-release-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HPA = JSON.stringify({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'queue', namespace: 'default' },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'queue' },
    minReplicas: 0,
    maxReplicas: 5,
    metrics: [
      {
        type: 'External',
        external: { metric: { name: 'queue_messages_cnt' }, target: { type: 'AverageValue', averageValue: '30' } },
      },
    ],
    behavior: { scaleDown: { tolerance: '0.3' } },
  },
});

function kubectl(kubeconfig: string, args: readonly string[], input?: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      'kubectl',
      ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, `cache-${kubeconfig.length}`), ...args],
      { encoding: 'utf8', timeout: 30_000 },
      (err, stdout, stderr) =>
        resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, out: stdout + stderr }),
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

const serveFlags = (kubeconfigOut: string, o: Partial<SimulateFlags> = {}): SimulateFlags => ({
  port: '0',
  prometheusPort: '0',
  kubeconfigOut,
  timeScale: '1',
  output: 'text',
  ...o,
});

describeKubectl('simulate --serve --emulated-version, through the real kubectl', () => {
  it('at the default (1.37) keeps a per-HPA tolerance and accepts minReplicas 0 with an External metric', async () => {
    const lines: string[] = [];
    const kubeconfig = join(dir, 'default.kubeconfig');
    const h = await serveSimulator(undefined, serveFlags(kubeconfig), (l) => lines.push(l));
    try {
      expect(lines).toContain(
        '  release:     1.37 (HorizontalPodAutoscalers validated, defaulted and pruned as its kube-apiserver does)',
      );
      expect((await kubectl(kubeconfig, ['create', '-f', '-'], HPA)).out.trim()).toBe(
        'horizontalpodautoscaler.autoscaling/queue created',
      );
      const got = await kubectl(kubeconfig, [
        'get',
        'hpa',
        'queue',
        '-o',
        'jsonpath={.spec.minReplicas} {.spec.behavior.scaleDown.tolerance}',
      ]);
      expect(got.out).toBe('0 300m');
    } finally {
      await h.close();
    }
  });

  it('at 1.34 drops the tolerance and refuses minReplicas 0 with kube-apiserver 1.34’s message', async () => {
    const kubeconfig = join(dir, 'v134.kubeconfig');
    const h = await serveSimulator(undefined, serveFlags(kubeconfig, { emulatedVersion: '1.34' }), () => undefined);
    try {
      const zero = await kubectl(kubeconfig, ['create', '-f', '-'], HPA);
      expect(zero.code).not.toBe(0);
      expect(zero.out).toContain(
        'The HorizontalPodAutoscaler "queue" is invalid: spec.minReplicas: Invalid value: 0: must be greater than or equal to 1',
      );
      expect(
        (await kubectl(kubeconfig, ['create', '-f', '-'], HPA.replace('"minReplicas":0', '"minReplicas":1'))).code,
      ).toBe(0);
      const got = await kubectl(kubeconfig, ['get', 'hpa', 'queue', '-o', 'jsonpath={.spec.behavior.scaleDown}']);
      expect(JSON.parse(got.out)).not.toHaveProperty('tolerance');
    } finally {
      await h.close();
    }
  });

  it('refuses a release hpa-ts does not emulate, naming the flag', async () => {
    await expect(
      serveSimulator(undefined, serveFlags(join(dir, 'x.kubeconfig'), { emulatedVersion: '1.99' }), () => undefined),
    ).rejects.toThrow('unsupported --emulated-version "1.99": hpa-ts emulates 1.26 to 1.37');
  });
});

describe('simulate SCENARIO.yaml --emulated-version and demo --emulated-version', () => {
  async function simulate(o: Partial<SimulateFlags>): Promise<{ code: number; out: string[]; err: string[] }> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await simulateScenario(
      SCALE_TO_ZERO,
      { ...serveFlags('sim.kubeconfig'), svg: join(dir, 'stz.svg'), ...o },
      (s) => out.push(s),
      (s) => err.push(s),
    );
    return { code, out, err };
  }

  it('scales the example to zero and back at 1.37, with the ScaledToZero condition', async () => {
    const r = await simulate({ output: 'json' });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out.join('\n')) as {
      decisions: { current: number; desired: number; conditions: { type: string; status: string }[] }[];
    };
    const zero = doc.decisions.findIndex((d) => d.desired === 0 && d.current > 0);
    expect(zero).toBeGreaterThan(0);
    expect(doc.decisions[zero].conditions).toContainEqual(
      expect.objectContaining({ type: 'ScaledToZero', status: 'True' }),
    );
    expect(doc.decisions.slice(zero).some((d) => d.current === 0 && d.desired > 0)).toBe(true);
  });

  it('at 1.36 the simulated API server refuses its minReplicas 0 (HPAScaleToZero is off there)', async () => {
    const r = await simulate({ emulatedVersion: '1.36' });
    expect(r.code).toBe(1);
    expect(r.err.join('\n')).toContain('spec.minReplicas: Invalid value: 0: must be greater than or equal to 1');
  });

  it('demo refuses a release hpa-ts does not emulate, naming the flag', async () => {
    const lines: string[] = [];
    expect(await demo({ emulatedVersion: '2.0' }, (l) => lines.push(l))).toBe(2);
    expect(lines).toEqual([
      'error: --emulated-version: invalid --emulated-version "2.0": expected 1.<minor>, e.g. 1.32',
    ]);
  });
});
