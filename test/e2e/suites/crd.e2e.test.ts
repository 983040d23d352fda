/**
 * CRD mode, for clusters whose built-in HPA controller cannot be turned off: kube-controller-manager
 * runs its HPA controller; hpa-ts runs with --hpa-source=crd and the `crd` overlay (CRD, RBAC
 * without access to autoscaling/v2 HPAs). An HPA manifest with its apiVersion changed to
 * autoscaling.hpa-ts.io/v1 scales its Deployment; the built-in controller never touches it, and
 * hpa-ts never touches the built-in HPA beside it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../bed/kube.js';
import { waitCrdEstablished } from '../bed/rbac.js';
import { deployment, example, SoloBed } from '../bed/solo.js';
import { describeIfBinaries, eventually, progress } from '../bed/suite.js';

const gate = describeIfBinaries(['KUBE_APISERVER', 'KUBE_CONTROLLER_MANAGER', 'ETCD']);
const maybe = gate.run ? describe : describe.skip;
const CRD = 'horizontalpodautoscalers.autoscaling.hpa-ts.io';

/** Field managers that wrote spec.replicas through the scale subresource. */
function scaleManagers(d: KubeObject): string[] {
  return ((d.metadata.managedFields ?? []) as { manager: string; subresource?: string }[])
    .filter((f) => f.subresource === 'scale')
    .map((f) => f.manager);
}

maybe('CRD mode beside the built-in HPA controller', () => {
  let bed: SoloBed;

  beforeAll(async () => {
    const t0 = Date.now();
    bed = await SoloBed.start({ name: 'crd', hpaController: true, syncPeriod: '2s' });
    await bed.startHpaTs('crd', { hpaSource: 'crd' });
    await waitCrdEstablished(bed.stack, CRD);
    progress(`crd: bed up in ${((Date.now() - t0) / 1000).toFixed(1)} s (${bed.stack.dir})`);
  }, 180_000);

  afterAll(async () => {
    await bed?.stop();
  });

  it('the seed-000 HPA as autoscaling.hpa-ts.io/v1 scales 1, 2, 4, 8, 10 and back to 1; a built-in HPA beside it is left to kube-controller-manager', async () => {
    const ns = 'crd-000';
    await bed.stack.createNamespace(ns);
    await bed.stack.kube.create(
      `/apis/apps/v1/namespaces/${ns}/deployments`,
      example('seed-000/sample-httpserver-deployment.yaml', ns),
    );
    bed.provider.set(ns, { pods: { http_requests_qps: 1000 * 1000 } });
    const hpa = example('seed-000/sample-httpserver-hpa.v2.yaml', ns, (o) => ({
      ...o,
      apiVersion: 'autoscaling.hpa-ts.io/v1',
    }));
    await bed.stack.kube.create(`/apis/autoscaling.hpa-ts.io/v1/namespaces/${ns}/horizontalpodautoscalers`, hpa);

    // the built-in one: cpu at 150 % of request, target 50 % → kube-controller-manager scales it to 3
    const nsb = 'crd-builtin';
    await bed.stack.createNamespace(nsb);
    await bed.stack.kube.create(
      `/apis/apps/v1/namespaces/${nsb}/deployments`,
      deployment(nsb, 'web', 1, [{ name: 'web', cpu: '100m', memory: '64Mi' }]),
    );
    bed.provider.set(nsb, { cpuMilli: 150 });
    await bed.stack.kube.create(`/apis/autoscaling/v2/namespaces/${nsb}/horizontalpodautoscalers`, {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web', namespace: nsb },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        minReplicas: 1,
        maxReplicas: 3,
        metrics: [
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
        ],
      },
    });

    await eventually('crd-000 at 10 replicas', () => bed.replicas(ns, 'sample-httpserver').at(-1) === 10, 90_000);
    expect(bed.replicas(ns, 'sample-httpserver')).toEqual([1, 2, 4, 8, 10]);
    await eventually('crd-builtin at 3 replicas', () => bed.replicas(nsb, 'web').at(-1) === 3, 60_000);

    // kubectl sees the hpa-ts HPA with the status hpa-ts wrote
    const row = await eventually(
      'kubectl get hpats shows 10 replicas',
      async () => {
        const r = (
          await bed.stack.kubectl(['get', 'horizontalpodautoscalers.autoscaling.hpa-ts.io', '-n', ns, '--no-headers'])
        ).trim();
        return /\s10\s+\S+$/.test(r) ? r : undefined;
      },
      30_000,
    );
    expect(row).toMatch(/^sample-httpserver\s+sample-httpserver\s+/);
    const status = (
      await bed.stack.kube.get(
        `/apis/autoscaling.hpa-ts.io/v1/namespaces/${ns}/horizontalpodautoscalers/sample-httpserver`,
      )
    ).status;
    expect(status.desiredReplicas).toBe(10);
    expect((status.conditions as { type: string; reason: string }[]).map((c) => `${c.type}/${c.reason}`)).toContain(
      'ScalingLimited/TooManyReplicas',
    );
    // the status field autoscaling/v2 lacks: what the metrics asked for before maxReplicas (about 20
    // at 1000 qps against 50 a pod), kept by the API server's pruning only if the CRD schema has it
    expect(status.unclampedReplicas).toBeGreaterThan(10);
    const wide = await bed.stack.kubectl([
      'get',
      'horizontalpodautoscalers.autoscaling.hpa-ts.io',
      'sample-httpserver',
      '-n',
      ns,
      '-o',
      'wide',
    ]);
    expect(wide.split('\n')[0]).toMatch(/\sUNCLAMPED(\s|$)/);
    // no autoscaling/v2 HPA in crd-000: the built-in controller has nothing there to act on
    const v2 = await bed.stack.kube.get<{ items: unknown[] }>(
      `/apis/autoscaling/v2/namespaces/${ns}/horizontalpodautoscalers`,
    );
    expect(v2.items).toEqual([]);

    // who wrote spec.replicas through the scale subresource
    const dep = await bed.stack.kube.get(`/apis/apps/v1/namespaces/${ns}/deployments/sample-httpserver`);
    const depB = await bed.stack.kube.get(`/apis/apps/v1/namespaces/${nsb}/deployments/web`);
    progress(
      `crd: scale writers: ${ns} ${JSON.stringify(scaleManagers(dep))}, ${nsb} ${JSON.stringify(scaleManagers(depB))}`,
    );
    expect(scaleManagers(dep).length).toBeGreaterThan(0);
    expect(scaleManagers(dep).every((m) => m.startsWith('hpa-ts'))).toBe(true);
    expect(scaleManagers(depB).length).toBeGreaterThan(0);
    expect(scaleManagers(depB).some((m) => m.startsWith('hpa-ts'))).toBe(false);
    // the built-in HPA's status was written by kube-controller-manager, not by hpa-ts
    const builtin = await bed.stack.kube.get(`/apis/autoscaling/v2/namespaces/${nsb}/horizontalpodautoscalers/web`);
    const statusManagers = ((builtin.metadata.managedFields ?? []) as { manager: string; subresource?: string }[])
      .filter((f) => f.subresource === 'status')
      .map((f) => f.manager);
    expect(statusManagers.length).toBeGreaterThan(0);
    expect(statusManagers.some((m) => m.startsWith('hpa-ts'))).toBe(false);

    // and back to 1 when the load goes
    bed.provider.set(ns, { pods: { http_requests_qps: 0 } });
    await eventually('crd-000 back to 1 replica', () => bed.replicas(ns, 'sample-httpserver').at(-1) === 1, 60_000);
    expect(bed.replicas(ns, 'sample-httpserver')).toEqual([1, 2, 4, 8, 10, 1]);
    const described = await bed.stack.kubectl([
      'describe',
      'horizontalpodautoscalers.autoscaling.hpa-ts.io',
      'sample-httpserver',
      '-n',
      ns,
    ]);
    expect(described).toMatch(/SuccessfulRescale\s+.*New size: 1; reason: All metrics below target/);
  }, 240_000);

  it('hpa-ts, with the crd overlay RBAC (no access to autoscaling/v2 HPAs), got no 403', async () => {
    const f = await bed.forbidden();
    expect(f.lines).toEqual([]);
  });
});
