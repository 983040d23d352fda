import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { KubeConfig } from '@kubernetes/client-node';
import { realClock } from '../../../../transport/clock.js';
import { createClientNodeCluster } from '../../../../controller/kube/index.js';
import { TEST_CERT, TEST_KEY } from './tls-fixture.js';

/** The TLS path of the transport (CA from the kubeconfig, bearer token, pooling) against a tiny https server. */

let server: https.Server;
let url: string;
let tlsConnections = 0;
const authHeaders: (string | undefined)[] = [];

beforeAll(async () => {
  server = https.createServer({ key: TEST_KEY, cert: TEST_CERT, keepAliveTimeout: 30_000 }, (req, res) => {
    authHeaders.push(req.headers.authorization);
    res.setHeader('Content-Type', 'application/json');
    res.end(
      JSON.stringify({
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: 'web', namespace: 'default', resourceVersion: '1' },
        spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 3 },
      }),
    );
  });
  server.on('secureConnection', () => tlsConnections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function kubeConfig(cluster: { caData?: string; skipTLSVerify?: boolean }): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: url, skipTLSVerify: cluster.skipTLSVerify ?? false, caData: cluster.caData }],
    users: [{ name: 'u', token: 'secret-token' }],
    contexts: [{ name: 'ctx', cluster: 'c', user: 'u' }],
    currentContext: 'ctx',
  });
  return kc;
}

describe('TLS', () => {
  it('trusts the CA of the kubeconfig, sends the token and reuses one TLS connection', async () => {
    const before = tlsConnections;
    const cluster = createClientNodeCluster({
      kubeConfig: kubeConfig({ caData: Buffer.from(TEST_CERT).toString('base64') }),
      clock: realClock,
    });
    for (let i = 0; i < 5; i++) {
      const r = await cluster.getHpa('default', 'web');
      expect(r.ok && r.value.spec.maxReplicas).toBe(3);
    }
    cluster.close();
    expect(tlsConnections - before).toBe(1);
    expect(authHeaders.at(-1)).toBe('Bearer secret-token');
  });

  it('refuses a server whose certificate it cannot verify', async () => {
    const cluster = createClientNodeCluster({ kubeConfig: kubeConfig({}), clock: realClock });
    const r = await cluster.getHpa('default', 'web');
    cluster.close();
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.status).toBeUndefined();
      expect(r.error.message).toMatch(/self[- ]signed certificate/);
    }
  });

  it('accepts it with insecure-skip-tls-verify', async () => {
    const cluster = createClientNodeCluster({ kubeConfig: kubeConfig({ skipTLSVerify: true }), clock: realClock });
    const r = await cluster.getHpa('default', 'web');
    cluster.close();
    expect(r.ok).toBe(true);
  });

  it('refuses plain http without insecure-skip-tls-verify, like client-node', async () => {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: 'http://127.0.0.1:1', skipTLSVerify: false }],
      users: [{ name: 'u' }],
      contexts: [{ name: 'ctx', cluster: 'c', user: 'u' }],
      currentContext: 'ctx',
    });
    const cluster = createClientNodeCluster({ kubeConfig: kc, clock: realClock });
    const r = await cluster.getHpa('default', 'web');
    cluster.close();
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/HTTP protocol is not allowed/);
  });
});
