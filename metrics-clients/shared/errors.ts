/**
 * HTTP answers → MetricsApiError, worded as client-go words them, because upstream puts that text
 * (its `<err>`) into the HPA's conditions and events: a `Status` body with status Failure gives its
 * `message` (rest.Result.Error → errors.FromObject); anything else goes through
 * errors.NewGenericServerResponse ("the server is currently unable to handle the request
 * (get pods.custom.metrics.k8s.io *)").
 */
import type { MetricsApiError, MetricsApiErrorKind } from '../../algorithms/index.js';
import { qualifiedResource } from './rest-mapper.js';

export type MetricsApi = MetricsApiError['api'];

/** client-go's view of what was requested, for the `(get <resource>.<group> <name>)` suffix. */
export interface RequestedResource {
  readonly group: string;
  /** the request's resource segment (`pods`, `deployments.apps`, a metric name for external) */
  readonly resource: string;
  /** the request's name segment (`*` for pods-by-selector), if any */
  readonly name?: string;
}

export function apiError(
  kind: MetricsApiErrorKind,
  api: MetricsApi,
  path: string,
  message: string,
  status?: number,
): MetricsApiError {
  return status === undefined ? { kind, api, path, message } : { kind, api, path, status, message };
}

export function kindForStatus(status: number): MetricsApiErrorKind {
  if (status === 404) return 'NotFound';
  if (status === 403) return 'Forbidden';
  if (status === 401) return 'Unauthorized';
  if (status === 504) return 'Timeout';
  if (status === 502 || status === 503 || status === 429) return 'Unavailable';
  return 'Internal';
}

/** The failure message of a JSON `Status` body, or undefined when the body is not one. */
export function statusMessage(text: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const o = parsed as Record<string, unknown>;
  if (o.kind !== 'Status' || o.status !== 'Failure') return undefined;
  return typeof o.message === 'string' ? o.message : '';
}

/** errors.NewGenericServerResponse's message for a status code without a Status body. */
export function genericServerMessage(
  status: number,
  method: string,
  requested: RequestedResource | undefined,
  serverMessage: string,
): string {
  let message = `the server responded with the status code ${status} but did not return more information`;
  switch (status) {
    case 409:
      message = 'the server reported a conflict';
      break;
    case 404:
      message = 'the server could not find the requested resource';
      break;
    case 400:
      message = 'the server rejected our request for an unknown reason';
      break;
    case 401:
      message = 'the server has asked for the client to provide credentials';
      break;
    case 403:
      message = serverMessage;
      break;
    case 405:
      message = 'the server does not allow this method on the requested resource';
      break;
    case 422:
      message = 'the server rejected our request due to an error in our request';
      break;
    case 503:
      message = 'the server is currently unable to handle the request';
      break;
    case 504:
      message =
        'the server was unable to return a response in the time allotted, but may still be processing the request';
      break;
    case 429:
      message = 'the server has received too many requests and has asked us to try again later';
      break;
    default:
      if (status >= 500)
        message = `an error on the server (${JSON.stringify(serverMessage)}) has prevented the request from succeeding`;
  }
  if (requested !== undefined && requested.resource !== '') {
    const qualified = qualifiedResource(requested);
    const verb = method.toLowerCase();
    message =
      requested.name !== undefined && requested.name !== ''
        ? `${message} (${verb} ${qualified} ${requested.name})`
        : `${message} (${verb} ${qualified})`;
  }
  return message;
}

/** A non-2xx answer from an aggregated API, as client-go would report it. */
export function errorFromResponse(
  api: MetricsApi,
  path: string,
  method: string,
  status: number,
  contentType: string,
  text: string,
  requested: RequestedResource | undefined,
): MetricsApiError {
  const fromStatus = statusMessage(text);
  if (fromStatus !== undefined) return apiError(kindForStatus(status), api, path, fromStatus, status);
  // client-go keeps at most 1 KiB of a text body, and only when the server said it is text
  const serverMessage = /^text\/plain/i.test(contentType) ? text.slice(0, 1024).trim() : 'unknown';
  return apiError(
    kindForStatus(status),
    api,
    path,
    genericServerMessage(status, method, requested, serverMessage),
    status,
  );
}

/** The message of a thrown value, for the rare internal failure turned into data. */
export function describeThrown(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
