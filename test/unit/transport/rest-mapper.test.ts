import { describe, expect, it } from '@jest/globals';
import { VirtualClock } from '../../../simulator/clock.js';
import {
  ApiDiscovery,
  ApiErrorReason,
  DiscoveryRestMapper,
  parseGroupVersion,
  type ApiResult,
} from '../../../transport/index.js';

function resources(list: [name: string, kind: string][]): unknown {
  return {
    kind: 'APIResourceList',
    resources: list.map(([name, kind]) => ({ name, kind, namespaced: true, verbs: ['get'] })),
  };
}

function fakeServer() {
  const docs = new Map<string, unknown>([
    ['/api', { kind: 'APIVersions', versions: ['v1'] }],
    [
      '/apis',
      {
        kind: 'APIGroupList',
        groups: [
          {
            name: 'apps',
            versions: [{ groupVersion: 'apps/v1', version: 'v1' }],
            preferredVersion: { groupVersion: 'apps/v1', version: 'v1' },
          },
          {
            name: 'example.com',
            versions: [
              { groupVersion: 'example.com/v1beta1', version: 'v1beta1' },
              { groupVersion: 'example.com/v1', version: 'v1' },
            ],
            preferredVersion: { groupVersion: 'example.com/v1', version: 'v1' },
          },
        ],
      },
    ],
    [
      '/api/v1',
      resources([
        ['pods', 'Pod'],
        ['replicationcontrollers', 'ReplicationController'],
        ['replicationcontrollers/scale', 'Scale'],
      ]),
    ],
    [
      '/apis/apps/v1',
      resources([
        ['deployments', 'Deployment'],
        ['deployments/scale', 'Scale'],
        ['deployments/status', 'Deployment'],
        ['controllerrevisions', 'ControllerRevision'],
      ]),
    ],
    [
      '/apis/example.com/v1',
      resources([
        ['workers', 'Worker'],
        ['workers/scale', 'Scale'],
      ]),
    ],
    [
      '/apis/example.com/v1beta1',
      resources([
        ['workers', 'Worker'],
        ['workers/scale', 'Scale'],
      ]),
    ],
  ]);
  const calls: string[] = [];
  const failing = new Set<string>();
  const get = (path: string): Promise<ApiResult<unknown>> => {
    calls.push(path);
    if (failing.has(path))
      return Promise.resolve({
        ok: false,
        error: { status: 503, reason: 'ServiceUnavailable', message: 'down', verb: 'GET', path },
      });
    const doc = docs.get(path);
    if (doc === undefined)
      return Promise.resolve({
        ok: false,
        error: { status: 404, reason: 'NotFound', message: 'not found', verb: 'GET', path },
      });
    return Promise.resolve({ ok: true, value: doc });
  };
  return { docs, calls, failing, get };
}

function mapperOver(get: (path: string) => Promise<ApiResult<unknown>>, clock: VirtualClock): DiscoveryRestMapper {
  const now = (): number => clock.now();
  return new DiscoveryRestMapper(new ApiDiscovery(get, { now }), { now });
}

describe('parseGroupVersion', () => {
  it('parses core, group/version, and rejects two slashes like Go', () => {
    expect(parseGroupVersion('')).toEqual({ ok: true, value: { group: '', version: '' } });
    expect(parseGroupVersion('v1')).toEqual({ ok: true, value: { group: '', version: 'v1' } });
    expect(parseGroupVersion('apps/v1')).toEqual({ ok: true, value: { group: 'apps', version: 'v1' } });
    const bad = parseGroupVersion('a/b/c');
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.error.reason).toBe(ApiErrorReason.InvalidAPIVersion);
      expect(bad.error.message).toBe('unexpected GroupVersion string: a/b/c');
    }
  });
});

describe('scale target resolution through discovery', () => {
  it('finds the resource of a kind that serves /scale', async () => {
    const s = fakeServer();
    const m = mapperOver(s.get, new VirtualClock(0));
    expect(await m.scaleTargets('apps/v1', 'Deployment')).toEqual({
      ok: true,
      value: [{ group: 'apps', version: 'v1', resource: 'deployments' }],
    });
    expect(await m.scaleTargets('v1', 'ReplicationController')).toEqual({
      ok: true,
      value: [{ group: '', version: 'v1', resource: 'replicationcontrollers' }],
    });
  });

  it('lists every served version of a custom kind, preferred first, whatever version the reference names', async () => {
    const s = fakeServer();
    const m = mapperOver(s.get, new VirtualClock(0));
    const r = await m.scaleTargets('example.com/v1beta1', 'Worker');
    expect(r).toEqual({
      ok: true,
      value: [
        { group: 'example.com', version: 'v1', resource: 'workers' },
        { group: 'example.com', version: 'v1beta1', resource: 'workers' },
      ],
    });
  });

  it('returns no targets for a known kind without a scale subresource', async () => {
    const m = mapperOver(fakeServer().get, new VirtualClock(0));
    expect(await m.scaleTargets('apps/v1', 'ControllerRevision')).toEqual({ ok: true, value: [] });
  });

  it('caches discovery until invalidated', async () => {
    const s = fakeServer();
    const m = mapperOver(s.get, new VirtualClock(0));
    await m.scaleTargets('apps/v1', 'Deployment');
    await m.scaleTargets('apps/v1', 'Deployment');
    expect(s.calls).toEqual(['/api', '/apis', '/apis/apps/v1']);
    m.invalidate();
    await m.scaleTargets('apps/v1', 'Deployment');
    expect(s.calls).toHaveLength(6);
  });

  it('re-discovers once on a miss before saying the kind is unknown', async () => {
    const s = fakeServer();
    const clock = new VirtualClock(0);
    const m = mapperOver(s.get, clock);
    await m.scaleTargets('apps/v1', 'Deployment');
    await clock.advance(5_000);
    // A CRD installed after discovery was cached:
    const apis = s.docs.get('/apis') as { groups: unknown[] };
    s.docs.set('/apis', {
      ...apis,
      groups: [
        ...apis.groups,
        { name: 'x.io', versions: [{ groupVersion: 'x.io/v1', version: 'v1' }], preferredVersion: { version: 'v1' } },
      ],
    });
    s.docs.set(
      '/apis/x.io/v1',
      resources([
        ['foos', 'Foo'],
        ['foos/scale', 'Scale'],
      ]),
    );
    expect(await m.scaleTargets('x.io/v1', 'Foo')).toEqual({
      ok: true,
      value: [{ group: 'x.io', version: 'v1', resource: 'foos' }],
    });
    const unknown = await m.scaleTargets('x.io/v1', 'Bar');
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) {
      expect(unknown.error.message).toBe('no matches for kind "Bar" in group "x.io"');
      expect(unknown.error.reason).toBe(ApiErrorReason.NoKindMatch);
    }
  });

  it('does not re-discover for a miss on data loaded for this very call or within a second', async () => {
    const s = fakeServer();
    const clock = new VirtualClock(0);
    const m = mapperOver(s.get, clock);
    await m.scaleTargets('nope.io/v1', 'Foo');
    expect(s.calls).toEqual(['/api', '/apis']);
    await m.scaleTargets('nope.io/v1', 'Foo');
    expect(s.calls).toHaveLength(2);
    await clock.advance(1000);
    await m.scaleTargets('nope.io/v1', 'Foo');
    expect(s.calls).toHaveLength(4);
  });

  it('reports a discovery failure as the error, and does not cache it', async () => {
    const s = fakeServer();
    s.failing.add('/apis');
    const m = mapperOver(s.get, new VirtualClock(0));
    const r = await m.scaleTargets('apps/v1', 'Deployment');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.status).toBe(503);
    s.failing.clear();
    expect((await m.scaleTargets('apps/v1', 'Deployment')).ok).toBe(true);
  });

  it('uses the versions that answer when one version of a group is down', async () => {
    const s = fakeServer();
    s.failing.add('/apis/example.com/v1');
    const m = mapperOver(s.get, new VirtualClock(0));
    expect(await m.scaleTargets('example.com/v1', 'Worker')).toEqual({
      ok: true,
      value: [{ group: 'example.com', version: 'v1beta1', resource: 'workers' }],
    });
  });

  it('shares one discovery among concurrent lookups', async () => {
    const s = fakeServer();
    const m = mapperOver(s.get, new VirtualClock(0));
    await Promise.all([
      m.scaleTargets('apps/v1', 'Deployment'),
      m.scaleTargets('apps/v1', 'Deployment'),
      m.scaleTargets('v1', 'ReplicationController'),
    ]);
    expect(s.calls.filter((c) => c === '/apis')).toHaveLength(1);
    expect(s.calls.filter((c) => c === '/apis/apps/v1')).toHaveLength(1);
  });
});

describe('one fallback rule for kinds and resources', () => {
  it('maps through discovery first: a kind the cluster serves, preferred version first', async () => {
    const m = mapperOver(fakeServer().get, new VirtualClock(0));
    expect(await m.resourceForKind('example.com', 'Worker')).toMatchObject({
      ok: true,
      value: { group: 'example.com', resource: 'workers', kind: 'Worker' },
    });
    expect(await m.resourceFor({ group: '', resource: 'pod' })).toMatchObject({
      ok: true,
      value: { group: '', resource: 'pods', singular: 'pod' },
    });
  });

  it('uses the built-in table when the cluster cannot be asked', async () => {
    const s = fakeServer();
    s.failing.add('/apis');
    const m = mapperOver(s.get, new VirtualClock(0));
    expect(await m.resourceForKind('networking.k8s.io', 'Ingress')).toMatchObject({
      ok: true,
      value: { group: 'networking.k8s.io', resource: 'ingresses' },
    });
  });

  it('never uses the table when the cluster answers that it has no such kind', async () => {
    // this cluster serves no networking.k8s.io, though the built-in table knows Ingress
    const m = mapperOver(fakeServer().get, new VirtualClock(0));
    const r = await m.resourceForKind('networking.k8s.io', 'Ingress');
    expect(r).toEqual({
      ok: false,
      error: { code: 'NoMatch', message: 'no matches for kind "Ingress" in group "networking.k8s.io"' },
    });
    expect(await m.resourceFor({ group: '', resource: 'widgets' })).toEqual({
      ok: false,
      error: { code: 'NoMatch', message: 'no matches for /, Resource=widgets' },
    });
  });

  it("reports the cluster's failure when the table does not know the kind either", async () => {
    const s = fakeServer();
    s.failing.add('/apis');
    const m = mapperOver(s.get, new VirtualClock(0));
    const r = await m.resourceForKind('example.com', 'Worker');
    expect(r).toMatchObject({ ok: false, error: { code: 'Unreachable', message: 'down', cause: { status: 503 } } });
  });
});
