import { describe, expect, it } from '@jest/globals';
import { VirtualClock, flushMicrotasks } from '../../../../simulator/clock.js';
import { Backoff } from '../../../../controller/kube/backoff.js';
import { startInformer } from '../../../../controller/kube/informer.js';
import type { ClusterError, Stoppable, WatchEventType } from '../../../../controller/ports.js';
import { FakeSource, pod } from './fake-source.js';

interface Seen {
  readonly type: WatchEventType | 'SYNCED';
  readonly name?: string;
}

function setup(opts: { idleMs?: number } = {}) {
  const clock = new VirtualClock(1_000_000);
  const source = new FakeSource();
  const seen: Seen[] = [];
  const errors: ClusterError[] = [];
  let informer: Stoppable | undefined;
  const start = async (): Promise<void> => {
    informer = startInformer({
      source,
      convert: (raw) => {
        const name = (raw as { metadata: { name: string } }).metadata.name;
        return name.startsWith('bad') ? undefined : { name };
      },
      handlers: {
        onEvent: (type, obj) => seen.push({ type, name: obj.name }),
        onSynced: () => seen.push({ type: 'SYNCED' }),
        onError: (e) => errors.push(e),
      },
      clock,
      describe: '/api/v1/pods',
      backoff: new Backoff({ random: () => 0 }),
      watchIdleTimeoutMs: opts.idleMs ?? 60_000,
    });
    await flushMicrotasks();
  };
  return { clock, source, seen, errors, start, stop: () => informer?.stop() };
}

const gone: ClusterError = {
  status: 410,
  reason: 'Expired',
  message: 'too old resource version',
  verb: 'GET',
  path: '/api/v1/pods',
};
const broken: ClusterError = { message: 'GET /api/v1/pods: socket hang up', verb: 'GET', path: '/api/v1/pods' };

describe('informer list and watch', () => {
  it('reports every listed object as ADDED, then synced, then watches from the list resourceVersion', async () => {
    const t = setup();
    t.source.items = [pod('a', '5'), pod('b', '7')];
    await t.start();
    expect(t.seen).toEqual([{ type: 'ADDED', name: 'a' }, { type: 'ADDED', name: 'b' }, { type: 'SYNCED' }]);
    expect(t.source.current.resourceVersion).toBe('10');
    t.stop();
  });

  it('forwards watch events, treating an update of an unseen object as an add', async () => {
    const t = setup();
    t.source.items = [pod('a', '5')];
    await t.start();
    t.seen.length = 0;
    t.source.current.emit('MODIFIED', pod('a', '11'));
    t.source.current.emit('MODIFIED', pod('c', '12'));
    t.source.current.emit('DELETED', pod('a', '13'));
    expect(t.seen).toEqual([
      { type: 'MODIFIED', name: 'a' },
      { type: 'ADDED', name: 'c' },
      { type: 'DELETED', name: 'a' },
    ]);
    t.stop();
  });

  it('skips objects the converter rejects without stopping', async () => {
    const t = setup();
    t.source.items = [pod('bad-1', '5'), pod('ok', '6')];
    await t.start();
    t.source.current.emit('ADDED', pod('bad-2', '11'));
    t.source.current.emit('ADDED', pod('ok-2', '12'));
    expect(t.seen.map((s) => s.name ?? s.type)).toEqual(['ok', 'SYNCED', 'ok-2']);
    t.stop();
  });
});

describe('informer resumes without missing anything', () => {
  it('re-watches from the last event resourceVersion when the server ends the stream, without relisting', async () => {
    const t = setup();
    await t.start();
    await t.clock.advance(5_000);
    t.source.current.emit('ADDED', pod('a', '21'));
    t.source.current.end();
    await flushMicrotasks();
    expect(t.source.listCalls).toBe(1);
    expect(t.source.watches.map((w) => w.resourceVersion)).toEqual(['10', '21']);
    t.stop();
  });

  it('advances the resourceVersion on BOOKMARK events', async () => {
    const t = setup();
    await t.start();
    await t.clock.advance(5_000);
    t.source.current.emit('BOOKMARK', { kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: '99' } });
    t.source.current.end();
    await flushMicrotasks();
    expect(t.source.current.resourceVersion).toBe('99');
    expect(t.seen.filter((s) => s.type !== 'SYNCED')).toEqual([]);
    t.stop();
  });

  it('relists on an ERROR event with code 410, reporting vanished objects DELETED and the rest MODIFIED', async () => {
    const t = setup();
    t.source.items = [pod('a', '5'), pod('b', '6')];
    await t.start();
    await t.clock.advance(5_000);
    t.seen.length = 0;
    t.source.items = [pod('b', '30'), pod('c', '31')];
    t.source.resourceVersion = '40';
    t.source.current.emit('ERROR', {
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      code: 410,
      reason: 'Expired',
      message: 'too old',
    });
    await flushMicrotasks();
    expect(t.source.listCalls).toBe(2);
    expect(t.seen).toEqual([
      { type: 'MODIFIED', name: 'b' },
      { type: 'ADDED', name: 'c' },
      { type: 'DELETED', name: 'a' },
      { type: 'SYNCED' },
    ]);
    expect(t.source.current.resourceVersion).toBe('40');
    expect(t.errors).toEqual([]);
    t.stop();
  });

  it('relists when the watch request itself answers 410 Gone', async () => {
    const t = setup();
    await t.start();
    await t.clock.advance(5_000);
    t.source.current.fail(gone);
    await flushMicrotasks();
    expect(t.source.listCalls).toBe(2);
    t.stop();
  });

  it('backs off before relisting when a fresh list is expired at once', async () => {
    const t = setup();
    t.source.watchResults.push({ ok: false, error: gone });
    await t.start();
    expect(t.source.listCalls).toBe(1);
    await t.clock.advance(999);
    expect(t.source.listCalls).toBe(1);
    await t.clock.advance(1);
    expect(t.source.listCalls).toBe(2);
    t.stop();
  });
});

describe('informer back-off', () => {
  it('reports a broken watch and re-watches from the same resourceVersion after 1 s, 2 s, 4 s', async () => {
    const t = setup();
    await t.start();
    await t.clock.advance(5_000);
    t.source.current.emit('ADDED', pod('a', '15'));
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      t.source.current.fail(broken);
      const failedAt = t.clock.now();
      await flushMicrotasks();
      const before = t.source.watches.length;
      while (t.source.watches.length === before) await t.clock.advance(100);
      times.push(t.clock.now() - failedAt);
    }
    expect(times).toEqual([1000, 2000, 4000]);
    expect(t.source.watches.slice(1).every((w) => w.resourceVersion === '15')).toBe(true);
    expect(t.errors).toHaveLength(3);
    expect(t.source.listCalls).toBe(1);
    t.stop();
  });

  it('caps the delay at 30 s and forgets failures after a healthy period', () => {
    const b = new Backoff({ random: () => 0 });
    const delays = [0, 1, 2, 3, 4, 5, 6].map((i) => b.next(i));
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    expect(b.next(10 + 120_001)).toBe(1000);
  });

  it('adds up to 20 % jitter', () => {
    expect(new Backoff({ random: () => 0.999 }).next(0)).toBe(1200);
  });

  it('retries a failed list with back-off', async () => {
    const t = setup();
    t.source.lists.push({ ok: false, error: broken });
    await t.start();
    expect(t.errors).toEqual([broken]);
    expect(t.seen).toEqual([]);
    await t.clock.advance(1000);
    expect(t.source.listCalls).toBe(2);
    expect(t.seen).toEqual([{ type: 'SYNCED' }]);
    t.stop();
  });

  it('treats a watch that ends at once without events as a failure', async () => {
    const t = setup();
    t.source.watchResults.push({ ok: true, value: undefined });
    await t.start();
    expect(t.errors[0]?.message).toMatch(/very short watch/);
    expect(t.source.watches).toHaveLength(1);
    await t.clock.advance(1000);
    expect(t.source.watches).toHaveLength(2);
    t.stop();
  });
});

describe('informer watchdog', () => {
  it('restarts a watch that stays silent longer than the idle timeout', async () => {
    const t = setup({ idleMs: 60_000 });
    await t.start();
    await t.clock.advance(59_999);
    expect(t.source.watches).toHaveLength(1);
    await t.clock.advance(1);
    expect(t.source.watches[0].signal.aborted).toBe(true);
    expect(t.source.watches).toHaveLength(2);
    expect(t.errors[0]?.message).toMatch(/silent for 60000 ms/);
    t.stop();
  });

  it('keeps a quiet watch that receives bookmarks', async () => {
    const t = setup({ idleMs: 60_000 });
    await t.start();
    for (let i = 0; i < 5; i++) {
      await t.clock.advance(50_000);
      t.source.current.emit('BOOKMARK', { metadata: { resourceVersion: String(100 + i) } });
    }
    expect(t.source.watches).toHaveLength(1);
    t.stop();
  });
});

describe('informer stop', () => {
  it('closes the open watch and neither lists nor watches again', async () => {
    const t = setup();
    await t.start();
    t.stop();
    await flushMicrotasks();
    expect(t.source.current.signal.aborted).toBe(true);
    await t.clock.advance(600_000);
    expect(t.source.listCalls).toBe(1);
    expect(t.source.watches).toHaveLength(1);
  });

  it('stops while backing off', async () => {
    const t = setup();
    t.source.lists.push({ ok: false, error: broken });
    await t.start();
    t.stop();
    await t.clock.advance(60_000);
    expect(t.source.listCalls).toBe(1);
  });
});

describe('an API server that lost its state (issue 13 item 5)', () => {
  const tooLarge = {
    kind: 'Status',
    apiVersion: 'v1',
    status: 'Failure',
    message: 'Timeout: Too large resource version: 100216, current: 218',
    reason: 'Timeout',
    details: {
      causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
      retryAfterSeconds: 1,
    },
    code: 504,
  };

  it('relists on "Too large resource version" (504, cause ResourceVersionTooLarge) as client-go does', async () => {
    const t = setup();
    t.source.items = [pod('ghost', '5')];
    await t.start();
    await t.clock.advance(5_000);
    t.seen.length = 0;
    t.source.items = [pod('new', '3')];
    t.source.resourceVersion = '4';
    t.source.current.emit('ERROR', tooLarge);
    await flushMicrotasks();
    expect(t.source.listCalls).toBe(2);
    expect(t.seen).toEqual([{ type: 'ADDED', name: 'new' }, { type: 'DELETED', name: 'ghost' }, { type: 'SYNCED' }]);
    t.stop();
  });

  it('relists when the watch request itself answers Too large resource version', async () => {
    const t = setup();
    await t.start();
    await t.clock.advance(5_000);
    t.source.current.fail({
      status: 504,
      reason: 'Timeout',
      causes: ['ResourceVersionTooLarge'],
      message: 'Timeout: Too large resource version: 20, current: 4',
      verb: 'GET',
      path: '/api/v1/pods',
    });
    await flushMicrotasks();
    expect(t.source.listCalls).toBe(2);
    t.stop();
  });

  it('after a broken watch, relists when the server is back behind the resourceVersion it had reached', async () => {
    const t = setup();
    t.source.items = [pod('ghost', '5')];
    let serverRv = '10';
    t.source.currentResourceVersion = () => Promise.resolve({ ok: true, value: serverRv });
    await t.start();
    await t.clock.advance(5_000);
    t.source.current.emit('MODIFIED', pod('ghost', '12'));
    // the server restarts empty: the watch breaks; the new one is at resourceVersion 3
    t.seen.length = 0;
    t.source.items = [pod('new', '3')];
    t.source.resourceVersion = '3';
    serverRv = '3';
    t.source.current.fail(broken);
    await t.clock.advance(1_000);
    expect(t.source.listCalls).toBe(2);
    expect(t.seen).toEqual([{ type: 'ADDED', name: 'new' }, { type: 'DELETED', name: 'ghost' }, { type: 'SYNCED' }]);
    expect(t.errors.map((e) => e.message)).toContainEqual(
      expect.stringMatching(/resourceVersion of \/api\/v1\/pods went back from 12 to 3 .*relisting/),
    );
    expect(t.source.current.resourceVersion).toBe('3');
    t.stop();
  });

  it('after a broken watch, re-watches without relisting when the server is where it was or beyond', async () => {
    const t = setup();
    t.source.currentResourceVersion = () => Promise.resolve({ ok: true, value: '500' });
    await t.start();
    await t.clock.advance(5_000);
    t.source.current.emit('ADDED', pod('a', '15'));
    t.source.current.fail(broken);
    await t.clock.advance(1_000);
    expect(t.source.listCalls).toBe(1);
    expect(t.source.current.resourceVersion).toBe('15');
    t.stop();
  });

  it('backs off again, without watching, while the server cannot tell its resourceVersion', async () => {
    const t = setup();
    t.source.currentResourceVersion = () => Promise.resolve({ ok: false, error: broken });
    await t.start();
    await t.clock.advance(5_000);
    t.source.current.fail(broken);
    await t.clock.advance(1_000 + 2_000 + 4_000 - 1);
    expect(t.source.watches).toHaveLength(1);
    t.source.currentResourceVersion = () => Promise.resolve({ ok: true, value: '10' });
    await t.clock.advance(8_000);
    expect(t.source.watches).toHaveLength(2);
    t.stop();
  });

  it('relists when a watch delivers an event older than the resourceVersion it started from', async () => {
    const t = setup();
    t.source.items = [pod('ghost', '5')];
    await t.start();
    t.seen.length = 0;
    t.source.items = [pod('new', '2')];
    t.source.resourceVersion = '2';
    t.source.current.emit('ADDED', pod('new', '2'));
    await flushMicrotasks();
    expect(t.source.listCalls).toBe(2);
    expect(t.seen).toEqual([{ type: 'ADDED', name: 'new' }, { type: 'DELETED', name: 'ghost' }, { type: 'SYNCED' }]);
    t.stop();
  });
});
