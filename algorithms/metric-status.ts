import type { LabelSelector, MetricIdentifier, MetricStatus, MetricValueStatus } from './api-types.js';
import { formatLabelSelectorGo } from './labels.js';
import type { Profile } from './profile.js';
import { Quantity } from './quantity.js';

/**
 * The quantity reported in status.currentMetrics for a raw milli-value (upstream buildQuantity,
 * R1.13.2): memory in BinarySI (newer, V10), everything else DecimalSI — both the exact milli
 * value (NewMilliQuantity), so an average that is not a whole number of bytes prints in milli
 * units ("20132659200m"), as kube-controller-manager 1.37 writes it (seen side by side in e2e).
 */
export function buildQuantity(
  resourceName: string,
  rawMilli: bigint,
  memoryFormat: Profile['memoryStatusFormat'],
): Quantity {
  return Quantity.fromMilli(
    rawMilli,
    resourceName === 'memory' && memoryFormat === 'BinarySI' ? 'BinarySI' : 'DecimalSI',
  );
}

export function milliQuantityString(milli: bigint): string {
  return Quantity.fromMilli(milli, 'DecimalSI').toString();
}

function identifier(metric: MetricIdentifier): MetricIdentifier {
  return metric.selector === undefined ? { name: metric.name } : { name: metric.name, selector: metric.selector };
}

export function resourceStatus(
  type: 'Resource' | 'ContainerResource',
  name: string,
  container: string,
  current: MetricValueStatus,
): MetricStatus {
  return type === 'Resource'
    ? { type, resource: { name, current } }
    : { type, containerResource: { name, container, current } };
}

export function podsStatus(metric: MetricIdentifier, averageMilli: bigint): MetricStatus {
  return {
    type: 'Pods',
    pods: { metric: identifier(metric), current: { averageValue: milliQuantityString(averageMilli) } },
  };
}

export function objectStatus(
  metric: MetricIdentifier,
  describedObject: { readonly kind: string; readonly name: string; readonly apiVersion?: string },
  current: MetricValueStatus,
): MetricStatus {
  return { type: 'Object', object: { describedObject, metric: identifier(metric), current } };
}

export function externalStatus(metric: MetricIdentifier, current: MetricValueStatus): MetricStatus {
  return { type: 'External', external: { metric: identifier(metric), current } };
}

/** Descriptions used in ValidMetricFound messages and rescale reasons (R1.13.3). */
export const describe = {
  resourceUtilization: (res: string): string => `${res} resource utilization (percentage of request)`,
  containerResourceUtilization: (res: string): string =>
    `${res} container resource utilization (percentage of request)`,
  resourceValue: (res: string): string => `${res} resource`,
  pods: (name: string): string => `pods metric ${name}`,
  objectValue: (kind: string, name: string): string => `${kind} metric ${name}`,
  /** sic: upstream calls Object AverageValue metrics "external" too */
  external: (name: string, selector: LabelSelector | null | undefined): string =>
    `external metric ${name}(${formatLabelSelectorGo(selector)})`,
};
