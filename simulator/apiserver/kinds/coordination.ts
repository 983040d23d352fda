/** coordination.k8s.io/v1 Lease: what leader election reads and renews. */
import { fieldErr, type FieldError } from '../errors.js';
import { asNumber, asObject } from '../json.js';
import type { ResourceType } from '../registry.js';
import { leasePrinter } from '../printers/core.js';
import { defineKind } from './common.js';

export const leases: ResourceType = defineKind({
  group: 'coordination.k8s.io',
  resource: 'leases',
  kind: 'Lease',
  printer: leasePrinter,
  hooks: {
    validate(obj) {
      const spec = asObject(obj.spec) ?? {};
      const errs: FieldError[] = [];
      for (const f of ['leaseDurationSeconds', 'leaseTransitions'] as const) {
        const v = spec[f];
        if (v === undefined || v === null) continue;
        const n = asNumber(v);
        const min = f === 'leaseDurationSeconds' ? 1 : 0;
        if (n === undefined || n < min) {
          errs.push(
            fieldErr.invalid(
              `spec.${f}`,
              v,
              min === 1 ? 'must be greater than 0' : 'must be greater than or equal to 0',
            ),
          );
        }
      }
      return errs;
    },
  },
});
