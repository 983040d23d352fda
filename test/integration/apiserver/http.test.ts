import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { startApiServer, type ApiServerHandle } from '../../../simulator/apiserver/index.js';
import { deploymentBody, hpaBody, waitFor } from './helpers.js';

let server: ApiServerHandle;
const TABLE =
  'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
const AGGREGATED =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

beforeAll(async () => {
  server = await startApiServer({ bookmarkIntervalMs: 100 });
});

afterAll(async () => {
  await server.close();
});

interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly json: unknown;
  readonly text: string;
}

async function call(
  method: string,
  path: string,
  opts: { body?: unknown; contentType?: string; accept?: string } = {},
): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (opts.accept !== undefined) headers.Accept = opts.accept;
  if (opts.body !== undefined) headers['Content-Type'] = opts.contentType ?? 'application/json';
  const res = await fetch(server.url + path, {
    method,
    headers,
    body: opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json, text };
}

/** Opens a watch and collects parsed events until `close()`; `ended` resolves when the server ends it. */
function openWatch(
  path: string,
  accept = 'application/json',
): {
  events: Array<{ type: string; object: Record<string, unknown> }>;
  close: () => void;
  ended: Promise<void>;
  status: Promise<number>;
} {
  const events: Array<{ type: string; object: Record<string, unknown> }> = [];
  let buf = '';
  let res: IncomingMessage | undefined;
  let resolveStatus: (n: number) => void = () => undefined;
  const status = new Promise<number>((r) => (resolveStatus = r));
  let resolveEnded: () => void = () => undefined;
  const ended = new Promise<void>((r) => (resolveEnded = r));
  const req = httpRequest(server.url + path, { headers: { Accept: accept } }, (r) => {
    res = r;
    resolveStatus(r.statusCode ?? 0);
    r.setEncoding('utf8');
    r.on('data', (d: string) => {
      buf += d;
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (line.trim() !== '') events.push(JSON.parse(line) as { type: string; object: Record<string, unknown> });
      }
    });
    r.on('end', () => resolveEnded());
    r.on('error', () => resolveEnded());
    r.on('close', () => resolveEnded());
  });
  req.on('error', () => resolveEnded());
  req.end();
  return {
    events,
    close: () => {
      res?.destroy();
      req.destroy();
    },
    ended,
    status,
  };
}

describe('discovery', () => {
  it('serves legacy discovery with shortNames, categories and subresources', async () => {
    const api = await call('GET', '/api');
    expect(api.json).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const apis = await call('GET', '/apis');
    const autoscaling = (
      apis.json as {
        groups: Array<{ name: string; versions: Array<{ version: string }>; preferredVersion: { version: string } }>;
      }
    ).groups.find((g) => g.name === 'autoscaling');
    expect(autoscaling?.preferredVersion.version).toBe('v2');
    expect(autoscaling?.versions.map((v) => v.version)).toEqual(['v2', 'v1', 'v2beta2', 'v2beta1']);
    const apps = (await call('GET', '/apis/apps/v1')).json as { resources: Array<Record<string, unknown>> };
    expect(apps.resources.find((r) => r.name === 'deployments')).toMatchObject({
      kind: 'Deployment',
      namespaced: true,
      shortNames: ['deploy'],
      categories: ['all'],
    });
    expect(apps.resources.find((r) => r.name === 'deployments/scale')).toMatchObject({
      group: 'autoscaling',
      version: 'v1',
      kind: 'Scale',
    });
  });

  it('serves aggregated discovery with the profile content type', async () => {
    const r = await call('GET', '/apis', { accept: AGGREGATED });
    expect(r.headers.get('content-type')).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    const doc = r.json as {
      kind: string;
      items: Array<{
        metadata: { name: string };
        versions: Array<{ version: string; resources: Array<Record<string, unknown>> }>;
      }>;
    };
    expect(doc.kind).toBe('APIGroupDiscoveryList');
    const hpa = doc.items.find((i) => i.metadata.name === 'autoscaling')?.versions[0].resources[0];
    expect(hpa).toMatchObject({
      resource: 'horizontalpodautoscalers',
      scope: 'Namespaced',
      shortNames: ['hpa'],
      responseKind: { group: 'autoscaling', version: 'v2', kind: 'HorizontalPodAutoscaler' },
    });
  });

  it('lists a registered aggregated group in discovery and forwards its requests', async () => {
    const unregister = server.registerApiGroup({
      group: 'metrics.k8s.io',
      versions: [
        {
          version: 'v1beta1',
          resources: [{ name: 'pods', singularName: '', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] }],
        },
      ],
      handle: (req) => ({
        status: 200,
        body: {
          kind: 'PodMetricsList',
          apiVersion: 'metrics.k8s.io/v1beta1',
          metadata: {},
          items: [],
          seen: req.segments,
        },
      }),
    });
    try {
      expect((await call('GET', '/apis/metrics.k8s.io/v1beta1')).json).toMatchObject({
        groupVersion: 'metrics.k8s.io/v1beta1',
        resources: [{ name: 'pods', kind: 'PodMetrics' }],
      });
      expect((await call('GET', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods')).json).toMatchObject({
        kind: 'PodMetricsList',
        seen: ['namespaces', 'default', 'pods'],
      });
    } finally {
      unregister();
    }
    expect((await call('GET', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods')).status).toBe(404);
  });

  it('serves OpenAPI v3 declaring fieldValidation on PATCH, and 404 for v2', async () => {
    const root = (await call('GET', '/openapi/v3')).json as { paths: Record<string, { serverRelativeURL: string }> };
    const url = root.paths['apis/autoscaling/v2'].serverRelativeURL;
    expect(url).toMatch(/^\/openapi\/v3\/apis\/autoscaling\/v2\?hash=[0-9A-F]+$/);
    const doc = (await call('GET', url)).json as {
      paths: Record<
        string,
        { patch?: { parameters: Array<{ name: string }>; 'x-kubernetes-group-version-kind': unknown } }
      >;
    };
    const patch = doc.paths['/apis/autoscaling/v2/namespaces/{namespace}/horizontalpodautoscalers/{name}'].patch;
    expect(patch?.parameters.map((p) => p.name)).toContain('fieldValidation');
    expect(patch?.['x-kubernetes-group-version-kind']).toEqual({
      group: 'autoscaling',
      version: 'v2',
      kind: 'HorizontalPodAutoscaler',
    });
    expect((await call('GET', '/openapi/v2')).status).toBe(404);
  });
});

describe('REST semantics over HTTP', () => {
  it('answers a protobuf body with 415 and unknown paths with a 404 Status', async () => {
    const r = await call('POST', '/apis/apps/v1/namespaces/default/deployments', {
      body: 'x',
      contentType: 'application/vnd.kubernetes.protobuf',
    });
    expect(r.status).toBe(415);
    expect(r.json).toMatchObject({ kind: 'Status', reason: 'UnsupportedMediaType' });
    expect((await call('GET', '/apis/apps/v1/namespaces/default/widgets')).json).toMatchObject({
      code: 404,
      message: 'the server could not find the requested resource',
    });
  });

  it('returns server-side Tables for lists (with resourceVersion) and single objects', async () => {
    await call('POST', '/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers', { body: hpaBody('table') });
    const list = (
      await call('GET', '/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers?limit=500', { accept: TABLE })
    ).json as {
      kind: string;
      metadata: { resourceVersion: string };
      columnDefinitions: Array<{ name: string }>;
      rows: Array<{ cells: unknown[]; object: { kind: string; metadata: { name: string } } }>;
    };
    expect(list.kind).toBe('Table');
    expect(list.metadata.resourceVersion).toBe(server.store.currentResourceVersion());
    expect(list.columnDefinitions.map((c) => c.name)).toEqual([
      'Name',
      'Reference',
      'Targets',
      'MinPods',
      'MaxPods',
      'Replicas',
      'Age',
    ]);
    const row = list.rows.find((r) => r.cells[0] === 'table');
    expect(row?.cells.slice(0, 6)).toEqual(['table', 'Deployment/web', '<unknown>/50', '1', 10, 0]);
    expect(row?.object).toMatchObject({ kind: 'PartialObjectMetadata', metadata: { name: 'table' } });
    const one = (
      await call('GET', '/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers/table?includeObject=Object', {
        accept: TABLE,
      })
    ).json as {
      rows: Array<{ object: { kind: string } }>;
    };
    expect(one.rows).toHaveLength(1);
    expect(one.rows[0].object.kind).toBe('HorizontalPodAutoscaler');
  });

  it('omits kind/apiVersion in built-in list items and serves PartialObjectMetadataList', async () => {
    const list = (await call('GET', '/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers')).json as {
      kind: string;
      items: Array<Record<string, unknown>>;
    };
    expect(list.kind).toBe('HorizontalPodAutoscalerList');
    expect(list.items[0].kind).toBeUndefined();
    const partial = await call('GET', '/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers', {
      accept: 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1',
    });
    expect(partial.json).toMatchObject({
      kind: 'PartialObjectMetadataList',
      items: [{ kind: 'PartialObjectMetadata' }],
    });
  });

  it('serves autoscaling/v2beta1 as a converted view of v2', async () => {
    const r = (await call('GET', '/apis/autoscaling/v2beta1/namespaces/default/horizontalpodautoscalers/table'))
      .json as { apiVersion: string; spec: { metrics: unknown[] } };
    expect(r.apiVersion).toBe('autoscaling/v2beta1');
    expect(r.spec.metrics).toEqual([
      { type: 'Pods', pods: { metricName: 'http_requests_qps', targetAverageValue: '50' } },
    ]);
  });

  it('applies server-side apply YAML with a fieldManager, and rejects strategic merge on custom resources', async () => {
    const yaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  a: "1"\n';
    const created = await call('PATCH', '/api/v1/namespaces/default/configmaps/ssa?fieldManager=kubectl&force=false', {
      body: yaml,
      contentType: 'application/apply-patch+yaml',
    });
    expect(created.status).toBe(201);
    const noManager = await call('PATCH', '/api/v1/namespaces/default/configmaps/ssa', {
      body: yaml,
      contentType: 'application/apply-patch+yaml',
    });
    expect(noManager.status).toBe(400);
    server.store.create(
      { group: 'apiextensions.k8s.io', version: 'v1', resource: 'customresourcedefinitions' },
      undefined,
      {
        metadata: { name: 'gadgets.sim.hpa-ts.io' },
        spec: {
          group: 'sim.hpa-ts.io',
          scope: 'Namespaced',
          names: { plural: 'gadgets', kind: 'Gadget' },
          versions: [{ name: 'v1', served: true, storage: true }],
        },
      },
    );
    await call('POST', '/apis/sim.hpa-ts.io/v1/namespaces/default/gadgets', {
      body: { apiVersion: 'sim.hpa-ts.io/v1', kind: 'Gadget', metadata: { name: 'g' } },
    });
    const smp = await call('PATCH', '/apis/sim.hpa-ts.io/v1/namespaces/default/gadgets/g', {
      body: { spec: {} },
      contentType: 'application/strategic-merge-patch+json',
    });
    expect(smp.status).toBe(415);
    const list = (await call('GET', '/apis/sim.hpa-ts.io/v1/namespaces/default/gadgets')).json as {
      items: Array<Record<string, unknown>>;
    };
    expect(list.items[0]).toMatchObject({ apiVersion: 'sim.hpa-ts.io/v1', kind: 'Gadget' });
  });

  it('records requests with verb, resource, subresource and status', async () => {
    server.clearRequests();
    await call('POST', '/apis/apps/v1/namespaces/default/deployments', { body: deploymentBody('rec') });
    await call('GET', '/apis/apps/v1/namespaces/default/deployments/rec/scale');
    const [create, scale] = server.requests;
    expect(create).toMatchObject({
      method: 'POST',
      verb: 'create',
      apiGroup: 'apps',
      resource: 'deployments',
      namespace: 'default',
      status: 201,
    });
    expect(scale).toMatchObject({
      verb: 'get',
      resource: 'deployments',
      subresource: 'scale',
      name: 'rec',
      status: 200,
    });
  });
});

describe('watch over HTTP', () => {
  it('replays events after resourceVersion and streams new ones as newline-delimited JSON', async () => {
    const rv = server.store.currentResourceVersion();
    await call('POST', '/api/v1/namespaces/default/configmaps', { body: { metadata: { name: 'w1' } } });
    const w = openWatch(`/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${rv}`);
    await waitFor(() => w.events.length === 1, 'the replayed event');
    await call('DELETE', '/api/v1/namespaces/default/configmaps/w1');
    await waitFor(() => w.events.length === 2, 'the delete');
    expect(w.events.map((e) => `${e.type} ${(e.object.metadata as { name: string }).name}`)).toEqual([
      'ADDED w1',
      'DELETED w1',
    ]);
    w.close();
  });

  it('sends one-row Tables in watch events when a Table is accepted', async () => {
    const w = openWatch(
      '/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers?watch=true&resourceVersion=0&fieldSelector=metadata.name%3Dtable',
      TABLE,
    );
    await waitFor(() => w.events.length === 1, 'the initial ADDED');
    expect(w.events[0]).toMatchObject({
      type: 'ADDED',
      object: {
        kind: 'Table',
        rows: [{ cells: ['table', 'Deployment/web', '<unknown>/50', '1', 10, 0, expect.any(String)] }],
      },
    });
    w.close();
  });

  it('honours timeoutSeconds and sends bookmarks when allowed', async () => {
    const w = openWatch(
      '/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=' +
        server.store.currentResourceVersion() +
        '&allowWatchBookmarks=true&timeoutSeconds=1',
    );
    await w.ended;
    const bookmarks = w.events.filter((e) => e.type === 'BOOKMARK');
    expect(bookmarks.length).toBeGreaterThanOrEqual(2);
    expect(bookmarks[0].object).toMatchObject({
      kind: 'ConfigMap',
      apiVersion: 'v1',
      metadata: { resourceVersion: expect.any(String) },
    });
  });

  it('answers a compacted resourceVersion with an ERROR event carrying 410 Expired', async () => {
    const old = server.store.currentResourceVersion();
    await call('POST', '/api/v1/namespaces/default/configmaps', { body: { metadata: { name: 'after-old' } } });
    server.faults.compact();
    const w = openWatch(`/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${old}`);
    expect(await w.status).toBe(200);
    await w.ended;
    expect(w.events).toEqual([
      {
        type: 'ERROR',
        object: expect.objectContaining({
          kind: 'Status',
          code: 410,
          reason: 'Expired',
          message: expect.stringMatching(/^too old resource version: \d+ \(\d+\)$/),
        }),
      },
    ]);
  });

  it('answers a watch from a resourceVersion it has not reached as kube-apiserver does: 200, silence, no bookmark', async () => {
    const future = Number(server.store.currentResourceVersion()) + 1000;
    const w = openWatch(
      `/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${future}&allowWatchBookmarks=true&timeoutSeconds=1`,
    );
    expect(await w.status).toBe(200);
    await call('POST', '/api/v1/namespaces/default/configmaps', { body: { metadata: { name: 'before-future' } } });
    await w.ended;
    expect(w.events).toEqual([]);
  });

  it('delivers a watch from a future resourceVersion only what comes after it, once the server gets there', async () => {
    const future = Number(server.store.currentResourceVersion()) + 2;
    const w = openWatch(`/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${future}`);
    expect(await w.status).toBe(200);
    for (const name of ['f1', 'f2', 'f3'])
      await call('POST', '/api/v1/namespaces/default/configmaps', { body: { metadata: { name } } });
    await waitFor(() => w.events.length === 1, 'the event after the resourceVersion');
    expect(w.events.map((e) => `${e.type} ${(e.object.metadata as { name: string }).name}`)).toEqual(['ADDED f3']);
    w.close();
  });

  it('rejects a watch with an unsupported field selector with a plain 400', async () => {
    const r = await call('GET', '/api/v1/namespaces/default/pods?watch=true&fieldSelector=spec.nope%3D1');
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({
      kind: 'Status',
      reason: 'BadRequest',
      message: 'field label not supported: spec.nope',
    });
  });

  it('drops open watches on demand, cleanly or abruptly', async () => {
    const a = openWatch('/api/v1/namespaces/default/pods?watch=true');
    const b = openWatch('/api/v1/namespaces/default/pods?watch=true');
    await a.status;
    await b.status;
    await waitFor(() => server.faults.dropWatches({ abrupt: true }) === 2, 'two open watches');
    await Promise.all([a.ended, b.ended]);
  });
});

describe('fault injection', () => {
  it('fails the next N matching requests with a Status, then recovers', async () => {
    await call('POST', '/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers', { body: hpaBody('faulty') });
    server.faults.failNext(
      1,
      { method: 'PUT', resource: 'horizontalpodautoscalers', subresource: 'status' },
      { status: 409 },
    );
    server.faults.failNext(2, { path: /\/deployments\/faulty-missing$/ }, { status: 503, retryAfterSeconds: 1 });
    server.faults.failNext(
      1,
      { verb: 'list', resource: 'leases' },
      {
        status: 403,
        message:
          'leases.coordination.k8s.io is forbidden: User "system:serviceaccount:kube-system:hpa-ts" cannot list resource "leases"',
      },
    );
    const body = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'faulty' },
      status: { desiredReplicas: 2 },
    };
    const first = await call('PUT', '/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers/faulty/status', {
      body,
    });
    expect(first.status).toBe(409);
    expect(first.json).toMatchObject({ kind: 'Status', reason: 'Conflict' });
    expect(
      (await call('PUT', '/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers/faulty/status', { body }))
        .status,
    ).toBe(200);
    const unavailable = await call('GET', '/apis/apps/v1/namespaces/default/deployments/faulty-missing');
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers.get('retry-after')).toBe('1');
    expect(unavailable.json).toMatchObject({ reason: 'ServiceUnavailable' });
    expect((await call('GET', '/apis/apps/v1/namespaces/default/deployments/faulty-missing')).status).toBe(503);
    expect((await call('GET', '/apis/apps/v1/namespaces/default/deployments/faulty-missing')).status).toBe(404);
    const forbidden = await call('GET', '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases');
    expect(forbidden.json).toMatchObject({
      code: 403,
      reason: 'Forbidden',
      message: expect.stringContaining('cannot list resource "leases"'),
    });
  });

  it('holds matching requests for the added latency, and only those', async () => {
    const waits: number[] = [];
    let release: () => void = () => undefined;
    const realWait = server.faults.wait;
    server.faults.wait = (ms) => {
      waits.push(ms);
      return new Promise((resolve) => (release = resolve));
    };
    const remove = server.faults.addLatency(150, { resource: 'configmaps' });
    try {
      let answered = false;
      const held = call('GET', '/api/v1/namespaces/default/configmaps').then((r) => {
        answered = true;
        return r;
      });
      while (waits.length === 0) await new Promise((r) => setImmediate(r));
      expect(waits).toEqual([150]);
      expect((await call('GET', '/api/v1/namespaces/default/pods')).status).toBe(200);
      expect(answered).toBe(false);
      release();
      expect((await held).status).toBe(200);
      expect(waits).toEqual([150]);
    } finally {
      remove();
      server.faults.wait = realWait;
    }
  });
});
