/**
 * Client-side rate limiting of API-server requests, as client-go does it (`--kube-api-qps`,
 * `--kube-api-burst`; docs/controller.md "API request budget"): a token bucket per client that
 * holds at most `burst` tokens, refilled at `qps` tokens a second, full at start; every request
 * takes one token and waits until it may (client-go's flowcontrol.NewTokenBucketRateLimiter over
 * golang.org/x/time/rate: a waiter reserves its token, so waiters are served in arrival order).
 * rest.Config's rules: qps 0 → 5, burst 0 → 10, qps < 0 → no limit.
 *
 * kube-controller-manager builds one clientset per client (the HPA controller, leader election,
 * each metrics API), each with its own limiter at the same qps/burst; so here: one bucket per
 * client, chosen by the request's API group, so that a controller bucket saturated by a sync
 * burst never delays a lease renewal.
 */
import { AbortError, type Clock } from './clock.js';

/** rest.DefaultQPS and rest.DefaultBurst: what client-go uses for a qps or burst of 0. */
export const CLIENT_GO_DEFAULT_QPS = 5;
export const CLIENT_GO_DEFAULT_BURST = 10;

export const ApiClientName = {
  LeaderElection: 'leader-election',
  ResourceMetrics: 'resource-metrics',
  CustomMetrics: 'custom-metrics',
  ExternalMetrics: 'external-metrics',
  /** TokenReviews and SubjectAccessReviews of the secure port */
  DelegatedAuth: 'delegated-auth',
  /** everything else: informers, scales, HPA status, events, discovery */
  Controller: 'controller',
} as const;
export type ApiClientName = (typeof ApiClientName)[keyof typeof ApiClientName];

const BY_GROUP: ReadonlyArray<readonly [string, ApiClientName]> = [
  ['/apis/coordination.k8s.io/', ApiClientName.LeaderElection],
  ['/apis/metrics.k8s.io/', ApiClientName.ResourceMetrics],
  ['/apis/custom.metrics.k8s.io/', ApiClientName.CustomMetrics],
  ['/apis/external.metrics.k8s.io/', ApiClientName.ExternalMetrics],
  ['/apis/authentication.k8s.io/', ApiClientName.DelegatedAuth],
  ['/apis/authorization.k8s.io/', ApiClientName.DelegatedAuth],
];

/** The client a request belongs to, by the API group of its path (discovery of /apis is the controller's). */
export function apiClientOf(path: string): ApiClientName {
  for (const [prefix, client] of BY_GROUP) if (path.startsWith(prefix)) return client;
  return ApiClientName.Controller;
}

export interface RateLimitSettings {
  /** tokens a second; 0 → client-go's 5; negative → no limit */
  readonly qps: number;
  /** bucket size; 0 → client-go's 10 */
  readonly burst: number;
}

/** The effective limit after client-go's defaulting, or undefined when limiting is off (qps < 0). */
export function effectiveLimit(s: RateLimitSettings): { qps: number; burst: number } | undefined {
  if (s.qps < 0) return undefined;
  return { qps: s.qps === 0 ? CLIENT_GO_DEFAULT_QPS : s.qps, burst: s.burst === 0 ? CLIENT_GO_DEFAULT_BURST : s.burst };
}

type BucketClock = Pick<Clock, 'now' | 'sleep'>;

/**
 * A signal that aborts with the first of `signals`, and a dispose that unhooks it. Made only for a
 * wait, and unhooked after it: AbortSignal.any over the connection's long-lived close signal would
 * keep one dependent signal per request alive on Node 20.
 */
function firstAbort(signals: ReadonlyArray<AbortSignal | undefined>): { signal: AbortSignal; dispose(): void } {
  const ac = new AbortController();
  const abort = (): void => ac.abort();
  const hooked = signals.filter((s): s is AbortSignal => s !== undefined);
  for (const s of hooked) s.addEventListener('abort', abort, { once: true });
  return { signal: ac.signal, dispose: () => hooked.forEach((s) => s.removeEventListener('abort', abort)) };
}

/** One token bucket (x/time/rate.Limiter with n = 1). */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly qps: number,
    readonly burst: number,
    private readonly clock: BucketClock,
  ) {
    this.tokens = burst;
    this.last = clock.now();
  }

  /**
   * Takes a token, waiting for it when the bucket is empty; resolves with the milliseconds waited.
   * Rejects with an AbortError when any of `signals` aborts first, and gives the reserved token back.
   */
  async take(...signals: ReadonlyArray<AbortSignal | undefined>): Promise<number> {
    if (signals.some((s) => s?.aborted === true)) throw new AbortError();
    this.refill();
    this.tokens -= 1;
    const waitMs = this.tokens >= 0 ? 0 : (-this.tokens / this.qps) * 1000;
    if (waitMs === 0) return 0;
    const either = firstAbort(signals);
    try {
      await this.clock.sleep(waitMs, either.signal);
    } catch (e) {
      this.refill();
      this.tokens = Math.min(this.burst, this.tokens + 1);
      throw e;
    } finally {
      either.dispose();
    }
    return waitMs;
  }

  private refill(): void {
    // a clock set back never adds tokens nor takes them away
    const now = Math.max(this.last, this.clock.now());
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.qps);
    this.last = now;
  }
}

export interface ApiRateLimitsOptions extends RateLimitSettings {
  readonly clock: BucketClock;
  /** every wait, for hpa_ts_api_client_throttled_seconds (not called for requests that did not wait) */
  readonly onThrottled?: (client: ApiClientName, waitedMs: number) => void;
}

/** The buckets of one process, one per client, made on first use; shared by every connection built with it. */
export class ApiRateLimits {
  private readonly buckets = new Map<ApiClientName, TokenBucket>();
  private readonly limit: { qps: number; burst: number } | undefined;

  constructor(private readonly opts: ApiRateLimitsOptions) {
    this.limit = effectiveLimit(opts);
  }

  /** Waits for a token of the client `path` belongs to; rejects with an AbortError when any of `signals` aborts. */
  async wait(path: string, ...signals: ReadonlyArray<AbortSignal | undefined>): Promise<void> {
    if (this.limit === undefined) return;
    const client = apiClientOf(path);
    let bucket = this.buckets.get(client);
    if (bucket === undefined) {
      bucket = new TokenBucket(this.limit.qps, this.limit.burst, this.opts.clock);
      this.buckets.set(client, bucket);
    }
    const waited = await bucket.take(...signals);
    if (waited > 0) this.opts.onThrottled?.(client, waited);
  }
}
