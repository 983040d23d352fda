/**
 * Failures of the metrics adapters as MetricsApiErrors, whose message is the `<err>` upstream puts
 * into the HPA's conditions and events. HTTP answers from the API server are worded by transport/
 * (errorFromResponse: a Status message, or client-go's generic text); here they get the kind the
 * decision reports.
 */
import type { MetricsApiError, MetricsApiErrorKind } from '../../algorithms/index.js';
import { ApiFailure, type ApiError } from '../../transport/index.js';

export type MetricsApi = MetricsApiError['api'];

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

const KIND_OF_FAILURE: Readonly<Record<ApiFailure, MetricsApiErrorKind>> = {
  [ApiFailure.Timeout]: 'Timeout',
  [ApiFailure.Cancelled]: 'Timeout',
  [ApiFailure.Network]: 'Unavailable',
  [ApiFailure.TooLarge]: 'Malformed',
  [ApiFailure.Decode]: 'Malformed',
  [ApiFailure.Credentials]: 'Unauthorized',
  // metrics are reads, never fenced; listed for completeness
  [ApiFailure.Fenced]: 'Internal',
};

/** An API-server failure as the metrics API error the decision reports (same message, same path). */
export function metricsError(api: MetricsApi, e: ApiError): MetricsApiError {
  if (e.status !== undefined) return apiError(kindForStatus(e.status), api, e.path, e.message, e.status);
  return apiError(e.failure === undefined ? 'Internal' : KIND_OF_FAILURE[e.failure], api, e.path, e.message);
}

/** The message of a thrown value, for the rare internal failure turned into data. */
export function describeThrown(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
