/**
 * Issue 13 item 7, through the real CLI: `hpa-ts explain` with `--metrics-client=static` against
 * the simulator, for Pods, Object and External metrics without `metric.selector`. Before the fix,
 * the absent selector became "match nothing" and every one of them failed, while `hpa-ts metrics
 * get` read the same file.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Resources } from '../../../simulator/apiserver/index.js';
import { cli } from './cli-process.js';
import { HPAS, createReadyPod, deployment, hpa, startSim, type Sim } from '../controller/harness.js';

const STATIC = `
pods:
  - {namespace: default, metric: http_requests_qps, pod: web-0, labels: {app: web}, value: "30"}
  - {namespace: default, metric: http_requests_qps, pod: web-1, labels: {app: web}, value: "30"}
objects:
  - namespace: default
    metric: requests-per-second
    describedObject: {apiVersion: networking.k8s.io/v1, kind: Ingress, name: main-route}
    value: "60"
external:
  - {metric: queue_messages_cnt, labels: {queue: jobs}, value: "60"}
`;

const METRICS = [
  {
    type: 'Pods',
    pods: { metric: { name: 'http_requests_qps' }, target: { type: 'AverageValue', averageValue: '10' } },
  },
  {
    type: 'Object',
    object: {
      metric: { name: 'requests-per-second' },
      describedObject: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'main-route' },
      target: { type: 'Value', value: '20' },
    },
  },
  { type: 'External', external: { metric: { name: 'queue_messages_cnt' }, target: { type: 'Value', value: '20' } } },
];

let sim: Sim;
let dir: string;

beforeAll(async () => {
  sim = await startSim();
  dir = mkdtempSync(join(tmpdir(), 'hpa-ts-cli-static-'));
  writeFileSync(join(dir, 'metrics.yaml'), STATIC);
  sim.server.store.create(Resources.deployments, 'default', deployment('web', 2));
  for (let i = 0; i < 2; i++) createReadyPod(sim, 'web', `web-${i}`);
  METRICS.forEach((m, i) =>
    sim.server.store.create(HPAS, 'default', hpa(`m${i}`, { scaleTargetRef: ref, maxReplicas: 10, metrics: [m] })),
  );
});

const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' };

afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('explain with the static metrics client, metrics without metric.selector', () => {
  it.each(METRICS.map((m, i) => [m.type, i] as const))(
    'a %s metric is read: ratio 3, proposal 6 (limited to 4 by the scale-up rate)',
    async (_type, i) => {
      // prettier-ignore
      const r = await cli([
      'explain', `default/m${i}`, '--kubeconfig', sim.kubeconfigPath,
      '--metrics-client', 'static', '--static-file', join(dir, 'metrics.yaml'),
    ]).exited;
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(/metric .*: current \d+ vs target \d+; ratio 3; .* proposal 6\n/);
      expect(r.stdout).toContain('would write: scale Deployment/default/web spec.replicas 2 → 4');
      expect(r.stdout).not.toMatch(/FailedGet/);
      expect(r.code).toBe(0);
    },
  );
});
