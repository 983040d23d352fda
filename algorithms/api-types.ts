/**
 * autoscaling/v2 as it travels in JSON, spelled as in the Kubernetes API. Quantities are their
 * canonical (or user-written) strings here; the maths parses them with `Quantity`.
 * Everything is readonly: the algorithms never mutate their inputs.
 */

export type QuantityString = string;

export interface ObjectMeta {
  readonly name: string;
  readonly namespace?: string;
  readonly uid?: string;
  readonly resourceVersion?: string;
  readonly generation?: number;
  readonly creationTimestamp?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | string;
  readonly values?: readonly string[] | null;
}

export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>> | null;
  readonly matchExpressions?: readonly LabelSelectorRequirement[] | null;
}

export interface CrossVersionObjectReference {
  readonly kind: string;
  readonly name: string;
  readonly apiVersion?: string;
}

export const MetricTargetType = { Utilization: 'Utilization', Value: 'Value', AverageValue: 'AverageValue' } as const;
export type MetricTargetType = (typeof MetricTargetType)[keyof typeof MetricTargetType];

export interface MetricTarget {
  readonly type?: MetricTargetType | string;
  readonly value?: QuantityString | null;
  readonly averageValue?: QuantityString | null;
  readonly averageUtilization?: number | null;
}

export interface MetricIdentifier {
  readonly name: string;
  readonly selector?: LabelSelector | null;
}

export interface ResourceMetricSource {
  readonly name: string;
  readonly target: MetricTarget;
}

export interface ContainerResourceMetricSource {
  readonly name: string;
  readonly container: string;
  readonly target: MetricTarget;
}

export interface PodsMetricSource {
  readonly metric: MetricIdentifier;
  readonly target: MetricTarget;
}

export interface ObjectMetricSource {
  readonly describedObject: CrossVersionObjectReference;
  readonly metric: MetricIdentifier;
  readonly target: MetricTarget;
}

export interface ExternalMetricSource {
  readonly metric: MetricIdentifier;
  readonly target: MetricTarget;
}

export const MetricSourceType = {
  Resource: 'Resource',
  ContainerResource: 'ContainerResource',
  Pods: 'Pods',
  Object: 'Object',
  External: 'External',
} as const;
export type MetricSourceType = (typeof MetricSourceType)[keyof typeof MetricSourceType];

/**
 * One entry of spec.metrics. The API server only admits the five known types, but the controller
 * must survive anything (upstream tests feed "CheddarCheese"), so unknown types are representable.
 */
export type MetricSpec =
  | { readonly type: 'Resource'; readonly resource: ResourceMetricSource }
  | { readonly type: 'ContainerResource'; readonly containerResource: ContainerResourceMetricSource }
  | { readonly type: 'Pods'; readonly pods: PodsMetricSource }
  | { readonly type: 'Object'; readonly object: ObjectMetricSource }
  | { readonly type: 'External'; readonly external: ExternalMetricSource }
  | UnknownMetricSpec;

export interface UnknownMetricSpec {
  readonly type: string;
  readonly resource?: undefined;
  readonly containerResource?: undefined;
  readonly pods?: undefined;
  readonly object?: undefined;
  readonly external?: undefined;
}

export const ScalingPolicyType = { Pods: 'Pods', Percent: 'Percent' } as const;
export type ScalingPolicyType = (typeof ScalingPolicyType)[keyof typeof ScalingPolicyType];

export interface HPAScalingPolicy {
  readonly type: ScalingPolicyType;
  readonly value: number;
  readonly periodSeconds: number;
}

export const SelectPolicy = { Max: 'Max', Min: 'Min', Disabled: 'Disabled' } as const;
export type SelectPolicy = (typeof SelectPolicy)[keyof typeof SelectPolicy];

export interface HPAScalingRules {
  readonly stabilizationWindowSeconds?: number | null;
  readonly selectPolicy?: SelectPolicy | null;
  readonly policies?: readonly HPAScalingPolicy[] | null;
  readonly tolerance?: QuantityString | null;
}

export interface HorizontalPodAutoscalerBehavior {
  readonly scaleUp?: HPAScalingRules | null;
  readonly scaleDown?: HPAScalingRules | null;
}

export interface HorizontalPodAutoscalerSpec {
  readonly scaleTargetRef: CrossVersionObjectReference;
  readonly minReplicas?: number | null;
  readonly maxReplicas: number;
  readonly metrics?: readonly MetricSpec[] | null;
  readonly behavior?: HorizontalPodAutoscalerBehavior | null;
}

export interface MetricValueStatus {
  readonly value?: QuantityString;
  readonly averageValue?: QuantityString;
  readonly averageUtilization?: number;
}

export interface ResourceMetricStatus {
  readonly name: string;
  readonly current: MetricValueStatus;
}

export interface ContainerResourceMetricStatus {
  readonly name: string;
  readonly container: string;
  readonly current: MetricValueStatus;
}

export interface PodsMetricStatus {
  readonly metric: MetricIdentifier;
  readonly current: MetricValueStatus;
}

export interface ObjectMetricStatus {
  readonly metric: MetricIdentifier;
  readonly current: MetricValueStatus;
  readonly describedObject: CrossVersionObjectReference;
}

export interface ExternalMetricStatus {
  readonly metric: MetricIdentifier;
  readonly current: MetricValueStatus;
}

/** A status entry. A failed metric leaves `{type: ""}` (kubectl shows `<unknown>`), as upstream does. */
export interface MetricStatus {
  readonly type: MetricSourceType | '';
  readonly resource?: ResourceMetricStatus;
  readonly containerResource?: ContainerResourceMetricStatus;
  readonly pods?: PodsMetricStatus;
  readonly object?: ObjectMetricStatus;
  readonly external?: ExternalMetricStatus;
}

export const ConditionType = {
  AbleToScale: 'AbleToScale',
  ScalingActive: 'ScalingActive',
  ScalingLimited: 'ScalingLimited',
  ScaledToZero: 'ScaledToZero',
} as const;
export type ConditionType = (typeof ConditionType)[keyof typeof ConditionType];

export type ConditionStatus = 'True' | 'False' | 'Unknown';

export interface HorizontalPodAutoscalerCondition {
  readonly type: ConditionType | string;
  readonly status: ConditionStatus | string;
  readonly lastTransitionTime?: string | null;
  readonly reason?: string;
  readonly message?: string;
}

export interface HorizontalPodAutoscalerStatus {
  readonly observedGeneration?: number | null;
  readonly lastScaleTime?: string | null;
  readonly currentReplicas?: number;
  readonly desiredReplicas: number;
  readonly currentMetrics?: readonly MetricStatus[] | null;
  readonly conditions?: readonly HorizontalPodAutoscalerCondition[] | null;
}

export interface HorizontalPodAutoscaler {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata: ObjectMeta;
  readonly spec: HorizontalPodAutoscalerSpec;
  readonly status?: HorizontalPodAutoscalerStatus | null;
}

/** autoscaling/v1 Scale, the subresource every scalable kind serves. */
export interface Scale {
  readonly metadata: ObjectMeta;
  readonly spec: { readonly replicas?: number };
  readonly status: { readonly replicas: number; readonly selector?: string };
}
