/**
 * Issue 13 item 8, the workload half: the simulator behaves as kube-controller-manager where a
 * probe crashed or hung it. A Deployment whose ReplicaSet name would pass 253 characters is
 * reported on its Progressing condition (upstream does not shorten the name); generated pod
 * names are cut as the API server's name generator cuts them; a Deployment of 100,000 replicas
 * is accepted, its pods created in bursts up to the simulator's pod limit, which refuses the
 * rest as a quota does (ReplicaSet condition ReplicaFailure, reason FailedCreate).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { realClock } from '../../../transport/clock.js';
import { Resources } from '../../../simulator/apiserver/index.js';
import { startSimulatorServer, type SimulatorServer } from '../../../simulator/serve.js';
import type { KubeObject } from '../../../simulator/apiserver/types.js';
import { deploymentBody, waitFor } from '../apiserver/helpers.js';

let sim: SimulatorServer;
const MAX_PODS = 700;

beforeAll(async () => {
  sim = await startSimulatorServer({ clock: realClock, maxPods: MAX_PODS });
  sim.simulation.start();
});

afterAll(async () => {
  await sim.close();
});

const store = (): SimulatorServer['api']['store'] => sim.api.store;

/** A Deployment called `name` whose labels stay short (label values are limited to 63). */
function named(name: string, app: string, replicas = 1): Record<string, unknown> {
  return { ...deploymentBody(app, replicas), metadata: { name } };
}

function owned(resource: typeof Resources.pods | typeof Resources.replicaSets, uid: string | undefined): KubeObject[] {
  return store()
    .list(resource, { namespace: 'default' })
    .items.filter((o) => o.metadata.ownerReferences?.some((r) => r.uid === uid));
}

function conditionOf(obj: KubeObject, type: string): Record<string, unknown> | undefined {
  const conds = (obj.status as { conditions?: Array<Record<string, unknown>> } | undefined)?.conditions ?? [];
  return conds.find((c) => c.type === type);
}

describe('names as kube-controller-manager and the API server make them', () => {
  it('a Deployment of a 250-character name: Progressing False ReplicaSetCreateError, and the simulator keeps serving', async () => {
    const name = 'a'.repeat(250);
    const d = store().create(Resources.deployments, 'default', named(name, 'long1'));
    let progressing: Record<string, unknown> | undefined;
    await waitFor(() => {
      progressing = conditionOf(store().get(Resources.deployments, 'default', name), 'Progressing');
      return progressing !== undefined;
    }, 'the Progressing condition');
    expect(progressing).toMatchObject({ status: 'False', reason: 'ReplicaSetCreateError' });
    expect(progressing?.message).toMatch(
      new RegExp(
        `^Failed to create new replica set "${name}-\\w+": ReplicaSet\\.apps "${name}-\\w+" is invalid: metadata\\.name: Invalid value: .*: must be no more than 253 bytes$`,
      ),
    );
    expect(owned(Resources.replicaSets, d.metadata.uid)).toEqual([]);
    const res = await fetch(`${sim.url}/api/v1/namespaces/default/pods`);
    expect(res.status).toBe(200);
  });

  it('pods of a ReplicaSet with a long name: the generateName base cut to 58 characters, then 5 random ones', async () => {
    const name = 'b'.repeat(70);
    const d = store().create(Resources.deployments, 'default', named(name, 'long2', 2));
    let pods: KubeObject[] = [];
    await waitFor(
      () => (pods = owned(Resources.pods, owned(Resources.replicaSets, d.metadata.uid)[0]?.metadata.uid)).length === 2,
      'two pods',
    );
    for (const p of pods) {
      expect(p.metadata.name).toMatch(/^b{58}[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      expect(p.metadata.generateName).toBe(`${owned(Resources.replicaSets, d.metadata.uid)[0]?.metadata.name}-`);
    }
  });
});

describe('a Deployment of 100,000 replicas', () => {
  it('is accepted; pods come in bursts up to the pod limit, the rest refused as by a quota', async () => {
    const d = store().create(Resources.deployments, 'default', deploymentBody('huge', 100_000));
    expect((d.spec as { replicas: number }).replicas).toBe(100_000);
    let rs: KubeObject | undefined;
    let failure: Record<string, unknown> | undefined;
    await waitFor(
      () => {
        rs = owned(Resources.replicaSets, d.metadata.uid)[0];
        failure = rs === undefined ? undefined : conditionOf(rs, 'ReplicaFailure');
        return failure !== undefined;
      },
      'the ReplicaFailure condition',
      60_000,
    );
    expect(failure).toMatchObject({ status: 'True', reason: 'FailedCreate' });
    const used = store().list(Resources.pods, {}).items.length;
    expect(used).toBe(MAX_PODS);
    expect(failure?.message).toBe(
      `pods "${rs?.metadata.name}-" is forbidden: exceeded quota: simulator-max-pods, requested: pods=1, used: pods=${MAX_PODS}, limited: pods=${MAX_PODS}`,
    );
    expect((rs?.spec as { replicas: number }).replicas).toBe(100_000);
  });
});
