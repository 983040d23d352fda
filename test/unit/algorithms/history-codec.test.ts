import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  DEFAULT_CONTROLLER_CONFIG,
  HISTORY_FORMAT_VERSION,
  HistoryDecodeErrorCode,
  decodeHistory,
  encodeHistory,
  historyBounds,
  replicasChangePerPeriod,
  stabilizeRecommendation,
  stabilizeRecommendationWithBehaviors,
  trimHistory,
  type HistoryBounds,
  type HpaHistory,
} from '../../../algorithms/index.js';

const NOW = 1_800_000_000_000;
const BOUNDS: HistoryBounds = {
  recommendationWindowSeconds: 300,
  scaleUpPeriodSeconds: 15,
  scaleDownPeriodSeconds: 60,
};
const opts = { bounds: BOUNDS, now: NOW };

function history(over: Partial<HpaHistory> = {}): HpaHistory {
  return {
    recommendations: [
      { replicas: 10, time: NOW - 200_000 },
      { replicas: 4, time: NOW - 10_000 },
    ],
    scaleUpEvents: [{ replicaChange: 2, time: NOW - 5_000, outdated: false }],
    scaleDownEvents: [{ replicaChange: 1, time: NOW - 30_000, outdated: false }],
    ...over,
  };
}

function decoded(text: string, o: Parameters<typeof decodeHistory>[1] = opts): HpaHistory {
  const r = decodeHistory(text, o);
  if (!r.ok) throw new Error(`expected a history, got ${r.error.code}: ${r.error.message}`);
  return r.value.history;
}

describe('historyBounds', () => {
  it('is the legacy downscale window without behavior, with no scale events', () => {
    expect(
      historyBounds(
        { spec: { maxReplicas: 5, scaleTargetRef: { kind: 'Deployment', name: 'w' } } },
        DEFAULT_CONTROLLER_CONFIG,
      ),
    ).toEqual({
      recommendationWindowSeconds: 300,
      scaleUpPeriodSeconds: 0,
      scaleDownPeriodSeconds: 0,
    });
  });

  it('is the longest window and each direction’s longest policy period with behavior, defaults filled', () => {
    const spec = {
      maxReplicas: 5,
      scaleTargetRef: { kind: 'Deployment', name: 'w' },
      behavior: {
        scaleUp: { stabilizationWindowSeconds: 30 },
        scaleDown: {
          stabilizationWindowSeconds: 60,
          policies: [
            { type: 'Pods' as const, value: 1, periodSeconds: 90 },
            { type: 'Percent' as const, value: 10, periodSeconds: 20 },
          ],
        },
      },
    };
    expect(historyBounds({ spec }, DEFAULT_CONTROLLER_CONFIG)).toEqual({
      recommendationWindowSeconds: 60,
      scaleUpPeriodSeconds: 15,
      scaleDownPeriodSeconds: 90,
    });
  });
});

describe('the persisted form', () => {
  it('is versioned JSON of the whole history, with the uid', () => {
    const v = JSON.parse(encodeHistory(history(), { ...opts, uid: 'u-1' })) as Record<string, unknown>;
    expect(v.version).toBe(HISTORY_FORMAT_VERSION);
    expect(v.uid).toBe('u-1');
    expect(v.history).toEqual(history());
  });

  it('round-trips a history inside its bounds unchanged', () => {
    expect(decoded(encodeHistory(history(), opts))).toEqual(history());
  });

  it('keeps `recommendations: null` (no reconcile yet) apart from an empty list', () => {
    expect(decoded(encodeHistory(history({ recommendations: null }), opts)).recommendations).toBeNull();
    expect(decoded(encodeHistory(history({ recommendations: [] }), opts)).recommendations).toEqual([]);
  });

  it("carries hpa-ts.io/fallback-*'s count, and refuses one of the wrong shape", () => {
    const h: HpaHistory = { ...history(), fallback: { consecutiveFailures: 3, active: true, lastCountedAt: NOW } };
    expect(decoded(encodeHistory(h, opts))).toEqual(h);
    const bad = JSON.stringify({
      version: 1,
      history: { ...history(), fallback: { consecutiveFailures: '3', active: true } },
    });
    const r = decodeHistory(bad, opts);
    expect(r.ok ? 'decoded' : r.error.field).toBe('history.fallback');
  });
});

describe('bounds', () => {
  it('keeps only recommendations inside the longest window, the cutoff included', () => {
    const h = history({
      recommendations: [
        { replicas: 9, time: NOW - 300_001 },
        { replicas: 8, time: NOW - 300_000 },
        { replicas: 3, time: NOW },
      ],
    });
    expect(trimHistory(h, BOUNDS, NOW).recommendations).toEqual([
      { replicas: 8, time: NOW - 300_000 },
      { replicas: 3, time: NOW },
    ]);
  });

  it('keeps one recommendation per count, the latest: an older one of the same count is never read', () => {
    const recs = Array.from({ length: 20 }, (_, i) => ({ replicas: 5, time: NOW - i * 15_000 }));
    expect(trimHistory(history({ recommendations: recs }), BOUNDS, NOW).recommendations).toEqual([
      { replicas: 5, time: NOW },
    ]);
  });

  it('keeps scale events inside their direction’s longest period only', () => {
    const h = history({
      scaleUpEvents: [
        { replicaChange: 1, time: NOW - 16_000, outdated: false },
        { replicaChange: 2, time: NOW - 14_000, outdated: false },
      ],
      scaleDownEvents: [
        { replicaChange: 1, time: NOW - 61_000, outdated: true },
        { replicaChange: 3, time: NOW - 59_000, outdated: false },
      ],
    });
    const t = trimHistory(h, BOUNDS, NOW);
    expect(t.scaleUpEvents).toEqual([{ replicaChange: 2, time: NOW - 14_000, outdated: false }]);
    expect(t.scaleDownEvents).toEqual([{ replicaChange: 3, time: NOW - 59_000, outdated: false }]);
  });

  it('is at most one entry per distinct count and per event inside its period, whatever the history’s length', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ replicas: fc.integer({ min: 0, max: 3 }), time: fc.integer({ min: NOW - 600_000, max: NOW }) }),
          { maxLength: 200 },
        ),
        (recs) => {
          const t = trimHistory(history({ recommendations: recs }), BOUNDS, NOW);
          return (t.recommendations?.length ?? 0) <= 4;
        },
      ),
    );
  });
});

describe('decoding what is not a history', () => {
  const cases: [string, string, HistoryDecodeErrorCode][] = [
    ['not JSON', '{"version":1,', HistoryDecodeErrorCode.NotJson],
    ['a scalar', '42', HistoryDecodeErrorCode.NotHistory],
    ['an object without history', '{"version":1}', HistoryDecodeErrorCode.NotHistory],
    ['another version', '{"version":2,"history":{}}', HistoryDecodeErrorCode.UnknownVersion],
    [
      'a list where recommendations go',
      '{"version":1,"history":{"recommendations":{},"scaleUpEvents":[],"scaleDownEvents":[]}}',
      HistoryDecodeErrorCode.InvalidField,
    ],
    [
      'a negative count',
      '{"version":1,"history":{"recommendations":[{"replicas":-1,"time":1}],"scaleUpEvents":[],"scaleDownEvents":[]}}',
      HistoryDecodeErrorCode.InvalidField,
    ],
    [
      'a time as text',
      '{"version":1,"history":{"recommendations":[{"replicas":1,"time":"now"}],"scaleUpEvents":[],"scaleDownEvents":[]}}',
      HistoryDecodeErrorCode.InvalidField,
    ],
    [
      'an event without outdated',
      '{"version":1,"history":{"recommendations":null,"scaleUpEvents":[{"replicaChange":1,"time":1}],"scaleDownEvents":[]}}',
      HistoryDecodeErrorCode.InvalidField,
    ],
    ['missing events', '{"version":1,"history":{"recommendations":null}}', HistoryDecodeErrorCode.InvalidField],
  ];
  it.each(cases)('reports %s with its code', (_what, text, code) => {
    const r = decodeHistory(text, opts);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe(code);
  });

  it('names the offending field', () => {
    const r = decodeHistory(
      '{"version":1,"history":{"recommendations":[{"replicas":1,"time":1},{"replicas":1.5,"time":1}],"scaleUpEvents":[],"scaleDownEvents":[]}}',
      opts,
    );
    expect(r.ok ? undefined : r.error.field).toBe('history.recommendations[1]');
  });

  it('refuses the history of another HPA of the same name (a recreated one)', () => {
    const r = decodeHistory(encodeHistory(history(), { ...opts, uid: 'old' }), { ...opts, uid: 'new' });
    expect(r.ok ? undefined : r.error.code).toBe(HistoryDecodeErrorCode.ForeignUid);
  });

  it('drops entries in the future and beyond the bounds, and counts them', () => {
    const text = JSON.stringify({
      version: 1,
      history: {
        recommendations: [
          { replicas: 50, time: NOW + 60_000 },
          { replicas: 40, time: NOW - 3_600_000 },
          { replicas: 4, time: NOW - 1_000 },
        ],
        scaleUpEvents: [{ replicaChange: 9, time: NOW + 1, outdated: false }],
        scaleDownEvents: [{ replicaChange: 9, time: NOW - 3_600_000, outdated: false }],
      },
    });
    const r = decodeHistory(text, opts);
    expect(r.ok && r.value).toEqual({
      history: { recommendations: [{ replicas: 4, time: NOW - 1_000 }], scaleUpEvents: [], scaleDownEvents: [] },
      dropped: 4,
    });
  });

  it('drops fields it does not know: nothing unknown is read blindly', () => {
    const text = JSON.stringify({ version: 1, history: { ...history(), injected: { a: 1 }, list: [1], count: 3 } });
    expect(Object.keys(decoded(text)).sort()).toEqual(['recommendations', 'scaleDownEvents', 'scaleUpEvents']);
  });

  it('never throws, whatever the text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
        const r = decodeHistory(text, opts);
        return typeof r.ok === 'boolean';
      }),
    );
  });
});

const arbBounds = fc.record({
  recommendationWindowSeconds: fc.integer({ min: 0, max: 600 }),
  scaleUpPeriodSeconds: fc.integer({ min: 0, max: 600 }),
  scaleDownPeriodSeconds: fc.integer({ min: 0, max: 600 }),
});
// whole seconds, like the windows, so entries land exactly on cutoffs too
const arbTime = fc.integer({ min: 0, max: 900 }).map((s) => NOW - s * 1000);
const arbEvents = fc.array(
  fc.record({ replicaChange: fc.integer({ min: 0, max: 20 }), time: arbTime, outdated: fc.boolean() }),
  { maxLength: 12 },
);
const arbHistory: fc.Arbitrary<HpaHistory> = fc.record({
  recommendations: fc.option(
    fc.array(fc.record({ replicas: fc.integer({ min: 0, max: 30 }), time: arbTime }), { maxLength: 30 }),
    { nil: null },
  ),
  scaleUpEvents: arbEvents,
  scaleDownEvents: arbEvents,
});

describe('decode(encode(h)) keeps every entry the decision reads', () => {
  it('gives the same stabilization, at encode time or later, for every window inside the bounds', () => {
    fc.assert(
      fc.property(
        arbHistory,
        arbBounds,
        fc.integer({ min: 0, max: 600 }),
        fc.integer({ min: 0, max: 600 }),
        fc.integer({ min: 0, max: 120 }).map((s) => s * 1000),
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 0, max: 30 }),
        (h, bounds, a, b, later, current, desired) => {
          const back = decoded(encodeHistory(h, { bounds, now: NOW }), { bounds, now: NOW });
          const upWindow = Math.min(a, bounds.recommendationWindowSeconds);
          const downWindow = Math.min(b, bounds.recommendationWindowSeconds);
          const at = NOW + later;
          const before = h.recommendations ?? [];
          const after = back.recommendations ?? [];
          expect(back.recommendations === null).toBe(h.recommendations === null);
          const args = {
            currentReplicas: current,
            desiredReplicas: desired,
            scaleUpWindowSeconds: upWindow,
            scaleDownWindowSeconds: downWindow,
            now: at,
          };
          const x = stabilizeRecommendationWithBehaviors({ ...args, recommendations: before });
          const y = stabilizeRecommendationWithBehaviors({ ...args, recommendations: after });
          expect([y.replicas, y.upRecommendation, y.downRecommendation]).toEqual([
            x.replicas,
            x.upRecommendation,
            x.downRecommendation,
          ]);
          const legacy = { desiredReplicas: desired, windowSeconds: downWindow, now: at };
          expect(stabilizeRecommendation({ ...legacy, recommendations: after }).replicas).toBe(
            stabilizeRecommendation({ ...legacy, recommendations: before }).replicas,
          );
        },
      ),
    );
  });

  it('gives the same replicas changed per period for every period inside the bounds', () => {
    fc.assert(
      fc.property(
        arbHistory,
        arbBounds,
        fc.integer({ min: 0, max: 600 }),
        fc.integer({ min: 0, max: 120_000 }),
        (h, bounds, p, later) => {
          const back = decoded(encodeHistory(h, { bounds, now: NOW }), { bounds, now: NOW });
          const at = NOW + later;
          const up = Math.min(p, bounds.scaleUpPeriodSeconds);
          const down = Math.min(p, bounds.scaleDownPeriodSeconds);
          expect(replicasChangePerPeriod(up, back.scaleUpEvents, at)).toBe(
            replicasChangePerPeriod(up, h.scaleUpEvents, at),
          );
          expect(replicasChangePerPeriod(down, back.scaleDownEvents, at)).toBe(
            replicasChangePerPeriod(down, h.scaleDownEvents, at),
          );
        },
      ),
    );
  });
});
