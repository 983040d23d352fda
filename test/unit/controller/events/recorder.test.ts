import { describe, expect, it } from '@jest/globals';
import { VirtualClock, flushMicrotasks } from '../../../../simulator/clock.js';
import {
  COMBINED_PREFIX,
  EventRecorder,
  Lru,
  type EventDropReason,
  type EventObjectRef,
} from '../../../../controller/events/index.js';
import type { ClusterError, ClusterResult, EventRecord } from '../../../../controller/ports.js';

const T0 = Date.UTC(2026, 10, 23, 10, 0, 0);

type Failure = 'transport' | 403 | 404 | undefined;

/** A sink that records calls; `failures` answers the next calls in turn. */
class FakeSink {
  readonly calls: { action: 'create' | 'patch'; event: EventRecord }[] = [];
  readonly failures: Failure[] = [];
  /** when set, calls wait for it */
  gate: Promise<void> | undefined;

  createEvent(event: EventRecord): Promise<ClusterResult<void>> {
    return this.answer('create', event);
  }

  patchEvent(event: EventRecord): Promise<ClusterResult<void>> {
    return this.answer('patch', event);
  }

  get creates(): EventRecord[] {
    return this.calls.filter((c) => c.action === 'create').map((c) => c.event);
  }

  get patches(): EventRecord[] {
    return this.calls.filter((c) => c.action === 'patch').map((c) => c.event);
  }

  private async answer(action: 'create' | 'patch', event: EventRecord): Promise<ClusterResult<void>> {
    if (this.gate !== undefined) await this.gate;
    this.calls.push({ action, event });
    const f = this.failures.shift();
    if (f === undefined) return { ok: true, value: undefined };
    const error: ClusterError =
      f === 'transport'
        ? {
            message: 'POST /api/v1/namespaces/shop/events: connect ECONNREFUSED',
            verb: 'POST',
            path: '/api/v1/namespaces/shop/events',
          }
        : { status: f, reason: f === 404 ? 'NotFound' : 'Forbidden', message: 'no', verb: 'POST', path: '/x' };
    return { ok: false, error };
  }
}

const hpa: EventObjectRef = {
  namespace: 'shop',
  name: 'web',
  uid: 'u-1',
  resourceVersion: '7',
  kind: 'HorizontalPodAutoscaler',
  apiVersion: 'autoscaling/v2',
};

function setup(opts: { dryRun?: boolean; maxQueued?: number } = {}) {
  const clock = new VirtualClock(T0);
  const sink = new FakeSink();
  const drops: { why: EventDropReason; event: EventRecord }[] = [];
  const recorder = new EventRecorder({
    sink,
    clock,
    random: () => 0.5,
    onDropped: (why, event) => drops.push({ why, event }),
    ...opts,
  });
  return { clock, sink, recorder, drops };
}

describe('event recording', () => {
  it('creates a core/v1 Event named like client-go, about the object, from the component', async () => {
    const t = setup();
    t.recorder.record(
      hpa,
      'Normal',
      'SuccessfulRescale',
      'New size: 4; reason: cpu resource utilization (percentage of request) above target',
    );
    await t.recorder.flush();
    expect(t.sink.creates).toHaveLength(1);
    const e = t.sink.creates[0];
    expect(e.name).toMatch(/^web\.[0-9a-f]{16}$/);
    expect(e).toMatchObject({
      namespace: 'shop',
      involvedObject: {
        kind: 'HorizontalPodAutoscaler',
        name: 'web',
        namespace: 'shop',
        uid: 'u-1',
        apiVersion: 'autoscaling/v2',
        resourceVersion: '7',
      },
      type: 'Normal',
      reason: 'SuccessfulRescale',
      component: 'horizontal-pod-autoscaler',
      count: 1,
      firstTimestamp: '2026-11-23T10:00:00Z',
      lastTimestamp: '2026-11-23T10:00:00Z',
    });
  });

  it('returns before the write has happened', async () => {
    const t = setup();
    let open = (): void => undefined;
    t.sink.gate = new Promise((r) => (open = r));
    t.recorder.record(hpa, 'Warning', 'FailedGetScale', 'boom');
    expect(t.sink.calls).toHaveLength(0);
    open();
    await t.recorder.flush();
    expect(t.sink.calls).toHaveLength(1);
  });

  it('drops an unknown event type, as client-go does', async () => {
    const t = setup();
    t.recorder.record(hpa, 'Bad' as 'Normal', 'R', 'm');
    await t.recorder.flush();
    expect(t.sink.calls).toHaveLength(0);
    expect(t.drops.map((d) => d.why)).toEqual(['invalid-type']);
  });
});

describe('identical events are merged', () => {
  it('patches one Event with a growing count, keeping its name and firstTimestamp', async () => {
    const t = setup();
    for (let i = 0; i < 3; i++) {
      t.recorder.record(hpa, 'Warning', 'FailedGetResourceMetric', 'no metrics returned from resource metrics API');
      await t.clock.advance(15_000);
    }
    await t.recorder.flush();
    expect(t.sink.creates).toHaveLength(1);
    expect(t.sink.patches.map((p) => p.count)).toEqual([2, 3]);
    expect(new Set(t.sink.calls.map((c) => c.event.name)).size).toBe(1);
    expect(t.sink.patches[1]).toMatchObject({
      firstTimestamp: '2026-11-23T10:00:00Z',
      lastTimestamp: '2026-11-23T10:00:30Z',
    });
  });

  it('turns 1,000 identical events into 1 create and at most 24 patches (no event storm)', async () => {
    const t = setup();
    for (let i = 0; i < 1000; i++) t.recorder.record(hpa, 'Warning', 'FailedGetResourceMetric', 'same');
    await t.recorder.flush();
    expect(t.sink.creates).toHaveLength(1);
    expect(t.sink.patches).toHaveLength(24);
    expect(t.recorder.dropped).toBe(975);
    // The count kept growing while the filter dropped writes: the next patch carries all of them.
    await t.clock.advance(300_000);
    t.recorder.record(hpa, 'Warning', 'FailedGetResourceMetric', 'same');
    await t.recorder.flush();
    expect(t.sink.patches.at(-1)?.count).toBe(1001);
  });

  it('re-creates an Event that is gone from the server when patching it', async () => {
    const t = setup();
    t.recorder.record(hpa, 'Normal', 'R', 'm');
    await t.recorder.flush();
    t.sink.failures.push(404);
    t.recorder.record(hpa, 'Normal', 'R', 'm');
    await t.recorder.flush();
    expect(t.sink.calls.map((c) => [c.action, c.event.count])).toEqual([
      ['create', 1],
      ['patch', 2],
      ['create', 2],
    ]);
  });
});

describe('similar events are aggregated', () => {
  it('combines the 10th and later distinct messages of one reason into one Event', async () => {
    const t = setup();
    for (let i = 0; i < 100; i++) {
      t.recorder.record(hpa, 'Warning', 'FailedComputeMetricsReplicas', `invalid metrics (${i} invalid out of 1)`);
      await t.clock.advance(300_000); // one token back per event: the spam filter stays out of it
    }
    await t.recorder.flush();
    const plain = t.sink.creates.filter((e) => !e.message.startsWith(COMBINED_PREFIX));
    const combined = t.sink.calls.filter((c) => c.event.message.startsWith(COMBINED_PREFIX));
    expect(plain).toHaveLength(9);
    expect(combined[0]?.action).toBe('create');
    expect(combined.slice(1).every((c) => c.action === 'patch')).toBe(true);
    expect(combined).toHaveLength(91);
    expect(combined.at(-1)?.event.count).toBe(91);
    expect(combined.at(-1)?.event.message).toBe(`${COMBINED_PREFIX}invalid metrics (99 invalid out of 1)`);
    expect(new Set(combined.map((c) => c.event.name)).size).toBe(1);
  });

  it('keeps different reasons apart', async () => {
    const t = setup();
    for (let i = 0; i < 9; i++) t.recorder.record(hpa, 'Warning', 'A', `a${i}`);
    for (let i = 0; i < 9; i++) t.recorder.record(hpa, 'Warning', 'B', `b${i}`);
    await t.recorder.flush();
    expect(t.sink.calls.some((c) => c.event.message.startsWith(COMBINED_PREFIX))).toBe(false);
  });

  it('starts counting afresh after 600 s without such events', async () => {
    const t = setup();
    for (let i = 0; i < 9; i++) t.recorder.record(hpa, 'Warning', 'A', `a${i}`);
    await t.clock.advance(600_001);
    t.recorder.record(hpa, 'Warning', 'A', 'a-late');
    await t.recorder.flush();
    expect(t.sink.creates.at(-1)?.message).toBe('a-late');
  });
});

describe('spam filter', () => {
  it('allows a burst of 25 writes per object, then one per 300 s', async () => {
    const t = setup();
    for (let i = 0; i < 40; i++) t.recorder.record(hpa, 'Normal', `R${i}`, 'm');
    await t.recorder.flush();
    expect(t.sink.calls).toHaveLength(25);
    expect(t.drops.filter((d) => d.why === 'spam-filter')).toHaveLength(15);
    await t.clock.advance(299_000);
    t.recorder.record(hpa, 'Normal', 'late-1', 'm');
    await t.clock.advance(1_500);
    t.recorder.record(hpa, 'Normal', 'late-2', 'm');
    await t.recorder.flush();
    expect(t.sink.calls.map((c) => c.event.reason).slice(25)).toEqual(['late-2']);
  });

  it('keeps one bucket per object', async () => {
    const t = setup();
    for (let i = 0; i < 30; i++) t.recorder.record(hpa, 'Normal', `R${i}`, 'm');
    t.recorder.record({ ...hpa, name: 'api', uid: 'u-2' }, 'Normal', 'R', 'm');
    await t.recorder.flush();
    expect(t.sink.calls.filter((c) => c.event.involvedObject.name === 'api')).toHaveLength(1);
  });
});

describe('failed writes', () => {
  it('retries transport failures 10 s apart (the first wait randomised) until one succeeds', async () => {
    const t = setup();
    t.sink.failures.push('transport', 'transport', 'transport');
    t.recorder.record(hpa, 'Normal', 'R', 'm');
    await flushMicrotasks();
    expect(t.sink.calls).toHaveLength(1);
    await t.clock.advance(5_000); // 10 s × random 0.5
    expect(t.sink.calls).toHaveLength(2);
    await t.clock.advance(10_000);
    expect(t.sink.calls).toHaveLength(3);
    await t.clock.advance(10_000);
    expect(t.sink.calls).toHaveLength(4);
    await t.recorder.flush();
    expect(t.recorder.written).toBe(1);
    expect(t.recorder.failed).toBe(0);
  });

  it('gives up after 12 tries and says so', async () => {
    const t = setup();
    for (let i = 0; i < 12; i++) t.sink.failures.push('transport');
    t.recorder.record(hpa, 'Normal', 'R', 'm');
    const done = t.recorder.flush();
    await t.clock.advance(200_000);
    await done;
    expect(t.sink.calls).toHaveLength(12);
    expect(t.drops.map((d) => d.why)).toEqual(['retries-exhausted']);
    expect(t.recorder.failed).toBe(1);
  });

  it('does not retry what the server rejected', async () => {
    const t = setup();
    t.sink.failures.push(403);
    t.recorder.record(hpa, 'Normal', 'R', 'm');
    await t.recorder.flush();
    expect(t.sink.calls).toHaveLength(1);
    expect(t.drops.map((d) => d.why)).toEqual(['rejected']);
  });

  it('writes in order while a retry is pending, and flush waits for all of it', async () => {
    const t = setup();
    t.sink.failures.push('transport');
    t.recorder.record(hpa, 'Normal', 'First', 'm');
    t.recorder.record(hpa, 'Normal', 'Second', 'm');
    let flushed = false;
    void t.recorder.flush().then(() => (flushed = true));
    await flushMicrotasks();
    expect(flushed).toBe(false);
    await t.clock.advance(5_000);
    expect(flushed).toBe(true);
    expect(t.sink.calls.map((c) => c.event.reason)).toEqual(['First', 'First', 'Second']);
  });

  it('drops new events when the queue is full', async () => {
    const t = setup({ maxQueued: 2 });
    let open = (): void => undefined;
    t.sink.gate = new Promise((r) => (open = r));
    for (let i = 0; i < 5; i++) t.recorder.record(hpa, 'Normal', `R${i}`, 'm');
    open();
    await t.recorder.flush();
    expect(t.sink.calls.map((c) => c.event.reason)).toEqual(['R0', 'R1', 'R2']);
    expect(t.drops.map((d) => d.why)).toEqual(['queue-full', 'queue-full']);
  });

  it('stop ends retrying and lets flush resolve', async () => {
    const t = setup();
    t.sink.failures.push('transport');
    t.recorder.record(hpa, 'Normal', 'R', 'm');
    const done = t.recorder.flush();
    await flushMicrotasks();
    t.recorder.stop();
    await done;
    expect(t.sink.calls).toHaveLength(1);
  });
});

describe('dry run', () => {
  it('sends nothing but remembers what would have been written', async () => {
    const t = setup({ dryRun: true });
    t.recorder.record(hpa, 'Normal', 'R', 'm');
    t.recorder.record(hpa, 'Normal', 'R', 'm');
    await t.recorder.flush();
    expect(t.sink.calls).toHaveLength(0);
    expect(t.recorder.recorded().map((w) => [w.action, w.event.count])).toEqual([
      ['create', 1],
      ['patch', 2],
    ]);
  });

  it('uses the configured component name', () => {
    const clock = new VirtualClock(T0);
    const r = new EventRecorder({ sink: new FakeSink(), clock, dryRun: true, component: 'hpa-ts' });
    r.record(hpa, 'Normal', 'R', 'm');
    expect(r.recorded()[0]?.event.component).toBe('hpa-ts');
  });
});

describe('Lru', () => {
  it('forgets the least recently used key beyond its size', () => {
    const l = new Lru<string, number>(2);
    l.set('a', 1);
    l.set('b', 2);
    l.get('a');
    l.set('c', 3);
    expect([l.get('a'), l.get('b'), l.get('c')]).toEqual([1, undefined, 3]);
    expect(l.size).toBe(2);
  });
});
