/**
 * The public face of transport/: the one HTTP client (API server and Prometheus), the API-server
 * connection built from a kubeconfig (one keep-alive pool, one auth cache per process), failures
 * as values with stable codes, Go's URL escaping, discovery and the one REST mapper. It imports
 * only algorithms/; metrics-clients/ and controller/ import it through this file.
 *
 * Importing it does not load @kubernetes/client-node (only its types): a KubeConfig comes from the
 * caller.
 */
export {
  HttpClient,
  MAX_BODY_BYTES,
  TransportFailure,
  createAgent,
  type AgentOptions,
  type HttpClientOptions,
  type HttpFailure,
  type HttpOutcome,
  type HttpRequest,
  type OpenResponse,
  type SetTimer,
  type TlsOptions,
} from './http.js';
export { goUrlError } from './go-url-error.js';
export { goEncodeQuery, goPathEscape, goQueryEscape, withQuery, type QueryParams } from './go-url.js';
export {
  ApiErrorReason,
  ApiFailure,
  errorFromResponse,
  failureError,
  failureStatus,
  genericServerMessage,
  isGone,
  isNotFound,
  isTooLargeResourceVersion,
  qualifiedResource,
  reasonForCode,
  statusOf,
  type ApiError,
  type ApiResult,
  type FailureStatus,
  type RequestedResource,
} from './errors.js';
export {
  ApiServerConnection,
  httpMethod,
  type ApiRequest,
  type ApiResponse,
  type ApiServerConnectionOptions,
  type KubeVerb,
  type RequestObservation,
  type RequestObserver,
} from './connection.js';
export {
  ApiClientName,
  ApiRateLimits,
  TokenBucket,
  apiClientOf,
  effectiveLimit,
  type ApiRateLimitsOptions,
  type RateLimitSettings,
} from './rate-limit.js';
export {
  ApiDiscovery,
  groupVersionPath,
  type DiscoveredGroup,
  type DiscoveredResource,
  type DiscoveryGet,
  type DiscoveryOptions,
} from './discovery.js';
export {
  BUILTIN_RESOURCES,
  DiscoveryRestMapper,
  MappingErrorCode,
  StaticRestMapper,
  findKind,
  findResource,
  groupOfApiVersion,
  parseGroupVersion,
  qualifiedKind,
  type DiscoveryRestMapperOptions,
  type GroupResource,
  type MappingError,
  type MappingResult,
  type ResourceInfo,
  type RestMapper,
  type ScaleTarget,
} from './rest-mapper.js';
export type { EventRecord, LeaseRecord } from './records.js';
export {
  AbortError,
  MAX_TIMER_MS,
  monotonicNow,
  realClock,
  sleepUnlessAborted,
  sleepWith,
  type Clock,
} from './clock.js';
export { eventBody, eventPatch, hpaStatusBody, scaleBody } from './bodies.js';
export {
  hpaFromApi,
  leaseFromApi,
  podSnapshotFromApi,
  scaleFromApi,
  sharedLabels,
  type MalformedReporter,
} from './convert.js';
export { controllerRefFromApi, replicaSetOwnershipFromApi } from './owners.js';
