/**
 * The API server's side of the secure port's delegation, on the simulator: authentication.k8s.io
 * TokenReviews and authorization.k8s.io SubjectAccessReviews (the objects the real API server
 * takes and returns), answered from a token table and an allow list; and one scrape of the secure
 * port, as Prometheus makes it, over real TLS.
 */
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { ApiServerHandle } from '../../../simulator/apiserver/index.js';

export const SCRAPER = 'system:serviceaccount:monitoring:prometheus';
export const SCRAPER_TOKEN = 'scraper';

export interface ReviewCalls {
  tokenReviews: number;
  accessReviews: number;
}

/** Serves the two review APIs; `scraper` is allowed get /metrics, `nobody` is known and allowed nothing. */
export function serveReviews(server: ApiServerHandle): ReviewCalls {
  const calls: ReviewCalls = { tokenReviews: 0, accessReviews: 0 };
  const tokens: Record<string, string> = {
    [SCRAPER_TOKEN]: SCRAPER,
    nobody: 'system:serviceaccount:default:nobody',
  };
  const review = (name: string, kind: string) => [
    { version: 'v1', resources: [{ name, namespaced: false, kind, verbs: ['create'] }] },
  ];
  server.registerApiGroup({
    group: 'authentication.k8s.io',
    versions: review('tokenreviews', 'TokenReview'),
    handle: (req) => {
      calls.tokenReviews++;
      const spec = (req.body as { spec: { token: string } }).spec;
      const user = tokens[spec.token];
      const status =
        user === undefined
          ? { user: {}, error: '[invalid bearer token, token lookup failed]' }
          : {
              authenticated: true,
              user: { username: user, groups: ['system:serviceaccounts', 'system:authenticated'] },
            };
      return { status: 201, body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec, status } };
    },
  });
  server.registerApiGroup({
    group: 'authorization.k8s.io',
    versions: review('subjectaccessreviews', 'SubjectAccessReview'),
    handle: (req) => {
      calls.accessReviews++;
      const spec = (req.body as { spec: { user: string; nonResourceAttributes: { verb: string; path: string } } }).spec;
      const a = spec.nonResourceAttributes;
      const allowed = spec.user === SCRAPER && a.verb === 'get' && a.path === '/metrics';
      return {
        status: 201,
        body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec, status: { allowed } },
      };
    },
  });
  return calls;
}

export interface Scraped {
  readonly status: number;
  readonly body: string;
  /** the served certificate's subjectAltName */
  readonly san: string;
}

/** GET `path` on the secure port, with a bearer token; trusting `ca`, or any certificate without one. */
export function scrape(port: number, path: string, token?: string, ca?: string): Promise<Scraped> {
  return new Promise((resolve, reject) => {
    const req = https.get(
      {
        host: '127.0.0.1',
        port,
        path,
        headers: token === undefined ? {} : { Authorization: `Bearer ${token}` },
        ...(ca === undefined ? { rejectUnauthorized: false } : { ca, servername: 'localhost' }),
        agent: false,
      },
      (res) => {
        const san = (res.socket as TLSSocket).getPeerCertificate().subjectaltname ?? '';
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, san }));
      },
    );
    req.on('error', reject);
  });
}
