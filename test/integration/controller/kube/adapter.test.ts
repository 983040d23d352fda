import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { HorizontalPodAutoscaler, PodSnapshot } from '../../../../algorithms/index.js';
import { realClock } from '../../../../transport/clock.js';
import { EventRecorder } from '../../../../controller/events/index.js';
import { createClientNodeCluster, type ClientNodeCluster } from '../../../../controller/kube/index.js';
import { ApiErrorReason } from '../../../../transport/index.js';
import type { ClusterError, Stoppable, WatchEventType } from '../../../../controller/ports.js';
import { Resources, startApiServer, type ApiServerHandle } from '../../../../simulator/apiserver/index.js';
import { connectionCounter, deploymentBody, hpaBody, kubeConfigFor, sleep, waitFor, workerCrd } from './helpers.js';

let server: ApiServerHandle;
let cluster: ClientNodeCluster;
const requests: { verb: string; resource: string; code: number }[] = [];

beforeAll(async () => {
  server = await startApiServer();
  cluster = createClientNodeCluster({
    kubeConfig: kubeConfigFor(server),
    clock: realClock,
    requestTimeoutMs: 5_000,
    onRequest: (verb, resource, code) => requests.push({ verb, resource, code }),
    userAgent: 'hpa-ts-test',
  });
});

/** informers started by a test, stopped after it even when it fails (they would eat injected faults) */
const open: Stoppable[] = [];

afterEach(() => {
  for (const h of open.splice(0)) h.stop();
});

afterAll(async () => {
  cluster.close();
  await server.close();
});

const HPAS = Resources.horizontalPodAutoscalers;

function hpaLog(namespace: string) {
  const events: string[] = [];
  const objects: HorizontalPodAutoscaler[] = [];
  const errors: ClusterError[] = [];
  let synced = 0;
  const handle: Stoppable = cluster.watchHpas(namespace, {
    onEvent: (type: WatchEventType, hpa) => {
      events.push(`${type} ${hpa.metadata.name} ${hpa.spec.maxReplicas}`);
      objects.push(hpa);
    },
    onSynced: () => synced++,
    onError: (e) => errors.push(e),
  });
  open.push(handle);
  return { events, objects, errors, synced: () => synced, handle };
}

function namespace(name: string): string {
  server.store.create(Resources.namespaces, undefined, { metadata: { name } });
  return name;
}

/** Waits until the watch of `ns` is open on the server (the list alone does not mean it is). */
async function watching(ns: string, n = 1): Promise<void> {
  await waitFor(() => count((r) => r.verb === 'watch' && r.namespace === ns) >= n, `watch #${n} of ${ns}`);
  await sleep(50);
}

const count = (pred: (r: (typeof server.requests)[number]) => boolean): number => server.requests.filter(pred).length;

describe('HPA informer over HTTP', () => {
  it('lists then watches, seeing add, update and delete as plain autoscaling/v2 objects', async () => {
    const ns = namespace('inf-basic');
    server.store.create(HPAS, ns, hpaBody('before'));
    const log = hpaLog(ns);
    await waitFor(() => log.synced() === 1, 'the initial list');
    server.store.create(HPAS, ns, hpaBody('new'));
    server.store.patch(HPAS, ns, 'new', 'application/merge-patch+json', { spec: { maxReplicas: 6 } });
    server.store.delete(HPAS, ns, 'new');
    await waitFor(() => log.events.includes('DELETED new 6'), 'the delete');
    expect(log.events).toEqual(['ADDED before 10', 'ADDED new 10', 'MODIFIED new 6', 'DELETED new 6']);
    const listed = log.objects[0];
    expect(listed.apiVersion).toBe('autoscaling/v2');
    expect(listed.kind).toBe('HorizontalPodAutoscaler');
    expect(typeof listed.metadata.creationTimestamp).toBe('string');
    expect(Object.getPrototypeOf(listed)).toBe(Object.prototype);
    const watchReq = server.requests.find((r) => r.verb === 'watch' && r.namespace === ns);
    expect(watchReq?.query).toMatchObject({ allowWatchBookmarks: 'true', watch: 'true' });
    expect(watchReq?.userAgent).toBe('hpa-ts-test');
    log.handle.stop();
  });

  it('re-watches from the last resourceVersion when the server ends the stream, missing nothing', async () => {
    const ns = namespace('inf-drop');
    const log = hpaLog(ns);
    await waitFor(() => log.synced() === 1, 'the initial list');
    server.store.create(HPAS, ns, hpaBody('a'));
    await waitFor(() => log.events.length === 1, 'the first add');
    await watching(ns);
    await sleep(1_100); // past the "very short watch" guard
    server.faults.dropWatches();
    server.store.create(HPAS, ns, hpaBody('while-reconnecting'));
    await waitFor(
      () => log.events.includes('ADDED while-reconnecting 10'),
      'the object created while the watch was down',
    );
    expect(count((r) => r.verb === 'list' && r.namespace === ns)).toBe(1);
    expect(count((r) => r.verb === 'watch' && r.namespace === ns)).toBe(2);
    expect(log.synced()).toBe(1);
    log.handle.stop();
  });

  it('backs off and re-watches after the connection breaks', async () => {
    const ns = namespace('inf-abrupt');
    const log = hpaLog(ns);
    await waitFor(() => log.synced() === 1, 'the initial list');
    await watching(ns);
    server.faults.dropWatches({ abrupt: true });
    server.store.create(HPAS, ns, hpaBody('after-break'));
    await waitFor(() => log.events.includes('ADDED after-break 10'), 'the object created after the break', 8_000);
    expect(log.errors.length).toBeGreaterThanOrEqual(1);
    log.handle.stop();
  });

  it('relists on 410 Gone and reports what vanished meanwhile as DELETED', async () => {
    const ns = namespace('inf-gone');
    server.store.create(HPAS, ns, hpaBody('stays'));
    server.store.create(HPAS, ns, hpaBody('vanishes'));
    const log = hpaLog(ns);
    await waitFor(() => log.synced() === 1, 'the initial list');
    await watching(ns);
    await sleep(1_100);
    server.faults.expireNextWatches(1);
    server.faults.dropWatches();
    server.store.delete(HPAS, ns, 'vanishes');
    server.store.create(HPAS, ns, hpaBody('appears'));
    await waitFor(() => log.synced() === 2, 'the relist');
    await waitFor(
      () => log.events.includes('DELETED vanishes 10') && log.events.includes('ADDED appears 10'),
      'the relist diff',
    );
    expect(count((r) => r.verb === 'list' && r.namespace === ns)).toBe(2);
    log.handle.stop();
  });

  it('restarts a watch that stays silent longer than the idle timeout', async () => {
    const ns = namespace('inf-idle');
    const quiet = createClientNodeCluster({
      kubeConfig: kubeConfigFor(server),
      clock: realClock,
      watchIdleTimeoutMs: 1_500,
    });
    const errors: ClusterError[] = [];
    const seen: string[] = [];
    open.push({ stop: () => quiet.close() });
    const h = quiet.watchHpas(ns, {
      onEvent: (t, o) => seen.push(`${t} ${o.metadata.name}`),
      onError: (e) => errors.push(e),
    });
    await waitFor(() => errors.some((e) => /silent/.test(e.message)), 'the watchdog', 5_000);
    server.store.create(HPAS, ns, hpaBody('after-restart'));
    await waitFor(() => seen.includes('ADDED after-restart'), 'the event after the restart');
    expect(count((r) => r.verb === 'watch' && r.namespace === ns)).toBeGreaterThanOrEqual(2);
    h.stop();
    quiet.close();
  });
});

describe('pod informer over HTTP', () => {
  it('delivers pods as PodSnapshots with parsed quantities', async () => {
    const ns = namespace('pods');
    server.store.create(Resources.pods, ns, {
      metadata: { name: 'p1', labels: { app: 'web' } },
      spec: { containers: [{ name: 'app', image: 'x', resources: { requests: { cpu: '250m', memory: '64Mi' } } }] },
    });
    const pods: PodSnapshot[] = [];
    const h = cluster.watchPods(ns, { onEvent: (_t, p) => pods.push(p) });
    await waitFor(() => pods.length === 1, 'the pod');
    expect(pods[0].name).toBe('p1');
    expect(pods[0].labels).toEqual({ app: 'web' });
    expect(pods[0].containers[0]?.requests.cpu?.toString()).toBe('250m');
    h.stop();
  });
});

describe('scale subresource', () => {
  it('resolves a Deployment, reads its scale and writes it with the resourceVersion', async () => {
    server.store.create(Resources.deployments, 'default', deploymentBody('web', 2));
    const targets = await cluster.resolveScaleTarget('apps/v1', 'Deployment');
    expect(targets).toEqual({ ok: true, value: [{ group: 'apps', version: 'v1', resource: 'deployments' }] });
    if (!targets.ok) return;
    const target = targets.value[0];
    const scale = await cluster.getScale(target, 'default', 'web');
    expect(scale.ok && scale.value.spec.replicas).toBe(2);
    expect(scale.ok && scale.value.status.selector).toBe('app=web');
    if (!scale.ok) return;
    const updated = await cluster.updateScale(target, 'default', { ...scale.value, spec: { replicas: 4 } });
    expect(updated.ok && updated.value.spec.replicas).toBe(4);
    const stale = await cluster.updateScale(target, 'default', { ...scale.value, spec: { replicas: 5 } });
    expect(stale.ok).toBe(false);
    if (!stale.ok) expect(stale.error).toMatchObject({ status: 409, reason: 'Conflict', verb: 'PUT' });
    expect(requests).toContainEqual({ verb: 'update', resource: 'deployments/scale', code: 409 });
  });

  it('answers 404 for a missing object with the Status message', async () => {
    const r = await cluster.getScale({ group: 'apps', version: 'v1', resource: 'deployments' }, 'default', 'nope');
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.error).toMatchObject({ status: 404, reason: 'NotFound', message: 'deployments.apps "nope" not found' });
  });

  it('finds a custom kind with a scale subresource through discovery, re-discovering on a miss', async () => {
    const before = await cluster.resolveScaleTarget('adapter.hpa-ts.io/v1', 'Worker');
    expect(before.ok).toBe(false);
    if (!before.ok) {
      expect(before.error.reason).toBe(ApiErrorReason.NoKindMatch);
      expect(before.error.message).toBe('no matches for kind "Worker" in group "adapter.hpa-ts.io"');
    }
    server.store.create(Resources.customResourceDefinitions, undefined, workerCrd);
    server.store.create({ group: 'adapter.hpa-ts.io', version: 'v1', resource: 'workers' }, 'default', {
      apiVersion: 'adapter.hpa-ts.io/v1',
      kind: 'Worker',
      metadata: { name: 'w1' },
      spec: { replicas: 1 },
    });
    await sleep(1_100); // the cached discovery is now old enough to be refreshed on a miss
    const after = await cluster.resolveScaleTarget('adapter.hpa-ts.io/v1', 'Worker');
    expect(after).toEqual({ ok: true, value: [{ group: 'adapter.hpa-ts.io', version: 'v1', resource: 'workers' }] });
    if (!after.ok) return;
    const scale = await cluster.getScale(after.value[0], 'default', 'w1');
    expect(scale.ok && scale.value.spec.replicas).toBe(1);
    if (!scale.ok) return;
    const updated = await cluster.updateScale(after.value[0], 'default', { ...scale.value, spec: { replicas: 3 } });
    expect(updated.ok && updated.value.spec.replicas).toBe(3);
  });

  it('reports an invalid apiVersion without asking the server', async () => {
    const r = await cluster.resolveScaleTarget('a/b/c', 'Deployment');
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.error).toMatchObject({
        reason: ApiErrorReason.InvalidAPIVersion,
        message: 'unexpected GroupVersion string: a/b/c',
      });
  });

  it('times out a slow call', async () => {
    const slow = createClientNodeCluster({
      kubeConfig: kubeConfigFor(server),
      clock: realClock,
      requestTimeoutMs: 200,
    });
    const remove = server.faults.addLatency(1_000, { resource: 'deployments', subresource: 'scale' });
    const r = await slow.getScale({ group: 'apps', version: 'v1', resource: 'deployments' }, 'default', 'web');
    remove();
    slow.close();
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.failure).toBe('Timeout');
      expect(r.error.message).toMatch(/: context deadline exceeded/);
    }
  });
});

describe('HPA reads and status writes', () => {
  it('updates the status and surfaces a stale resourceVersion as 409 Conflict', async () => {
    server.store.create(HPAS, 'default', hpaBody('status-web'));
    const got = await cluster.getHpa('default', 'status-web');
    expect(got.ok).toBe(true);
    if (!got.ok) return;
    const first = await cluster.updateHpaStatus(got.value, { currentReplicas: 2, desiredReplicas: 3 });
    expect(first.ok && first.value.status?.desiredReplicas).toBe(3);
    const stale = await cluster.updateHpaStatus(got.value, { currentReplicas: 2, desiredReplicas: 4 });
    expect(stale.ok).toBe(false);
    if (!stale.ok) {
      expect(stale.error.status).toBe(409);
      expect(stale.error.reason).toBe('Conflict');
      expect(stale.error.message).toMatch(/the object has been modified/);
      expect(stale.error.path).toBe(
        '/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers/status-web/status',
      );
    }
  });
});

describe('events', () => {
  it('creates an Event and patches its count', async () => {
    const base = {
      namespace: 'default',
      name: 'status-web.187a0b2c3d4e5f60',
      involvedObject: {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        name: 'status-web',
        namespace: 'default',
      },
      type: 'Normal' as const,
      reason: 'SuccessfulRescale',
      message: 'New size: 3; reason: cpu resource utilization (percentage of request) above target',
      component: 'horizontal-pod-autoscaler',
      count: 1,
      firstTimestamp: '2026-11-23T10:00:00Z',
      lastTimestamp: '2026-11-23T10:00:00Z',
    };
    expect(await cluster.createEvent(base)).toEqual({ ok: true, value: undefined });
    expect(await cluster.patchEvent({ ...base, count: 2, lastTimestamp: '2026-11-23T10:00:15Z' })).toEqual({
      ok: true,
      value: undefined,
    });
    const stored = server.store.get(Resources.events, 'default', base.name) as Record<string, unknown>;
    expect(stored).toMatchObject({
      count: 2,
      lastTimestamp: '2026-11-23T10:00:15Z',
      firstTimestamp: '2026-11-23T10:00:00Z',
      source: { component: 'horizontal-pod-autoscaler' },
    });
    const patch = server.requests.find((r) => r.verb === 'patch' && r.resource === 'events');
    expect(patch?.contentType).toBe('application/strategic-merge-patch+json');
  });

  it('merges repeated events recorded through the EventRecorder into one Event', async () => {
    const recorder = new EventRecorder({ sink: cluster, clock: realClock });
    const ref = {
      namespace: 'default',
      name: 'rec-web',
      kind: 'HorizontalPodAutoscaler',
      apiVersion: 'autoscaling/v2',
    };
    for (let i = 0; i < 5; i++) recorder.record(ref, 'Warning', 'FailedGetScale', 'deployments.apps "web" not found');
    await recorder.flush();
    const events = server.store
      .list(Resources.events, { namespace: 'default' })
      .items.filter((e) => (e as { involvedObject?: { name?: string } }).involvedObject?.name === 'rec-web');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ count: 5, reason: 'FailedGetScale', type: 'Warning' });
  });
});

describe('leases', () => {
  it('creates, reads and replaces a Lease with microsecond times; a stale replace is a 409', async () => {
    expect(await cluster.getLease('kube-system', 'adapter-lease')).toEqual({ ok: true, value: null });
    const created = await cluster.createLease('kube-system', 'adapter-lease', {
      holderIdentity: 'a',
      leaseDurationSeconds: 15,
      acquireTime: '2026-11-23T10:00:00.5Z',
      renewTime: '2026-11-23T10:00:00.5Z',
      leaseTransitions: 0,
    });
    expect(created.ok).toBe(true);
    if (!created.ok) return;
    const stored = server.store.get(Resources.leases, 'kube-system', 'adapter-lease') as unknown as {
      spec: { renewTime: string };
    };
    expect(stored.spec.renewTime).toBe('2026-11-23T10:00:00.500000Z');
    const renewed = await cluster.updateLease('kube-system', 'adapter-lease', {
      ...created.value,
      renewTime: '2026-11-23T10:00:02.000000Z',
    });
    expect(renewed.ok && renewed.value.renewTime).toBe('2026-11-23T10:00:02.000000Z');
    const stale = await cluster.updateLease('kube-system', 'adapter-lease', { ...created.value, holderIdentity: 'b' });
    expect(stale.ok).toBe(false);
    if (!stale.ok) expect(stale.error).toMatchObject({ status: 409, reason: 'Conflict' });
  });
});

describe('transport', () => {
  it('sends every call over one pooled keep-alive connection', async () => {
    const relay = await connectionCounter(server.port);
    const pooled = createClientNodeCluster({ kubeConfig: kubeConfigFor(server, relay.url), clock: realClock });
    for (let i = 0; i < 20; i++) {
      const r = await pooled.getHpa('default', 'status-web');
      expect(r.ok).toBe(true);
    }
    pooled.close();
    expect(relay.connections()).toBe(1);
    await relay.close();
  });

  it('reports a refused connection as a ClusterError without a status', async () => {
    const relay = await connectionCounter(server.port);
    const url = relay.url;
    await relay.close();
    const dead = createClientNodeCluster({ kubeConfig: kubeConfigFor(server, url), clock: realClock });
    const r = await dead.getHpa('default', 'x');
    dead.close();
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.status).toBeUndefined();
      expect(r.error.failure).toBe('Network');
      expect(r.error.message).toMatch(/connect: connection refused/);
    }
  });
});
