import { V1MicroTime } from '@kubernetes/client-node';
import { parseInstant } from '../algorithms/index.js';
import type { LeaseRecord } from './records.js';

/**
 * Lease times are metav1.MicroTime: six fractional digits on the wire. A plain Date prints
 * three (typescript-stack.md §1.8), so every time is re-printed through client-node's V1MicroTime.
 */
export function microTime(text: string | null): string | undefined {
  if (text === null || text === '') return undefined;
  const ms = parseInstant(text);
  return Number.isNaN(ms) ? text : new V1MicroTime(ms).toISOString();
}

/**
 * A Lease for POST/PUT. `previous` is the last Lease object read from the server: its metadata
 * (labels, annotations, owner references) and spec fields this port does not model
 * (preferredHolder, strategy) are kept, as client-go's LeaseLock replaces only the spec fields
 * of the election record.
 */
export function leaseBody(
  namespace: string,
  name: string,
  lease: Omit<LeaseRecord, 'resourceVersion'> & { readonly resourceVersion?: string },
  previous: Readonly<Record<string, unknown>> | undefined,
): Record<string, unknown> {
  const prevMeta = (previous?.metadata ?? {}) as Record<string, unknown>;
  const prevSpec = (previous?.spec ?? {}) as Record<string, unknown>;
  const { managedFields: _m, ...meta } = prevMeta;
  const spec: Record<string, unknown> = {
    ...prevSpec,
    holderIdentity: lease.holderIdentity ?? '',
    leaseDurationSeconds: lease.leaseDurationSeconds,
    leaseTransitions: lease.leaseTransitions,
  };
  const acquireTime = microTime(lease.acquireTime);
  const renewTime = microTime(lease.renewTime);
  if (acquireTime === undefined) delete spec.acquireTime;
  else spec.acquireTime = acquireTime;
  if (renewTime === undefined) delete spec.renewTime;
  else spec.renewTime = renewTime;
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      ...meta,
      name,
      namespace,
      ...(lease.resourceVersion === undefined ? {} : { resourceVersion: lease.resourceVersion }),
    },
    spec,
  };
}
