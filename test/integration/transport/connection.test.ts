/**
 * One process, one connection: the cluster adapter and the `apiserver` metrics client built on the
 * same ApiServerConnection share one keep-alive pool and one auth cache, and neither closes it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Selector } from '../../../algorithms/index.js';
import { realClock } from '../../../controller/clock.js';
import { createClientNodeCluster } from '../../../controller/kube/index.js';
import { createMetricsClient } from '../../../metrics-clients/index.js';
import { startApiServer, type ApiServerHandle } from '../../../simulator/apiserver/index.js';
import { VirtualClock } from '../../../simulator/clock.js';
import { ApiRateLimits, ApiServerConnection } from '../../../transport/index.js';
import { connectionCounter, kubeConfigFor } from '../controller/kube/helpers.js';

let server: ApiServerHandle;

beforeAll(async () => {
  server = await startApiServer();
});

afterAll(async () => {
  await server.close();
});

describe('a shared API-server connection', () => {
  it('carries the cluster adapter and the metrics client over one TCP connection and one auth cache', async () => {
    const relay = await connectionCounter(server.port);
    const kc = kubeConfigFor(server, relay.url);
    let credentialReads = 0;
    const apply = kc.applyToHTTPSOptions.bind(kc);
    kc.applyToHTTPSOptions = (opts) => {
      credentialReads++;
      return apply(opts);
    };
    const connection = ApiServerConnection.fromKubeConfig(kc, { now: () => realClock.now() });
    const cluster = createClientNodeCluster({ connection, clock: realClock });
    const metrics = await createMetricsClient({ kind: 'apiserver' }, { connection, now: () => realClock.now() });
    try {
      if (!metrics.ok) throw new Error(metrics.error.message);
      const hpa = await cluster.getHpa('default', 'none');
      const pods = await metrics.value.getPodsMetric({
        namespace: 'default',
        metricName: 'http_requests_qps',
        podSelector: Selector.everything(),
        metricSelector: Selector.everything(),
      });
      const lease = await cluster.getLease('kube-system', 'hpa-ts');

      expect(hpa).toMatchObject({ ok: false, error: { status: 404, reason: 'NotFound' } });
      // no custom metrics API is registered in this cluster: its discovery went over the same connection
      expect(pods).toMatchObject({ ok: false, error: { kind: 'Unregistered' } });
      expect(lease).toEqual({ ok: true, value: null });
      expect(relay.connections()).toBe(1);
      // one read builds the TLS agent, one fills the auth-header cache that every request shared
      expect(credentialReads).toBe(2);

      cluster.close();
      await metrics.value.close();
      // closing its users leaves the shared connection open
      const after = await connection.request({ verb: 'get', resource: 'namespaces', path: '/api/v1/namespaces' });
      expect(after.ok).toBe(true);
    } finally {
      cluster.close();
      connection.close();
      await relay.close();
    }
  });

  it('reports a kubeconfig that cannot work when the metrics client is created, naming the problem', async () => {
    const kc = kubeConfigFor(server);
    kc.clusters = kc.clusters.map((c) => ({ ...c, skipTLSVerify: false }));
    const r = await createMetricsClient({ kind: 'apiserver' }, { kubeConfig: kc, now: () => 0 });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.field).toBe('kubeconfig');
      expect(r.error.message).toMatch(
        /^kubeconfig: cluster ".*" \(http:\/\/127\.0\.0\.1:\d+\): HTTP protocol is not allowed/,
      );
    }
  });
});

describe('client-side rate limits on a connection', () => {
  const NAMESPACES = { verb: 'get', resource: 'namespaces', path: '/api/v1/namespaces' } as const;
  const LEASE = {
    verb: 'get',
    resource: 'leases',
    path: '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/hpa-ts',
  } as const;

  it("hold a request until its client's bucket has a token; other clients' requests go on", async () => {
    // the buckets' clock never moves: a request that has to wait waits until the connection closes
    const clock = new VirtualClock(Date.UTC(2026, 0, 1));
    const waited: string[] = [];
    const rateLimits = new ApiRateLimits({ qps: 1, burst: 1, clock, onThrottled: (c) => waited.push(c) });
    const connection = ApiServerConnection.fromKubeConfig(kubeConfigFor(server), { rateLimits });
    try {
      expect((await connection.request(NAMESPACES)).ok).toBe(true);
      let held: Awaited<ReturnType<ApiServerConnection['request']>> | undefined;
      const second = connection.request(NAMESPACES).then((r) => (held = r));
      // leader election has its own bucket: its request is not behind the controller's
      expect(await connection.request(LEASE)).toMatchObject({ ok: false, error: { status: 404 } });
      expect(held).toBeUndefined();
      connection.close();
      await second;
      expect(held).toEqual({
        ok: false,
        error: expect.objectContaining({
          failure: 'Cancelled',
          message: 'client rate limiter Wait returned an error: context canceled',
        }),
      });
      expect(waited).toEqual([]);
    } finally {
      connection.close();
    }
  });

  it('count the time a request waited, once it is let through', async () => {
    const clock = new VirtualClock(Date.UTC(2026, 0, 1));
    const waited: Array<[string, number]> = [];
    const rateLimits = new ApiRateLimits({ qps: 2, burst: 1, clock, onThrottled: (c, ms) => waited.push([c, ms]) });
    const connection = ApiServerConnection.fromKubeConfig(kubeConfigFor(server), { rateLimits });
    try {
      await connection.request(NAMESPACES);
      const second = connection.request(NAMESPACES);
      await clock.advance(500);
      expect((await second).ok).toBe(true);
      expect(waited).toEqual([['controller', 500]]);
    } finally {
      connection.close();
    }
  });
});
