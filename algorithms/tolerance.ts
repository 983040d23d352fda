import type { HorizontalPodAutoscalerBehavior } from './api-types.js';
import type { Profile } from './profile.js';
import { Quantity } from './quantity.js';

/** The no-scale band around ratio 1.0, per direction (upstream Tolerances). */
export interface Tolerances {
  readonly down: number;
  readonly up: number;
  /** how the band is tested (V1) */
  readonly comparison: Profile['toleranceComparison'];
}

/**
 * Per-HPA tolerances (KEP-4951, upstream tolerancesForHpa, R1.1.1): the controller flag, replaced
 * per direction by behavior.scaleUp/scaleDown.tolerance when the gate is on.
 */
export function tolerancesForHpa(
  behavior: HorizontalPodAutoscalerBehavior | null | undefined,
  globalTolerance: number,
  profile: Pick<Profile, 'toleranceComparison' | 'gates'>,
): Tolerances {
  let down = globalTolerance;
  let up = globalTolerance;
  if (profile.gates.HPAConfigurableTolerance && behavior !== null && behavior !== undefined) {
    const d = behavior.scaleDown?.tolerance;
    const u = behavior.scaleUp?.tolerance;
    if (d !== null && d !== undefined) down = Quantity.parse(d).asApproximateFloat64();
    if (u !== null && u !== undefined) up = Quantity.parse(u).asApproximateFloat64();
  }
  return { down, up, comparison: profile.toleranceComparison };
}

/**
 * Whether a usage ratio is close enough to 1.0 to leave replicas alone (R1.1.2). The float
 * expression is upstream's exactly: `1.0 + 0.1` is 1.1, while `|1 − 1.1|` is 0.10000000000000009,
 * so the two versions disagree right on the boundary.
 */
export function isWithinTolerance(ratio: number, t: Tolerances): boolean {
  if (t.comparison === 'absolute') return Math.abs(1.0 - ratio) <= t.down;
  return 1.0 - t.down <= ratio && ratio <= 1.0 + t.up;
}
