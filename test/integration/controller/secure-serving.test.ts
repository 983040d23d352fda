/**
 * `hpa-ts run --secure-port`: the controller against the simulator's API server over real HTTP,
 * which also answers TokenReviews and SubjectAccessReviews (authentication.k8s.io and
 * authorization.k8s.io, the objects the real API server takes and returns); requests to the
 * secure port over real TLS. The real kube-apiserver does the same in
 * test/e2e/suites/secure-port.e2e.test.ts, side by side with kube-controller-manager.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningController } from '../../../app/start.js';
import { selfSignedCertificate } from '../../../controller/serving/self-signed.js';
import { SCRAPER_TOKEN, scrape as get, serveReviews, type ReviewCalls } from '../../deploy/support/reviews.js';
import { freePorts } from '../../e2e/bed/ports.js';
import { startCtl, startSim, type Sim } from './harness.js';

describe('the secure port (delegated authentication and authorization over the API server)', () => {
  let sim: Sim;
  let ctl: RunningController;
  let calls: ReviewCalls;

  beforeAll(async () => {
    sim = await startSim();
    calls = serveReviews(sim.server);
    const [port] = await freePorts(1);
    ctl = await startCtl(sim, {
      securePort: port,
      secureBindAddress: '127.0.0.1',
      // long enough that no answer expires during the test (expiry: test/unit/controller/serving)
      authenticationTokenWebhookCacheTtl: '1h',
      authorizationWebhookCacheAuthorizedTtl: '1h',
      authorizationWebhookCacheUnauthorizedTtl: '1h',
    });
  });

  afterAll(async () => {
    await ctl?.stop();
    await sim?.close();
  });

  it('serves the metrics to a token allowed get on /metrics, over TLS with a self-signed certificate for localhost', async () => {
    expect(ctl.securePort).toBeGreaterThan(0);
    const a = await get(ctl.securePort ?? 0, '/metrics', SCRAPER_TOKEN);
    expect(a.status).toBe(200);
    expect(a.body).toMatch(/^hpa_ts_leader 1$/m);
    expect(a.san).toMatch(/DNS:localhost/);
    expect(a.san).toMatch(/IP Address:127\.0\.0\.1/);
  });

  it('answers 403 with the Status upstream writes to a token without that permission, and to no token (system:anonymous)', async () => {
    const port = ctl.securePort ?? 0;
    const denied = await get(port, '/metrics', 'nobody');
    expect(denied.status).toBe(403);
    expect(JSON.parse(denied.body)).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'forbidden: User "system:serviceaccount:default:nobody" cannot get path "/metrics"',
      reason: 'Forbidden',
      details: {},
      code: 403,
    });
    const anonymous = await get(port, '/metrics');
    expect(anonymous.status).toBe(403);
    expect(JSON.parse(anonymous.body).message).toBe('forbidden: User "system:anonymous" cannot get path "/metrics"');
  });

  it('answers 401 to a token the API server refuses', async () => {
    const a = await get(ctl.securePort ?? 0, '/metrics', 'forged');
    expect(a.status).toBe(401);
    expect(JSON.parse(a.body)).toMatchObject({ reason: 'Unauthorized', message: 'Unauthorized', code: 401 });
  });

  it('serves /healthz, /readyz and /livez to anyone (--authorization-always-allow-paths)', async () => {
    for (const path of ['/healthz', '/readyz', '/livez'])
      expect((await get(ctl.securePort ?? 0, path)).status).toBe(200);
  });

  it('asks the API server once per token and per access within the cache TTL', async () => {
    const before = { ...calls };
    for (let i = 0; i < 3; i++) {
      expect((await get(ctl.securePort ?? 0, '/metrics', SCRAPER_TOKEN)).status).toBe(200);
      expect((await get(ctl.securePort ?? 0, '/metrics', 'forged')).status).toBe(401);
    }
    expect(calls).toEqual(before);
  });

  it('counts its reviews among the API requests it made (hpa_ts_api_requests_total)', async () => {
    const text = await (await fetch(`http://127.0.0.1:${ctl.httpPort}/metrics`)).text();
    expect(text).toMatch(/^hpa_ts_api_requests_total\{verb="create",resource="tokenreviews",code="201"\} [1-9]/m);
    expect(text).toMatch(
      /^hpa_ts_api_requests_total\{verb="create",resource="subjectaccessreviews",code="201"\} [1-9]/m,
    );
  });

  it('keeps the plain --bind-address port, without authentication, for local use', async () => {
    const r = await fetch(`http://127.0.0.1:${ctl.httpPort}/metrics`);
    expect(r.status).toBe(200);
  });
});

describe('the secure port with --tls-cert-file and --tls-private-key-file', () => {
  it('serves the given certificate, which a client trusting it verifies', async () => {
    const sim = await startSim();
    serveReviews(sim.server);
    const dir = mkdtempSync(join(tmpdir(), 'hpa-ts-tls-'));
    const pair = selfSignedCertificate(['localhost', '127.0.0.1'], Date.now());
    writeFileSync(join(dir, 'tls.crt'), pair.certPem);
    writeFileSync(join(dir, 'tls.key'), pair.keyPem);
    const [port] = await freePorts(1);
    const ctl = await startCtl(sim, {
      securePort: port,
      tlsCertFile: join(dir, 'tls.crt'),
      tlsPrivateKeyFile: join(dir, 'tls.key'),
    });
    try {
      expect((await get(port, '/metrics', SCRAPER_TOKEN, pair.certPem)).status).toBe(200);
    } finally {
      await ctl.stop();
      await sim.close();
    }
  });
});

describe('the secure port refuses to start', () => {
  it('on a --authentication-kubeconfig it cannot read, naming the flag', async () => {
    const sim = await startSim();
    const [port] = await freePorts(1);
    try {
      await expect(
        startCtl(sim, { securePort: port, authenticationKubeconfig: '/nonexistent/auth.kubeconfig' }),
      ).rejects.toThrow(/^--authentication-kubeconfig: kubeconfig \/nonexistent\/auth\.kubeconfig: .*ENOENT/);
    } finally {
      await sim.close();
    }
  });
});
