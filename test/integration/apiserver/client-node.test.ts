import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  AppsV1Api,
  AutoscalingV2Api,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  makeInformer,
  PatchStrategy,
  setHeaderOptions,
  V1MicroTime,
  type KubeConfig,
  type V2HorizontalPodAutoscaler,
} from '@kubernetes/client-node';
import { startApiServer, type ApiServerHandle } from '../../../simulator/apiserver/index.js';
import { deploymentBody, hpaBody, kubeConfigFor, statusBody, waitFor } from './helpers.js';
import { scalableWorkerCrd } from '../../fixtures/crds.js';

let server: ApiServerHandle;
let kc: KubeConfig;

beforeAll(async () => {
  server = await startApiServer();
  kc = kubeConfigFor(server);
});

afterAll(async () => {
  await server.close();
});

describe('client-node typed APIs against the simulated API server', () => {
  it('creates, reads, lists, replaces and deletes HPAs (autoscaling/v2)', async () => {
    const api = kc.makeApiClient(AutoscalingV2Api);
    const created = await api.createNamespacedHorizontalPodAutoscaler({ namespace: 'default', body: hpaBody('crud') });
    expect(created.metadata?.uid).toBeDefined();
    expect(created.spec?.metrics?.[0].pods?.target.averageValue).toBe('50');
    const read = await api.readNamespacedHorizontalPodAutoscaler({ namespace: 'default', name: 'crud' });
    read.spec!.maxReplicas = 12;
    const replaced = await api.replaceNamespacedHorizontalPodAutoscaler({
      namespace: 'default',
      name: 'crud',
      body: read,
    });
    expect(replaced.spec?.maxReplicas).toBe(12);
    expect(replaced.metadata?.generation).toBe(2);
    const status = await api.replaceNamespacedHorizontalPodAutoscalerStatus({
      namespace: 'default',
      name: 'crud',
      body: { ...replaced, status: { currentReplicas: 1, desiredReplicas: 3 } },
    });
    expect(status.status?.desiredReplicas).toBe(3);
    const list = await api.listHorizontalPodAutoscalerForAllNamespaces();
    expect(list.items.map((h) => h.metadata?.name)).toContain('crud');
    await api.deleteNamespacedHorizontalPodAutoscaler({ namespace: 'default', name: 'crud' });
    const after = await api.listNamespacedHorizontalPodAutoscaler({ namespace: 'default' });
    expect(after.items.map((h) => h.metadata?.name)).not.toContain('crud');
  });

  it('rejects a replace with a stale resourceVersion with 409 Conflict', async () => {
    const api = kc.makeApiClient(AutoscalingV2Api);
    const h = await api.createNamespacedHorizontalPodAutoscaler({ namespace: 'default', body: hpaBody('stale') });
    await api.patchNamespacedHorizontalPodAutoscaler(
      { namespace: 'default', name: 'stale', body: { spec: { maxReplicas: 4 } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const err = await api
      .replaceNamespacedHorizontalPodAutoscaler({ namespace: 'default', name: 'stale', body: h })
      .catch((e: unknown) => e);
    expect((err as { code: number }).code).toBe(409);
    expect(statusBody(err).message).toBe(
      'Operation cannot be fulfilled on horizontalpodautoscalers.autoscaling "stale": the object has been modified; please apply your changes to the latest version and try again',
    );
  });

  it('returns Status bodies for 404 and 422 that ApiException carries', async () => {
    const api = kc.makeApiClient(AutoscalingV2Api);
    const missing = await api
      .readNamespacedHorizontalPodAutoscaler({ namespace: 'default', name: 'nope' })
      .catch((e: unknown) => e);
    expect((missing as { code: number }).code).toBe(404);
    expect(statusBody(missing)).toMatchObject({
      reason: 'NotFound',
      message: 'horizontalpodautoscalers.autoscaling "nope" not found',
    });
    const bad = { ...hpaBody('bad'), spec: { ...hpaBody('bad').spec, minReplicas: 3, maxReplicas: 2 } };
    const invalid = await api
      .createNamespacedHorizontalPodAutoscaler({ namespace: 'default', body: bad })
      .catch((e: unknown) => e);
    expect((invalid as { code: number }).code).toBe(422);
    expect(statusBody(invalid).details?.causes).toEqual([
      {
        reason: 'FieldValueInvalid',
        field: 'spec.maxReplicas',
        message: 'Invalid value: 2: must be greater than or equal to `minReplicas`',
      },
    ]);
  });

  it('patches with JSON patch (the default), merge patch and strategic merge patch', async () => {
    const apps = kc.makeApiClient(AppsV1Api);
    await apps.createNamespacedDeployment({ namespace: 'default', body: deploymentBody('patchy') });
    await apps.patchNamespacedDeployment({
      namespace: 'default',
      name: 'patchy',
      body: [{ op: 'replace', path: '/spec/replicas', value: 2 }],
    });
    await apps.patchNamespacedDeployment(
      { namespace: 'default', name: 'patchy', body: { metadata: { annotations: { team: 'sre' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const smp = await apps.patchNamespacedDeployment(
      {
        namespace: 'default',
        name: 'patchy',
        body: { spec: { template: { spec: { containers: [{ name: 'sidecar', image: 'busybox' }] } } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    expect(smp.spec?.replicas).toBe(2);
    expect(smp.metadata?.annotations?.team).toBe('sre');
    expect(smp.spec?.template.spec?.containers.map((c) => c.name)).toEqual(['app', 'sidecar']);
  });

  it('reads, replaces and patches the scale subresource of a Deployment', async () => {
    const apps = kc.makeApiClient(AppsV1Api);
    await apps.createNamespacedDeployment({ namespace: 'default', body: deploymentBody('scaled', 2) });
    const scale = await apps.readNamespacedDeploymentScale({ namespace: 'default', name: 'scaled' });
    expect(scale.spec?.replicas).toBe(2);
    expect(scale.status?.selector).toBe('app=scaled');
    scale.spec = { replicas: 3 };
    const replaced = await apps.replaceNamespacedDeploymentScale({ namespace: 'default', name: 'scaled', body: scale });
    expect(replaced.spec?.replicas).toBe(3);
    const stale = await apps
      .replaceNamespacedDeploymentScale({
        namespace: 'default',
        name: 'scaled',
        body: { ...scale, spec: { replicas: 9 } },
      })
      .catch((e: unknown) => e);
    expect((stale as { code: number }).code).toBe(409);
    const patched = await apps.patchNamespacedDeploymentScale(
      { namespace: 'default', name: 'scaled', body: { spec: { replicas: 4 } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(patched.spec?.replicas).toBe(4);
    expect((await apps.readNamespacedDeployment({ namespace: 'default', name: 'scaled' })).spec?.replicas).toBe(4);
  });

  it('scales a custom resource through CustomObjectsApi when its CRD declares subresources.scale', async () => {
    const custom = kc.makeApiClient(CustomObjectsApi);
    await custom.createClusterCustomObject({
      group: 'apiextensions.k8s.io',
      version: 'v1',
      plural: 'customresourcedefinitions',
      body: scalableWorkerCrd('sim.hpa-ts.io'),
    });
    const ref = { group: 'sim.hpa-ts.io', version: 'v1', namespace: 'default', plural: 'workers' };
    await custom.createNamespacedCustomObject({
      ...ref,
      body: { apiVersion: 'sim.hpa-ts.io/v1', kind: 'Worker', metadata: { name: 'w1' }, spec: { replicas: 1 } },
    });
    const scale = (await custom.getNamespacedCustomObjectScale({ ...ref, name: 'w1' })) as {
      spec: { replicas: number };
      metadata: { resourceVersion: string };
    };
    expect(scale.spec.replicas).toBe(1);
    const replaced = (await custom.replaceNamespacedCustomObjectScale({
      ...ref,
      name: 'w1',
      body: { ...scale, spec: { replicas: 3 } },
    })) as { spec: { replicas: number } };
    expect(replaced.spec.replicas).toBe(3);
    const patched = (await custom.patchNamespacedCustomObjectScale(
      { ...ref, name: 'w1', body: { spec: { replicas: 5 } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )) as { spec: { replicas: number } };
    expect(patched.spec.replicas).toBe(5);
  });

  it('creates, renews and reads Leases with microsecond times, and records Events', async () => {
    const coord = kc.makeApiClient(CoordinationV1Api);
    const now = new V1MicroTime(Date.parse('2025-01-01T00:00:05.678Z'));
    await coord.createNamespacedLease({
      namespace: 'kube-system',
      body: {
        metadata: { name: 'hpa-ts' },
        spec: { holderIdentity: 'a', leaseDurationSeconds: 15, acquireTime: now, renewTime: now },
      },
    });
    const lease = await coord.readNamespacedLease({ namespace: 'kube-system', name: 'hpa-ts' });
    expect(lease.spec?.holderIdentity).toBe('a');
    lease.spec!.holderIdentity = 'b';
    await coord.replaceNamespacedLease({ namespace: 'kube-system', name: 'hpa-ts', body: lease });
    const lost = await coord
      .replaceNamespacedLease({ namespace: 'kube-system', name: 'hpa-ts', body: lease })
      .catch((e: unknown) => e);
    expect((lost as { code: number }).code).toBe(409);

    const core = kc.makeApiClient(CoreV1Api);
    await core.createNamespacedEvent({
      namespace: 'default',
      body: {
        metadata: { generateName: 'web.' },
        involvedObject: { kind: 'HorizontalPodAutoscaler', name: 'web', namespace: 'default', uid: 'u-1' },
        reason: 'SuccessfulRescale',
        message: 'New size: 2; reason: cpu resource utilization (percentage of request) above target',
        type: 'Normal',
        source: { component: 'horizontal-pod-autoscaler' },
      },
    });
    const events = await core.listNamespacedEvent({
      namespace: 'default',
      fieldSelector: 'involvedObject.uid=u-1,involvedObject.name=web',
    });
    expect(events.items).toHaveLength(1);
    expect(events.items[0].metadata?.name).toMatch(/^web\.[a-z0-9]{5}$/);
  });

  it('creates and lists Pods with canonical resource quantities', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    await core.createNamespacedPod({
      namespace: 'default',
      body: {
        metadata: { name: 'p1', labels: { app: 'p' } },
        spec: {
          containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu: '0.5', memory: '1024Mi' } } }],
        },
      },
    });
    const pods = await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=p' });
    expect(pods.items[0].spec?.containers[0].resources?.requests).toEqual({ cpu: '500m', memory: '1Gi' });
    expect(pods.items[0].status?.phase).toBe('Pending');
  });
});

describe('client-node informers against the simulated API server', () => {
  it('lists then watches, seeing add, update and delete', async () => {
    const api = kc.makeApiClient(AutoscalingV2Api);
    await api.createNamespacedHorizontalPodAutoscaler({ namespace: 'default', body: hpaBody('inf-before') });
    const informer = makeInformer<V2HorizontalPodAutoscaler>(
      kc,
      '/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers',
      () => api.listNamespacedHorizontalPodAutoscaler({ namespace: 'default' }),
    );
    const seen: string[] = [];
    informer.on('add', (o) => seen.push(`add ${o.metadata?.name}`));
    informer.on('update', (o) => seen.push(`update ${o.metadata?.name} ${o.spec?.maxReplicas}`));
    informer.on('delete', (o) => seen.push(`delete ${o.metadata?.name}`));
    informer.on('error', () => undefined);
    await informer.start();
    await api.createNamespacedHorizontalPodAutoscaler({ namespace: 'default', body: hpaBody('inf-new') });
    await api.patchNamespacedHorizontalPodAutoscaler(
      { namespace: 'default', name: 'inf-new', body: { spec: { maxReplicas: 6 } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await api.deleteNamespacedHorizontalPodAutoscaler({ namespace: 'default', name: 'inf-new' });
    await waitFor(() => seen.includes('delete inf-new'), 'the informer to see the delete');
    expect(seen).toEqual(
      expect.arrayContaining(['add inf-before', 'add inf-new', 'update inf-new 6', 'delete inf-new']),
    );
    expect(informer.get('inf-before', 'default')?.metadata?.name).toBe('inf-before');
    await informer.stop();
  });

  it('relists after a 410 Gone on re-watch', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    let lists = 0;
    const informer = makeInformer(kc, '/api/v1/namespaces/default/configmaps', () => {
      lists++;
      return core.listNamespacedConfigMap({ namespace: 'default' });
    });
    const names = new Set<string>();
    informer.on('add', (o) => names.add(o.metadata?.name ?? ''));
    informer.on('error', () => undefined);
    await informer.start();
    await waitFor(
      () => server.requests.some((r) => r.verb === 'watch' && r.resource === 'configmaps'),
      'the first watch',
    );
    expect(lists).toBe(1);
    server.faults.expireNextWatches(1);
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'during-outage' } } });
    expect(server.faults.dropWatches()).toBeGreaterThan(0);
    await waitFor(() => lists === 2, 'the informer to relist');
    await waitFor(() => names.has('during-outage'), 'the object created during the outage');
    await informer.stop();
  });
});
