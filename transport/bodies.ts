import type { HorizontalPodAutoscaler, HorizontalPodAutoscalerStatus, Scale } from '../algorithms/index.js';
import type { EventRecord } from './records.js';

/**
 * Request bodies the adapter sends, built from our plain types. Free of client-node, so the
 * in-process cluster (simulator/in-memory-cluster.ts) builds the very same bodies.
 */

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
