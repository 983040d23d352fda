/**
 * API-server failures as values (STYLE.md: errors are values) with stable codes: the HTTP
 * `status`, the Kubernetes `reason` (Status.reason, or apimachinery's reason for the status code),
 * and `failure` when no usable response arrived. Callers decide on these codes, never on the
 * message; the message is what client-go would print, so conditions and events read as upstream's:
 * a Status body's message, otherwise `errors.NewGenericServerResponse`'s text
 * ("the server is currently unable to handle the request (get pods.metrics.k8s.io)").
 */
import type { Result } from '../algorithms/index.js';
import { TransportFailure } from './http.js';

/** Why a request produced no usable response: a transport failure, or one of ours around it. */
export const ApiFailure = {
  ...TransportFailure,
  /** the kubeconfig cannot be used: no cluster, unreadable TLS files, a failing exec plugin or token file */
  Credentials: 'Credentials',
  /** a 2xx answer that is not the JSON it should be */
  Decode: 'Decode',
  /**
   * a write not sent, or cancelled in flight, because this replica's leader lease is no longer
   * valid by its own clock (controller/leader/guard.ts): retrying it would make two writers
   */
  Fenced: 'Fenced',
} as const;
export type ApiFailure = (typeof ApiFailure)[keyof typeof ApiFailure];

/** Reasons for failures that did not come from a Status body. */
export const ApiErrorReason = {
  /** an apiVersion that is not `group/version` (upstream: "invalid API version in scale target reference") */
  InvalidAPIVersion: 'InvalidAPIVersion',
  /** discovery knows no resource for the kind (upstream: "unable to determine resource for scale target reference") */
  NoKindMatch: 'NoKindMatch',
} as const;
export type ApiErrorReason = (typeof ApiErrorReason)[keyof typeof ApiErrorReason];

export interface ApiError {
  /** HTTP status, when a response arrived */
  readonly status?: number;
  /** Kubernetes Status.reason (NotFound, Conflict, Forbidden, …) or an ApiErrorReason */
  readonly reason?: string;
  /** set when no usable response arrived */
  readonly failure?: ApiFailure;
  /** a 404 for a path nobody serves (a group version that went away), not for a missing object */
  readonly pathNotServed?: boolean;
  /** Status.details.causes[].reason, e.g. `ResourceVersionTooLarge` */
  readonly causes?: readonly string[];
  readonly message: string;
  /** HTTP method, or the operation for errors raised before a request (`parse`, `watch`) */
  readonly verb: string;
  /** path and query, without scheme and host */
  readonly path: string;
}

export type ApiResult<T> = Result<T, ApiError>;

/** client-go's view of what was requested, for the `(get <resource>.<group> <name>)` suffix. */
export interface RequestedResource {
  readonly group: string;
  /** the request's resource segment (`pods`, `deployments.apps`, a metric name for external) */
  readonly resource: string;
  /** the request's name segment (`*` for pods-by-selector), if any */
  readonly name?: string;
}

/** schema.GroupResource.String(): `pods`, `deployments.apps`. */
export function qualifiedResource(gr: { readonly group: string; readonly resource: string }): string {
  return gr.group === '' ? gr.resource : `${gr.resource}.${gr.group}`;
}

const REASONS: Readonly<Record<number, string>> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Gone',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/** A failed metav1.Status, as kube-apiserver and every server built on k8s.io/apiserver write one. */
export interface FailureStatus<D extends object> {
  readonly kind: 'Status';
  readonly apiVersion: 'v1';
  readonly metadata: Readonly<Record<string, never>>;
  readonly status: 'Failure';
  readonly message: string;
  readonly reason: string;
  readonly details?: D;
  readonly code: number;
}

/** The body of a refusal: the simulated API server's errors, the secure port's 401 and 403. */
export function failureStatus<D extends object>(
  code: number,
  reason: string,
  message: string,
  details?: D,
): FailureStatus<D> {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details === undefined ? {} : { details }),
    code,
  };
}

/** apimachinery's reason for a status code, used when a response carries no Status body. */
export function reasonForCode(code: number): string | undefined {
  return REASONS[code] ?? (code > 500 ? 'InternalError' : undefined);
}

/** The message apimachinery gives a 404 for a path it does not serve. */
const UNSERVED_PATH = 'the server could not find the requested resource';

const GENERIC_MESSAGES: Readonly<Record<number, string>> = {
  400: 'the server rejected our request for an unknown reason',
  401: 'the server has asked for the client to provide credentials',
  404: UNSERVED_PATH,
  405: 'the server does not allow this method on the requested resource',
  409: 'the server reported a conflict',
  410: 'the server has asked for the client to refresh its state',
  422: 'the server rejected our request due to an error in our request',
  429: 'the server has received too many requests and has asked us to try again later',
  503: 'the server is currently unable to handle the request',
  504: 'the server was unable to return a response in the time allotted, but may still be processing the request',
};

/** errors.NewGenericServerResponse's message for a status code without a Status body. */
export function genericServerMessage(
  status: number,
  method: string,
  requested: RequestedResource | undefined,
  serverMessage: string,
): string {
  let message =
    status === 403
      ? serverMessage
      : (GENERIC_MESSAGES[status] ??
        (status >= 500
          ? `an error on the server (${JSON.stringify(serverMessage)}) has prevented the request from succeeding`
          : `the server responded with the status code ${status} but did not return more information`));
  if (requested !== undefined && requested.resource !== '') {
    const target = `${method.toLowerCase()} ${qualifiedResource(requested)}`;
    message =
      requested.name !== undefined && requested.name !== ''
        ? `${message} (${target} ${requested.name})`
        : `${message} (${target})`;
  }
  return message;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A parsed metav1.Status (a watch ERROR event's object, an error body). */
export interface ParsedStatus {
  readonly code?: number;
  readonly reason?: string;
  readonly message?: string;
  /** details.causes[].reason (metav1.CauseType), in order */
  readonly causes?: readonly string[];
}

/** The reasons of Status.details.causes; undefined when there are none. */
function causeReasons(details: unknown): readonly string[] | undefined {
  const causes = isRecord(details) ? details.causes : undefined;
  if (!Array.isArray(causes)) return undefined;
  const reasons = causes.flatMap((c: unknown) => (isRecord(c) && typeof c.reason === 'string' ? [c.reason] : []));
  return reasons.length > 0 ? reasons : undefined;
}

/** A parsed metav1.Status (a watch ERROR event's object, an error body), if `body` is one. */
export function statusOf(body: unknown): ParsedStatus | undefined {
  if (!isRecord(body) || (body.kind !== 'Status' && body.status !== 'Failure')) return undefined;
  if (body.status === 'Success') return undefined;
  const causes = causeReasons(body.details);
  return {
    code: typeof body.code === 'number' ? body.code : undefined,
    reason: typeof body.reason === 'string' && body.reason !== '' ? body.reason : undefined,
    message: typeof body.message === 'string' && body.message !== '' ? body.message : undefined,
    ...(causes === undefined ? {} : { causes }),
  };
}

function parseJson(text: string): unknown {
  try {
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}

/** A non-2xx answer as client-go reports it (rest.Result.Error / newUnstructuredResponseError). */
export function errorFromResponse(
  method: string,
  path: string,
  status: number,
  contentType: string,
  text: string,
  requested?: RequestedResource,
): ApiError {
  const st = statusOf(parseJson(text));
  // client-go keeps at most 1 KiB of a text body, and only when the server said it is text
  const serverMessage = /^text\/plain/i.test(contentType) ? text.slice(0, 1024).trim() : 'unknown';
  const message = st?.message ?? genericServerMessage(status, method, requested, serverMessage);
  const pathNotServed = status === 404 && (st?.message === undefined || st.message === UNSERVED_PATH);
  return {
    status,
    reason: st?.reason ?? reasonForCode(status),
    message,
    verb: method,
    path,
    ...(pathNotServed ? { pathNotServed } : {}),
    ...(st?.causes === undefined ? {} : { causes: st.causes }),
  };
}

/** A failure with no response behind it. */
export function failureError(failure: ApiFailure, method: string, path: string, message: string): ApiError {
  return { failure, message, verb: method, path };
}

export function isNotFound(e: ApiError): boolean {
  return e.status === 404;
}

/** 410 Gone (an expired resourceVersion), as an HTTP status or a Status reason. */
export function isGone(e: ApiError): boolean {
  return e.status === 410 || e.reason === 'Expired' || e.reason === 'Gone';
}

/**
 * k8s.io/apiserver's storage.IsTooLargeResourceVersion: a 504 Timeout whose causes name
 * `ResourceVersionTooLarge` — the server has not seen the resourceVersion asked for (its watch
 * cache is behind, or it is a new server that never issued it). client-go's reflector relists.
 */
export function isTooLargeResourceVersion(e: Pick<ApiError, 'status' | 'causes'>): boolean {
  return e.status === 504 && (e.causes ?? []).includes('ResourceVersionTooLarge');
}
