/**
 * autoscaling/v2beta1 HorizontalPodAutoscaler metric shapes (`targetAverageValue`, `metricName`,
 * …) ⇄ autoscaling/v2 (upstream pkg/apis/autoscaling/v2beta1/conversion.go). Also the spelling the
 * autoscaling/v1 annotations carry.
 */
import { asObject, cloneJson } from '../json.js';
import type { MutableObject, VersionConversion } from '../registry.js';
import type { KubeObject } from '../types.js';

type Obj = Record<string, unknown>;

function defined(o: Obj): Obj {
  for (const k of Object.keys(o)) if (o[k] === undefined || o[k] === null) delete o[k];
  return o;
}

/** A CrossVersionObjectReference in v2beta1's field order (kind, name, apiVersion), as Go encodes it. */
function goReference(ref: unknown): Obj | undefined {
  const r = asObject(ref);
  if (r === undefined) return undefined;
  return defined({
    kind: r.kind ?? '',
    name: r.name ?? '',
    apiVersion: r.apiVersion === '' ? undefined : r.apiVersion,
  });
}

function metricIdentifier(name: unknown, selector: unknown): Obj {
  return defined({ name, selector });
}

/** A v2beta1 MetricSpec → v2. */
export function metricSpecFromV2beta1(m: unknown): Obj {
  const o = asObject(m) ?? {};
  switch (o.type) {
    case 'Resource':
    case 'ContainerResource': {
      const key = o.type === 'Resource' ? 'resource' : 'containerResource';
      const r = asObject(o[key]) ?? {};
      const target =
        r.targetAverageUtilization !== undefined && r.targetAverageUtilization !== null
          ? { type: 'Utilization', averageUtilization: r.targetAverageUtilization }
          : defined({ type: 'AverageValue', averageValue: r.targetAverageValue });
      return { type: o.type, [key]: defined({ name: r.name, container: r.container, target }) };
    }
    case 'Pods': {
      const p = asObject(o.pods) ?? {};
      return {
        type: 'Pods',
        pods: {
          metric: metricIdentifier(p.metricName, p.selector),
          target: defined({ type: 'AverageValue', averageValue: p.targetAverageValue }),
        },
      };
    }
    case 'Object': {
      const ob = asObject(o.object) ?? {};
      const avg = ob.averageValue !== undefined && ob.averageValue !== null;
      return {
        type: 'Object',
        object: {
          describedObject: ob.target,
          metric: metricIdentifier(ob.metricName, ob.selector),
          target: defined({
            type: avg ? 'AverageValue' : 'Value',
            value: ob.targetValue,
            averageValue: ob.averageValue,
          }),
        },
      };
    }
    case 'External': {
      const e = asObject(o.external) ?? {};
      const avg = e.targetAverageValue !== undefined && e.targetAverageValue !== null;
      return {
        type: 'External',
        external: {
          metric: metricIdentifier(e.metricName, e.metricSelector),
          target: defined({
            type: avg ? 'AverageValue' : 'Value',
            value: e.targetValue,
            averageValue: e.targetAverageValue,
          }),
        },
      };
    }
    default:
      return cloneJson(o);
  }
}

/** A v2 MetricSpec → v2beta1. */
export function metricSpecToV2beta1(m: unknown): Obj {
  const o = asObject(m) ?? {};
  switch (o.type) {
    case 'Resource':
    case 'ContainerResource': {
      const key = o.type === 'Resource' ? 'resource' : 'containerResource';
      const r = asObject(o[key]) ?? {};
      const t = asObject(r.target) ?? {};
      return {
        type: o.type,
        [key]: defined({
          name: r.name,
          container: r.container,
          targetAverageUtilization: t.averageUtilization,
          targetAverageValue: t.averageValue,
        }),
      };
    }
    case 'Pods': {
      const p = asObject(o.pods) ?? {};
      const id = asObject(p.metric) ?? {};
      return {
        type: 'Pods',
        pods: defined({
          metricName: id.name,
          selector: id.selector,
          targetAverageValue: asObject(p.target)?.averageValue,
        }),
      };
    }
    case 'Object': {
      const ob = asObject(o.object) ?? {};
      const id = asObject(ob.metric) ?? {};
      const t = asObject(ob.target) ?? {};
      return {
        type: 'Object',
        object: defined({
          target: goReference(ob.describedObject),
          metricName: id.name,
          selector: id.selector,
          targetValue: t.value ?? '0',
          averageValue: t.averageValue,
        }),
      };
    }
    case 'External': {
      const e = asObject(o.external) ?? {};
      const id = asObject(e.metric) ?? {};
      const t = asObject(e.target) ?? {};
      return {
        type: 'External',
        external: defined({
          metricName: id.name,
          metricSelector: id.selector,
          targetValue: t.value,
          targetAverageValue: t.averageValue,
        }),
      };
    }
    default:
      return cloneJson(o);
  }
}

/** A v2beta1 MetricStatus → v2. */
export function metricStatusFromV2beta1(m: unknown): Obj {
  const o = asObject(m) ?? {};
  switch (o.type) {
    case 'Resource':
    case 'ContainerResource': {
      const key = o.type === 'Resource' ? 'resource' : 'containerResource';
      const r = asObject(o[key]) ?? {};
      return {
        type: o.type,
        [key]: defined({
          name: r.name,
          container: r.container,
          current: defined({ averageUtilization: r.currentAverageUtilization, averageValue: r.currentAverageValue }),
        }),
      };
    }
    case 'Pods': {
      const p = asObject(o.pods) ?? {};
      return {
        type: 'Pods',
        pods: {
          metric: metricIdentifier(p.metricName, p.selector),
          current: defined({ averageValue: p.currentAverageValue }),
        },
      };
    }
    case 'Object': {
      const ob = asObject(o.object) ?? {};
      return {
        type: 'Object',
        object: {
          describedObject: ob.target,
          metric: metricIdentifier(ob.metricName, ob.selector),
          current: defined({ value: ob.currentValue, averageValue: ob.averageValue }),
        },
      };
    }
    case 'External': {
      const e = asObject(o.external) ?? {};
      return {
        type: 'External',
        external: {
          metric: metricIdentifier(e.metricName, e.metricSelector),
          current: defined({ value: e.currentValue, averageValue: e.currentAverageValue }),
        },
      };
    }
    default:
      return cloneJson(o);
  }
}

/** A v2 MetricStatus → v2beta1. */
export function metricStatusToV2beta1(m: unknown): Obj {
  const o = asObject(m) ?? {};
  switch (o.type) {
    case 'Resource':
    case 'ContainerResource': {
      const key = o.type === 'Resource' ? 'resource' : 'containerResource';
      const r = asObject(o[key]) ?? {};
      const c = asObject(r.current) ?? {};
      return {
        type: o.type,
        [key]: defined({
          name: r.name,
          container: r.container,
          currentAverageUtilization: c.averageUtilization,
          currentAverageValue: c.averageValue ?? '0',
        }),
      };
    }
    case 'Pods': {
      const p = asObject(o.pods) ?? {};
      const id = asObject(p.metric) ?? {};
      return {
        type: 'Pods',
        pods: defined({
          metricName: id.name,
          selector: id.selector,
          currentAverageValue: asObject(p.current)?.averageValue ?? '0',
        }),
      };
    }
    case 'Object': {
      const ob = asObject(o.object) ?? {};
      const id = asObject(ob.metric) ?? {};
      const c = asObject(ob.current) ?? {};
      return {
        type: 'Object',
        object: defined({
          target: goReference(ob.describedObject),
          metricName: id.name,
          selector: id.selector,
          currentValue: c.value ?? '0',
          averageValue: c.averageValue,
        }),
      };
    }
    case 'External': {
      const e = asObject(o.external) ?? {};
      const id = asObject(e.metric) ?? {};
      const c = asObject(e.current) ?? {};
      return {
        type: 'External',
        external: defined({
          metricName: id.name,
          metricSelector: id.selector,
          currentValue: c.value ?? '0',
          currentAverageValue: c.averageValue,
        }),
      };
    }
    default:
      return cloneJson(o);
  }
}

export const v2beta1: VersionConversion = {
  toStorage(obj: MutableObject): MutableObject {
    const spec = asObject(obj.spec);
    if (spec !== undefined && Array.isArray(spec.metrics)) spec.metrics = spec.metrics.map(metricSpecFromV2beta1);
    const status = asObject(obj.status);
    if (status !== undefined && Array.isArray(status.currentMetrics))
      status.currentMetrics = status.currentMetrics.map(metricStatusFromV2beta1);
    obj.apiVersion = 'autoscaling/v2';
    return obj;
  },
  fromStorage(obj: KubeObject): KubeObject {
    const out = cloneJson(obj) as MutableObject;
    const spec = asObject(out.spec);
    if (spec !== undefined) {
      if (Array.isArray(spec.metrics)) spec.metrics = spec.metrics.map(metricSpecToV2beta1);
      delete spec.behavior; // v2beta1 has no behavior; upstream keeps it in an annotation we do not emulate
    }
    const status = asObject(out.status);
    if (status !== undefined && Array.isArray(status.currentMetrics))
      status.currentMetrics = status.currentMetrics.map(metricStatusToV2beta1);
    out.apiVersion = 'autoscaling/v2beta1';
    return out as KubeObject;
  },
};
