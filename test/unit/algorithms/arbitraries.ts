/**
 * fast-check arbitraries shared by the property tests of decide() and the extensions on top of
 * it (decide.property, unclamped.property, fallback.property, pause): pods, behavior rules and
 * histories, each test choosing the sizes its property needs.
 */
import fc from 'fast-check';
import type {
  HorizontalPodAutoscalerBehavior,
  HPAScalingRules,
  HpaHistory,
  PodSnapshot,
} from '../../../algorithms/index.js';
import { NOW, makePod } from './fixtures.js';

/** `n` running, ready pods (fixtures.makePod). */
export const podsOf = (n: number): PodSnapshot[] => Array.from({ length: n }, (_, i) => makePod(i));

/** One direction's scaling rules: any window, select policy and one to three policies. */
export const arbRules: fc.Arbitrary<HPAScalingRules> = fc.record({
  stabilizationWindowSeconds: fc.integer({ min: 0, max: 600 }),
  selectPolicy: fc.constantFrom('Max' as const, 'Min' as const, 'Disabled' as const),
  policies: fc.array(
    fc.record({
      type: fc.constantFrom('Pods' as const, 'Percent' as const),
      value: fc.integer({ min: 1, max: 300 }),
      periodSeconds: fc.integer({ min: 1, max: 600 }),
    }),
    { minLength: 1, maxLength: 3 },
  ),
});

/** A behavior with both directions, or none (upstream's defaults). */
export const arbBehavior: fc.Arbitrary<HorizontalPodAutoscalerBehavior | null> = fc.option(
  fc.record({ scaleUp: arbRules, scaleDown: arbRules }),
  { nil: null },
);

/** Scale events within the last 15 minutes. */
const arbEvents = (maxLength: number): fc.Arbitrary<HpaHistory['scaleUpEvents']> =>
  fc.array(
    fc.record({
      replicaChange: fc.integer({ min: 1, max: 20 }),
      time: fc.integer({ min: NOW - 900_000, max: NOW }),
      outdated: fc.boolean(),
    }),
    { maxLength },
  );

/**
 * A history of the last 15 minutes: recommendations (or none recorded) up to `maxReplicas`, at
 * most `recommendations` of them, and at most `events` scale events each way.
 */
export const arbHistory = (size: {
  readonly maxReplicas: number;
  readonly recommendations: number;
  readonly events: number;
}): fc.Arbitrary<HpaHistory> =>
  fc.record({
    recommendations: fc.option(
      fc.array(
        fc.record({
          replicas: fc.integer({ min: 0, max: size.maxReplicas }),
          time: fc.integer({ min: NOW - 900_000, max: NOW }),
        }),
        { maxLength: size.recommendations },
      ),
      { nil: null },
    ),
    scaleUpEvents: arbEvents(size.events),
    scaleDownEvents: arbEvents(size.events),
  });
