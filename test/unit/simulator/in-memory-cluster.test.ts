import { describe, expect, it } from '@jest/globals';
import type { HorizontalPodAutoscaler, PodSnapshot } from '../../../algorithms/index.js';
import { flushMicrotasks } from '../../../simulator/clock.js';
import { Resources, createClusterStore } from '../../../simulator/apiserver/index.js';
import { createInMemoryCluster } from '../../../simulator/in-memory-cluster.js';
import { T0, deployment } from './helpers.js';

const DEPLOYMENTS = { group: 'apps', version: 'v1', resource: 'deployments' };

function hpa(name: string): Record<string, unknown> {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: 1,
      maxReplicas: 5,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
      ],
    },
  };
}

function setup() {
  const store = createClusterStore({ now: () => T0 });
  store.create(Resources.deployments, 'default', deployment('web', { replicas: 2 }));
  return { store, cluster: createInMemoryCluster(store) };
}

describe('the in-memory ClusterAccess', () => {
  it('resolves a kind through the registry to every version with a scale subresource', async () => {
    const { cluster } = setup();
    expect(await cluster.resolveScaleTarget('apps/v1', 'Deployment')).toEqual({ ok: true, value: [DEPLOYMENTS] });
    expect(await cluster.resolveScaleTarget('apps/v1', 'Widget')).toEqual({
      ok: false,
      error: {
        reason: 'NoKindMatch',
        message: 'no matches for kind "Widget" in group "apps"',
        verb: 'get',
        path: '/apis',
      },
    });
    expect(await cluster.resolveScaleTarget('v1', 'ConfigMap')).toEqual({ ok: true, value: [] });
  });

  it("reads and writes the scale; a stale resourceVersion is a 409 Conflict with the server's message", async () => {
    const { cluster } = setup();
    const read = await cluster.getScale(DEPLOYMENTS, 'default', 'web');
    if (!read.ok) throw new Error(read.error.message);
    expect(read.value.spec.replicas).toBe(2);
    const written = await cluster.updateScale(DEPLOYMENTS, 'default', { ...read.value, spec: { replicas: 3 } });
    expect(written).toMatchObject({ ok: true, value: { spec: { replicas: 3 } } });
    const stale = await cluster.updateScale(DEPLOYMENTS, 'default', { ...read.value, spec: { replicas: 4 } });
    expect(stale).toEqual({
      ok: false,
      error: {
        status: 409,
        reason: 'Conflict',
        message:
          'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again',
        verb: 'PUT',
        path: '/apis/apps/v1/namespaces/default/deployments/web/scale',
      },
    });
  });

  it("a missing object is a 404 NotFound with the server's message", async () => {
    const { cluster } = setup();
    expect(await cluster.getScale(DEPLOYMENTS, 'default', 'nope')).toMatchObject({
      ok: false,
      error: { status: 404, reason: 'NotFound', message: 'deployments.apps "nope" not found' },
    });
    expect(await cluster.getLease('default', 'hpa-ts')).toEqual({ ok: true, value: null });
  });

  it('watches list first (ADDED, then synced) and then deliver changes after the write returns, in order', async () => {
    const { store, cluster } = setup();
    store.create(Resources.horizontalPodAutoscalers, 'default', hpa('a'));
    const seen: string[] = [];
    cluster.watchHpas(undefined, {
      onEvent: (type, h: HorizontalPodAutoscaler) =>
        seen.push(`${type} ${h.metadata.name} ${h.metadata.resourceVersion ?? ''}`),
      onSynced: () => seen.push('synced'),
    });
    store.create(Resources.horizontalPodAutoscalers, 'default', hpa('b'));
    expect(seen).toEqual([]);
    await flushMicrotasks();
    expect(seen.map((s) => s.split(' ').slice(0, 2).join(' '))).toEqual(['ADDED a', 'synced', 'ADDED b']);
  });

  it("writes HPA status with the HPA's resourceVersion (409 when someone changed it)", async () => {
    const { store, cluster } = setup();
    store.create(Resources.horizontalPodAutoscalers, 'default', hpa('a'));
    const got = await cluster.getHpa('default', 'a');
    if (!got.ok) throw new Error(got.error.message);
    const status = { currentReplicas: 2, desiredReplicas: 2 };
    expect(await cluster.updateHpaStatus(got.value, status)).toMatchObject({ ok: true, value: { status } });
    expect(await cluster.updateHpaStatus(got.value, status)).toMatchObject({
      ok: false,
      error: { status: 409, reason: 'Conflict' },
    });
  });

  it('pods arrive as PodSnapshots', async () => {
    const { store, cluster } = setup();
    store.create(Resources.pods, 'default', {
      metadata: { name: 'p', labels: { app: 'web' } },
      spec: { containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: '250m' } } }] },
    });
    const pods: PodSnapshot[] = [];
    cluster.watchPods('default', { onEvent: (_t, p) => pods.push(p) });
    await flushMicrotasks();
    expect(pods[0]).toMatchObject({ name: 'p', namespace: 'default', phase: 'Pending', labels: { app: 'web' } });
    expect(pods[0].containers[0].requests.cpu.toString()).toBe('250m');
  });

  it('creates and patches events', async () => {
    const { store, cluster } = setup();
    const ev = {
      namespace: 'default',
      involvedObject: {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        name: 'a',
        namespace: 'default',
      },
      type: 'Normal' as const,
      reason: 'SuccessfulRescale',
      message: 'New size: 2; reason: cpu resource utilization (percentage of request) above target',
      component: 'horizontal-pod-autoscaler',
      count: 1,
      firstTimestamp: '2025-01-01T00:00:00Z',
      lastTimestamp: '2025-01-01T00:00:00Z',
      name: 'a.1',
    };
    expect(await cluster.createEvent(ev)).toEqual({ ok: true, value: undefined });
    expect(await cluster.patchEvent({ ...ev, count: 2 })).toEqual({ ok: true, value: undefined });
    expect(store.get(Resources.events, 'default', 'a.1')).toMatchObject({ count: 2, reason: 'SuccessfulRescale' });
  });
});
