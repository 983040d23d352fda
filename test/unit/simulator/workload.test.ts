import { describe, expect, it } from '@jest/globals';
import { Resources } from '../../../simulator/apiserver/index.js';
import { SAFE_ALPHANUMS, podTemplateHash, safeEncodeString } from '../../../simulator/workload/index.js';
import { T0, deployment, readyCondition, status, testCluster } from './helpers.js';

const SAFE = new RegExp(`^[${SAFE_ALPHANUMS}]+$`);

describe('names like kube-controller-manager makes them', () => {
  it('the pod-template-hash is 10 safe characters, stable for equal templates whatever their key order', () => {
    const a = podTemplateHash({ metadata: { labels: { app: 'web' } }, spec: { containers: [] } });
    const b = podTemplateHash({ spec: { containers: [] }, metadata: { labels: { app: 'web' } } });
    expect(a).toBe(b);
    expect(a).toMatch(SAFE);
    expect(a).toHaveLength(10);
    expect(podTemplateHash({ metadata: { labels: { app: 'api' } }, spec: { containers: [] } })).not.toBe(a);
  });

  it('safeEncodeString maps characters onto the vowel-free alphabet', () => {
    expect(safeEncodeString('0123456789')).toMatch(SAFE);
  });
});

describe('the workload model', () => {
  it('turns a Deployment into <deploy>-<hash> ReplicaSet and <rs>-<5 chars> pods with the template labels and requests', async () => {
    const c = testCluster();
    c.store.create(Resources.deployments, 'default', deployment('web', { replicas: 2 }));
    await c.run(0);
    const [rs] = c.store.list(Resources.replicaSets, { namespace: 'default' }).items;
    expect(rs.metadata.name).toMatch(new RegExp(`^web-[${SAFE_ALPHANUMS}]{10}$`));
    expect(rs.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Deployment', name: 'web', controller: true });
    const pods = c.pods();
    expect(pods).toHaveLength(2);
    for (const p of pods) {
      expect(p.metadata.name).toMatch(new RegExp(`^${rs.metadata.name}-[${SAFE_ALPHANUMS}]{5}$`));
      expect(p.metadata.labels).toEqual({ app: 'web', 'pod-template-hash': rs.metadata.name?.slice(4) });
      expect(p.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'ReplicaSet', name: rs.metadata.name });
      expect((p.spec as { containers: { resources: unknown }[] }).containers[0].resources).toEqual({
        requests: { cpu: '100m', memory: '300Mi' },
      });
    }
  });

  it('pods are Pending with a startTime at once, Running after 2 s and Ready 1 s later (the defaults)', async () => {
    const c = testCluster();
    c.store.create(Resources.deployments, 'default', deployment('web'));
    await c.run(0);
    let [pod] = c.pods();
    expect(status(pod)).toMatchObject({ phase: 'Pending', startTime: '2025-01-01T00:00:00Z' });
    expect(readyCondition(pod)).toMatchObject({ status: 'False' });
    await c.run(2);
    [pod] = c.pods();
    expect(status(pod).phase).toBe('Running');
    expect(readyCondition(pod)?.status).toBe('False');
    await c.run(1);
    [pod] = c.pods();
    expect(readyCondition(pod)).toMatchObject({ status: 'True', lastTransitionTime: '2025-01-01T00:00:03Z' });
    const d = c.store.get(Resources.deployments, 'default', 'web');
    expect(status(d)).toMatchObject({
      observedGeneration: 1,
      replicas: 1,
      updatedReplicas: 1,
      readyReplicas: 1,
      availableReplicas: 1,
    });
  });

  it('start-up and readiness delays come from the Deployment annotations (copied to its ReplicaSet)', async () => {
    const c = testCluster();
    c.store.create(
      Resources.deployments,
      'default',
      deployment('slow', {
        annotations: { 'sim.hpa-ts.io/startup-seconds': '10', 'sim.hpa-ts.io/readiness-seconds': '5' },
      }),
    );
    await c.run(9);
    expect(status(c.pods()[0]).phase).toBe('Pending');
    await c.run(1);
    expect(status(c.pods()[0]).phase).toBe('Running');
    await c.run(5);
    expect(readyCondition(c.pods()[0])?.status).toBe('True');
    const [rs] = c.store.list(Resources.replicaSets, { namespace: 'default' }).items;
    expect(rs.metadata.annotations).toMatchObject({
      'sim.hpa-ts.io/startup-seconds': '10',
      'deployment.kubernetes.io/revision': '1',
    });
  });

  it('the scale subresource follows: spec.replicas at once, status.replicas as pods exist', async () => {
    const c = testCluster();
    c.store.create(Resources.deployments, 'default', deployment('web'));
    await c.run(5);
    c.store.updateScale(Resources.deployments, 'default', 'web', { spec: { replicas: 4 } });
    await c.run(0);
    expect(c.store.getScale(Resources.deployments, 'default', 'web')).toMatchObject({
      spec: { replicas: 4 },
      status: { replicas: 4, selector: 'app=web' },
    });
    expect(status(c.store.get(Resources.deployments, 'default', 'web')).readyReplicas).toBe(1);
    await c.run(3);
    expect(status(c.store.get(Resources.deployments, 'default', 'web')).readyReplicas).toBe(4);
  });

  it('scale-down deletes the unready and the newest pods first', async () => {
    const c = testCluster();
    c.store.create(Resources.deployments, 'default', deployment('web', { replicas: 2 }));
    await c.run(10);
    const old = c.pods().map((p) => p.metadata.name);
    c.store.updateScale(Resources.deployments, 'default', 'web', { spec: { replicas: 4 } });
    await c.run(2.5); // the two new pods are Running, not Ready
    c.store.updateScale(Resources.deployments, 'default', 'web', { spec: { replicas: 2 } });
    await c.run(0);
    expect(c.pods().map((p) => p.metadata.name)).toEqual(old);
  });

  it('a changed pod template rolls out to a new ReplicaSet; the old one goes to zero once the new one is available', async () => {
    const c = testCluster();
    c.store.create(Resources.deployments, 'default', deployment('web', { replicas: 2 }));
    await c.run(5);
    c.store.patch(Resources.deployments, 'default', 'web', 'application/merge-patch+json', {
      spec: { template: { metadata: { labels: { app: 'web', version: 'v2' } } } },
    });
    await c.run(5);
    const sets = c.store.list(Resources.replicaSets, { namespace: 'default' }).items;
    expect(sets).toHaveLength(2);
    expect(sets.map((rs) => (rs.spec as { replicas: number }).replicas).sort()).toEqual([0, 2]);
    expect(c.pods().every((p) => p.metadata.labels?.version === 'v2')).toBe(true);
  });

  it('StatefulSets create <name>-<ordinal> pods one at a time (OrderedReady) and remove the highest first', async () => {
    const c = testCluster();
    c.store.create(Resources.statefulSets, 'default', {
      metadata: { name: 'db' },
      spec: {
        replicas: 3,
        serviceName: 'db',
        selector: { matchLabels: { app: 'db' } },
        template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'db:1' }] } },
      },
    });
    await c.run(0);
    expect(c.pods().map((p) => p.metadata.name)).toEqual(['db-0']);
    await c.run(3);
    expect(c.pods().map((p) => p.metadata.name)).toEqual(['db-0', 'db-1']);
    await c.run(10);
    expect(c.pods().map((p) => p.metadata.name)).toEqual(['db-0', 'db-1', 'db-2']);
    expect(c.pods()[2].metadata.labels).toMatchObject({
      'statefulset.kubernetes.io/pod-name': 'db-2',
      'apps.kubernetes.io/pod-index': '2',
    });
    c.store.updateScale(Resources.statefulSets, 'default', 'db', { spec: { replicas: 1 } });
    await c.run(0);
    expect(c.pods().map((p) => p.metadata.name)).toEqual(['db-0']);
    expect(status(c.store.get(Resources.statefulSets, 'default', 'db'))).toMatchObject({
      replicas: 1,
      readyReplicas: 1,
    });
  });

  it('deleting the Deployment removes its ReplicaSets and pods', async () => {
    const c = testCluster();
    c.store.create(Resources.deployments, 'default', deployment('web', { replicas: 3 }));
    await c.run(5);
    c.store.delete(Resources.deployments, 'default', 'web');
    await c.run(5);
    expect(c.pods()).toHaveLength(0);
    expect(T0).toBeLessThan(c.clock.now());
  });
});
