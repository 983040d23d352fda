/**
 * HorizontalPodAutoscaler version conversion around the autoscaling/v2 storage version
 * (upstream pkg/apis/autoscaling/{v1,v2beta1,v2beta2}/conversion.go).
 *
 * - autoscaling/v2beta2 has the v2 schema: only apiVersion changes.
 * - autoscaling/v2beta1 spells metrics differently (`targetAverageValue`, `metricName`, …).
 * - autoscaling/v1 keeps one CPU utilization target; everything v1 cannot express travels in the
 *   `autoscaling.alpha.kubernetes.io/*` annotations (metrics in the v2beta1 spelling, as upstream
 *   writes autoscaling/v1.MetricSpec there), so a v1 read-modify-write round trip loses nothing.
 */
import { asArray, asNumber, asObject, asString, isObject } from '../json.js';
import {
  metricSpecFromV2beta1,
  metricSpecToV2beta1,
  metricStatusFromV2beta1,
  metricStatusToV2beta1,
  v2beta1,
} from './hpa-v2beta1.js';
import type { MutableObject, VersionConversion } from '../registry.js';
import type { KubeObject } from '../types.js';

type Obj = Record<string, unknown>;

const METRICS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/metrics';
const CURRENT_METRICS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/current-metrics';
const CONDITIONS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/conditions';
const BEHAVIOR_ANNOTATION = 'autoscaling.alpha.kubernetes.io/behavior';

function defined(o: Obj): Obj {
  for (const k of Object.keys(o)) if (o[k] === undefined || o[k] === null) delete o[k];
  return o;
}

function withApiVersion(obj: KubeObject, apiVersion: string): KubeObject {
  return { ...obj, apiVersion };
}

const v2beta2: VersionConversion = {
  toStorage(obj) {
    obj.apiVersion = 'autoscaling/v2';
    return obj;
  },
  fromStorage: (obj) => withApiVersion(obj, 'autoscaling/v2beta2'),
};

// ---------------------------------------------------------------------------------------------
// v1

function isCpuUtilization(m: unknown): boolean {
  const o = asObject(m);
  const r = asObject(o?.resource);
  return (
    o?.type === 'Resource' &&
    r?.name === 'cpu' &&
    asObject(r.target)?.type === 'Utilization' &&
    asNumber(asObject(r.target)?.averageUtilization) !== undefined
  );
}

function parseAnnotation(annotations: Obj, key: string): unknown[] | Obj | undefined {
  const text = asString(annotations[key]);
  delete annotations[key];
  if (text === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) || isObject(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Go's encoding of a struct without json tags: exported field names, nil pointers as null. */
function goRules(rules: unknown, release: number): Obj | null {
  const r = asObject(rules);
  if (r === undefined) return null;
  const policies = asArray(r.policies).map((p) => {
    const o = asObject(p) ?? {};
    return { Type: o.type ?? '', Value: o.value ?? 0, PeriodSeconds: o.periodSeconds ?? 0 };
  });
  return {
    StabilizationWindowSeconds: r.stabilizationWindowSeconds ?? null,
    SelectPolicy: r.selectPolicy ?? null,
    Policies: policies.length > 0 ? policies : null,
    // the internal type has had the field since 1.33 (V2)
    ...(release >= 33 ? { Tolerance: r.tolerance ?? null } : {}),
  };
}

/**
 * The autoscaling/v1 view carries spec.behavior in an annotation holding upstream's internal
 * HorizontalPodAutoscalerBehavior as JSON — a type without json tags, so its keys are Go's field
 * names (`{"ScaleUp":{"StabilizationWindowSeconds":0,…}}`), as the real server writes it.
 */
function behaviorAnnotation(behavior: Obj, release: number): string {
  return JSON.stringify({
    ScaleUp: goRules(behavior.scaleUp, release),
    ScaleDown: goRules(behavior.scaleDown, release),
  });
}

/** The annotation read back: Go matches field names without regard to case, so both spellings decode. */
function behaviorFromAnnotation(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(behaviorFromAnnotation);
  if (!isObject(v)) return v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) {
    if (x !== null) out[k.charAt(0).toLowerCase() + k.slice(1)] = behaviorFromAnnotation(x);
  }
  return out;
}

const v1 = (release: number): VersionConversion => ({
  toStorage(obj: MutableObject): MutableObject {
    const meta = obj.metadata;
    const annotations = { ...(asObject(meta.annotations) ?? {}) };
    const spec = asObject(obj.spec) ?? {};
    const metrics: unknown[] = [];
    const other = parseAnnotation(annotations, METRICS_ANNOTATION);
    if (Array.isArray(other)) metrics.push(...other.map(metricSpecFromV2beta1));
    const target = asNumber(spec.targetCPUUtilizationPercentage);
    if (target !== undefined)
      metrics.push({
        type: 'Resource',
        resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: target } },
      });
    const behavior = behaviorFromAnnotation(parseAnnotation(annotations, BEHAVIOR_ANNOTATION));
    const status = asObject(obj.status);
    const currentMetrics: unknown[] = [];
    const otherCurrent = parseAnnotation(annotations, CURRENT_METRICS_ANNOTATION);
    if (Array.isArray(otherCurrent)) currentMetrics.push(...otherCurrent.map(metricStatusFromV2beta1));
    const current = asNumber(status?.currentCPUUtilizationPercentage);
    if (current !== undefined)
      currentMetrics.push({ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: current } } });
    const conditions = parseAnnotation(annotations, CONDITIONS_ANNOTATION);
    meta.annotations = Object.keys(annotations).length === 0 ? undefined : annotations;
    if (meta.annotations === undefined) delete meta.annotations;
    obj.apiVersion = 'autoscaling/v2';
    obj.spec = defined({
      scaleTargetRef: spec.scaleTargetRef,
      minReplicas: spec.minReplicas,
      maxReplicas: spec.maxReplicas,
      metrics: metrics.length > 0 ? metrics : undefined,
      behavior: isObject(behavior) ? behavior : undefined,
    });
    if (status !== undefined) {
      obj.status = defined({
        observedGeneration: status.observedGeneration,
        lastScaleTime: status.lastScaleTime,
        currentReplicas: status.currentReplicas,
        desiredReplicas: status.desiredReplicas,
        currentMetrics: currentMetrics.length > 0 ? currentMetrics : undefined,
        conditions: Array.isArray(conditions) ? conditions : undefined,
      });
    }
    return obj;
  },
  fromStorage(obj: KubeObject): KubeObject {
    const spec = asObject(obj.spec) ?? {};
    const status = asObject(obj.status);
    const metrics = asArray(spec.metrics);
    const cpu = metrics.find(isCpuUtilization);
    const others = metrics.filter((m) => m !== cpu);
    const annotations: Obj = { ...(obj.metadata.annotations ?? {}) };
    if (others.length > 0) annotations[METRICS_ANNOTATION] = JSON.stringify(others.map(metricSpecToV2beta1));
    if (isObject(spec.behavior)) annotations[BEHAVIOR_ANNOTATION] = behaviorAnnotation(spec.behavior, release);
    const v1Spec = defined({
      scaleTargetRef: spec.scaleTargetRef,
      minReplicas: spec.minReplicas,
      maxReplicas: spec.maxReplicas,
      targetCPUUtilizationPercentage: asObject(asObject(asObject(cpu)?.resource)?.target)?.averageUtilization,
    });
    let v1Status: Obj | undefined;
    if (status !== undefined) {
      const current = asArray(status.currentMetrics);
      const cpuCurrent = current.find(
        (m) => asObject(m)?.type === 'Resource' && asObject(asObject(m)?.resource)?.name === 'cpu',
      );
      const otherCurrent = current.filter((m) => m !== cpuCurrent);
      if (otherCurrent.length > 0)
        annotations[CURRENT_METRICS_ANNOTATION] = JSON.stringify(otherCurrent.map(metricStatusToV2beta1));
      if (asArray(status.conditions).length > 0) annotations[CONDITIONS_ANNOTATION] = JSON.stringify(status.conditions);
      v1Status = defined({
        observedGeneration: status.observedGeneration,
        lastScaleTime: status.lastScaleTime,
        currentReplicas: status.currentReplicas ?? 0,
        desiredReplicas: status.desiredReplicas ?? 0,
        currentCPUUtilizationPercentage: asObject(asObject(asObject(cpuCurrent)?.resource)?.current)
          ?.averageUtilization,
      });
    }
    const metadata =
      Object.keys(annotations).length === 0
        ? obj.metadata
        : { ...obj.metadata, annotations: annotations as Record<string, string> };
    return {
      apiVersion: 'autoscaling/v1',
      kind: 'HorizontalPodAutoscaler',
      metadata,
      spec: v1Spec,
      ...(v1Status === undefined ? {} : { status: v1Status }),
    };
  },
});

/** The conversions of the served versions to and from autoscaling/v2, as release 1.`release` makes them. */
export function hpaConversions(release: number): Readonly<Record<string, VersionConversion>> {
  return { v1: v1(release), v2beta1, v2beta2 };
}
