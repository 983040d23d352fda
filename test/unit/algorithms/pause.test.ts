/**
 * hpa-ts.io/paused and hpa-ts.io/paused-replicas in the pure decision (annotated-decision.ts):
 * upstream's decision is made whole, then only its scale write is replaced.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  NO_HPA_ANNOTATIONS,
  decide,
  findCondition,
  parseHpaAnnotations,
  type DecideInput,
} from '../../../algorithms/index.js';
import { arbBehavior, podsOf } from './arbitraries.js';
import { cpuFetch, cpuUtilization, decideInput, makeHpa } from './fixtures.js';

/** One random reconcile on CPU: bounds, current count (0 included), usage per pod, behavior. */
const arbReconcile = fc
  .record({
    min: fc.integer({ min: 0, max: 10 }),
    extra: fc.integer({ min: 0, max: 30 }),
    current: fc.integer({ min: 0, max: 40 }),
    usage: fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 1, maxLength: 40 }),
    target: fc.integer({ min: 1, max: 100 }),
    behavior: arbBehavior,
  })
  .map(({ min, extra, current, usage, target, behavior }) => {
    const max = Math.max(1, min + extra);
    const pods = podsOf(Math.max(1, current));
    const hpa = makeHpa([cpuUtilization(target)], { min, max, behavior, currentReplicas: current });
    return decideInput(hpa, pods, [cpuFetch(pods, (i) => usage[i % usage.length] ?? 0)], current);
  });

function annotated(input: DecideInput, annotations: Record<string, string>): DecideInput {
  return { ...input, annotations: parseHpaAnnotations(annotations) };
}

/** The decision as plain data (accessors included), for deep comparison. */
function plain(input: DecideInput): unknown {
  const d = decide(input);
  return { ...d, explanation: d.explanation, reason: d.reason, statusChanged: d.statusChanged };
}

describe('without hpa-ts annotations', () => {
  it('decides exactly as upstream, with or without the parsed (empty) annotations', () => {
    fc.assert(
      fc.property(arbReconcile, (input) => {
        const { annotations: _none, ...upstream } = { ...input, annotations: undefined };
        expect(plain({ ...input, annotations: NO_HPA_ANNOTATIONS })).toEqual(plain(upstream));
        expect(plain(annotated(input, { unrelated: 'x' }))).toEqual(plain(upstream));
      }),
      { numRuns: 300 },
    );
  });
});

describe('hpa-ts.io/paused', () => {
  it('never plans a scale write, over random metrics, bounds and behaviors', () => {
    fc.assert(
      fc.property(arbReconcile, (input) => {
        const d = decide(annotated(input, { 'hpa-ts.io/paused': 'true' }));
        expect(d.rescale).toBeNull();
        expect(d.annotations?.pause?.annotation).toBe('hpa-ts.io/paused');
      }),
      { numRuns: 500 },
    );
  });

  it('keeps the recommendation history and currentMetrics upstream would keep, and says what it would do', () => {
    fc.assert(
      fc.property(arbReconcile, (input) => {
        const upstream = decide(input);
        const d = decide(annotated(input, { 'hpa-ts.io/paused': 'true' }));
        expect(d.history).toEqual(upstream.history);
        expect(d.status.currentMetrics).toEqual(upstream.status.currentMetrics);
        expect(d.annotations?.pause?.wouldScaleTo).toBe(upstream.rescale?.to ?? null);
        expect(d.status.desiredReplicas).toBe(d.currentReplicas);
        expect(findCondition(d.status.conditions, 'Paused')).toMatchObject({
          status: 'True',
          reason: 'PausedByAnnotation',
        });
      }),
      { numRuns: 300 },
    );
  });

  it('is explained: explain says the HPA is paused and what upstream would have done', () => {
    const pods = podsOf(2);
    const hpa = makeHpa([cpuUtilization(50)], { min: 1, max: 10, currentReplicas: 2 });
    const input = decideInput(hpa, pods, [cpuFetch(pods, () => 1000)], 2);
    const d = decide(annotated(input, { 'hpa-ts.io/paused': 'true' }));
    expect(d.explanation.at(-1)).toBe(
      'the HPA is paused by hpa-ts.io/paused=true: upstream would scale from 2 to 4, but nothing is written to the scale (held at 2)',
    );
    expect(d.reason).toBe('paused by hpa-ts.io/paused: keep 2 replicas (unpaused it would scale to 4)');
  });

  it('"false" is no pause, and an invalid value is ignored with AnnotationsValid=False and a Warning', () => {
    const pods = podsOf(2);
    const hpa = makeHpa([cpuUtilization(50)], { min: 1, max: 10, currentReplicas: 2 });
    const input = decideInput(hpa, pods, [cpuFetch(pods, () => 1000)], 2);
    expect(decide(annotated(input, { 'hpa-ts.io/paused': 'false' })).rescale?.to).toBe(4);
    const d = decide(annotated(input, { 'hpa-ts.io/paused': 'yes' }));
    expect(d.rescale?.to).toBe(4);
    expect(findCondition(d.status.conditions, 'AnnotationsValid')).toMatchObject({
      status: 'False',
      reason: 'InvalidAnnotation',
      message: 'hpa-ts.io/paused: "yes" is not a boolean (expected true, false, 1 or 0); ignored',
    });
    expect(d.events.at(-1)).toEqual({
      type: 'Warning',
      reason: 'InvalidAnnotation',
      message: 'hpa-ts.io/paused: "yes" is not a boolean (expected true, false, 1 or 0); ignored',
    });
    expect(d.explanation).toContain(
      'invalid annotation, ignored: hpa-ts.io/paused: "yes" is not a boolean (expected true, false, 1 or 0); ignored',
    );
  });

  it('removes the Paused condition left by an earlier pause once the annotation is gone', () => {
    const pods = podsOf(2);
    const hpa = makeHpa([cpuUtilization(50)], { min: 1, max: 10, currentReplicas: 2 });
    const input = decideInput(hpa, pods, [cpuFetch(pods, () => 500)], 2);
    const paused = decide(annotated(input, { 'hpa-ts.io/paused': 'true' }));
    const next = { ...input, hpa: { ...hpa, status: paused.status }, annotations: NO_HPA_ANNOTATIONS };
    expect(findCondition(decide(next).status.conditions, 'Paused')).toBeUndefined();
  });
});

describe('hpa-ts.io/paused-replicas', () => {
  it('writes only the asked count clamped to [minReplicas, maxReplicas], and nothing once there', () => {
    fc.assert(
      fc.property(arbReconcile, fc.integer({ min: 0, max: 60 }), (input, n) => {
        const d = decide(annotated(input, { 'hpa-ts.io/paused-replicas': String(n) }));
        const min = input.hpa.spec.minReplicas ?? 1;
        const held = Math.min(input.hpa.spec.maxReplicas, Math.max(min, n));
        const current = input.scale.ok ? (input.scale.value.spec.replicas ?? 0) : -1;
        if (current === held) expect(d.rescale).toBeNull();
        else expect(d.rescale).toMatchObject({ from: current, to: held, reason: `hpa-ts.io/paused-replicas is ${n}` });
        expect(d.annotations?.pause?.holdAt).toBe(held);
      }),
      { numRuns: 500 },
    );
  });

  it('is read before hpa-ts.io/paused and explained as one write then a hold', () => {
    const pods = podsOf(5);
    const hpa = makeHpa([cpuUtilization(50)], { min: 2, max: 10, currentReplicas: 5 });
    const input = decideInput(hpa, pods, [cpuFetch(pods, () => 50)], 5);
    const d = decide(annotated(input, { 'hpa-ts.io/paused': 'true', 'hpa-ts.io/paused-replicas': '1' }));
    expect(d.rescale).toMatchObject({ from: 5, to: 2 });
    expect(d.explanation.at(-1)).toBe(
      // upstream would hold 5: the first recommendation (5) is inside the scale-down window
      'the HPA is paused by hpa-ts.io/paused-replicas=1: upstream would not rescale, but the scale is set to 2 once (1 clamped to [2, 10]), then held',
    );
  });

  it('plans no write when the scale cannot be read', () => {
    const hpa = makeHpa([cpuUtilization(50)], { min: 1, max: 10, currentReplicas: 5 });
    const input: DecideInput = {
      ...decideInput(hpa, [], [], 5),
      scale: { ok: false, error: { stage: 'get', message: 'not found' } },
      annotations: parseHpaAnnotations({ 'hpa-ts.io/paused-replicas': '3' }),
    };
    const d = decide(input);
    expect(d.rescale).toBeNull();
    expect(findCondition(d.status.conditions, 'Paused')?.message).toBe(
      'hpa-ts.io/paused-replicas is "3": the scale is not known; unpaused it would not rescale',
    );
  });
});
