/**
 * hpa-ts as the only HPA controller (kube-controller-manager runs with its HPA controller off, its
 * Deployment and ReplicaSet controllers on): the seed articles' HPAs on a real kube-apiserver,
 * checked through the real kubectl (`get hpa`, `describe hpa`) and the Deployments' replicas.
 * hpa-ts runs as the CLI with the `builtin` overlay's ServiceAccount and RBAC; a 403 fails.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { collectionPath, deployment, example, SoloBed } from '../bed/solo.js';
import { describeIfBinaries, eventually, progress } from '../bed/suite.js';

const gate = describeIfBinaries(['KUBE_APISERVER', 'KUBE_CONTROLLER_MANAGER', 'ETCD']);
const maybe = gate.run ? describe : describe.skip;
const MIB = 1024 * 1024;

maybe('hpa-ts as the only HPA controller: the seed scenarios', () => {
  let bed: SoloBed;

  // The seeds run concurrently, each in its own namespace: every story starts once the bed is up,
  // and its test waits for it (so a failing seed fails its own test).
  const stories: { title: string; body: () => Promise<void> }[] = [];
  const started = new Map<string, Promise<void>>();
  const story = (title: string, body: () => Promise<void>, timeoutMs: number): void => {
    stories.push({ title, body });
    it(title, () => started.get(title) ?? Promise.reject(new Error('the bed did not start')), timeoutMs + 180_000);
  };

  beforeAll(async () => {
    const t0 = Date.now();
    bed = await SoloBed.start({ name: 'seeds', hpaController: false, syncPeriod: '2s' });
    await bed.startHpaTs('builtin');
    progress(`seeds: bed up in ${((Date.now() - t0) / 1000).toFixed(1)} s (${bed.stack.dir})`);
    for (const st of stories) {
      const p = st.body();
      p.catch(() => undefined); // reported by its own test
      started.set(st.title, p);
    }
  }, 180_000);

  afterAll(async () => {
    await bed?.stop();
  });

  const hpaRow = async (ns: string, name: string): Promise<string> =>
    (await bed.stack.kubectl(['get', 'hpa', name, '-n', ns, '--no-headers'])).trim();
  /** `kubectl get hpa` until its row matches (status.currentReplicas follows the scale one sync later) */
  const rowMatching = async (ns: string, name: string, re: RegExp): Promise<string> => {
    let last = '';
    try {
      return await eventually(
        `kubectl get hpa ${ns}/${name} matching ${re}`,
        async () => {
          last = await hpaRow(ns, name);
          return re.test(last) ? last : undefined;
        },
        30_000,
      );
    } catch (e) {
      throw new Error(`${(e as Error).message}; last row: ${last}`, { cause: e });
    }
  };

  story(
    'seed-000: Pods metric http_requests_qps at 1000 rps scales 1, 2, 4, 8, 10 (Percent 100 per 5 s), then back to 1',
    async () => {
      const ns = 'seed-000';
      await bed.stack.createNamespace(ns);
      await bed.stack.kube.create(
        `/apis/apps/v1/namespaces/${ns}/deployments`,
        example('seed-000/sample-httpserver-deployment.yaml', ns),
      );
      bed.provider.set(ns, { pods: { http_requests_qps: 1000 * 1000 } });
      await bed.stack.kube.create(
        `/apis/autoscaling/v2/namespaces/${ns}/horizontalpodautoscalers`,
        example('seed-000/sample-httpserver-hpa.v2.yaml', ns),
      );
      await eventually('10 replicas', () => bed.replicas(ns, 'sample-httpserver').at(-1) === 10, 90_000);
      expect(bed.replicas(ns, 'sample-httpserver')).toEqual([1, 2, 4, 8, 10]);
      // kubectl get hpa: REFERENCE, TARGETS (average qps / 50), MINPODS 1, MAXPODS 10, REPLICAS 10
      const row = await eventually(
        'kubectl get hpa shows 10 replicas',
        async () => {
          const r = await hpaRow(ns, 'sample-httpserver');
          return /\s10\s+\S+$/.test(r) ? r : undefined;
        },
        30_000,
      );
      expect(row).toMatch(/^sample-httpserver\s+Deployment\/sample-httpserver\s+\S+\/50\s+1\s+10\s+10\s/);
      const describe1 = await bed.stack.kubectl(['describe', 'hpa', 'sample-httpserver', '-n', ns]);
      expect(describe1).toMatch(/"http_requests_qps" on pods:\s+\S+ \/ 50/);
      expect(describe1).toMatch(/ScalingLimited\s+True\s+TooManyReplicas/);
      for (const n of [2, 4, 8, 10])
        expect(describe1).toMatch(
          new RegExp(`SuccessfulRescale\\s+.*New size: ${n}; reason: pods metric http_requests_qps above target`),
        );
      // the load goes away: down to minReplicas once the 5 s stabilization window has passed
      bed.provider.set(ns, { pods: { http_requests_qps: 0 } });
      await eventually('back to 1 replica', () => bed.replicas(ns, 'sample-httpserver').at(-1) === 1, 60_000);
      expect(bed.replicas(ns, 'sample-httpserver')).toEqual([1, 2, 4, 8, 10, 1]);
      const describe2 = await bed.stack.kubectl(['describe', 'hpa', 'sample-httpserver', '-n', ns]);
      expect(describe2).toMatch(/SuccessfulRescale\s+.*New size: 1; reason: All metrics below target/);
    },
    240_000,
  );

  story(
    'seed-002: cpu + memory Utilization (luffy/hpa-myblog) scales to maxReplicas 3 on cpu',
    async () => {
      const ns = 'luffy';
      await bed.stack.createNamespace(ns);
      await bed.stack.kube.create(
        `/apis/apps/v1/namespaces/${ns}/deployments`,
        deployment(ns, 'myblog', 1, [{ name: 'myblog', cpu: '100m', memory: '128Mi' }]),
      );
      // one pod at 50 % cpu (target 20 %), memory at 50 % (target 80 %)
      bed.provider.set(ns, { cpuMilli: 50, memoryBytes: 64 * MIB });
      await bed.stack.kube.create(
        `/apis/autoscaling/v2/namespaces/${ns}/horizontalpodautoscalers`,
        example('seed-002/hpa-myblog.v2.yaml', ns),
      );
      await eventually('3 replicas', () => bed.replicas(ns, 'myblog').at(-1) === 3, 60_000);
      expect(bed.replicas(ns, 'myblog')).toEqual([1, 3]);
      const row = await eventually(
        'kubectl get hpa with both targets',
        async () => {
          const r = await hpaRow(ns, 'hpa-myblog');
          return /memory: \d+%\/80%, cpu: \d+%\/20%/.test(r) && /\s3\s+\S+$/.test(r) ? r : undefined;
        },
        30_000,
      );
      expect(row).toMatch(/^hpa-myblog\s+Deployment\/myblog\s+memory: \d+%\/80%, cpu: \d+%\/20%\s+1\s+3\s+3\s/);
      const d = await bed.stack.kubectl(['describe', 'hpa', 'hpa-myblog', '-n', ns]);
      expect(d).toMatch(/resource cpu on pods\s+\(as a percentage of request\):\s+\d+% \(\d+m\) \/ 20%/);
      expect(d).toMatch(/New size: 3; reason: cpu resource utilization \(percentage of request\) above target/);
    },
    120_000,
  );

  story(
    'seed-004: Object metric requests-per-second of Ingress main-route (Value 2k) scales sample-app from 2 to maxReplicas 10',
    async () => {
      const ns = 'seed-004-object';
      await bed.stack.createNamespace(ns);
      await bed.stack.kube.create(
        `/apis/apps/v1/namespaces/${ns}/deployments`,
        deployment(ns, 'sample-app', 2, [{ name: 'app', cpu: '100m', memory: '64Mi' }]),
      );
      bed.provider.set(ns, { objects: { 'ingresses.networking.k8s.io/main-route/requests-per-second': 9000 * 1000 } });
      await bed.stack.kube.create(
        `/apis/autoscaling/v2/namespaces/${ns}/horizontalpodautoscalers`,
        example('seed-004/hpa-object.v2.yaml', ns),
      );
      await eventually('10 replicas', () => bed.replicas(ns, 'sample-app').at(-1) === 10, 60_000);
      // no behavior: the legacy scale-up limit max(2 × current, 4) per sync — 2 → 4 → 8 → 10
      expect(bed.replicas(ns, 'sample-app')).toEqual([2, 4, 8, 10]);
      const row = await rowMatching(ns, 'sample-app', /^sample-app\s+Deployment\/sample-app\s+9k\/2k\s+2\s+10\s+10\s/);
      expect(row).toMatch(/9k\/2k/);
      const d = await bed.stack.kubectl(['describe', 'hpa', 'sample-app', '-n', ns]);
      expect(d).toMatch(/"requests-per-second" on Ingress\/main-route \(target value\):\s+9k \/ 2k/);
      expect(d).toMatch(/New size: 4; reason: Ingress metric requests-per-second above target/);
    },
    120_000,
  );

  story(
    'seed-004: External metric queue_messages_cnt{app=lanpangzi} (AverageValue 30) at 150 messages runs 5 workers',
    async () => {
      const ns = 'seed-004-external';
      await bed.stack.createNamespace(ns);
      await bed.stack.kube.create(
        `/apis/apps/v1/namespaces/${ns}/deployments`,
        deployment(ns, 'queue-worker', 1, [{ name: 'worker', cpu: '100m', memory: '64Mi' }]),
      );
      bed.provider.set(ns, {
        external: {
          queue_messages_cnt: [
            { labels: { app: 'lanpangzi' }, milli: 150_000 },
            { labels: { app: 'other' }, milli: 999_000 },
          ],
        },
      });
      const metric = example('seed-004/article/metric-external.yaml', ns);
      await bed.stack.kube.create(`/apis/autoscaling/v2/namespaces/${ns}/horizontalpodautoscalers`, {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: 'queue-worker', namespace: ns },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'queue-worker' },
          minReplicas: 1,
          maxReplicas: 10,
          metrics: [{ type: metric.type, external: metric.external }],
        },
      });
      await eventually('5 replicas', () => bed.replicas(ns, 'queue-worker').at(-1) === 5, 60_000);
      // legacy scale-up limit max(2 × 1, 4) = 4 first, then ceil(150 / 30) = 5
      expect(bed.replicas(ns, 'queue-worker')).toEqual([1, 4, 5]);
      await rowMatching(ns, 'queue-worker', /^queue-worker\s+Deployment\/queue-worker\s+30\/30 \(avg\)\s+1\s+10\s+5\s/);
      const d = await bed.stack.kubectl(['describe', 'hpa', 'queue-worker', '-n', ns]);
      expect(d).toMatch(/"queue_messages_cnt" \(target average value\):\s+30 \/ 30/);
      expect(d).toMatch(/ScalingActive\s+True\s+ValidMetricFound/);
    },
    120_000,
  );

  story(
    'seed-004: ContainerResource cpu of container application (Utilization 60) scales on that container only',
    async () => {
      const ns = 'seed-004-container';
      await bed.stack.createNamespace(ns);
      await bed.stack.kube.create(
        `/apis/apps/v1/namespaces/${ns}/deployments`,
        deployment(ns, 'web', 1, [
          { name: 'application', cpu: '100m', memory: '64Mi' },
          { name: 'sidecar', cpu: '100m', memory: '64Mi' },
        ]),
      );
      // 300m per pod split by request: application 150m = 150 % of its request (the pod: 150 %)
      bed.provider.set(ns, { cpuMilli: 300 });
      const metric = example('seed-004/article/metric-container-resource.yaml', ns);
      await bed.stack.kube.create(`/apis/autoscaling/v2/namespaces/${ns}/horizontalpodautoscalers`, {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: 'web', namespace: ns },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
          minReplicas: 1,
          maxReplicas: 5,
          metrics: [{ type: metric.type, containerResource: metric.containerResource }],
        },
      });
      await eventually('3 replicas', () => bed.replicas(ns, 'web').at(-1) === 3, 60_000);
      expect(bed.replicas(ns, 'web')).toEqual([1, 3]);
      await rowMatching(ns, 'web', /^web\s+Deployment\/web\s+cpu: 50%\/60%\s+1\s+5\s+3\s/);
      const d = await bed.stack.kubectl(['describe', 'hpa', 'web', '-n', ns]);
      expect(d).toMatch(
        /resource cpu of container "application" on pods\s+\(as a percentage of request\):\s+50% \(50m\) \/ 60%/,
      );
    },
    150_000,
  );

  story(
    'seed-001 and seed-003: Pods metrics myapp_processed_ops_total (AverageValue 3) and demo_app_button_clicks_per_second (10m)',
    async () => {
      const cases = [
        {
          ns: 'seed-001',
          dep: 'test-prometheus',
          hpa: 'seed-001/hpa.yaml',
          metric: 'myapp_processed_ops_total',
          total: 12_000,
          want: 4,
          hpaName: 'test-prometheus-hpa',
          target: '3',
        },
        {
          ns: 'seed-003',
          dep: 'prometheus-demo-app',
          hpa: 'seed-003/hpa.v2.yaml',
          metric: 'demo_app_button_clicks_per_second',
          total: 35,
          want: 4,
          hpaName: 'prometheus-demo-app',
          target: '10m',
        },
      ];
      await Promise.all(
        cases.map(async (c) => {
          await bed.stack.createNamespace(c.ns);
          await bed.stack.kube.create(
            `/apis/apps/v1/namespaces/${c.ns}/deployments`,
            deployment(c.ns, c.dep, 1, [{ name: 'app', cpu: '100m', memory: '64Mi' }]),
          );
          bed.provider.set(c.ns, { pods: { [c.metric]: c.total } });
          const h = example(c.hpa, c.ns);
          await bed.stack.kube.create(collectionPath(h), h);
        }),
      );
      for (const c of cases) {
        await eventually(`${c.ns}: ${c.want} replicas`, () => bed.replicas(c.ns, c.dep).at(-1) === c.want, 60_000);
        expect(bed.replicas(c.ns, c.dep)).toEqual([1, c.want]);
        await rowMatching(
          c.ns,
          c.hpaName,
          new RegExp(`^${c.hpaName}\\s+Deployment/${c.dep}\\s+\\S+/${c.target}\\s+1\\s+10\\s+${c.want}\\s`),
        );
      }
    },
    150_000,
  );

  it('every HPA shows what hpa-ts wrote in kubectl get hpa -A, and hpa-ts made no request RBAC (builtin overlay) forbids', async () => {
    await Promise.allSettled(started.values());
    const all = await bed.stack.kubectl(['get', 'hpa', '-A']);
    progress(`kubectl get hpa -A\n${all}`);
    expect(all.split('\n').filter((l) => l.trim() !== '').length).toBe(1 + 7);
    expect(all).not.toMatch(/<unknown>/);
    const forbidden = await bed.forbidden();
    expect(forbidden.lines).toEqual([]);
    expect(forbidden.total).toBe(0);
  });
});
