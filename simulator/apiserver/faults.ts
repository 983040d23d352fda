/**
 * Fault injection for controller tests: fail the next N matching requests with a Status, add
 * latency, drop open watches, or answer the next watches from an old resourceVersion with 410.
 */
import { statusForCode } from './errors.js';
import type { Status } from './types.js';

export interface RequestMatch {
  readonly method?: string;
  /** Tested against the path (no query string). */
  readonly path?: RegExp;
  readonly verb?: string;
  readonly resource?: string;
  readonly subresource?: string;
  readonly namespace?: string;
  readonly name?: string;
}

/** What the matcher sees of a request. */
export interface FaultTarget {
  readonly method: string;
  readonly path: string;
  readonly verb: string;
  readonly resource: string;
  readonly subresource: string;
  readonly namespace: string;
  readonly name: string;
}

export interface FailSpec {
  readonly status: number;
  readonly message?: string;
  readonly reason?: string;
  /** Sent as Retry-After (seconds) and details.retryAfterSeconds, for 429/503. */
  readonly retryAfterSeconds?: number;
}

interface FailRule {
  remaining: number;
  readonly match: RequestMatch;
  readonly status: Status;
}

interface LatencyRule {
  readonly match: RequestMatch;
  readonly ms: number;
}

export interface DropWatchesOptions {
  /** Destroy the sockets instead of ending the streams cleanly (clients see an error, not EOF). */
  readonly abrupt?: boolean;
}

function matches(m: RequestMatch, t: FaultTarget): boolean {
  return (
    (m.method === undefined || m.method.toUpperCase() === t.method) &&
    (m.path === undefined || m.path.test(t.path)) &&
    (m.verb === undefined || m.verb === t.verb) &&
    (m.resource === undefined || m.resource === t.resource) &&
    (m.subresource === undefined || m.subresource === t.subresource) &&
    (m.namespace === undefined || m.namespace === t.namespace) &&
    (m.name === undefined || m.name === t.name)
  );
}

export class FaultInjector {
  private fails: FailRule[] = [];
  private latencies: LatencyRule[] = [];
  private expireWatches = 0;
  /** Installed by the HTTP layer: closes open watch streams. */
  dropWatchesHook: (opts: DropWatchesOptions) => number = () => 0;
  /** Installed by the server: forgets watch history so older resourceVersions get 410. */
  compactHook: () => void = () => undefined;

  /** Fails the next `times` requests matching `match` (Infinity: until cleared). */
  failNext(times: number, match: RequestMatch, spec: FailSpec): void {
    const base = statusForCode(spec.status, spec.message);
    const status: Status = {
      ...base,
      reason: spec.reason ?? base.reason,
      ...(spec.retryAfterSeconds === undefined ? {} : { details: { retryAfterSeconds: spec.retryAfterSeconds } }),
    };
    this.fails.push({ remaining: times, match, status });
  }

  /**
   * How a delayed request waits: a real timer by default. A test may park requests on a promise
   * of its own instead, to see the latency applied without measuring time.
   */
  wait: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  /** Delays every matching request by `ms`; returns a function that removes the rule. */
  addLatency(ms: number, match: RequestMatch = {}): () => void {
    const rule: LatencyRule = { match, ms };
    this.latencies.push(rule);
    return () => {
      this.latencies = this.latencies.filter((r) => r !== rule);
    };
  }

  /** Ends every open watch stream; returns how many were open. */
  dropWatches(opts: DropWatchesOptions = {}): number {
    return this.dropWatchesHook(opts);
  }

  /** The next `n` watches that ask for a specific resourceVersion get a 410 Expired ERROR event. */
  expireNextWatches(n = 1): void {
    this.expireWatches += n;
  }

  /** Compacts the store's watch history (every older resourceVersion now answers 410). */
  compact(): void {
    this.compactHook();
  }

  clear(): void {
    this.fails = [];
    this.latencies = [];
    this.expireWatches = 0;
  }

  /** The injected failure for this request, consuming one use of the rule. */
  takeFailure(t: FaultTarget): Status | undefined {
    for (const rule of this.fails) {
      if (rule.remaining > 0 && matches(rule.match, t)) {
        rule.remaining--;
        if (rule.remaining === 0) this.fails = this.fails.filter((r) => r !== rule);
        return rule.status;
      }
    }
    return undefined;
  }

  latencyFor(t: FaultTarget): number {
    return this.latencies.filter((r) => matches(r.match, t)).reduce((sum, r) => sum + r.ms, 0);
  }

  takeWatchExpiry(): boolean {
    if (this.expireWatches <= 0) return false;
    this.expireWatches--;
    return true;
  }
}
