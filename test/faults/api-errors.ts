/**
 * What the faulty API server answers with (test/faults/faulty-cluster.ts): Status errors as
 * kube-apiserver sends them, a connection refused, an expired watch; and the canonical JSON the
 * no-op write check compares.
 */
import type { ClusterError } from '../../controller/ports.js';

/** JSON with sorted keys: two statuses that print the same are the same status. */
export function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x !== null && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : x,
  );
}

export function noAnswer(verb: string, path: string): ClusterError {
  return { failure: 'Network', message: `dial tcp 10.0.0.1:443: connect: connection refused`, verb, path };
}

export function expired(path: string, rv: string): ClusterError {
  return {
    status: 410,
    reason: 'Expired',
    message: `too old resource version: ${rv} (${Number(rv) + 1})`,
    verb: 'watch',
    path,
  };
}

/** A Status the API server sends when it is overloaded or broken. */
export function statusError(status: number, retryAfterSeconds?: number): (verb: string, path: string) => ClusterError {
  const reasons: Record<number, string> = {
    429: 'TooManyRequests',
    500: 'InternalError',
    502: 'InternalError',
    503: 'ServiceUnavailable',
    504: 'Timeout',
  };
  const suffix = retryAfterSeconds === undefined ? '' : ` (retry after ${retryAfterSeconds}s)`;
  return (verb, path) => ({
    status,
    reason: reasons[status] ?? 'InternalError',
    message: `the server is currently unable to handle the request${suffix}`,
    verb,
    path,
  });
}
