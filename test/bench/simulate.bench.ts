/**
 * `hpa-ts simulate` at scale: one hour of virtual time, 100 Deployments each with an HPA (half on
 * the seed's Pods metric http_requests_qps through the emulated adapter, half on cpu Utilization
 * through metrics.k8s.io), in ten namespaces, under sine loads (300 ± 150 rps, a 30-minute period,
 * out of phase) so every HPA scales up and down twice in the hour. The real HpaController
 * reconciles every HPA every 15 s (24,400 reconciles). Run: node --import tsx test/bench/simulate.bench.ts
 */
import { performance } from 'node:perf_hooks';
import { runScenario } from '../../app/scenario-run.js';
import type { Scenario } from '../../simulator/scenario/index.js';
import type { WorkloadLoadSpec } from '../../simulator/load/index.js';

const HPAS = 100;
const SECONDS = 3600;

/** Ten namespaces of ten workloads each, as teams would share a cluster. */
function ns(i: number): string {
  return `team-${Math.floor(i / 10)}`;
}

function deployment(name: string, i: number): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns(i), labels: { app: name } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [{ name: 'app', image: 'app:1', resources: { requests: { cpu: '200m', memory: '256Mi' } } }],
        },
      },
    },
  };
}

function hpa(name: string, i: number): Record<string, unknown> {
  const metric =
    i % 2 === 0
      ? {
          type: 'Pods',
          pods: { metric: { name: 'http_requests_qps' }, target: { type: 'AverageValue', averageValue: '50' } },
        }
      : { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } };
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name, namespace: ns(i) },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      minReplicas: 1,
      maxReplicas: 20,
      metrics: [metric],
    },
  };
}

const objects: Record<string, unknown>[] = [];
const load = new Map<string, WorkloadLoadSpec>();
for (let i = 0; i < HPAS; i++) {
  const name = `app-${String(i).padStart(3, '0')}`;
  objects.push(deployment(name, i), hpa(name, i));
  load.set(`${ns(i)}/${name}`, {
    trace: { type: 'sine', base: 300, amplitude: 150, periodSeconds: 1800, phaseSeconds: (i * 37) % 1800 },
  });
}

const scenario: Scenario = {
  name: `bench: ${HPAS} HPAs for ${SECONDS} s`,
  baseDir: '.',
  durationSeconds: SECONDS,
  start: Date.UTC(2025, 0, 1),
  objects,
  load,
  queues: [],
  objectMetrics: [],
  controller: {},
  serverVersion: 'v1.31.4',
  faults: [],
  scrapeIntervalSeconds: 15,
  resolutionSeconds: 15,
  podDefaults: {},
  chartStepSeconds: 15,
};

const t0 = performance.now();
// as `hpa-ts simulate` runs by default (text timeline); -o json would also keep every decision record
const r = await runScenario(scenario, { keepDecisions: false, keepTimeline: false });
const wall = (performance.now() - t0) / 1000;
if (!r.ok) {
  console.error(r.error);
  process.exit(1);
}
console.log(`BENCH simulate_1h_100_hpas_wall ${wall.toFixed(2)} s`);
console.log(`BENCH simulate_1h_100_hpas_decisions ${r.value.decisionsMade} decisions`);
console.log(`BENCH simulate_1h_100_hpas_rescales ${r.value.rescales} rescales`);
console.log(`BENCH simulate_1h_100_hpas_rss ${Math.round(process.memoryUsage().rss / 1e6)} MB`);
