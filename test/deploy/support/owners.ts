/** Pods by owner in the RBAC scenario (scenario.ts): a ReplicaSet as kube-controller-manager makes it. */
import { Resources, type ObjectStore } from '../../../simulator/apiserver/index.js';

const controller = (kind: string, name: string, uid: string | undefined): unknown => ({
  apiVersion: 'apps/v1',
  kind,
  name,
  uid,
  controller: true,
});

/** ReplicaSet `${app}-1` controlled by Deployment `app`; returns the metadata that makes a pod its own. */
export function ownedThroughReplicaSet(store: ObjectStore, ns: string, app: string): { ownerReferences: unknown[] } {
  const deployment = store.get(Resources.deployments, ns, app);
  const rs = `${app}-1`;
  store.create(Resources.replicaSets, ns, {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: rs,
      namespace: ns,
      labels: { app },
      ownerReferences: [controller('Deployment', app, deployment.metadata.uid)],
    },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app } },
      template: (deployment.spec as { template: unknown }).template,
    },
  });
  const uid = store.get(Resources.replicaSets, ns, rs).metadata.uid;
  return { ownerReferences: [controller('ReplicaSet', rs, uid)] };
}
