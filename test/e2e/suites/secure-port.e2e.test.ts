/**
 * hpa-ts's secure port against the real kube-apiserver, side by side with kube-controller-manager's
 * own secure port on the same cluster: for each caller — no token, a forged token, a ServiceAccount
 * without `get` on /metrics, one bound to the metrics-reader role, a system:masters user — both
 * answer with the same status (401, 403, 200) and, when refusing, the same Status object. hpa-ts
 * runs as the CLI with the builtin overlay's ServiceAccount (system:auth-delegator included): its
 * reviews go through its own connection, as in a pod. Then the caches: after a permission is
 * revoked, hpa-ts with the default TTLs (10 s) stops serving like kube-controller-manager does,
 * and one started with a 1 h TTL still serves from its cache.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSecureCli } from '../bed/chart.js';
import { installOverlayIdentity } from '../bed/rbac.js';
import { Stack } from '../bed/stack.js';
import { describeIfBinaries, eventually, progress } from '../bed/suite.js';
import { scrape, type Scraped } from '../../deploy/support/reviews.js';

const gate = describeIfBinaries(['KUBE_APISERVER', 'KUBE_CONTROLLER_MANAGER', 'ETCD']);
const maybe = gate.run ? describe : describe.skip;

interface Secure {
  readonly securePort: number;
}

function startSecureHpaTs(stack: Stack, kubeconfig: string, name: string, extra: string[] = []): Promise<Secure> {
  return startSecureCli(stack, name, [
    'run',
    '--kubeconfig',
    kubeconfig,
    '--leader-elect=false',
    '--log-format',
    'json',
    ...extra,
  ]);
}

/** kube-controller-manager's --secure-port, as the bed started it. */
function kcmSecurePort(stack: Stack): number {
  const args = stack.procs.find((p) => p.name === 'kube-controller-manager')?.child.spawnargs ?? [];
  return Number(args[args.indexOf('--secure-port') + 1]);
}

/** A ServiceAccount in namespace scrape and a token of it; bound to the metrics-reader role when asked. */
async function account(stack: Stack, name: string, bound: boolean): Promise<string> {
  const k = stack.kube;
  await k.apply('/api/v1/namespaces/scrape/serviceaccounts', {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name, namespace: 'scrape' },
  });
  if (bound)
    await k.apply('/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: `scrape-${name}` },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'hpa-ts-metrics-reader' },
      subjects: [{ kind: 'ServiceAccount', name, namespace: 'scrape' }],
    });
  const t = await k.create<{ status: { token: string } }>(`/api/v1/namespaces/scrape/serviceaccounts/${name}/token`, {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    spec: { expirationSeconds: 3600 },
  });
  return t.status.token;
}

/** What to compare of an answer: the status, and the Status object of a refusal. */
function answer(s: Scraped): { status: number; refusal?: unknown } {
  return s.status === 200 ? { status: 200 } : { status: s.status, refusal: JSON.parse(s.body) as unknown };
}

maybe('the secure port on the real API server, side by side with kube-controller-manager', () => {
  let stack: Stack;
  let hpaTs: Secure;
  let kcm: number;
  let hpaTsKubeconfig: string;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    const t0 = Date.now();
    stack = await Stack.start({
      name: 'secure-port',
      hpaController: false,
      workloadControllers: false,
      syncPeriod: '15s',
    });
    hpaTsKubeconfig = (await installOverlayIdentity(stack, 'builtin')).kubeconfig;
    hpaTs = await startSecureHpaTs(stack, hpaTsKubeconfig, 'hpa-ts-secure');
    kcm = kcmSecurePort(stack);
    await stack.createNamespace('scrape');
    tokens.allowed = await account(stack, 'allowed', true);
    tokens.denied = await account(stack, 'denied', false);
    tokens.admin = stack.adminToken;
    tokens.forged = 'eyJhbGciOiJSUzI1NiJ9.forged.token';
    progress(`secure-port: bed up in ${((Date.now() - t0) / 1000).toFixed(1)} s; kube-controller-manager on ${kcm}`);
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it.each([
    ['/metrics', 'no token (system:anonymous)', 403, undefined],
    ['/metrics', 'a token the API server refuses', 401, 'forged'],
    ['/metrics', 'a ServiceAccount without get on /metrics', 403, 'denied'],
    ['/metrics', 'a ServiceAccount bound to hpa-ts-metrics-reader', 200, 'allowed'],
    ['/metrics', 'a system:masters user', 200, 'admin'],
    ['/healthz', 'no token (always allowed)', 200, undefined],
    ['/healthz', 'a ServiceAccount without get on /metrics (always allowed)', 200, 'denied'],
  ] as const)('%s, %s: %d, as kube-controller-manager answers', async (path, _who, status, token) => {
    const t = token === undefined ? undefined : tokens[token];
    const [ours, theirs] = await Promise.all([scrape(hpaTs.securePort, path, t), scrape(kcm, path, t)]);
    expect([ours.status, theirs.status]).toEqual([status, status]);
    expect(answer(ours)).toEqual(answer(theirs));
    expect(ours.status).toBe(status);
    if (status === 200 && path === '/metrics') expect(ours.body).toMatch(/^hpa_ts_leader 1$/m);
  });

  it('caches access reviews as upstream: a revoked permission stops working after the 10 s TTL, not within a 1 h one', async () => {
    const revoked = await account(stack, 'revoked', true);
    const longCache = await startSecureHpaTs(stack, hpaTsKubeconfig, 'hpa-ts-secure-1h', [
      '--authorization-webhook-cache-authorized-ttl=1h',
      '--authentication-token-webhook-cache-ttl=1h',
    ]);
    for (const port of [hpaTs.securePort, longCache.securePort, kcm])
      expect((await scrape(port, '/metrics', revoked)).status).toBe(200);
    await stack.kube.delete('/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/scrape-revoked');
    await eventually(
      'kube-controller-manager refusing the revoked account',
      async () => (await scrape(kcm, '/metrics', revoked)).status === 403,
      60_000,
      500,
    );
    await eventually(
      'hpa-ts (10 s TTL) refusing it too',
      async () => (await scrape(hpaTs.securePort, '/metrics', revoked)).status === 403,
      60_000,
      500,
    );
    expect((await scrape(longCache.securePort, '/metrics', revoked)).status).toBe(200);
  }, 180_000);
});
