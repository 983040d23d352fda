/**
 * The secure port's delegated authentication and authorization, with a review client that
 * answers as the API server does (TokenReview / SubjectAccessReview objects) and a clock the test
 * moves: who is anonymous, what is a 401 or a 403 and with which message, and how long an answer
 * is cached (10 s each by default, as k8s.io/apiserver).
 */
import { describe, expect, it } from '@jest/globals';
import { err, ok, type Result } from '../../../../algorithms/index.js';
import {
  ACCESS_REVIEWS,
  ANONYMOUS,
  DelegatedAuth,
  TOKEN_REVIEWS,
  parseAlwaysAllowPaths,
  type ReviewClient,
} from '../../../../controller/serving/delegated-auth.js';

const SA = 'system:serviceaccount:monitoring:prometheus';

/** The API server's side: tokens it knows, who may get which path, and every review it was asked. */
class FakeApiServer {
  readonly asked: { path: string; body: Record<string, unknown> }[] = [];
  tokens = new Map<string, string>([
    ['good', SA],
    ['other', 'system:serviceaccount:default:nobody'],
  ]);
  allowed = new Set<string>([`${SA} get /metrics`]);
  down = false;

  readonly client: ReviewClient = async (path, body): Promise<Result<unknown, string>> => {
    const b = body as Record<string, unknown> & { spec: Record<string, unknown> };
    this.asked.push({ path, body: b });
    if (this.down) return err('dial tcp 10.0.0.1:443: connect: connection refused');
    if (path === TOKEN_REVIEWS) {
      const user = this.tokens.get(b.spec.token as string);
      return ok({
        kind: 'TokenReview',
        status:
          user === undefined
            ? { authenticated: false, error: 'invalid bearer token' }
            : { authenticated: true, user: { username: user, uid: 'u-1', groups: ['system:serviceaccounts'] } },
      });
    }
    const attrs = b.spec.nonResourceAttributes as { verb: string; path: string };
    return ok({
      kind: 'SubjectAccessReview',
      status: { allowed: this.allowed.has(`${b.spec.user} ${attrs.verb} ${attrs.path}`) },
    });
  };

  count(path: string): number {
    return this.asked.filter((a) => a.path === path).length;
  }
}

function setup(over: { ttlMs?: number; paths?: string; reviews?: boolean } = {}) {
  const api = new FakeApiServer();
  let now = 1_000_000;
  const paths = parseAlwaysAllowPaths(over.paths ?? '/healthz,/readyz,/livez');
  if (!paths.ok) throw new Error(paths.error);
  const auth = new DelegatedAuth({
    ...(over.reviews === false ? {} : { tokenReviews: api.client, accessReviews: api.client }),
    tokenCacheTtlMs: over.ttlMs ?? 10_000,
    allowCacheTtlMs: over.ttlMs ?? 10_000,
    denyCacheTtlMs: over.ttlMs ?? 10_000,
    alwaysAllow: paths.value,
    now: () => now,
  });
  return { api, auth, advance: (ms: number) => (now += ms) };
}

describe('authentication (TokenReview)', () => {
  it('makes a request without a bearer token system:anonymous, without asking the API server', async () => {
    const { api, auth } = setup();
    for (const header of [undefined, '', 'Basic dXNlcjpwYXNz', 'Bearer'])
      expect(await auth.authenticate(header)).toEqual({ ok: true, user: ANONYMOUS });
    expect(api.asked).toEqual([]);
  });

  it('reviews a bearer token and takes the user, with system:authenticated added', async () => {
    const { api, auth } = setup();
    expect(await auth.authenticate('Bearer good')).toEqual({
      ok: true,
      user: { username: SA, uid: 'u-1', groups: ['system:serviceaccounts', 'system:authenticated'] },
    });
    expect(api.asked[0]).toEqual({
      path: '/apis/authentication.k8s.io/v1/tokenreviews',
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: 'good' } },
    });
  });

  it('refuses (401) a token the API server does not know, an empty one, and any when it cannot be asked', async () => {
    const { api, auth } = setup();
    expect(await auth.authenticate('Bearer forged')).toEqual({ ok: false });
    expect(await auth.authenticate('Bearer  x')).toEqual({ ok: false });
    api.down = true;
    expect(await auth.authenticate('bearer good')).toEqual({ ok: false });
  });

  it('caches accepted and refused tokens for the TTL, and not the failures to ask', async () => {
    const { api, auth, advance } = setup();
    await auth.authenticate('Bearer good');
    await auth.authenticate('Bearer forged');
    advance(9_999);
    await auth.authenticate('Bearer good');
    await auth.authenticate('Bearer forged');
    expect(api.count(TOKEN_REVIEWS)).toBe(2);
    advance(1);
    await auth.authenticate('Bearer good');
    await auth.authenticate('Bearer forged');
    expect(api.count(TOKEN_REVIEWS)).toBe(4);
    api.down = true;
    advance(10_000);
    await auth.authenticate('Bearer good');
    api.down = false;
    expect(await auth.authenticate('Bearer good')).toMatchObject({ ok: true });
    expect(api.count(TOKEN_REVIEWS)).toBe(6);
  });

  it('without a token reviewer, treats every request as anonymous (as upstream without a kubeconfig)', async () => {
    const { auth } = setup({ reviews: false });
    expect(await auth.authenticate('Bearer good')).toEqual({ ok: true, user: ANONYMOUS });
  });
});

describe('authorization (SubjectAccessReview)', () => {
  const user = { username: SA, groups: ['system:authenticated'] };

  it('asks for get on the non-resource path and allows what RBAC allows', async () => {
    const { api, auth } = setup();
    expect(await auth.authorize(user, 'get', '/metrics')).toEqual({ decision: 'allow' });
    expect(api.asked[0]).toEqual({
      path: ACCESS_REVIEWS,
      body: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: { user: SA, groups: ['system:authenticated'], nonResourceAttributes: { path: '/metrics', verb: 'get' } },
      },
    });
  });

  it("denies (403) with upstream's message naming the user, the verb and the path", async () => {
    const { auth } = setup();
    expect(await auth.authorize(ANONYMOUS, 'get', '/metrics')).toEqual({
      decision: 'deny',
      message: 'forbidden: User "system:anonymous" cannot get path "/metrics"',
    });
    expect(await auth.authorize(user, 'post', '/metrics')).toMatchObject({ decision: 'deny' });
  });

  it('lets the always-allowed paths and system:masters through without asking', async () => {
    const { api, auth } = setup({ paths: '/healthz,/readyz,/livez,/debug/*' });
    for (const p of ['/healthz', '/readyz', '/livez', '/debug/pprof/heap'])
      expect(await auth.authorize(ANONYMOUS, 'get', p)).toEqual({ decision: 'allow' });
    expect(await auth.authorize({ username: 'admin', groups: ['system:masters'] }, 'get', '/metrics')).toEqual({
      decision: 'allow',
    });
    expect(api.asked).toEqual([]);
    expect(await auth.authorize(ANONYMOUS, 'get', '/healthz/extra')).toMatchObject({ decision: 'deny' });
  });

  it('caches allowed and denied answers for their TTLs; an unreachable API server is an error, not cached', async () => {
    const { api, auth, advance } = setup();
    await auth.authorize(user, 'get', '/metrics');
    await auth.authorize(ANONYMOUS, 'get', '/metrics');
    advance(9_999);
    await auth.authorize(user, 'get', '/metrics');
    await auth.authorize(ANONYMOUS, 'get', '/metrics');
    expect(api.count(ACCESS_REVIEWS)).toBe(2);
    advance(1);
    api.down = true;
    expect(await auth.authorize(user, 'get', '/metrics')).toEqual({
      decision: 'error',
      message: 'dial tcp 10.0.0.1:443: connect: connection refused',
    });
    api.down = false;
    expect(await auth.authorize(user, 'get', '/metrics')).toEqual({ decision: 'allow' });
    expect(api.count(ACCESS_REVIEWS)).toBe(4);
  });

  it('with a TTL of 0 asks every time (a revoked permission stops at once)', async () => {
    const { api, auth } = setup({ ttlMs: 0 });
    await auth.authorize(user, 'get', '/metrics');
    api.allowed.clear();
    expect(await auth.authorize(user, 'get', '/metrics')).toMatchObject({ decision: 'deny' });
  });

  it('without an access reviewer, forbids all but the always-allowed paths and system:masters', async () => {
    const { auth } = setup({ reviews: false });
    expect(await auth.authorize(user, 'get', '/metrics')).toMatchObject({ decision: 'deny' });
    expect(await auth.authorize(user, 'get', '/readyz')).toEqual({ decision: 'allow' });
  });
});

describe('--authorization-always-allow-paths', () => {
  it('takes exact paths and trailing-* prefixes, and refuses a * elsewhere with the upstream message', () => {
    const p = parseAlwaysAllowPaths('/healthz, /debug/*,,/');
    expect(p.ok && { exact: [...p.value.exact], prefixes: p.value.prefixes }).toEqual({
      exact: ['healthz', ''],
      prefixes: ['debug/'],
    });
    expect(parseAlwaysAllowPaths('/a*/b')).toEqual({ ok: false, error: 'only trailing * allowed in "a*/b"' });
  });
});
