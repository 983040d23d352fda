import { formatInstant } from '../../algorithms/index.js';
import { sleepUnlessAborted, type Clock } from '../clock.js';
import type { ClusterAccess, ClusterError, EventRecord } from '../ports.js';
import { ApiFailure } from '../../transport/index.js';
import { EventCorrelator, type CorrelatorOptions } from './correlator.js';

/**
 * core/v1 Events the way client-go's recorder writes them (tools/record: event.go,
 * events_cache.go; spec §4.2). `record` never blocks and never fails: it correlates the event
 * at once (correlator.ts) and queues the write; one worker writes in order, like client-go's
 * broadcaster goroutine. A write that fails in transport is retried up to 12 times, 10 s apart
 * (the first wait randomised so restarted controllers do not retry in step); a write the server
 * rejects (any Status error) is dropped at once, as client-go does. Time is the injected Clock.
 */

/** The involved object (client-go ObjectReference); the HPA for every event of this controller. */
export interface EventObjectRef {
  readonly namespace: string;
  readonly name: string;
  readonly uid?: string;
  readonly resourceVersion?: string;
  readonly kind: string;
  readonly apiVersion: string;
}

export type EventType = 'Normal' | 'Warning';

export interface RecordedWrite {
  readonly action: 'create' | 'patch';
  readonly event: EventRecord;
}

export type EventDropReason =
  'spam-filter' | 'queue-full' | 'rejected' | 'retries-exhausted' | 'invalid-type' | 'not-leader';

export interface EventRecorderOptions {
  readonly sink: Pick<ClusterAccess, 'createEvent' | 'patchEvent'>;
  readonly clock: Clock;
  /** source.component; default `horizontal-pod-autoscaler` */
  readonly component?: string;
  /** correlate and remember, but send nothing */
  readonly dryRun?: boolean;
  /** writes that may wait in the queue (client-go's broadcaster: 1000); beyond, new events are dropped */
  readonly maxQueued?: number;
  /** default 12 */
  readonly maxTries?: number;
  /** default 10 s */
  readonly retryIntervalMs?: number;
  /** writes remembered for `recorded()`; default 1000 */
  readonly keepRecorded?: number;
  /** [0, 1); injectable for tests */
  readonly random?: () => number;
  readonly correlator?: CorrelatorOptions;
  /** told about every dropped event (the log line client-go prints) */
  readonly onDropped?: (why: EventDropReason, event: EventRecord, error?: ClusterError) => void;
}

interface Pending {
  readonly event: EventRecord;
  readonly patch: boolean;
}

export class EventRecorder {
  private readonly component: string;
  private readonly correlator: EventCorrelator;
  private readonly queue: Pending[] = [];
  private draining = false;
  private readonly idleWaiters: (() => void)[] = [];
  private readonly stopper = new AbortController();
  private readonly log: RecordedWrite[] = [];
  private seq = 0;
  private droppedCount = 0;
  private failedCount = 0;
  private writtenCount = 0;

  constructor(private readonly opts: EventRecorderOptions) {
    this.component = opts.component ?? 'horizontal-pod-autoscaler';
    this.correlator = new EventCorrelator((name, now) => this.eventName(name, now), opts.correlator);
  }

  /** Events dropped without a write attempt: spam filter, full queue, unknown type. */
  get dropped(): number {
    return this.droppedCount;
  }

  /** Writes given up: rejected by the server or out of retries. */
  get failed(): number {
    return this.failedCount;
  }

  /** Writes the server accepted. */
  get written(): number {
    return this.writtenCount;
  }

  /** Records an event about `obj`. Returns at once; the write happens in the background. */
  record(obj: EventObjectRef, type: EventType, reason: string, message: string): void {
    const now = this.opts.clock.now();
    const event = this.makeEvent(obj, type, reason, message, now);
    if (type !== 'Normal' && type !== 'Warning') {
      this.drop('invalid-type', event);
      return;
    }
    const result = this.correlator.correlate(event, now);
    if (result.skip) {
      this.drop('spam-filter', event);
      return;
    }
    this.remember({ action: result.patch ? 'patch' : 'create', event: result.event });
    if (this.opts.dryRun === true || this.stopper.signal.aborted) return;
    if (this.queue.length >= (this.opts.maxQueued ?? 1000)) {
      this.drop('queue-full', result.event);
      return;
    }
    this.queue.push({ event: result.event, patch: result.patch });
    if (!this.draining) void this.drain();
  }

  /** The last writes decided after correlation (sent, or in dry-run what would have been sent). */
  recorded(): readonly RecordedWrite[] {
    return [...this.log];
  }

  /** Resolves when every queued write has been made or given up (graceful shutdown). */
  flush(): Promise<void> {
    if (!this.draining && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops retrying and drops what is still queued; `flush` then resolves promptly. */
  stop(): void {
    this.stopper.abort();
  }

  private makeEvent(obj: EventObjectRef, type: EventType, reason: string, message: string, now: number): EventRecord {
    const namespace = obj.namespace === '' ? 'default' : obj.namespace;
    const t = formatInstant(now);
    return {
      namespace,
      involvedObject: {
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        name: obj.name,
        namespace: obj.namespace,
        ...(obj.uid === undefined ? {} : { uid: obj.uid }),
        ...(obj.resourceVersion === undefined ? {} : { resourceVersion: obj.resourceVersion }),
      },
      type,
      reason,
      message,
      component: this.component,
      count: 1,
      firstTimestamp: t,
      lastTimestamp: t,
      name: this.eventName(obj.name, now),
    };
  }

  /**
   * client-go names events `<object>.<unix nanos in hex>`. Our clock has milliseconds, so the
   * sub-millisecond digits count events instead; names stay unique within one recorder.
   */
  private eventName(objectName: string, nowMs: number): string {
    const nanos = BigInt(Math.trunc(nowMs)) * 1_000_000n + BigInt(this.seq++ % 1_000_000);
    return `${objectName}.${nanos.toString(16).padStart(16, '0')}`;
  }

  private remember(w: RecordedWrite): void {
    this.log.push(w);
    const keep = this.opts.keepRecorded ?? 1000;
    if (this.log.length > keep) this.log.splice(0, this.log.length - keep);
  }

  private drop(why: EventDropReason, event: EventRecord, error?: ClusterError): void {
    if (why === 'rejected' || why === 'retries-exhausted' || why === 'not-leader') this.failedCount++;
    else this.droppedCount++;
    this.opts.onDropped?.(why, event, error);
  }

  private async drain(): Promise<void> {
    this.draining = true;
    while (this.queue.length > 0 && !this.stopper.signal.aborted) {
      const next = this.queue.shift() as Pending;
      await this.write(next);
    }
    this.queue.length = 0;
    this.draining = false;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private async write(p: Pending): Promise<void> {
    const maxTries = this.opts.maxTries ?? 12;
    const interval = this.opts.retryIntervalMs ?? 10_000;
    const random = this.opts.random ?? Math.random;
    for (let tries = 1; ; tries++) {
      const error = await this.attempt(p);
      if (error === undefined) {
        this.writtenCount++;
        return;
      }
      if (error.status !== undefined) {
        // The server answered: sending the same request again would get the same answer.
        this.drop('rejected', p.event, error);
        return;
      }
      if (error.failure === ApiFailure.Fenced) {
        // No longer the leader: the new one records its own events.
        this.drop('not-leader', p.event, error);
        return;
      }
      if (tries >= maxTries) {
        this.drop('retries-exhausted', p.event, error);
        return;
      }
      const delay = tries === 1 ? interval * random() : interval;
      if (!(await sleepUnlessAborted(this.opts.clock, delay, this.stopper.signal))) return;
    }
  }

  /** One try: a repeat is patched, and created if the server no longer has it (it may have expired). */
  private async attempt(p: Pending): Promise<ClusterError | undefined> {
    const sink = this.opts.sink;
    if (p.patch) {
      const patched = await sink.patchEvent(p.event);
      if (patched.ok) return undefined;
      if (patched.error.status !== 404) return patched.error;
    }
    const created = await sink.createEvent(p.event);
    return created.ok ? undefined : created.error;
  }
}
