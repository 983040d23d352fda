import { formatInstant } from '../../algorithms/index.js';
import type { EventRecord } from '../ports.js';
import { Lru } from './lru.js';

/**
 * client-go's EventCorrelator (tools/record/events_cache.go), which keeps a controller that
 * says the same thing every 15 s from flooding the API server with Events. Applied in order:
 *
 * 1. aggregation — events of one source/object/type/reason: once 10 different messages were
 *    seen with no gap longer than 600 s, every further one goes into a single event with
 *    message prefix `(combined from similar events): ` (keyed by the aggregation key, so it is
 *    patched rather than re-created);
 * 2. observation — an event identical to an earlier one (same source, object, type, reason,
 *    message) takes the earlier one's name and firstTimestamp with count + 1: a PATCH;
 * 3. spam filter — a token bucket per source+object (burst 25, one token per 300 s) drops the
 *    excess. It runs last, on creates and patches alike, and the observation counted in step 2
 *    stands: the next patch that passes carries the full count.
 *
 * Every cache is an LRU of 4096 keys. Keys join their fields with NUL where Go concatenates
 * them bare (which could make two different events collide); otherwise the same fields.
 */

export const COMBINED_PREFIX = '(combined from similar events): ';

export interface CorrelatorOptions {
  /** distinct messages that trigger aggregation; default 10 */
  readonly maxEvents?: number;
  /** aggregation forgets a reason after this long without events; default 600 s */
  readonly maxIntervalMs?: number;
  /** spam filter bucket size; default 25 */
  readonly burst?: number;
  /** spam filter refill; default one token per 300 s */
  readonly refillPerMs?: number;
  /** entries per cache; default 4096 */
  readonly lruSize?: number;
}

export type Correlated =
  { readonly skip: true } | { readonly skip: false; readonly event: EventRecord; readonly patch: boolean };

interface AggregateRecord {
  readonly localKeys: Set<string>;
  readonly lastMs: number;
}

interface Observation {
  readonly count: number;
  readonly firstTimestamp: string;
  readonly name: string;
}

/** golang.org/x/time/rate as client-go's passive token bucket uses it: starts full, refills continuously. */
class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly burst: number,
    private readonly perMs: number,
    now: number,
  ) {
    this.tokens = burst;
    this.last = now;
  }

  tryAccept(now: number): boolean {
    this.tokens = Math.min(this.burst, this.tokens + Math.max(0, now - this.last) * this.perMs);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

const SEP = '\u0000';

function objectKey(e: EventRecord): string {
  const o = e.involvedObject;
  return [e.component, '', o.kind, o.namespace, o.name, o.uid ?? '', o.apiVersion].join(SEP);
}

/** getEventKey: everything that makes two events "the same" (fieldPath and host are always empty here). */
export function eventKey(e: EventRecord): string {
  return [objectKey(e), e.type, e.reason, e.message].join(SEP);
}

/** EventAggregatorByReasonFunc's key: the event key without the message (plus reporting controller/instance). */
export function aggregateKey(e: EventRecord): string {
  return [objectKey(e), e.type, e.reason, e.component, ''].join(SEP);
}

/** The spam filter's key: source and involved object only (getSpamKey). */
export function spamKey(e: EventRecord): string {
  return objectKey(e);
}

export class EventCorrelator {
  private readonly aggregates: Lru<string, AggregateRecord>;
  private readonly observations: Lru<string, Observation>;
  private readonly buckets: Lru<string, TokenBucket>;
  private readonly maxEvents: number;
  private readonly maxIntervalMs: number;
  private readonly burst: number;
  private readonly refillPerMs: number;

  /** `eventName(objectName, nowMs)` names a new Event (client-go: `<name>.<unix nanos as hex>`). */
  constructor(
    private readonly eventName: (objectName: string, nowMs: number) => string,
    opts: CorrelatorOptions = {},
  ) {
    const size = opts.lruSize ?? 4096;
    this.aggregates = new Lru(size);
    this.observations = new Lru(size);
    this.buckets = new Lru(size);
    this.maxEvents = opts.maxEvents ?? 10;
    this.maxIntervalMs = opts.maxIntervalMs ?? 600_000;
    this.burst = opts.burst ?? 25;
    this.refillPerMs = opts.refillPerMs ?? 1 / 300_000;
  }

  /** What to write for a freshly made event (count 1, its own name), or that nothing is to be written. */
  correlate(event: EventRecord, nowMs: number): Correlated {
    const aggregated = this.aggregate(event, nowMs);
    const observed = this.observe(aggregated.event, aggregated.key);
    if (!this.accept(observed.event, nowMs)) return { skip: true };
    return { skip: false, event: observed.event, patch: observed.patch };
  }

  private aggregate(event: EventRecord, nowMs: number): { event: EventRecord; key: string } {
    const aggKey = aggregateKey(event);
    let record = this.aggregates.get(aggKey);
    // Too long since this reason was last seen (or never seen): start counting afresh.
    if (record === undefined || nowMs - record.lastMs > this.maxIntervalMs)
      record = { localKeys: new Set(), lastMs: nowMs };
    record.localKeys.add(event.message);
    this.aggregates.set(aggKey, { localKeys: record.localKeys, lastMs: nowMs });
    if (record.localKeys.size < this.maxEvents) return { event, key: eventKey(event) };
    // Keep the set below the threshold (Go pops an arbitrary element; we pop the oldest).
    const oldest = record.localKeys.values().next();
    if (oldest.done !== true) record.localKeys.delete(oldest.value);
    const now = formatInstant(nowMs);
    return {
      key: aggKey,
      event: {
        ...event,
        name: this.eventName(event.involvedObject.name, nowMs),
        count: 1,
        firstTimestamp: now,
        lastTimestamp: now,
        message: COMBINED_PREFIX + event.message,
      },
    };
  }

  private observe(event: EventRecord, key: string): { event: EventRecord; patch: boolean } {
    const last = this.observations.get(key);
    const out =
      last !== undefined && last.count > 0
        ? { ...event, name: last.name, firstTimestamp: last.firstTimestamp, count: last.count + 1 }
        : event;
    this.observations.set(key, { count: out.count, firstTimestamp: out.firstTimestamp, name: out.name });
    return { event: out, patch: out !== event };
  }

  private accept(event: EventRecord, nowMs: number): boolean {
    const key = spamKey(event);
    let bucket = this.buckets.get(key);
    if (bucket === undefined) bucket = new TokenBucket(this.burst, this.refillPerMs, nowMs);
    const ok = bucket.tryAccept(nowMs);
    this.buckets.set(key, bucket);
    return ok;
  }
}
