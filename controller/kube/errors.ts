import type { ClusterError } from '../ports.js';

/**
 * Failures of the client-node adapter as data (STYLE.md: errors are values). Every HTTP failure
 * becomes a ClusterError carrying what upstream would put on an event or condition: the
 * Status.message when the server sent a Status, otherwise the text client-go's
 * `newUnstructuredResponseError` / `StatusReasonForCode` would produce.
 */

/** Reasons this adapter puts on errors that did not come from a Status body. */
export const AdapterErrorReason = {
  /** scaleTargetRef.apiVersion is not `group/version` (upstream: "invalid API version in scale target reference") */
  InvalidAPIVersion: 'InvalidAPIVersion',
  /** discovery knows no resource for the kind (upstream: "unable to determine resource for scale target reference") */
  NoKindMatch: 'NoKindMatch',
} as const;
export type AdapterErrorReason = (typeof AdapterErrorReason)[keyof typeof AdapterErrorReason];

/** apimachinery's reason for a status code, used when a response carries no Status body. */
export function reasonForCode(code: number): string | undefined {
  switch (code) {
    case 400:
      return 'BadRequest';
    case 401:
      return 'Unauthorized';
    case 403:
      return 'Forbidden';
    case 404:
      return 'NotFound';
    case 405:
      return 'MethodNotAllowed';
    case 406:
      return 'NotAcceptable';
    case 409:
      return 'Conflict';
    case 410:
      return 'Gone';
    case 413:
      return 'RequestEntityTooLarge';
    case 415:
      return 'UnsupportedMediaType';
    case 422:
      return 'Invalid';
    case 429:
      return 'TooManyRequests';
    case 500:
      return 'InternalError';
    case 503:
      return 'ServiceUnavailable';
    case 504:
      return 'Timeout';
    default:
      return undefined;
  }
}

/** The message client-go makes up for an error response without a Status body (newUnstructuredResponseError). */
function messageForCode(code: number, verb: string): string {
  switch (code) {
    case 409:
      return 'the server reported a conflict';
    case 404:
      return 'the server could not find the requested resource';
    case 400:
      return 'the server rejected our request for an unknown reason';
    case 401:
      return 'the server has asked for the client to provide credentials';
    case 403:
      return 'the server does not allow access to the requested resource';
    case 405:
      return `the server does not allow this method on the requested resource`;
    case 410:
      return 'the server has asked for the client to refresh its state';
    case 422:
      return 'the server rejected our request due to an error in our request';
    case 429:
      return 'the server has received too many requests and has asked us to try again later';
    case 500:
      return 'an error on the server has prevented the request from succeeding';
    case 503:
      return 'the server is currently unable to handle the request';
    case 504:
      return 'the server was unable to return a response in the time allotted, but may still be processing the request';
    default:
      return `the server responded with the status code ${code} but did not return more information (${verb})`;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A parsed metav1.Status, if `body` is one. */
export function statusOf(body: unknown): { code?: number; reason?: string; message?: string } | undefined {
  if (!isRecord(body) || body.kind !== 'Status') return undefined;
  return {
    code: typeof body.code === 'number' ? body.code : undefined,
    reason: typeof body.reason === 'string' && body.reason !== '' ? body.reason : undefined,
    message: typeof body.message === 'string' && body.message !== '' ? body.message : undefined,
  };
}

/** An error response (status ≥ 400) as a ClusterError; `bodyText` is the raw body. */
export function httpError(verb: string, path: string, code: number, bodyText: string): ClusterError {
  let parsed: unknown;
  try {
    parsed = bodyText === '' ? undefined : JSON.parse(bodyText);
  } catch {
    parsed = undefined;
  }
  const st = statusOf(parsed);
  return {
    status: code,
    reason: st?.reason ?? reasonForCode(code),
    message: st?.message ?? messageForCode(code, verb),
    verb,
    path,
  };
}

/** A failure before any status arrived: connection refused, TLS, timeout, auth plugin. */
export function transportError(verb: string, path: string, cause: unknown): ClusterError {
  const text = cause instanceof Error ? cause.message : String(cause);
  return { message: `${verb} ${path}: ${text}`, verb, path };
}

export function isNotFound(e: ClusterError): boolean {
  return e.status === 404;
}

export function isGone(e: ClusterError): boolean {
  return e.status === 410 || e.reason === 'Expired' || e.reason === 'Gone';
}
