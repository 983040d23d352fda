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
import { ApiServerConnection } from '../../../transport/index.js';
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
