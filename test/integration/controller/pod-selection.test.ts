/**
 * `hpa-ts.io/pod-selection: owner-references` end to end over HTTP (docs/annotations.md "Pods by
 * owner"): two Deployments whose pods share a label, each through a ReplicaSet with
 * ownerReferences as kube-controller-manager writes them, and an HPA on one of them whose
 * selector matches both. The controller lists the ReplicaSets from the simulator's API.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import type { RunningController } from '../../../app/start.js';
import type { ReconcileOutcome } from '../../../controller/reconciler.js';
import { Resources } from '../../../simulator/apiserver/index.js';
import type { GroupVersionResource } from '../../../simulator/apiserver/types.js';
import {
  DEPLOYMENTS,
  EVENTS,
  PODS,
  condition,
  cpuMetric,
  hpa,
  replicasOf,
  startCtl,
  startSim,
  waitFor,
  type Sim,
} from './harness.js';

let sim: Sim | undefined;
let ctl: RunningController | undefined;

afterEach(async () => {
  await ctl?.stop().catch(() => undefined);
  ctl = undefined;
  await sim?.close();
  sim = undefined;
});

const CONTAINERS = [{ name: 'app', image: 'nginx', resources: { requests: { cpu: '100m' } } }];
const LONG_AGO = '2020-01-01T00:00:00Z';

function uidOf(s: Sim, gvr: GroupVersionResource, name: string): string {
  return s.server.store.get(gvr, 'default', name).metadata.uid ?? '';
}

/**
 * A Deployment whose selector is `selector`, one ReplicaSet it controls and `cpu.length` Running,
 * Ready pods the ReplicaSet controls, each using cpu[i] millicores of its 100m request.
 */
function workload(
  s: Sim,
  name: string,
  labels: Record<string, string>,
  selector: Record<string, string>,
  cpu: number[],
): void {
  const template = { metadata: { labels }, spec: { containers: CONTAINERS } };
  s.server.store.create(DEPLOYMENTS, 'default', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: { replicas: cpu.length, selector: { matchLabels: selector }, template },
  });
  const owner = (kind: string, n: string, uid: string): Record<string, unknown> => ({
    apiVersion: 'apps/v1',
    kind,
    name: n,
    uid,
    controller: true,
    blockOwnerDeletion: true,
  });
  const rs = `${name}-5d8f7c`;
  s.server.store.create(Resources.replicaSets, 'default', {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: rs,
      namespace: 'default',
      labels,
      ownerReferences: [owner('Deployment', name, uidOf(s, DEPLOYMENTS, name))],
    },
    spec: { replicas: cpu.length, selector: { matchLabels: selector }, template },
  });
  const rsUid = uidOf(s, Resources.replicaSets, rs);
  cpu.forEach((milli, i) => {
    const pod = `${rs}-${i}`;
    s.server.store.create(PODS, 'default', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: pod, namespace: 'default', labels, ownerReferences: [owner('ReplicaSet', rs, rsUid)] },
      spec: { containers: CONTAINERS },
    });
    s.server.store.updateStatus(PODS, 'default', pod, {
      ...s.server.store.get(PODS, 'default', pod),
      status: {
        phase: 'Running',
        startTime: LONG_AGO,
        conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: LONG_AGO }],
      },
    });
    s.cpu.set(pod, milli);
  });
}

/** web's pods at 90 % of their request, web-canary's (which web's selector app=shop also matches) at 10 %. */
function twoDeploymentsSharingLabels(s: Sim): void {
  workload(s, 'web', { app: 'shop' }, { app: 'shop' }, [90, 90]);
  workload(s, 'web-canary', { app: 'shop', track: 'canary' }, { app: 'shop', track: 'canary' }, [10, 10]);
}

function createHpa(s: Sim, annotations: Record<string, string>, name = 'web'): void {
  const body = hpa(name, { maxReplicas: 10, metrics: [cpuMetric(50)] });
  s.server.store.create(Resources.horizontalPodAutoscalers, 'default', {
    ...body,
    metadata: { ...(body.metadata as Record<string, unknown>), annotations },
  });
}

function eventsOf(s: Sim, reason: string): { type?: string; message?: string }[] {
  return s.server.store
    .list(EVENTS, { namespace: 'default' })
    .items.filter((e) => (e as { reason?: string }).reason === reason) as { type?: string; message?: string }[];
}

describe('hpa-ts.io/pod-selection over HTTP', () => {
  it('owner-references: the HPA scales on its own pods only (90 % → 4 replicas), not on the average with the other Deployment', async () => {
    sim = await startSim();
    const s = sim;
    twoDeploymentsSharingLabels(s);
    createHpa(s, { 'hpa-ts.io/pod-selection': 'owner-references' });
    ctl = await startCtl(s);

    await waitFor('scaled to 4 on its own pods', () => replicasOf(s, 'web') === 4);
    expect(replicasOf(s, 'web-canary')).toBe(2);
    await waitFor('the PodSelection condition', () => condition(s, 'web', 'PodSelection'));
    expect(condition(s, 'web', 'PodSelection')).toMatchObject({
      status: 'True',
      reason: 'PodsNotOwned',
      message:
        'counting the 2 pods owned by Deployment/web; 2 more pods the selector matches are not owned by it and not counted',
    });
    const notOwned = await waitFor('the PodsNotOwned event', () => eventsOf(s, 'PodsNotOwned')[0]);
    expect(notOwned).toMatchObject({
      type: 'Normal',
      message:
        'pods matched by the selector but not owned by Deployment/web are not counted: web-canary-5d8f7c-0, web-canary-5d8f7c-1',
    });
  });

  it("label-selector (the default, upstream): the same HPA averages in the other Deployment's pods (50 %) and does not scale", async () => {
    sim = await startSim();
    const s = sim;
    twoDeploymentsSharingLabels(s);
    createHpa(s, { 'hpa-ts.io/pod-selection': 'label-selector' });
    const outcomes: ReconcileOutcome[] = [];
    ctl = await startCtl(s, {}, (o) => outcomes.push(o));

    await waitFor(
      'three reconciles with metrics',
      () => outcomes.filter((o) => o.decision?.branch === 'metrics').length >= 3,
    );
    expect(replicasOf(s, 'web')).toBe(2);
    const last = outcomes.filter((o) => o.decision?.branch === 'metrics').at(-1);
    expect(last?.decision?.status.currentMetrics?.[0]?.resource?.current.averageUtilization).toBe(50);
    expect(condition(s, 'web', 'PodSelection')).toBeUndefined();
    expect(s.server.requests.some((r) => r.resource === 'replicasets')).toBe(false);
  });

  it("an invalid value is reported (AnnotationsValid=False) and counts as absent: upstream's label selection", async () => {
    sim = await startSim();
    const s = sim;
    twoDeploymentsSharingLabels(s);
    createHpa(s, { 'hpa-ts.io/pod-selection': 'Owner-References' });
    const outcomes: ReconcileOutcome[] = [];
    ctl = await startCtl(s, {}, (o) => outcomes.push(o));

    await waitFor('AnnotationsValid=False', () => condition(s, 'web', 'AnnotationsValid'));
    expect(condition(s, 'web', 'AnnotationsValid')).toMatchObject({
      status: 'False',
      reason: 'InvalidAnnotation',
      message: 'hpa-ts.io/pod-selection: "Owner-References" is not one of label-selector, owner-references; ignored',
    });
    await waitFor(
      'three reconciles with metrics',
      () => outcomes.filter((o) => o.decision?.branch === 'metrics').length >= 3,
    );
    expect(replicasOf(s, 'web')).toBe(2);
    expect(eventsOf(s, 'InvalidAnnotation').length).toBeGreaterThan(0);
  });

  it('two HPAs on the two Deployments: upstream refuses both (AmbiguousSelector); owner-references on the wider one, then on both: neither is refused', async () => {
    sim = await startSim();
    const s = sim;
    twoDeploymentsSharingLabels(s);
    createHpa(s, {}, 'web');
    createHpa(s, {}, 'web-canary');
    ctl = await startCtl(s);
    await waitFor(
      'web refused as ambiguous',
      () => condition(s, 'web', 'ScalingActive')?.reason === 'AmbiguousSelector',
    );
    await waitFor(
      'web-canary refused as ambiguous',
      () => condition(s, 'web-canary', 'ScalingActive')?.reason === 'AmbiguousSelector',
    );
    expect(replicasOf(s, 'web')).toBe(2);

    const byOwner = (name: string): void => {
      const stored = s.server.store.get(Resources.horizontalPodAutoscalers, 'default', name);
      s.server.store.update(Resources.horizontalPodAutoscalers, 'default', name, {
        ...stored,
        metadata: { ...stored.metadata, annotations: { 'hpa-ts.io/pod-selection': 'owner-references' } },
      });
    };
    // on web (the wider selector) only: web no longer claims the canary's pods, so neither is ambiguous
    byOwner('web');
    await waitFor('web scaled to 4 on its own pods', () => replicasOf(s, 'web') === 4);
    await waitFor(
      'web-canary active without the annotation',
      () => condition(s, 'web-canary', 'ScalingActive')?.reason === 'ValidMetricFound',
    );
    expect(condition(s, 'web-canary', 'PodSelection')).toBeUndefined();
    // on both: still neither
    byOwner('web-canary');
    await waitFor('web-canary counts by owner', () => condition(s, 'web-canary', 'PodSelection'));
    expect(condition(s, 'web-canary', 'PodSelection')).toMatchObject({ reason: 'AllPodsOwned' });
    expect(condition(s, 'web-canary', 'ScalingActive')?.reason).toBe('ValidMetricFound');
    expect(condition(s, 'web', 'ScalingActive')?.reason).toBe('ValidMetricFound');
    // web-canary's pods at 10 % would scale it down to 1; the 5 min scale-down window holds it at 2
    expect(replicasOf(s, 'web-canary')).toBe(2);
  });
});
