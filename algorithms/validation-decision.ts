/**
 * The decision for an HPA the API server should have rejected (spec §8.2): an
 * autoscaling.hpa-ts.io HPA stored by a server without its CRD's CEL rules (older servers, the
 * simulator), or any object that skipped validation. The controller validates every HPA as the
 * API server does (validation.ts, the one implementation) and, for an invalid one, reads and
 * writes nothing but this condition and event: never a scale, which an invalid spec such as
 * minReplicas 5 > maxReplicas 2 would flip every sync.
 */
import type { HorizontalPodAutoscaler } from './api-types.js';
import { setReconcileCondition, stoppedEarly, type Reconcile } from './decision-build.js';
import type { Decision } from './decision.js';
import type { ReconcileError } from './reconcile-errors.js';
import { defaultHorizontalPodAutoscaler, validateHorizontalPodAutoscaler, type FieldError } from './validation.js';

/** The reason of the condition and the Warning event of an invalid HPA. */
export const INVALID_SPEC_REASON = 'InvalidSpec';

/**
 * The API server's checks on `hpa` as stored: defaulted, then validated, as a create would be.
 * Lenient where the server's gates decide (minReplicas 0, per-HPA tolerance): whatever a server
 * with them on accepts passes, so a valid built-in HPA never fails here.
 */
export function specErrorsOf(hpa: HorizontalPodAutoscaler): readonly FieldError[] {
  return validateHorizontalPodAutoscaler(defaultHorizontalPodAutoscaler(hpa), {
    scaleToZero: true,
    configurableTolerance: true,
  });
}

/** Field errors as the API server joins them (apimachinery's aggregate): `f: m`, or `[f1: m1, f2: m2]`. */
export function formatFieldErrors(errors: readonly FieldError[]): string {
  const each = errors.map((e) => `${e.field}: ${e.message}`);
  return each.length === 1 ? each[0] : `[${each.join(', ')}]`;
}

/** ScalingActive=False InvalidSpec and a Warning event naming each field and what it must be; nothing else changes. */
export function invalidSpec(r: Reconcile, errors: readonly FieldError[]): Decision {
  const cause = formatFieldErrors(errors);
  const message = `the HPA spec is invalid, so it is not acted on: ${cause}`;
  r.events.push({ type: 'Warning', reason: INVALID_SPEC_REASON, message });
  setReconcileCondition(r, { type: 'ScalingActive', status: 'False', reason: INVALID_SPEC_REASON, message });
  const error: ReconcileError = { code: 'InvalidSpec', message, cause, spec: true };
  return stoppedEarly(r, 'invalidSpec', error);
}
