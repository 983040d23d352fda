import { V1MicroTime } from '@kubernetes/client-node';
import {
  parseInstant,
  type HorizontalPodAutoscaler,
  type HorizontalPodAutoscalerStatus,
  type Scale,
} from '../../algorithms/index.js';
import type { EventRecord, LeaseRecord } from '../ports.js';

/** Request bodies the adapter sends, built from our plain types. */

/** autoscaling/v1 Scale for PUT …/scale; metadata.resourceVersion makes it an optimistic update. */
export function scaleBody(scale: Scale, namespace: string): Record<string, unknown> {
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { ...scale.metadata, namespace: scale.metadata.namespace ?? namespace },
    spec: scale.spec,
    status: scale.status,
  };
}

/** The whole HPA with the new status, for PUT …/status (upstream UpdateStatus), at the HPA's resourceVersion. */
export function hpaStatusBody(
  hpa: HorizontalPodAutoscaler,
  status: HorizontalPodAutoscalerStatus,
  typeMeta: { readonly apiVersion: string; readonly kind: string },
): Record<string, unknown> {
  return { ...hpa, apiVersion: hpa.apiVersion ?? typeMeta.apiVersion, kind: hpa.kind ?? typeMeta.kind, status };
}

/** core/v1 Event as client-go's recorder creates it. */
export function eventBody(e: EventRecord): Record<string, unknown> {
  const io = e.involvedObject;
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: e.name, namespace: e.namespace },
    involvedObject: {
      kind: io.kind,
      namespace: io.namespace,
      name: io.name,
      apiVersion: io.apiVersion,
      ...(io.uid === undefined ? {} : { uid: io.uid }),
      ...(io.resourceVersion === undefined ? {} : { resourceVersion: io.resourceVersion }),
    },
    reason: e.reason,
    message: e.message,
    type: e.type,
    source: { component: e.component },
    reportingComponent: e.component,
    reportingInstance: '',
    count: e.count,
    firstTimestamp: e.firstTimestamp,
    lastTimestamp: e.lastTimestamp,
  };
}

/** The strategic-merge patch client-go sends for a repeated event (eventObserve). */
export function eventPatch(e: EventRecord): Record<string, unknown> {
  return { count: e.count, lastTimestamp: e.lastTimestamp, message: e.message };
}

/**
 * Lease times are metav1.MicroTime: six fractional digits on the wire. A plain Date prints
 * three (notes §1.8), so every time is re-printed through client-node's V1MicroTime.
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
