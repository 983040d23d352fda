/**
 * `helm install` of charts/hpa-ts on the real kube-apiserver, in builtin and shadow modes, then
 * hpa-ts run as the installed Deployment says (its args and HPA_TS_* variables, POD_NAMESPACE)
 * with a token of the chart's ServiceAccount — the chart's RBAC, nothing more:
 *
 * - builtin (kube-controller-manager's HPA controller off): the seed-000 scale-up 1, 2, 4, 8, 10;
 * - shadow (kube-controller-manager's HPA controller on and scaling seed-000): hpa-ts compares and
 *   agrees, and writes nothing but its Lease.
 *
 * In both, no request of hpa-ts is refused (403) by the chart's RBAC, and its secure port serves
 * /metrics to a token the chart's metrics-reader role is bound to.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  counterSum,
  forbiddenRequests,
  helm,
  helmBinary,
  installChart,
  startFromChart,
  type ChartProcess,
  type Installed,
} from '../bed/chart.js';
import { example, SoloBed } from '../bed/solo.js';
import { describeIfBinaries, eventually, progress } from '../bed/suite.js';
import { scrape } from '../../deploy/support/reviews.js';

const gate = describeIfBinaries(['KUBE_APISERVER', 'KUBE_CONTROLLER_MANAGER', 'ETCD']);
const helmMissing = helmBinary() === '';
if (helmMissing) process.stderr.write('e2e: SKIP helm suite — helm not built (test/e2e/stack/helm.sh)\n');
const maybe = gate.run && !helmMissing ? describe : describe.skip;

/** The bed's timing, given as chart values so the installed Deployment carries them. */
function timingValues(bed: SoloBed): string[] {
  return [
    `flags.horizontal-pod-autoscaler-sync-period=${bed.stack.kcmFlags.syncPeriod}`,
    `flags.emulated-version=${bed.stack.emulatedVersion}`,
    // upstream retries a failed HPA one sync period later
    'flags.error-backoff-base=0',
  ];
}

async function seed000(bed: SoloBed, ns: string): Promise<void> {
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
}

/** A token of a ServiceAccount bound to the chart's metrics-reader ClusterRole: what Prometheus has. */
async function scraperToken(bed: SoloBed, release: string): Promise<string> {
  const k = bed.stack.kube;
  await k.apply('/api/v1/namespaces/hpa-ts/serviceaccounts', {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: 'prometheus', namespace: 'hpa-ts' },
  });
  await k.apply('/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: `${release}-prometheus` },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `${release}-metrics-reader` },
    subjects: [{ kind: 'ServiceAccount', name: 'prometheus', namespace: 'hpa-ts' }],
  });
  const t = await k.create<{ status: { token: string } }>(
    '/api/v1/namespaces/hpa-ts/serviceaccounts/prometheus/token',
    {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: { expirationSeconds: 3600 },
    },
  );
  return t.status.token;
}

maybe('helm install charts/hpa-ts on the real API server', () => {
  describe('mode=builtin (the only HPA controller)', () => {
    let bed: SoloBed;
    let installed: Installed;
    let hpaTs: ChartProcess;

    beforeAll(async () => {
      const t0 = Date.now();
      bed = await SoloBed.start({ name: 'helm-builtin', hpaController: false, syncPeriod: '2s' });
      installed = await installChart(bed.stack, 'hpa-ts', 'hpa-ts', ['mode=builtin', ...timingValues(bed)]);
      hpaTs = await startFromChart(bed.stack, installed, 'hpa-ts-chart-builtin');
      bed.hpaTs = hpaTs;
      progress(
        `helm builtin: installed and hpa-ts ready in ${((Date.now() - t0) / 1000).toFixed(1)} s (${bed.stack.dir})`,
      );
    }, 240_000);

    afterAll(async () => {
      await bed?.stop();
    });

    it('installs: the release is deployed, with the mode in the Deployment as variables', async () => {
      expect(installed.status).toBe('deployed');
      expect(hpaTs.env).toMatchObject({
        HPA_TS_HPA_SOURCE: 'builtin',
        HPA_TS_LEADER_ELECT: 'true',
        HPA_TS_SECURE_PORT: '10257',
        HPA_TS_HORIZONTAL_POD_AUTOSCALER_SYNC_PERIOD: '2s',
        POD_NAMESPACE: 'hpa-ts',
      });
      expect(hpaTs.env.HPA_TS_SHADOW).toBeUndefined();
      const listed = await helm(bed.stack, ['list', '-n', 'hpa-ts', '-o', 'json']);
      expect((JSON.parse(listed) as { name: string; status: string }[]).map((r) => [r.name, r.status])).toEqual([
        ['hpa-ts', 'deployed'],
      ]);
    });

    it('runs hpa-ts from it: seed-000 at 1000 rps scales 1, 2, 4, 8, 10, with no request refused by the chart RBAC', async () => {
      await seed000(bed, 'seed-000');
      await eventually('10 replicas', () => bed.replicas('seed-000', 'sample-httpserver').at(-1) === 10, 120_000);
      expect(bed.replicas('seed-000', 'sample-httpserver')).toEqual([1, 2, 4, 8, 10]);
      const lease = await bed.stack.kube.get('/apis/coordination.k8s.io/v1/namespaces/hpa-ts/leases/hpa-ts');
      expect(lease.spec.holderIdentity).toEqual(expect.any(String));
      const forbidden = await bed.forbidden();
      expect(forbidden.lines).toEqual([]);
    }, 180_000);

    it("serves /metrics on the secure port to the chart's metrics-reader role, 403 to anyone else", async () => {
      const token = await scraperToken(bed, 'hpa-ts');
      const allowed = await scrape(hpaTs.securePort, '/metrics', token);
      expect(allowed.status).toBe(200);
      expect(allowed.body).toMatch(/^hpa_ts_leader 1$/m);
      expect((await scrape(hpaTs.securePort, '/metrics')).status).toBe(403);
    });
  });

  describe('mode=shadow (next to kube-controller-manager)', () => {
    let bed: SoloBed;
    let hpaTs: ChartProcess;

    beforeAll(async () => {
      bed = await SoloBed.start({ name: 'helm-shadow', hpaController: true, syncPeriod: '2s' });
      const installed = await installChart(bed.stack, 'hpa-ts', 'hpa-ts', ['mode=shadow', ...timingValues(bed)]);
      expect(installed.status).toBe('deployed');
      hpaTs = await startFromChart(bed.stack, installed, 'hpa-ts-chart-shadow');
      bed.hpaTs = hpaTs;
    }, 240_000);

    afterAll(async () => {
      await bed?.stop();
    });

    it('compares with the built-in controller scaling seed-000, agrees, and writes nothing but its Lease', async () => {
      expect(hpaTs.env).toMatchObject({ HPA_TS_HPA_SOURCE: 'builtin', HPA_TS_SHADOW: 'true' });
      await seed000(bed, 'seed-000');
      await eventually(
        'kube-controller-manager at 10 replicas',
        () => bed.replicas('seed-000', 'sample-httpserver').at(-1) === 10,
        120_000,
      );
      const text = await eventually(
        'hpa-ts agreeing with 3 decisions',
        async () => {
          const m = await hpaTs.metrics();
          return counterSum(m, 'hpa_ts_shadow_decisions_total', { result: 'agree' }) >= 3 ? m : undefined;
        },
        60_000,
      );
      const agree = counterSum(text, 'hpa_ts_shadow_decisions_total', { result: 'agree' });
      const disagree = counterSum(text, 'hpa_ts_shadow_decisions_total', { result: 'disagree' });
      progress(`helm shadow: ${agree} agree, ${disagree} disagree`);
      expect(agree).toBeGreaterThanOrEqual(3);
      // writes: only the Lease (create on the first start, then updates)
      const writes = text
        .split('\n')
        .filter(
          (l) =>
            /^hpa_ts_api_requests_total\{/.test(l) &&
            /verb="(create|update|patch|delete)"/.test(l) &&
            !/resource="leases"/.test(l),
        );
      expect(writes).toEqual([]);
      expect(forbiddenRequests(text).lines).toEqual([]);
    }, 240_000);
  });
});
