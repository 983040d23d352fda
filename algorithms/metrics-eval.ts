import type { HorizontalPodAutoscaler, MetricSpec, MetricStatus, MetricTarget } from './api-types.js';
import type { ConditionUpdate } from './conditions.js';
import { ConditionMessage } from './conditions.js';
import { formatLabelSelectorGo, selectorFromLabelSelector } from './labels.js';
import type { MetricFetch } from './metric-samples.js';
import {
  buildQuantity,
  describe,
  externalStatus,
  milliQuantityString,
  objectStatus,
  podsStatus,
  resourceStatus,
} from './metric-status.js';
import { Quantity } from './quantity.js';
import {
  getExternalMetricReplicas,
  getExternalPerPodMetricReplicas,
  getObjectMetricReplicas,
  getObjectPerPodMetricReplicas,
} from './replica-calc-values.js';
import {
  getMetricReplicas,
  getRawResourceReplicas,
  getResourceReplicas,
  type CalcContext,
  type CalcDetail,
  type CalcOutcome,
} from './replica-calc.js';
import { err, ok, type Result } from './result.js';
import type { Instant } from './time.js';

/** A metric error with upstream's classification (§5.8): spec errors are the user's to fix. */
export interface MetricError {
  readonly message: string;
  readonly spec: boolean;
}

export type MetricEvaluation =
  | {
      readonly ok: true;
      readonly type: string;
      readonly proposal: number;
      readonly description: string;
      readonly timestamp: Instant;
      readonly status: MetricStatus;
      readonly detail: CalcDetail;
      /** the current value as shown by kubectl (e.g. "66m", "90%") and its target */
      readonly current: string;
      readonly target: string;
    }
  | {
      readonly ok: false;
      readonly type: string;
      /** the error returned by computeReplicasForMetric (with its wrapping layers) */
      readonly error: MetricError;
      /** ScalingActive=False condition; the per-metric Warning event carries reason and eventMessage */
      readonly condition: ConditionUpdate;
      readonly eventMessage: string;
      readonly status: MetricStatus;
    };

export interface MetricEvalInput {
  readonly hpa: HorizontalPodAutoscaler;
  readonly spec: MetricSpec;
  readonly fetch: MetricFetch;
  readonly specReplicas: number;
  readonly statusReplicas: number;
  readonly ctx: CalcContext;
}

const EMPTY_STATUS: MetricStatus = { type: '' };

function failure(type: string, reason: string, inner: string, outer: string, spec = false): MetricEvaluation {
  return {
    ok: false,
    type,
    error: { message: outer, spec },
    condition: { type: 'ScalingActive', status: 'False', reason, message: ConditionMessage.UnableToCompute + inner },
    eventMessage: inner,
    status: EMPTY_STATUS,
  };
}

function targetMilli(target: MetricTarget, field: 'value' | 'averageValue'): Result<bigint, string> {
  const text = target[field];
  const q = Quantity.tryParse(text);
  if (!q.ok) return err(`invalid target.${field} ${JSON.stringify(text)}: ${q.error.message}`);
  return ok(q.value.milliValue());
}

function fetchOf<K extends MetricFetch['kind']>(
  fetch: MetricFetch,
  kind: K,
): Extract<MetricFetch, { kind: K }> | undefined {
  return fetch.kind === kind ? (fetch as Extract<MetricFetch, { kind: K }>) : undefined;
}

const notFetched = {
  ok: false as const,
  error: { kind: 'Internal' as const, api: 'custom' as const, path: '', message: 'metric was not fetched' },
};

/** One spec.metrics entry → proposal, status and description, or the failure (computeReplicasForMetric). */
export function evaluateMetric(input: MetricEvalInput): MetricEvaluation {
  const { spec } = input;
  switch (spec.type) {
    case 'Resource':
    case 'ContainerResource':
      return evaluateResource(input);
    case 'Pods':
      return evaluatePods(input);
    case 'Object':
      return evaluateObject(input);
    case 'External':
      return evaluateExternal(input);
    default: {
      const msg = `unknown metric source type ${JSON.stringify(spec.type)}`;
      return failure(spec.type, 'InvalidMetricSourceType', msg, msg, true);
    }
  }
}

function evaluateResource(input: MetricEvalInput): MetricEvaluation {
  const { spec, ctx } = input;
  const type: 'Resource' | 'ContainerResource' = spec.type === 'ContainerResource' ? 'ContainerResource' : 'Resource';
  const isContainer = type === 'ContainerResource';
  const src: { readonly name: string; readonly container?: string; readonly target: MetricTarget } | undefined =
    spec.type === 'ContainerResource' ? spec.containerResource : spec.type === 'Resource' ? spec.resource : undefined;
  const reason = isContainer ? 'FailedGetContainerResourceMetric' : 'FailedGetResourceMetric';
  if (src === undefined) {
    const msg = `invalid metric spec: type ${type} requires field ${isContainer ? 'containerResource' : 'resource'}`;
    return failure(type, reason, msg, msg, true);
  }
  const container = isContainer ? (src.container ?? '') : '';
  const fetch = fetchOf(input.fetch, 'resource')?.result ?? notFetched;
  const wrap = (inner: string): MetricEvaluation =>
    failure(
      type,
      reason,
      inner,
      isContainer
        ? `failed to get ${container} container metric value: ${inner}`
        : `failed to get ${src.name} resource metric value: ${inner}`,
    );
  const target = src.target;
  if (target.averageValue !== null && target.averageValue !== undefined) {
    const t = targetMilli(target, 'averageValue');
    if (!t.ok) return wrap(`failed to get ${src.name} usage: ${t.error}`);
    const r = getRawResourceReplicas(ctx, input.specReplicas, t.value, src.name, container, fetch);
    if (!r.ok) return wrap(`failed to get ${src.name} usage: ${r.error}`);
    const q = buildQuantity(src.name, r.value.rawValue, ctx.profile.memoryStatusFormat).toString();
    return success(
      type,
      r,
      describe.resourceValue(src.name),
      resourceStatus(type, src.name, container, { averageValue: q }),
      q,
      Quantity.parse(target.averageValue).toString(),
    );
  }
  if (target.averageUtilization === null || target.averageUtilization === undefined) {
    return wrap(
      'invalid resource metric source: neither an average utilization target nor an average value (usage) target was set',
    );
  }
  const r = getResourceReplicas(ctx, input.specReplicas, target.averageUtilization, src.name, container, fetch);
  if (!r.ok) return wrap(`failed to get ${src.name} utilization: ${r.error}`);
  const q = buildQuantity(src.name, r.value.rawValue, ctx.profile.memoryStatusFormat).toString();
  const description = isContainer
    ? describe.containerResourceUtilization(src.name)
    : describe.resourceUtilization(src.name);
  const status = resourceStatus(type, src.name, container, {
    averageUtilization: r.value.utilization,
    averageValue: q,
  });
  return success(type, r, description, status, `${r.value.utilization ?? 0}%`, `${target.averageUtilization}%`);
}

function success(
  type: string,
  r: Extract<CalcOutcome, { ok: true }>,
  description: string,
  status: MetricStatus,
  current: string,
  target: string,
): MetricEvaluation {
  return {
    ok: true,
    type,
    proposal: r.value.replicas,
    description,
    timestamp: r.value.timestamp,
    status,
    detail: r.value.detail,
    current,
    target,
  };
}

function evaluatePods(input: MetricEvalInput): MetricEvaluation {
  const { spec, ctx } = input;
  const src = spec.type === 'Pods' ? spec.pods : undefined;
  if (src === undefined)
    return failure(
      'Pods',
      'FailedGetPodsMetric',
      'invalid metric spec: type Pods requires field pods',
      'invalid metric spec: type Pods requires field pods',
      true,
    );
  const wrap = (inner: string): MetricEvaluation =>
    failure('Pods', 'FailedGetPodsMetric', inner, `failed to get pods metric value: ${inner}`);
  const sel = selectorFromLabelSelector(src.metric.selector);
  if (!sel.ok) return wrap(sel.error.message);
  const t = targetMilli(src.target, 'averageValue');
  if (!t.ok) return wrap(t.error);
  const fetch = fetchOf(input.fetch, 'pods')?.result ?? notFetched;
  const r = getMetricReplicas(ctx, input.specReplicas, t.value, src.metric.name, fetch);
  if (!r.ok) return wrap(r.error);
  return success(
    'Pods',
    r,
    describe.pods(src.metric.name),
    podsStatus(src.metric, r.value.rawValue),
    milliQuantityString(r.value.rawValue),
    Quantity.fromMilli(t.value).toString(),
  );
}

function evaluateObject(input: MetricEvalInput): MetricEvaluation {
  const { spec, ctx, hpa } = input;
  const src = spec.type === 'Object' ? spec.object : undefined;
  if (src === undefined)
    return failure(
      'Object',
      'FailedGetObjectMetric',
      'invalid metric spec: type Object requires field object',
      'invalid metric spec: type Object requires field object',
      true,
    );
  const fail = (inner: string, layer = ''): MetricEvaluation =>
    failure('Object', 'FailedGetObjectMetric', inner, `failed to get object metric value: ${layer}${inner}`);
  const sel = selectorFromLabelSelector(src.metric.selector);
  if (!sel.ok) return fail(sel.error.message);
  const fetch = fetchOf(input.fetch, 'object')?.result ?? notFetched;
  const ns = hpa.metadata.namespace ?? '';
  const target = src.target;
  if (target.type === 'Value' && target.value !== null && target.value !== undefined) {
    const t = targetMilli(target, 'value');
    if (!t.ok) return fail(t.error);
    const r = getObjectMetricReplicas(
      ctx,
      input.specReplicas,
      t.value,
      src.metric.name,
      src.describedObject,
      ns,
      fetch,
    );
    if (!r.ok) return fail(r.error);
    const v = milliQuantityString(r.value.rawValue);
    return success(
      'Object',
      r,
      describe.objectValue(src.describedObject.kind, src.metric.name),
      objectStatus(src.metric, src.describedObject, { value: v }),
      v,
      Quantity.fromMilli(t.value).toString(),
    );
  }
  if (target.type === 'AverageValue' && target.averageValue !== null && target.averageValue !== undefined) {
    const t = targetMilli(target, 'averageValue');
    if (!t.ok) return fail(t.error);
    const r = getObjectPerPodMetricReplicas(
      ctx,
      input.statusReplicas,
      t.value,
      src.metric.name,
      src.describedObject,
      ns,
      fetch,
    );
    if (!r.ok) return fail(r.error, `failed to get ${src.metric.name} object metric: `);
    const v = milliQuantityString(r.value.rawValue);
    const described =
      ctx.profile.objectAverageValueDescribedObject === 'copy' ? src.describedObject : { kind: '', name: '' };
    return success(
      'Object',
      r,
      describe.external(src.metric.name, src.metric.selector),
      objectStatus(src.metric, described, { averageValue: v }),
      v,
      `${Quantity.fromMilli(t.value).toString()} (avg)`,
    );
  }
  return fail('invalid object metric source: neither a value target nor an average value target was set');
}

function evaluateExternal(input: MetricEvalInput): MetricEvaluation {
  const { spec, ctx, hpa } = input;
  const src = spec.type === 'External' ? spec.external : undefined;
  if (src === undefined)
    return failure(
      'External',
      'FailedGetExternalMetric',
      'invalid metric spec: type External requires field external',
      'invalid metric spec: type External requires field external',
      true,
    );
  const name = src.metric.name;
  const fail = (inner: string, layer: string): MetricEvaluation =>
    failure(
      'External',
      'FailedGetExternalMetric',
      inner,
      `failed to get ${name} external metric value: ${layer}${inner}`,
    );
  const ns = hpa.metadata.namespace ?? '';
  const sel = selectorFromLabelSelector(src.metric.selector);
  const where = `${ns}/${name}/${formatLabelSelectorGo(src.metric.selector)}`;
  const fetch = fetchOf(input.fetch, 'external')?.result ?? notFetched;
  const description = describe.external(name, src.metric.selector);
  const target = src.target;
  if (target.averageValue !== null && target.averageValue !== undefined) {
    const layer = `failed to get ${name} external metric: `;
    if (!sel.ok) return fail(sel.error.message, layer);
    const t = targetMilli(target, 'averageValue');
    if (!t.ok) return fail(t.error, layer);
    const r = getExternalPerPodMetricReplicas(ctx, input.statusReplicas, t.value, where, fetch);
    if (!r.ok) return fail(r.error, layer);
    const v = milliQuantityString(r.value.rawValue);
    return success(
      'External',
      r,
      description,
      externalStatus(src.metric, { averageValue: v }),
      v,
      `${Quantity.fromMilli(t.value).toString()} (avg)`,
    );
  }
  if (target.value !== null && target.value !== undefined) {
    const layer = `failed to get external metric ${name}: `;
    if (!sel.ok) return fail(sel.error.message, layer);
    const t = targetMilli(target, 'value');
    if (!t.ok) return fail(t.error, layer);
    const r = getExternalMetricReplicas(ctx, input.specReplicas, t.value, where, fetch);
    if (!r.ok) return fail(r.error, layer);
    const v = milliQuantityString(r.value.rawValue);
    return success(
      'External',
      r,
      description,
      externalStatus(src.metric, { value: v }),
      v,
      Quantity.fromMilli(t.value).toString(),
    );
  }
  return fail('invalid external metric source: neither a value target nor an average value target was set', '');
}
