/**
 * The /scale subresource: an autoscaling/v1 Scale view of any scalable object (built-in
 * workloads, custom resources with subresources.scale), and writing spec.replicas back.
 */
import { badRequest, fieldErr, invalid } from '../errors.js';
import { intDecodeError, type Struct } from '../kinds/int-decode.js';
import { asNumber, getPath, isObject, setPath } from '../json.js';
import type { MutableObject, ResourceType, ScaleSubresource } from '../registry.js';
import type { KubeObject, ScaleObject } from '../types.js';

export function scaleOf(obj: KubeObject, scale: ScaleSubresource): ScaleObject {
  const m = obj.metadata;
  const specReplicas = asNumber(getPath(obj, scale.specReplicasPath));
  const selector = scale.selector(obj);
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: m.name,
      ...(m.namespace === undefined ? {} : { namespace: m.namespace }),
      uid: m.uid,
      resourceVersion: m.resourceVersion,
      creationTimestamp: m.creationTimestamp,
    },
    spec: specReplicas === undefined ? {} : { replicas: specReplicas },
    status: {
      replicas: asNumber(getPath(obj, scale.statusReplicasPath)) ?? 0,
      ...(selector === undefined || selector === '' ? {} : { selector }),
    },
  };
}

const SCALE: Struct = {
  name: 'Scale',
  fields: {
    spec: { name: 'ScaleSpec', ints: { replicas: 'int32' } },
    status: { name: 'ScaleStatus', ints: { replicas: 'int32' } },
  },
};

/**
 * Decodes a Scale body (autoscaling/v1: an int32 that is not one is the decoder's 400), validates
 * it (ValidateScale) and returns the requested replicas.
 */
export function requestedReplicas(body: unknown, name: string): number {
  const refused = intDecodeError(body, SCALE);
  if (refused !== undefined) throw badRequest(`Scale in version "v1" cannot be handled as a Scale: ${refused}`);
  const spec = isObject(body) && isObject(body.spec) ? body.spec : {};
  const replicas = spec.replicas ?? 0;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw invalid('Scale', 'autoscaling', name, [
      fieldErr.invalid('spec.replicas', replicas, 'must be greater than or equal to 0'),
    ]);
  }
  return replicas;
}

/** The stored object with spec.replicas (or the CRD's specReplicasPath) set. */
export function withReplicas(obj: MutableObject, rt: ResourceType, replicas: number): MutableObject {
  if (rt.scale !== undefined) setPath(obj, rt.scale.specReplicasPath, replicas);
  return obj;
}
