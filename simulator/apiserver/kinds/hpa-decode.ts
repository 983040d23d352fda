/**
 * What kube-apiserver's JSON decoder refuses in a HorizontalPodAutoscaler before any validation:
 * an integer field holding a fraction, a number beyond its Go type, or no number at all
 * (`maxReplicas: 2.5`, `maxReplicas: 2147483648`). The answer is a 400 whose message names the Go
 * struct and the field path as encoding/json does:
 * `json: cannot unmarshal number 2.5 into Go struct field HorizontalPodAutoscalerSpec.spec.maxReplicas of type int32`.
 */
import { isObject } from '../json.js';

type IntType = 'int32' | 'int64';

/** A Go struct: its integer fields and the structs below it (`list`: a slice of them). */
interface Struct {
  readonly name: string;
  readonly ints?: Readonly<Record<string, IntType>>;
  readonly fields?: Readonly<Record<string, Struct | { readonly list: Struct }>>;
}

const RANGE: Readonly<Record<IntType, readonly [number, number]>> = {
  int32: [-(2 ** 31), 2 ** 31 - 1],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

const target: Struct = { name: 'MetricTarget', ints: { averageUtilization: 'int32' } };
const current: Struct = { name: 'MetricValueStatus', ints: { averageUtilization: 'int32' } };
const source = (name: string, holder: Struct, key: 'target' | 'current'): Struct => ({
  name,
  fields: { [key]: holder },
});

const v2Metric: Struct = {
  name: 'MetricSpec',
  fields: {
    object: source('ObjectMetricSource', target, 'target'),
    pods: source('PodsMetricSource', target, 'target'),
    resource: source('ResourceMetricSource', target, 'target'),
    containerResource: source('ContainerResourceMetricSource', target, 'target'),
    external: source('ExternalMetricSource', target, 'target'),
  },
};
const v2MetricStatus: Struct = {
  name: 'MetricStatus',
  fields: {
    object: source('ObjectMetricStatus', current, 'current'),
    pods: source('PodsMetricStatus', current, 'current'),
    resource: source('ResourceMetricStatus', current, 'current'),
    containerResource: source('ContainerResourceMetricStatus', current, 'current'),
    external: source('ExternalMetricStatus', current, 'current'),
  },
};
const rules: Struct = {
  name: 'HPAScalingRules',
  ints: { stabilizationWindowSeconds: 'int32' },
  fields: { policies: { list: { name: 'HPAScalingPolicy', ints: { value: 'int32', periodSeconds: 'int32' } } } },
};
const statusInts = { observedGeneration: 'int64', currentReplicas: 'int32', desiredReplicas: 'int32' } as const;
const specInts = { minReplicas: 'int32', maxReplicas: 'int32' } as const;

const v2: Struct = {
  name: 'HorizontalPodAutoscaler',
  fields: {
    spec: {
      name: 'HorizontalPodAutoscalerSpec',
      ints: specInts,
      fields: {
        metrics: { list: v2Metric },
        behavior: { name: 'HorizontalPodAutoscalerBehavior', fields: { scaleUp: rules, scaleDown: rules } },
      },
    },
    status: {
      name: 'HorizontalPodAutoscalerStatus',
      ints: statusInts,
      fields: { currentMetrics: { list: v2MetricStatus } },
    },
  },
};

const v1: Struct = {
  name: 'HorizontalPodAutoscaler',
  fields: {
    spec: { name: 'HorizontalPodAutoscalerSpec', ints: { ...specInts, targetCPUUtilizationPercentage: 'int32' } },
    status: {
      name: 'HorizontalPodAutoscalerStatus',
      ints: { ...statusInts, currentCPUUtilizationPercentage: 'int32' },
    },
  },
};

const v2beta1: Struct = {
  name: 'HorizontalPodAutoscaler',
  fields: {
    spec: {
      name: 'HorizontalPodAutoscalerSpec',
      ints: specInts,
      fields: {
        metrics: {
          list: {
            name: 'MetricSpec',
            fields: {
              resource: { name: 'ResourceMetricSource', ints: { targetAverageUtilization: 'int32' } },
              containerResource: { name: 'ContainerResourceMetricSource', ints: { targetAverageUtilization: 'int32' } },
            },
          },
        },
      },
    },
    status: {
      name: 'HorizontalPodAutoscalerStatus',
      ints: statusInts,
      fields: {
        currentMetrics: {
          list: {
            name: 'MetricStatus',
            fields: {
              resource: { name: 'ResourceMetricStatus', ints: { currentAverageUtilization: 'int32' } },
              containerResource: {
                name: 'ContainerResourceMetricStatus',
                ints: { currentAverageUtilization: 'int32' },
              },
            },
          },
        },
      },
    },
  },
};

const BY_VERSION: Readonly<Record<string, Struct>> = { v2, v2beta2: v2, v1, v2beta1 };

/** encoding/json's name for what it found: `number 2.5`, `string`, `bool`, `object`, `array`. */
function found(v: unknown): string {
  if (typeof v === 'number') return `number ${String(v)}`;
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'array';
  return typeof v === 'string' ? 'string' : 'object';
}

function intError(v: unknown, type: IntType): boolean {
  if (v === null || v === undefined) return false;
  if (typeof v !== 'number' || !Number.isInteger(v)) return true;
  const [min, max] = RANGE[type];
  return v < min || v > max;
}

function walk(v: unknown, s: Struct, path: readonly string[]): string | undefined {
  if (!isObject(v)) return undefined;
  for (const [key, value] of Object.entries(v)) {
    const int = s.ints?.[key];
    if (int !== undefined && intError(value, int))
      return `json: cannot unmarshal ${found(value)} into Go struct field ${s.name}.${[...path, key].join('.')} of type ${int}`;
    const child = s.fields?.[key];
    if (child === undefined) continue;
    const items = 'list' in child ? (Array.isArray(value) ? value : []) : [value];
    const struct = 'list' in child ? child.list : child;
    for (const item of items) {
      const e = walk(item, struct, [...path, key]);
      if (e !== undefined) return e;
    }
  }
  return undefined;
}

/** The decoder's error for a HorizontalPodAutoscaler body of API `version`, or undefined when it decodes. */
export function hpaDecodeError(body: Readonly<Record<string, unknown>>, version: string): string | undefined {
  const s = BY_VERSION[version];
  return s === undefined ? undefined : walk(body, s, []);
}
