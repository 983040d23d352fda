/**
 * Pods by owner through the simulator (docs/annotations.md "Pods by owner"): its Deployment,
 * ReplicaSet and StatefulSet controllers write controller ownerReferences as
 * kube-controller-manager does, the in-memory ClusterAccess lists ReplicaSets by label selector,
 * the converters read them, and the ownership rule recognises every pod of its own target only.
 * Also the selector registry's memory of the pods an owner-selecting HPA counted.
 */
import { describe, expect, it } from '@jest/globals';
import { ownershipOf, parseSelector, type PodSnapshot } from '../../../algorithms/index.js';
import { ControllerState } from '../../../controller/state.js';
import { Resources } from '../../../simulator/apiserver/index.js';
import { createInMemoryCluster } from '../../../simulator/in-memory-cluster.js';
import { controllerRefFromApi, podSnapshotFromApi, replicaSetOwnershipFromApi } from '../../../transport/index.js';
import { deployment, testCluster } from './helpers.js';

/** A Deployment `name` whose template also carries `shared` (a label another Deployment has too). */
function sharing(name: string, replicas: number): Record<string, unknown> {
  const d = deployment(name, { replicas }) as { spec: { template: { metadata: { labels: Record<string, string> } } } };
  d.spec.template.metadata.labels = { ...d.spec.template.metadata.labels, tier: 'shop' };
  return d as unknown as Record<string, unknown>;
}

describe('ownerReferences in the simulator', () => {
  it('pods of two Deployments sharing a label: each Deployment owns exactly its own, through its ReplicaSet', async () => {
    const c = testCluster();
    c.store.create(Resources.deployments, 'default', sharing('web', 2));
    c.store.create(Resources.deployments, 'default', sharing('canary', 3));
    await c.run(5);
    const cluster = createInMemoryCluster(c.store);
    const listed = await cluster.listReplicaSets('default', 'tier=shop');
    if (!listed.ok) throw new Error(listed.error.message);
    expect(listed.value.map((rs) => rs.controller?.name).sort()).toEqual(['canary', 'web']);
    const narrowed = await cluster.listReplicaSets('default', 'app=web');
    expect(narrowed.ok && narrowed.value.map((rs) => rs.controller?.name)).toEqual(['web']);
    const pods: PodSnapshot[] = c.pods().map((p) => podSnapshotFromApi(p));
    expect(pods).toHaveLength(5);
    for (const name of ['web', 'canary']) {
      const d = c.store.get(Resources.deployments, 'default', name);
      const owns = ownershipOf(
        { apiVersion: 'apps/v1', kind: 'Deployment', name, uid: d.metadata.uid ?? '' },
        listed.value,
      );
      const owned = pods.filter(owns).map((p) => p.name);
      expect(owned).toHaveLength(name === 'web' ? 2 : 3);
      expect(owned.every((p) => p.startsWith(`${name}-`))).toBe(true);
    }
  });

  it('a StatefulSet is the controller of its pods', async () => {
    const c = testCluster();
    const sts = { ...sharing('db', 2), kind: 'StatefulSet' } as Record<string, unknown>;
    (sts.spec as Record<string, unknown>).serviceName = 'db';
    c.store.create(Resources.statefulSets, 'default', sts);
    await c.run(10);
    const uid = c.store.get(Resources.statefulSets, 'default', 'db').metadata.uid ?? '';
    const owns = ownershipOf({ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid }, []);
    const pods = c.pods().map((p) => podSnapshotFromApi(p));
    expect(pods.length).toBeGreaterThan(0);
    expect(pods.every(owns)).toBe(true);
  });
});

describe('reading ownerReferences', () => {
  it('takes the controller reference only; none, or one without kind or name, is null', () => {
    const ref = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: 'u1' };
    expect(
      controllerRefFromApi({
        ownerReferences: [
          { ...ref, controller: false },
          { ...ref, controller: true },
        ],
      }),
    ).toEqual(ref);
    expect(controllerRefFromApi({ ownerReferences: [{ ...ref }] })).toBeNull();
    expect(controllerRefFromApi({ ownerReferences: [{ ...ref, name: '', controller: true }] })).toBeNull();
    expect(controllerRefFromApi({ ownerReferences: 'x' })).toBeNull();
    expect(controllerRefFromApi(undefined)).toBeNull();
    expect(replicaSetOwnershipFromApi({ metadata: { name: 'web-1' } })).toEqual({
      name: 'web-1',
      uid: '',
      controller: null,
    });
    expect(replicaSetOwnershipFromApi({ metadata: {} })).toBeUndefined();
  });

  it('a pod without a controller reads as before: no controller field at all', () => {
    expect('controller' in podSnapshotFromApi({ metadata: { name: 'p' } })).toBe(false);
  });
});

describe('the selector registry', () => {
  it('remembers the pods an owner-selecting HPA counted, and forgets them when it selects by labels again', () => {
    const s = new ControllerState();
    const sel = parseSelector('app=web');
    if (!sel.ok) throw new Error('selector');
    s.register('default', 'default/web');
    s.updateSelector('default', 'default/web', sel.value, new Set(['web-0']));
    expect(s.selectorEntries('default')).toEqual([
      { key: 'default/web', selector: sel.value, pods: new Set(['web-0']) },
    ]);
    s.updateSelector('default', 'default/web', sel.value);
    expect(s.selectorEntries('default')).toEqual([{ key: 'default/web', selector: sel.value }]);
    s.unregister('default', 'default/web');
    s.updateSelector('default', 'default/web', sel.value, new Set(['web-0']));
    expect(s.selectorEntries('default')).toEqual([]);
  });
});
