import { describe, expect, it } from '@jest/globals';
import {
  createClusterStore,
  isStoreError,
  Resources,
  type KubeObject,
  type WatchEvent,
} from '../../../simulator/apiserver/index.js';

const T0 = Date.parse('2025-01-01T00:00:00Z');

function cluster(opts: { historyLimit?: number } = {}) {
  let now = T0;
  const store = createClusterStore({ now: () => now, historyLimit: opts.historyLimit });
  return { store, advance: (ms: number) => (now += ms) };
}

function hpa(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    metadata: { name },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      maxReplicas: 10,
      metrics: [
        { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '50000m' } } },
      ],
      ...extra,
    },
  };
}

function deployment(name: string, replicas = 1): Record<string, unknown> {
  return {
    metadata: { name, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'c', image: 'nginx:1.27', resources: { requests: { cpu: '0.5' } } }] },
      },
    },
  };
}

function statusOf(fn: () => unknown): { code: number; reason: string; message: string } {
  try {
    fn();
  } catch (e) {
    if (isStoreError(e)) return { code: e.code, reason: e.reason, message: e.status.message };
    throw e;
  }
  throw new Error('expected a StoreError');
}

describe('in-process store: writes', () => {
  it('starts with the default namespaces and their default ServiceAccounts', () => {
    const { store } = cluster();
    const names = store.list(Resources.namespaces).items.map((n) => n.metadata.name);
    expect(names).toEqual(['default', 'kube-node-lease', 'kube-public', 'kube-system']);
    expect(store.get(Resources.serviceAccounts, 'default', 'default').metadata.name).toBe('default');
  });

  it('fills uid, creationTimestamp from the injected clock, generation 1 and a global resourceVersion', () => {
    const { store } = cluster();
    const before = Number(store.currentResourceVersion());
    const h = store.create(Resources.horizontalPodAutoscalers, 'default', hpa('web'));
    expect(h.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(h.metadata.creationTimestamp).toBe('2025-01-01T00:00:00Z');
    expect(h.metadata.generation).toBe(1);
    expect(Number(h.metadata.resourceVersion)).toBe(before + 1);
    expect(Object.isFrozen(h)).toBe(true);
  });

  it('defaults and canonicalises HPA quantities like the real API server', () => {
    const { store } = cluster();
    const h = store.create(Resources.horizontalPodAutoscalers, 'default', hpa('web'));
    const spec = h.spec as { minReplicas: number; metrics: Array<{ pods: { target: { averageValue: string } } }> };
    expect(spec.minReplicas).toBe(1);
    expect(spec.metrics[0].pods.target.averageValue).toBe('50');
    const d = store.create(Resources.deployments, 'default', deployment('web'));
    const c = (d.spec as { template: { spec: { containers: Array<{ resources: { requests: { cpu: string } } }> } } })
      .template.spec.containers[0];
    expect(c.resources.requests.cpu).toBe('500m');
  });

  it('rejects a stale resourceVersion with the upstream 409 Conflict message', () => {
    const { store } = cluster();
    const h = store.create(Resources.horizontalPodAutoscalers, 'default', hpa('web'));
    store.patch(Resources.horizontalPodAutoscalers, 'default', 'web', 'application/merge-patch+json', {
      spec: { maxReplicas: 7 },
    });
    const s = statusOf(() => store.update(Resources.horizontalPodAutoscalers, 'default', 'web', h));
    expect(s.code).toBe(409);
    expect(s.message).toBe(
      'Operation cannot be fulfilled on horizontalpodautoscalers.autoscaling "web": the object has been modified; please apply your changes to the latest version and try again',
    );
  });

  it('bumps generation on spec changes only, never on status updates', () => {
    const { store } = cluster();
    store.create(Resources.horizontalPodAutoscalers, 'default', hpa('web'));
    const p = store.patch(Resources.horizontalPodAutoscalers, 'default', 'web', 'application/merge-patch+json', {
      spec: { maxReplicas: 7 },
    }).object;
    expect(p.metadata.generation).toBe(2);
    const s = store.updateStatus(Resources.horizontalPodAutoscalers, 'default', 'web', {
      status: { currentReplicas: 1, desiredReplicas: 2 },
    });
    expect(s.metadata.generation).toBe(2);
    expect(Number(s.metadata.resourceVersion)).toBeGreaterThan(Number(p.metadata.resourceVersion));
  });

  it('ignores status on update and spec on status update', () => {
    const { store } = cluster();
    const h = store.create(Resources.horizontalPodAutoscalers, 'default', {
      ...hpa('web'),
      status: { desiredReplicas: 9 },
    });
    // kube-apiserver's fresh status: desiredReplicas and currentMetrics are never omitted
    expect(h.status).toEqual({ currentMetrics: null, desiredReplicas: 0 });
    const s = store.updateStatus(Resources.horizontalPodAutoscalers, 'default', 'web', {
      ...hpa('web'),
      spec: { maxReplicas: 99 },
      status: { desiredReplicas: 3 },
    });
    expect((s.spec as { maxReplicas: number }).maxReplicas).toBe(10);
    expect((s.status as { desiredReplicas: number }).desiredReplicas).toBe(3);
  });

  it('skips writes that change nothing (no new resourceVersion, no event)', () => {
    const { store } = cluster();
    const h = store.create(Resources.horizontalPodAutoscalers, 'default', hpa('web'));
    const events: WatchEvent[] = [];
    store.watch(Resources.horizontalPodAutoscalers, { resourceVersion: h.metadata.resourceVersion }, (e) =>
      events.push(e),
    );
    const again = store.update(Resources.horizontalPodAutoscalers, 'default', 'web', h);
    expect(again.metadata.resourceVersion).toBe(h.metadata.resourceVersion);
    expect(events).toEqual([]);
  });

  it('answers 404 for a missing namespace and 409 AlreadyExists for a duplicate', () => {
    const { store } = cluster();
    expect(statusOf(() => store.create(Resources.configMaps, 'nope', { metadata: { name: 'x' } }))).toMatchObject({
      code: 404,
      message: 'namespaces "nope" not found',
    });
    store.create(Resources.configMaps, 'default', { metadata: { name: 'x' } });
    expect(statusOf(() => store.create(Resources.configMaps, 'default', { metadata: { name: 'x' } }))).toMatchObject({
      code: 409,
      reason: 'AlreadyExists',
      message: 'configmaps "x" already exists',
    });
  });

  it('validates names (422) and HPAs with upstream messages', () => {
    const { store } = cluster();
    const bad = statusOf(() => store.create(Resources.configMaps, 'default', { metadata: { name: 'Bad_Name' } }));
    expect(bad.code).toBe(422);
    expect(bad.message).toContain(
      'ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain',
    );
    const h = statusOf(() =>
      store.create(Resources.horizontalPodAutoscalers, 'default', hpa('bad', { minReplicas: 3, maxReplicas: 2 })),
    );
    expect(h.message).toBe(
      'HorizontalPodAutoscaler.autoscaling "bad" is invalid: spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`',
    );
  });

  it('drops a tolerance unless HPAConfigurableTolerance is on (off by default before 1.35)', () => {
    const store = createClusterStore({ release: 34 });
    const h = store.create(
      Resources.horizontalPodAutoscalers,
      'default',
      hpa('web', { behavior: { scaleUp: { tolerance: 0.05 } } }),
    );
    expect((h.spec as { behavior: { scaleUp: Record<string, unknown> } }).behavior.scaleUp.tolerance).toBeUndefined();
    const on = createClusterStore({ features: { configurableTolerance: true } });
    const h2 = on.create(
      Resources.horizontalPodAutoscalers,
      'default',
      hpa('web', { behavior: { scaleUp: { tolerance: 0.05 } } }),
    );
    expect((h2.spec as { behavior: { scaleUp: Record<string, unknown> } }).behavior.scaleUp.tolerance).toBe('50m');
    const at35 = createClusterStore({ release: 35 });
    const h3 = at35.create(
      Resources.horizontalPodAutoscalers,
      'default',
      hpa('web', { behavior: { scaleUp: { tolerance: 0.05 } } }),
    );
    expect((h3.spec as { behavior: { scaleUp: Record<string, unknown> } }).behavior.scaleUp.tolerance).toBe('50m');
  });

  it('converts autoscaling/v1 targetCPUUtilizationPercentage to a v2 cpu Utilization metric and back', () => {
    const { store } = cluster();
    store.create(Resources.horizontalPodAutoscalersV1, 'default', {
      metadata: { name: 'v1' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        minReplicas: 2,
        maxReplicas: 5,
        targetCPUUtilizationPercentage: 50,
      },
    });
    const v2 = store.get(Resources.horizontalPodAutoscalers, 'default', 'v1');
    expect((v2.spec as { metrics: unknown[] }).metrics).toEqual([
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
    ]);
    store.updateStatus(Resources.horizontalPodAutoscalers, 'default', 'v1', {
      status: {
        currentReplicas: 2,
        desiredReplicas: 2,
        currentMetrics: [
          { type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 42, averageValue: '210m' } } },
        ],
      },
    });
    const v1 = store.get(Resources.horizontalPodAutoscalersV1, 'default', 'v1');
    expect(v1.spec).toMatchObject({ targetCPUUtilizationPercentage: 50 });
    expect(v1.status).toMatchObject({ currentCPUUtilizationPercentage: 42, currentReplicas: 2 });
  });
});

describe('in-process store: scale subresource', () => {
  it('serves an autoscaling/v1 Scale with the canonical selector and writes replicas back', () => {
    const { store } = cluster();
    store.create(Resources.deployments, 'default', deployment('web', 2));
    const scale = store.getScale(Resources.deployments, 'default', 'web');
    expect(scale).toMatchObject({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      spec: { replicas: 2 },
      status: { replicas: 0, selector: 'app=web' },
    });
    const updated = store.updateScale(Resources.deployments, 'default', 'web', { ...scale, spec: { replicas: 5 } });
    expect(updated.spec.replicas).toBe(5);
    const d = store.get(Resources.deployments, 'default', 'web');
    expect((d.spec as { replicas: number }).replicas).toBe(5);
    expect(d.metadata.generation).toBe(2);
    const stale = statusOf(() =>
      store.updateScale(Resources.deployments, 'default', 'web', { ...scale, spec: { replicas: 6 } }),
    );
    expect(stale).toMatchObject({
      code: 409,
      message: expect.stringContaining('deployments.apps "web": the object has been modified'),
    });
  });
});

describe('in-process store: deletion', () => {
  it('garbage-collects dependents in the background when their owner goes', () => {
    const { store } = cluster();
    const d = store.create(Resources.deployments, 'default', deployment('web'));
    const ownerRef = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: d.metadata.uid, controller: true };
    const rs = store.create(Resources.replicaSets, 'default', {
      ...deployment('web-1'),
      metadata: { name: 'web-1', labels: { app: 'web-1' }, ownerReferences: [ownerRef] },
    });
    const rsRef = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: rs.metadata.uid, controller: true };
    store.create(Resources.pods, 'default', {
      metadata: { name: 'web-1-a', ownerReferences: [rsRef] },
      spec: { containers: [{ name: 'c', image: 'nginx' }] },
    });
    store.create(Resources.pods, 'default', {
      metadata: { name: 'other' },
      spec: { containers: [{ name: 'c', image: 'nginx' }] },
    });
    store.delete(Resources.deployments, 'default', 'web');
    expect(store.list(Resources.replicaSets, { namespace: 'default' }).items).toEqual([]);
    expect(store.list(Resources.pods, { namespace: 'default' }).items.map((p) => p.metadata.name)).toEqual(['other']);
  });

  it('orphans dependents with propagationPolicy Orphan', () => {
    const { store } = cluster();
    const cm = store.create(Resources.configMaps, 'default', { metadata: { name: 'owner' } });
    store.create(Resources.configMaps, 'default', {
      metadata: {
        name: 'dep',
        ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: cm.metadata.uid }],
      },
    });
    store.delete(Resources.configMaps, 'default', 'owner', { propagationPolicy: 'Orphan' });
    expect(store.get(Resources.configMaps, 'default', 'dep').metadata.ownerReferences).toBeUndefined();
  });

  it('keeps an object with finalizers until they are removed', () => {
    const { store } = cluster();
    store.create(Resources.configMaps, 'default', { metadata: { name: 'f', finalizers: ['sim/hold'] } });
    const d = store.delete(Resources.configMaps, 'default', 'f');
    expect(d.metadata.deletionTimestamp).toBe('2025-01-01T00:00:00Z');
    expect(store.get(Resources.configMaps, 'default', 'f').metadata.deletionTimestamp).toBeDefined();
    store.patch(Resources.configMaps, 'default', 'f', 'application/merge-patch+json', {
      metadata: { finalizers: null },
    });
    expect(statusOf(() => store.get(Resources.configMaps, 'default', 'f')).code).toBe(404);
  });

  it('refuses to delete the default namespace (403) and deletes a namespace with its contents', () => {
    const { store } = cluster();
    expect(statusOf(() => store.delete(Resources.namespaces, undefined, 'default'))).toMatchObject({
      code: 403,
      message: 'namespaces "default" is forbidden: this namespace may not be deleted',
    });
    store.create(Resources.namespaces, undefined, { metadata: { name: 'shop' } });
    store.create(Resources.configMaps, 'shop', { metadata: { name: 'x' } });
    store.delete(Resources.namespaces, undefined, 'shop');
    expect(store.list(Resources.configMaps, { namespace: 'shop' }).items).toEqual([]);
  });
});

describe('in-process store: watch', () => {
  it('delivers events synchronously, in commit order, with selector transitions', () => {
    const { store } = cluster();
    const seen: string[] = [];
    store.watch(Resources.configMaps, { namespace: 'default', labelSelector: 'tier=fe' }, (e) =>
      seen.push(`${e.type} ${e.object.metadata.name}`),
    );
    store.create(Resources.configMaps, 'default', { metadata: { name: 'a', labels: { tier: 'fe' } } });
    store.create(Resources.configMaps, 'default', { metadata: { name: 'b', labels: { tier: 'be' } } });
    store.patch(Resources.configMaps, 'default', 'b', 'application/merge-patch+json', {
      metadata: { labels: { tier: 'fe' } },
    });
    store.patch(Resources.configMaps, 'default', 'a', 'application/merge-patch+json', {
      metadata: { labels: { tier: 'be' } },
    });
    store.delete(Resources.configMaps, 'default', 'b');
    expect(seen).toEqual(['ADDED a', 'ADDED b', 'DELETED a', 'DELETED b']);
  });

  it('starts with synthetic ADDED events for resourceVersion "0" and replays history after a given version', () => {
    const { store } = cluster();
    store.create(Resources.configMaps, 'default', { metadata: { name: 'a' } });
    const rv = store.currentResourceVersion();
    store.create(Resources.configMaps, 'default', { metadata: { name: 'b' } });
    const fromZero: string[] = [];
    store.watch(Resources.configMaps, { namespace: 'default', resourceVersion: '0' }, (e) =>
      fromZero.push(`${e.type} ${e.object.metadata.name}`),
    );
    expect(fromZero).toEqual(['ADDED a', 'ADDED b']);
    const replay: string[] = [];
    store.watch(Resources.configMaps, { namespace: 'default', resourceVersion: rv }, (e) =>
      replay.push(`${e.type} ${e.object.metadata.name}`),
    );
    expect(replay).toEqual(['ADDED b']);
  });

  it('answers 410 Gone for resourceVersions older than the bounded history, and after compaction', () => {
    const { store } = cluster({ historyLimit: 3 });
    const start = store.currentResourceVersion();
    for (let i = 0; i < 5; i++) store.create(Resources.configMaps, 'default', { metadata: { name: `c${i}` } });
    const gone = statusOf(() => store.watch(Resources.configMaps, { resourceVersion: start }, () => undefined));
    expect(gone).toMatchObject({
      code: 410,
      reason: 'Expired',
      message: expect.stringMatching(/^too old resource version: \d+ \(\d+\)$/),
    });
    const now = store.currentResourceVersion();
    store.create(Resources.configMaps, 'default', { metadata: { name: 'late' } });
    store.compact();
    expect(statusOf(() => store.watch(Resources.configMaps, { resourceVersion: now }, () => undefined)).code).toBe(410);
    const current = store.currentResourceVersion();
    expect(() => store.watch(Resources.configMaps, { resourceVersion: current }, () => undefined)).not.toThrow();
  });

  it('lets a watcher write from its callback and still see events in order', () => {
    const { store } = cluster();
    const seen: string[] = [];
    store.watch(Resources.configMaps, { namespace: 'default' }, (e: WatchEvent) => {
      seen.push(`${e.type} ${e.object.metadata.name}`);
      if (e.object.metadata.name === 'a' && e.type === 'ADDED')
        store.create(Resources.configMaps, 'default', { metadata: { name: 'b' } });
    });
    store.create(Resources.configMaps, 'default', { metadata: { name: 'a' } });
    expect(seen).toEqual(['ADDED a', 'ADDED b']);
  });
});

describe('in-process store: selectors and patches', () => {
  it('filters events by involvedObject fields, terms in any order', () => {
    const { store } = cluster();
    const ev = (name: string, uid: string): Record<string, unknown> => ({
      metadata: { name },
      involvedObject: { kind: 'HorizontalPodAutoscaler', name: 'web', namespace: 'default', uid },
      reason: 'SuccessfulRescale',
    });
    store.create(Resources.events, 'default', ev('e1', 'u1'));
    store.create(Resources.events, 'default', ev('e2', 'u2'));
    const items = store.list(Resources.events, {
      namespace: 'default',
      fieldSelector:
        'involvedObject.namespace=default,involvedObject.uid=u2,involvedObject.kind=HorizontalPodAutoscaler,involvedObject.name=web',
    }).items;
    expect(items.map((i: KubeObject) => i.metadata.name)).toEqual(['e2']);
    expect(statusOf(() => store.list(Resources.events, { fieldSelector: 'spec.nope=1' }))).toMatchObject({
      code: 400,
      message: 'field label not supported: spec.nope',
    });
  });

  it('applies strategic merge patches by merge key with $setElementOrder and null deletion', () => {
    const { store } = cluster();
    store.create(Resources.deployments, 'default', {
      ...deployment('web'),
      spec: {
        ...(deployment('web').spec as object),
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [
              {
                name: 'api',
                image: 'nginx:1.27',
                env: [
                  { name: 'A', value: '1' },
                  { name: 'B', value: '1' },
                ],
              },
              { name: 'side', image: 'busybox' },
            ],
          },
        },
      },
    });
    const patched = store.patch(Resources.deployments, 'default', 'web', 'application/strategic-merge-patch+json', {
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'side' }, { name: 'api' }],
            containers: [
              {
                name: 'api',
                image: 'nginx:1.28',
                '$setElementOrder/env': [{ name: 'A' }],
                env: [
                  { name: 'A', value: '2' },
                  { name: 'B', $patch: 'delete' },
                ],
              },
            ],
          },
        },
      },
    }).object;
    const containers = (
      patched.spec as { template: { spec: { containers: Array<{ name: string; image: string; env?: unknown }> } } }
    ).template.spec.containers;
    expect(containers.map((c) => c.name)).toEqual(['side', 'api']);
    expect(containers[1].image).toBe('nginx:1.28');
    expect(containers[1].env).toEqual([{ name: 'A', value: '2' }]);
  });

  it('applies JSON patches and reports a failed one as 422', () => {
    const { store } = cluster();
    store.create(Resources.configMaps, 'default', { metadata: { name: 'x' }, data: { a: '1' } });
    const p = store.patch(Resources.configMaps, 'default', 'x', 'application/json-patch+json', [
      { op: 'add', path: '/data/b', value: '2' },
      { op: 'remove', path: '/data/a' },
    ]);
    expect(p.object.data).toEqual({ b: '2' });
    expect(
      statusOf(() =>
        store.patch(Resources.configMaps, 'default', 'x', 'application/json-patch+json', [
          { op: 'remove', path: '/data/nope' },
        ]),
      ).code,
    ).toBe(422);
  });

  it('creates on server-side apply when absent and merges when present', () => {
    const { store } = cluster();
    const first = store.patch(
      Resources.configMaps,
      'default',
      'ssa',
      'application/apply-patch+yaml',
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa' }, data: { a: '1' } },
      { fieldManager: 'test' },
    );
    expect(first.created).toBe(true);
    const second = store.patch(
      Resources.configMaps,
      'default',
      'ssa',
      'application/apply-patch+yaml',
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa' }, data: { b: '2' } },
      { fieldManager: 'test' },
    );
    expect(second.created).toBe(false);
    expect(second.object.data).toEqual({ a: '1', b: '2' });
  });
});

describe('in-process store: custom resources', () => {
  const crd = {
    metadata: { name: 'widgets.sim.hpa-ts.io' },
    spec: {
      group: 'sim.hpa-ts.io',
      scope: 'Namespaced',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', shortNames: ['wd'] },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          subresources: {
            status: {},
            scale: {
              specReplicasPath: '.spec.replicas',
              statusReplicasPath: '.status.replicas',
              labelSelectorPath: '.status.selector',
            },
          },
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: {
                  type: 'object',
                  required: ['size'],
                  properties: {
                    replicas: { type: 'integer', minimum: 0, maximum: 50 },
                    size: { type: 'string', enum: ['small', 'large'] },
                    mode: { type: 'string', default: 'auto' },
                  },
                },
                status: { type: 'object', properties: { replicas: { type: 'integer' }, selector: { type: 'string' } } },
              },
            },
          },
        },
      ],
    },
  };
  const widgets = { group: 'sim.hpa-ts.io', version: 'v1', resource: 'widgets' };

  it('serves a CRD kind at once, with schema defaults, validation and the scale subresource', () => {
    const { store } = cluster();
    store.create(Resources.customResourceDefinitions, undefined, crd);
    const w = store.create(widgets, 'default', {
      apiVersion: 'sim.hpa-ts.io/v1',
      kind: 'Widget',
      metadata: { name: 'w' },
      spec: { size: 'small', replicas: 2 },
    });
    expect(w.spec).toEqual({ size: 'small', replicas: 2, mode: 'auto' });
    const bad = statusOf(() =>
      store.create(widgets, 'default', { metadata: { name: 'b' }, spec: { size: 'huge', replicas: 99 } }),
    );
    expect(bad.code).toBe(422);
    expect(bad.message).toContain('spec.size: Unsupported value: "huge": supported values: "small", "large"');
    expect(bad.message).toContain(
      'spec.replicas: Invalid value: 99: spec.replicas in body should be less than or equal to 50',
    );
    store.updateStatus(widgets, 'default', 'w', { status: { replicas: 2, selector: 'app=w' } });
    expect(store.getScale(widgets, 'default', 'w')).toMatchObject({
      spec: { replicas: 2 },
      status: { replicas: 2, selector: 'app=w' },
    });
    store.updateScale(widgets, 'default', 'w', { spec: { replicas: 4 } });
    expect((store.get(widgets, 'default', 'w').spec as { replicas: number }).replicas).toBe(4);
    store.delete(Resources.customResourceDefinitions, undefined, 'widgets.sim.hpa-ts.io');
    expect(statusOf(() => store.list(widgets)).code).toBe(404);
  });
});
