/**
 * Authentication and authorization of the secure port, delegated to the API server as
 * kube-controller-manager delegates them (k8s.io/apiserver's DelegatingAuthenticationOptions and
 * DelegatingAuthorizationOptions, defaults included):
 *
 * - a bearer token is reviewed with a TokenReview; a request without one is `system:anonymous`
 *   (group `system:unauthenticated`), and a token the API server refuses is a 401;
 * - `system:masters` and the always-allowed paths pass without asking; every other request is a
 *   SubjectAccessReview of the non-resource path with the HTTP method as verb (`get /metrics`):
 *   allowed, or a 403 naming the user, the verb and the path;
 * - both answers are cached for their TTLs (10 s each by default, refusals too); failures to
 *   reach the API server are not cached (a 401, or a 500 for authorization).
 */
import { createHash } from 'node:crypto';
import { goQuote, type Result, err, ok } from '../../algorithms/index.js';
import { TtlCache } from './ttl-cache.js';

export interface UserInfo {
  readonly username: string;
  readonly uid?: string;
  readonly groups: readonly string[];
  readonly extra?: Readonly<Record<string, readonly string[]>>;
}

/** POSTs a review object to `path` on the API server; the response object, or why not. */
export type ReviewClient = (path: string, body: unknown) => Promise<Result<unknown, string>>;

export const TOKEN_REVIEWS = '/apis/authentication.k8s.io/v1/tokenreviews';
export const ACCESS_REVIEWS = '/apis/authorization.k8s.io/v1/subjectaccessreviews';

export const ANONYMOUS: UserInfo = { username: 'system:anonymous', groups: ['system:unauthenticated'] };

export interface DelegatedAuthOptions {
  /** reviews tokens; undefined: every request is anonymous (as upstream without a kubeconfig) */
  readonly tokenReviews?: ReviewClient;
  /** reviews access; undefined: only system:masters and the always-allowed paths pass */
  readonly accessReviews?: ReviewClient;
  readonly tokenCacheTtlMs: number;
  readonly allowCacheTtlMs: number;
  readonly denyCacheTtlMs: number;
  /** parsed by parseAlwaysAllowPaths */
  readonly alwaysAllow: AlwaysAllowPaths;
  readonly now: () => number;
}

export type Authenticated = { readonly ok: true; readonly user: UserInfo } | { readonly ok: false };

export type Authorized =
  | { readonly decision: 'allow' }
  | { readonly decision: 'deny'; readonly message: string }
  | { readonly decision: 'error'; readonly message: string };

export interface AlwaysAllowPaths {
  readonly exact: ReadonlySet<string>;
  readonly prefixes: readonly string[];
}

/** `/healthz,/readyz,/debug/*` → exact paths and prefixes; only a trailing `*` is allowed (as upstream). */
export function parseAlwaysAllowPaths(text: string): Result<AlwaysAllowPaths, string> {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const raw of text.split(',').map((p) => p.trim())) {
    if (raw === '') continue;
    const p = raw.replace(/^\//, '');
    if (p.slice(0, -1).includes('*')) return err(`only trailing * allowed in ${goQuote(p)}`);
    if (p.endsWith('*')) prefixes.push(p.slice(0, -1));
    else exact.add(p);
  }
  return ok({ exact, prefixes });
}

function record(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function userFromReview(u: Record<string, unknown>): UserInfo {
  const groups = strings(u.groups);
  // the authenticated-group adder: every authenticated user is in system:authenticated
  if (!groups.includes('system:authenticated')) groups.push('system:authenticated');
  const extra: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(record(u.extra))) extra[k] = strings(v);
  return {
    username: typeof u.username === 'string' ? u.username : '',
    ...(typeof u.uid === 'string' && u.uid !== '' ? { uid: u.uid } : {}),
    groups,
    ...(Object.keys(extra).length > 0 ? { extra } : {}),
  };
}

export class DelegatedAuth {
  private readonly tokens: TtlCache<Authenticated>;
  private readonly access: TtlCache<Authorized>;

  constructor(private readonly o: DelegatedAuthOptions) {
    this.tokens = new TtlCache(o.now);
    this.access = new TtlCache(o.now);
  }

  /** The user behind an Authorization header (anonymous without a bearer token). */
  async authenticate(header: string | undefined): Promise<Authenticated> {
    const auth = (header ?? '').trim();
    const parts = auth.split(' ');
    // upstream's bearer token authenticator: no header, or another scheme, is not a failure
    if (auth === '' || parts.length < 2 || parts[0].toLowerCase() !== 'bearer') return { ok: true, user: ANONYMOUS };
    const token = parts[1];
    if (token === '') return { ok: false };
    if (this.o.tokenReviews === undefined) return { ok: true, user: ANONYMOUS };
    const key = createHash('sha256').update(token).digest('hex');
    const cached = this.tokens.get(key);
    if (cached !== undefined) return cached;
    const review = await this.o.tokenReviews(TOKEN_REVIEWS, {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenReview',
      spec: { token },
    });
    if (!review.ok) return { ok: false };
    const status = record(record(review.value).status);
    const answer: Authenticated =
      status.authenticated === true ? { ok: true, user: userFromReview(record(status.user)) } : { ok: false };
    this.tokens.set(key, answer, this.o.tokenCacheTtlMs);
    return answer;
  }

  /** Whether `user` may `verb` the non-resource `path` (no query). */
  async authorize(user: UserInfo, verb: string, path: string): Promise<Authorized> {
    if (user.groups.includes('system:masters') || this.alwaysAllowed(path)) return { decision: 'allow' };
    const forbidden = (reason: string): Authorized => ({
      decision: 'deny',
      message: `forbidden: User ${goQuote(user.username)} cannot ${verb} path ${goQuote(path)}${reason === '' ? '' : `: ${reason}`}`,
    });
    if (this.o.accessReviews === undefined) return forbidden('');
    const spec = {
      user: user.username,
      ...(user.uid === undefined ? {} : { uid: user.uid }),
      groups: user.groups,
      ...(user.extra === undefined ? {} : { extra: user.extra }),
      nonResourceAttributes: { path, verb },
    };
    const key = JSON.stringify(spec);
    const cached = this.access.get(key);
    if (cached !== undefined) return cached;
    const review = await this.o.accessReviews(ACCESS_REVIEWS, {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec,
    });
    if (!review.ok) return { decision: 'error', message: review.error };
    const status = record(record(review.value).status);
    if (status.allowed === true) {
      const allow: Authorized = { decision: 'allow' };
      this.access.set(key, allow, this.o.allowCacheTtlMs);
      return allow;
    }
    const deny = forbidden(typeof status.reason === 'string' ? status.reason : '');
    this.access.set(key, deny, this.o.denyCacheTtlMs);
    return deny;
  }

  private alwaysAllowed(path: string): boolean {
    const p = path.replace(/^\//, '');
    return this.o.alwaysAllow.exact.has(p) || this.o.alwaysAllow.prefixes.some((x) => p.startsWith(x));
  }
}
