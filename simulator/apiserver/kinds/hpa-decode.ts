/**
 * What kube-apiserver's JSON decoder refuses in a HorizontalPodAutoscaler before any validation:
 * an integer field holding a fraction, a number beyond its Go type, or no number at all
 * (`maxReplicas: 2.5`, `maxReplicas: 2147483648`). The answer is a 400 whose message names the Go
 * struct and the field path as encoding/json does:
 * `json: cannot unmarshal number 2.5 into Go struct field HorizontalPodAutoscalerSpec.spec.maxReplicas of type int32`.
 */
import { intDecodeError, type Struct } from './int-decode.js';

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

/** The decoder's error for a HorizontalPodAutoscaler body of API `version`, or undefined when it decodes. */
export function hpaDecodeError(body: Readonly<Record<string, unknown>>, version: string): string | undefined {
  const s = BY_VERSION[version];
  return s === undefined ? undefined : intDecodeError(body, s);
}
