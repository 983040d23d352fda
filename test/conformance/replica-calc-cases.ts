import {
  Quantity,
  calculatePodRequestsFromContainers,
  calculateRequests,
  corpusProfile,
  getExternalMetricReplicas,
  getExternalPerPodMetricReplicas,
  getMetricReplicas,
  getObjectMetricReplicas,
  getObjectPerPodMetricReplicas,
  getResourceReplicas,
  groupPods,
  formatLabelSelectorGo,
  perPodUsage,
  selectorFromLabelSelector,
  type CalcContext,
  type CalcOutcome,
  type CrossVersionObjectReference,
  type ExternalMetricValue,
  type LabelSelector,
  type MetricsResult,
  type ObjectMetricValue,
  type PodMetricValue,
  type PodResourceUsage,
  type PodSample,
  type Profile,
} from '../../algorithms/index.js';
import {
  CaseError,
  arr,
  checkKeys,
  instant,
  num,
  obj,
  pod,
  quantity,
  str,
  type Json,
  type JsonObject,
} from './convert.js';
import { expectEqual, expectError, expectInstant, expectQuantity, expectSet, type Mismatch } from './compare.js';

const COMMON = ['id', 'source', 'sourceCommit', 'function', 'now', 'config', 'expect', 'upstreamError', 'notes'];

function profileFor(gates: JsonObject | undefined): Profile {
  const g: Record<string, boolean> = {};
  for (const [k, v] of Object.entries(gates ?? {})) if (typeof v === 'boolean') g[k] = v;
  return corpusProfile(g);
}

export function runReplicaCalcCase(c: JsonObject): Mismatch[] {
  const fn = str(c.function, 'function');
  switch (fn) {
    case 'groupPods':
      return runGroupPods(c);
    case 'calculateRequests':
      return runCalculateRequests(c);
    case 'calculatePodRequestsFromContainers':
      return runPodRequests(c);
    case 'getPerPodUsage':
      return runPerPodUsage(c);
    case 'GetResourceReplicas':
    case 'GetMetricReplicas':
    case 'GetObjectMetricReplicas':
    case 'GetObjectPerPodMetricReplicas':
    case 'GetExternalMetricReplicas':
    case 'GetExternalPerPodMetricReplicas':
      return runReplicas(c, fn);
    default:
      throw new CaseError(`unsupported replica-calc function "${fn}"`);
  }
}

function runGroupPods(c: JsonObject): Mismatch[] {
  checkKeys(c, [...COMMON, 'input'], 'case');
  const config = obj(c.config, 'config');
  const input = obj(c.input, 'input');
  checkKeys(input, ['resource', 'pods', 'metrics'], 'input');
  const now = instant(c.now, 'now');
  const pods = arr(input.pods, 'input.pods').map((p, i) => pod(p, `input.pods[${i}]`, ''));
  const samples = new Map<string, PodSample>();
  for (const [name, m] of Object.entries(obj(input.metrics, 'input.metrics'))) {
    const mo = obj(m, `input.metrics.${name}`);
    checkKeys(mo, ['value', 'timestamp', 'windowSeconds'], `input.metrics.${name}`);
    samples.set(name, {
      value: quantity(mo.value, 'value').milliValue(),
      timestamp: instant(mo.timestamp, 'timestamp'),
      windowMs: num(mo.windowSeconds, 'windowSeconds') * 1000,
    });
  }
  const g = groupPods(
    pods,
    samples,
    str(input.resource, 'input.resource'),
    {
      cpuInitializationPeriodMs:
        num(config.cpuInitializationPeriodSeconds, 'config.cpuInitializationPeriodSeconds') * 1000,
      delayOfInitialReadinessStatusMs:
        num(config.delayOfInitialReadinessStatusSeconds, 'config.delayOfInitialReadinessStatusSeconds') * 1000,
      ignoreSucceededPods: corpusProfile().ignoreSucceededPods,
    },
    now,
  );
  const e = obj(c.expect, 'expect');
  checkKeys(e, ['readyPodCount', 'unreadyPods', 'missingPods', 'ignoredPods'], 'expect');
  return [
    ...expectEqual('readyPodCount', e.readyPodCount, g.readyPodCount),
    ...expectSet('unreadyPods', e.unreadyPods, [...g.unreadyPods]),
    ...expectSet('missingPods', e.missingPods, [...g.missingPods]),
    ...expectSet('ignoredPods', e.ignoredPods, [...g.ignoredPods]),
  ];
}

function runCalculateRequests(c: JsonObject): Mismatch[] {
  checkKeys(c, [...COMMON, 'input'], 'case');
  const input = obj(c.input, 'input');
  checkKeys(input, ['pods', 'container', 'resource', 'featureGates'], 'input');
  const pods = arr(input.pods, 'input.pods').map((p, i) => pod(p, `input.pods[${i}]`, ''));
  const profile = profileFor(input.featureGates === undefined ? undefined : obj(input.featureGates, 'featureGates'));
  const r = calculateRequests(pods, str(input.container, 'container'), str(input.resource, 'resource'), profile);
  const e = obj(c.expect, 'expect');
  checkKeys(e, ['requests', 'error', 'errorKind'], 'expect');
  if (e.error !== null && e.error !== undefined) return expectError(e.error, r.ok ? null : r.error, c.upstreamError);
  if (!r.ok) return [{ path: 'error', expected: null, actual: r.error }];
  const expected = obj(e.requests, 'expect.requests');
  const out: Mismatch[] = [...expectSet('requests (pods)', Object.keys(expected), [...r.value.keys()])];
  for (const [name, q] of Object.entries(expected)) {
    const actual = r.value.get(name);
    if (actual !== undefined) out.push(...expectQuantity(`requests.${name}`, q, Quantity.fromMilli(actual)));
  }
  return out;
}

function runPodRequests(c: JsonObject): Mismatch[] {
  checkKeys(c, [...COMMON, 'input'], 'case');
  const input = obj(c.input, 'input');
  checkKeys(input, ['pod', 'container', 'resource'], 'input');
  const r = calculatePodRequestsFromContainers(
    pod(input.pod, 'input.pod', ''),
    str(input.container, 'container'),
    str(input.resource, 'resource'),
    corpusProfile(),
  );
  const e = obj(c.expect, 'expect');
  checkKeys(e, ['request', 'error', 'errorKind'], 'expect');
  if (e.error !== null && e.error !== undefined) return expectError(e.error, r.ok ? null : r.error, c.upstreamError);
  if (!r.ok) return [{ path: 'error', expected: null, actual: r.error }];
  return expectQuantity('request', e.request, Quantity.fromMilli(r.value));
}

function runPerPodUsage(c: JsonObject): Mismatch[] {
  checkKeys(c, [...COMMON, 'input'], 'case');
  const input = obj(c.input, 'input');
  checkKeys(input, ['usage', 'statusReplicas'], 'input');
  const usage = perPodUsage(quantity(input.usage, 'usage').milliValue(), num(input.statusReplicas, 'statusReplicas'));
  const e = obj(c.expect, 'expect');
  checkKeys(e, ['usage'], 'expect');
  return expectQuantity('usage', e.usage, Quantity.fromMilli(usage));
}

const REPLICA_KEYS = [...COMMON, 'namespace', 'currentReplicas', 'selector', 'pods', 'metric', 'metricsApi'];

function runReplicas(c: JsonObject, fn: string): Mismatch[] {
  checkKeys(c, REPLICA_KEYS, 'case');
  const config = obj(c.config, 'config');
  checkKeys(
    config,
    ['tolerance', 'tolerances', 'cpuInitializationPeriodSeconds', 'delayOfInitialReadinessStatusSeconds'],
    'config',
  );
  const tolerances = obj(config.tolerances, 'config.tolerances');
  const namespace = str(c.namespace, 'namespace');
  const now = instant(c.now, 'now');
  const selector = selectorFromLabelSelector(obj(c.selector, 'selector') as LabelSelector);
  if (!selector.ok) throw new CaseError(`selector: ${selector.error.message}`);
  const pods = arr(c.pods, 'pods')
    .map((p, i) => pod(p, `pods[${i}]`, namespace))
    .filter((p) => selector.value.matches(p.labels));
  const profile = corpusProfile();
  const ctx: CalcContext = {
    pods,
    tolerances: {
      down: num(tolerances.scaleDown, 'scaleDown'),
      up: num(tolerances.scaleUp, 'scaleUp'),
      comparison: profile.toleranceComparison,
    },
    groupSettings: {
      cpuInitializationPeriodMs: num(config.cpuInitializationPeriodSeconds, 'cpuInit') * 1000,
      delayOfInitialReadinessStatusMs: num(config.delayOfInitialReadinessStatusSeconds, 'delay') * 1000,
      ignoreSucceededPods: profile.ignoreSucceededPods,
    },
    profile,
    now,
  };
  const current = num(c.currentReplicas, 'currentReplicas');
  const metric = obj(c.metric, 'metric');
  const api = obj(c.metricsApi, 'metricsApi');
  checkKeys(api, ['resource', 'pods', 'object', 'external'], 'metricsApi');
  const outcome = callFunction(fn, ctx, current, metric, api, namespace);
  return compareReplicas(c, outcome, fn);
}

function resourceFetch(api: JsonObject): MetricsResult<PodResourceUsage> {
  const r = obj(api.resource, 'metricsApi.resource');
  checkKeys(r, ['timestamp', 'windowSeconds', 'pods'], 'metricsApi.resource');
  const timestamp = instant(r.timestamp, 'timestamp');
  const windowSeconds = num(r.windowSeconds, 'windowSeconds');
  const items: PodResourceUsage[] = Object.entries(obj(r.pods, 'pods')).map(([podName, cs]) => ({
    pod: podName,
    timestamp,
    windowSeconds,
    containers: Object.entries(obj(cs, `pods.${podName}`)).map(([name, usage]) => ({
      name,
      usage: Object.fromEntries(Object.entries(obj(usage, name)).map(([res, q]) => [res, quantity(q, res)])),
    })),
  }));
  return { ok: true, value: items };
}

function callFunction(
  fn: string,
  ctx: CalcContext,
  current: number,
  metric: JsonObject,
  api: JsonObject,
  namespace: string,
): CalcOutcome {
  const source = (key: string): JsonObject => obj(metric[key], `metric.${key}`);
  const target = (key: string): JsonObject => obj(source(key).target, `metric.${key}.target`);
  switch (fn) {
    case 'GetResourceReplicas': {
      const isContainer = metric.type === 'ContainerResource';
      const src = source(isContainer ? 'containerResource' : 'resource');
      const t = obj(src.target, 'target');
      return getResourceReplicas(
        ctx,
        current,
        num(t.averageUtilization, 'averageUtilization'),
        str(src.name, 'name'),
        isContainer ? str(src.container, 'container') : '',
        resourceFetch(api),
      );
    }
    case 'GetMetricReplicas': {
      const p = obj(api.pods, 'metricsApi.pods');
      checkKeys(p, ['timestamp', 'values'], 'metricsApi.pods');
      const ts = instant(p.timestamp, 'timestamp');
      const items: PodMetricValue[] = Object.entries(obj(p.values, 'values')).map(([podName, v]) => ({
        pod: podName,
        value: quantity(v, podName),
        timestamp: ts,
        windowSeconds: 60,
      }));
      return getMetricReplicas(
        ctx,
        current,
        quantity(target('pods').averageValue, 'averageValue').milliValue(),
        str(obj(source('pods').metric, 'metric').name, 'name'),
        { ok: true, value: items },
      );
    }
    case 'GetObjectMetricReplicas':
    case 'GetObjectPerPodMetricReplicas': {
      const o = obj(api.object, 'metricsApi.object');
      checkKeys(o, ['timestamp', 'value'], 'metricsApi.object');
      const items: ObjectMetricValue[] = [
        { value: quantity(o.value, 'value'), timestamp: instant(o.timestamp, 'timestamp'), windowSeconds: 60 },
      ];
      const src = source('object');
      const ref = obj(src.describedObject, 'describedObject') as unknown as CrossVersionObjectReference;
      const name = str(obj(src.metric, 'metric').name, 'name');
      if (fn === 'GetObjectMetricReplicas') {
        return getObjectMetricReplicas(
          ctx,
          current,
          quantity(target('object').value, 'value').milliValue(),
          name,
          ref,
          namespace,
          { ok: true, value: items },
        );
      }
      return getObjectPerPodMetricReplicas(
        ctx,
        current,
        quantity(target('object').averageValue, 'averageValue').milliValue(),
        name,
        ref,
        namespace,
        { ok: true, value: items },
      );
    }
    default: {
      const e = obj(api.external, 'metricsApi.external');
      checkKeys(e, ['timestamp', 'values'], 'metricsApi.external');
      const ts = instant(e.timestamp, 'timestamp');
      const items: ExternalMetricValue[] = arr(e.values, 'values').map((v, i) => ({
        value: quantity(v, `values[${i}]`),
        timestamp: ts,
      }));
      const m = obj(source('external').metric, 'metric');
      const where = `${namespace}/${str(m.name, 'name')}/${formatLabelSelectorGo(m.selector as LabelSelector | null)}`;
      if (fn === 'GetExternalMetricReplicas') {
        return getExternalMetricReplicas(
          ctx,
          current,
          quantity(target('external').value, 'value').milliValue(),
          where,
          { ok: true, value: items },
        );
      }
      return getExternalPerPodMetricReplicas(
        ctx,
        current,
        quantity(target('external').averageValue, 'averageValue').milliValue(),
        where,
        { ok: true, value: items },
      );
    }
  }
}

function compareReplicas(c: JsonObject, outcome: CalcOutcome, fn: string): Mismatch[] {
  const e = obj(c.expect, 'expect');
  checkKeys(e, ['replicas', 'utilization', 'rawValue', 'timestamp', 'error', 'errorKind'], 'expect');
  if (e.error !== null && e.error !== undefined)
    return expectError(e.error, outcome.ok ? null : outcome.error, c.upstreamError);
  if (!outcome.ok) return [{ path: 'error', expected: null, actual: outcome.error }];
  const r = outcome.value;
  const out: Mismatch[] = [...expectEqual('replicas', e.replicas, r.replicas)];
  if (fn === 'GetResourceReplicas') out.push(...expectEqual('utilization', e.utilization, r.utilization ?? null));
  out.push(...expectQuantity('rawValue', e.rawValue, Quantity.fromMilli(r.rawValue)));
  out.push(...expectInstant('timestamp', e.timestamp as Json, r.timestamp));
  return out;
}
