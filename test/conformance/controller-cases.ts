/**
 * Controller-level cases: one reconcile against a fully described world. The fakes below serve
 * exactly what the case's `scaleTarget` and `metricsApi` say, through the same plan → fetch →
 * decide → write path the real reconciler takes.
 */
import {
  corpusProfile,
  decide,
  parseSelector,
  planReconcile,
  settleRescale,
  type ControllerConfig,
  type DecideInput,
  type Decision,
  type HorizontalPodAutoscaler,
  type HpaHistory,
  type MetricFetch,
  type MetricQuery,
  type MetricsApiError,
  type PodSnapshot,
  type Scale,
  type ScaleWrite,
  type SelectorRegistryEntry,
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
import { expectEqual, type Mismatch } from './compare.js';

const CASE_KEYS = [
  'id',
  'source',
  'sourceCommit',
  'now',
  'hpa',
  'scaleTarget',
  'pods',
  'metricsApi',
  'history',
  'otherHpaSelectors',
  'config',
  'expect',
  'notes',
];

interface World {
  readonly scale: JsonObject;
  readonly api: JsonObject;
  readonly failures: ReadonlySet<string>;
  readonly now: number;
}

function fakeError(api: 'resource' | 'custom' | 'external', path: string): MetricsApiError {
  return { kind: 'Internal', api, path, message: 'something went wrong' };
}

function labelsOf(v: Json | undefined): Record<string, string> {
  const o = v === undefined || v === null ? {} : obj(v, 'labels');
  return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, String(x)]));
}

/**
 * `pods` and `object` in `metricsApi.failures` name the one fake custom-metrics client
 * (BEHAVIOR-FORMAT.md): either fails every custom.metrics.k8s.io call, per-pod and object alike.
 */
function customMetricsFail(world: World): boolean {
  return world.failures.has('pods') || world.failures.has('object');
}

/** What the fake metrics APIs answer to one query. */
function serve(world: World, q: MetricQuery): MetricFetch {
  const items = (key: string): JsonObject[] =>
    arr(world.api[key] ?? [], `metricsApi.${key}`).map((x, i) => obj(x, `metricsApi.${key}[${i}]`));
  switch (q.kind) {
    case 'resource': {
      if (world.failures.has('resource'))
        return { kind: 'resource', result: { ok: false, error: fakeError('resource', 'pods') } };
      const value = items('resource')
        .filter((it) => it.namespace === q.namespace && q.podSelector.matches(labelsOf(it.labels)))
        .map((it) => {
          checkKeys(
            it,
            ['pod', 'namespace', 'labels', 'timestamp', 'windowSeconds', 'containers'],
            'metricsApi.resource[]',
          );
          return {
            pod: str(it.pod, 'pod'),
            timestamp: instant(it.timestamp, 'timestamp'),
            windowSeconds: num(it.windowSeconds, 'windowSeconds'),
            containers: arr(it.containers, 'containers').map((c) => {
              const co = obj(c, 'container');
              const usage = obj(co.usage, 'usage');
              return {
                name: str(co.name, 'name'),
                usage: Object.fromEntries(Object.entries(usage).map(([r, x]) => [r, quantity(x, r)])),
              };
            }),
          };
        });
      return { kind: 'resource', result: { ok: true, value } };
    }
    case 'pods': {
      if (customMetricsFail(world))
        return { kind: 'pods', result: { ok: false, error: fakeError('custom', q.metricName) } };
      const value = items('pods')
        .filter((it) => it.metric === q.metricName)
        .map((it) => {
          checkKeys(it, ['pod', 'namespace', 'metric', 'value', 'timestamp'], 'metricsApi.pods[]');
          return {
            pod: str(it.pod, 'pod'),
            value: quantity(it.value, 'value'),
            timestamp: instant(it.timestamp, 'timestamp'),
            windowSeconds: 60,
          };
        });
      return { kind: 'pods', result: { ok: true, value } };
    }
    case 'object': {
      if (customMetricsFail(world))
        return { kind: 'object', result: { ok: false, error: fakeError('custom', q.metricName) } };
      const value = items('object')
        .filter((it) => {
          checkKeys(it, ['describedObject', 'namespace', 'metric', 'value', 'timestamp'], 'metricsApi.object[]');
          const d = obj(it.describedObject, 'describedObject');
          return it.metric === q.metricName && d.kind === q.describedObject.kind && d.name === q.describedObject.name;
        })
        .map((it) => ({
          value: quantity(it.value, 'value'),
          timestamp: instant(it.timestamp, 'timestamp'),
          windowSeconds: 60,
        }));
      return { kind: 'object', result: { ok: true, value } };
    }
    case 'external': {
      if (world.failures.has('external'))
        return { kind: 'external', result: { ok: false, error: fakeError('external', q.metricName) } };
      const value = items('external')
        .filter((it) => it.metric === q.metricName)
        .map((it) => {
          checkKeys(it, ['namespace', 'metric', 'value', 'timestamp'], 'metricsApi.external[]');
          return { value: quantity(it.value, 'value'), timestamp: instant(it.timestamp, 'timestamp') };
        });
      return { kind: 'external', result: { ok: true, value } };
    }
    default:
      return { kind: 'none' };
  }
}

function readHistory(v: Json | undefined): HpaHistory {
  const h = obj(v, 'history');
  checkKeys(h, ['recommendations', 'scaleUpEvents', 'scaleDownEvents'], 'history');
  const recs =
    h.recommendations === null
      ? null
      : arr(h.recommendations, 'recommendations').map((r) => {
          const o = obj(r, 'recommendation');
          return { replicas: num(o.replicas, 'replicas'), time: instant(o.time, 'time') };
        });
  const ev = (x: Json | undefined): HpaHistory['scaleUpEvents'] =>
    x === null || x === undefined
      ? []
      : arr(x, 'events').map((e) => {
          const o = obj(e, 'event');
          return {
            replicaChange: num(o.replicaChange, 'replicaChange'),
            time: instant(o.time, 'time'),
            outdated: o.outdated === true,
          };
        });
  return { recommendations: recs, scaleUpEvents: ev(h.scaleUpEvents), scaleDownEvents: ev(h.scaleDownEvents) };
}

function readConfig(v: Json | undefined): { config: ControllerConfig; gates: Record<string, boolean> } {
  const c = obj(v, 'config');
  checkKeys(
    c,
    [
      'tolerance',
      'downscaleStabilizationWindowSeconds',
      'cpuInitializationPeriodSeconds',
      'delayOfInitialReadinessStatusSeconds',
      'scaleUpLimitFactor',
      'scaleUpLimitMinimum',
      'featureGates',
    ],
    'config',
  );
  const gates: Record<string, boolean> = {};
  for (const [k, g] of Object.entries(c.featureGates === undefined ? {} : obj(c.featureGates, 'featureGates')))
    gates[k] = g === true;
  return {
    config: {
      tolerance: num(c.tolerance, 'tolerance'),
      downscaleStabilizationWindowSeconds: num(c.downscaleStabilizationWindowSeconds, 'downscale'),
      cpuInitializationPeriodSeconds: num(c.cpuInitializationPeriodSeconds, 'cpuInit'),
      delayOfInitialReadinessStatusSeconds: num(c.delayOfInitialReadinessStatusSeconds, 'delay'),
      scaleUpLimitFactor: num(c.scaleUpLimitFactor, 'factor'),
      scaleUpLimitMinimum: num(c.scaleUpLimitMinimum, 'minimum'),
    },
    gates,
  };
}

/** Runs one reconcile the way the real reconciler does; returns the decision and what was written. */
export function reconcileCase(c: JsonObject): { decision: Decision; scaledTo: number | null } {
  checkKeys(c, CASE_KEYS, 'case');
  const now = instant(c.now, 'now');
  const hpa = obj(c.hpa, 'hpa') as unknown as HorizontalPodAutoscaler;
  const namespace = hpa.metadata.namespace ?? '';
  const st = obj(c.scaleTarget, 'scaleTarget');
  checkKeys(
    st,
    [
      'kind',
      'apiVersion',
      'name',
      'namespace',
      'specReplicas',
      'statusReplicas',
      'selector',
      'getError',
      'updateError',
      'updateConflicts',
    ],
    'scaleTarget',
  );
  const api = obj(c.metricsApi, 'metricsApi');
  checkKeys(api, ['resource', 'pods', 'object', 'external', 'failures'], 'metricsApi');
  const world: World = { scale: st, api, failures: new Set(arr(api.failures ?? [], 'failures').map(String)), now };
  const pods: PodSnapshot[] = arr(c.pods, 'pods')
    .map((p, i) => pod(p, `pods[${i}]`, namespace))
    .filter((p) => p.namespace === namespace);
  const { config, gates } = readConfig(c.config);
  const profile = corpusProfile(gates);
  const key = `${namespace}/${hpa.metadata.name}`;
  const selectors: SelectorRegistryEntry[] = [{ key, selector: null }];
  for (const o of arr(c.otherHpaSelectors, 'otherHpaSelectors')) {
    const e = obj(o, 'otherHpaSelectors[]');
    checkKeys(e, ['namespace', 'name', 'selector'], 'otherHpaSelectors[]');
    if (e.namespace !== namespace) continue;
    const sel = parseSelector(str(e.selector, 'selector'));
    if (!sel.ok) throw new CaseError(`otherHpaSelectors: ${sel.error.message}`);
    selectors.push({ key: `${String(e.namespace)}/${str(e.name, 'name')}`, selector: sel.value });
  }
  const scale: Scale = {
    metadata: { name: str(st.name, 'name'), namespace, resourceVersion: '1' },
    spec: { replicas: num(st.specReplicas, 'specReplicas') },
    status: { replicas: num(st.statusReplicas, 'statusReplicas'), selector: str(st.selector, 'selector') },
  };
  const scaleResult: DecideInput['scale'] =
    st.getError === true
      ? { ok: false, error: { stage: 'get', message: 'something went wrong' } }
      : { ok: true, value: scale };
  const plan = scaleResult.ok ? planReconcile(hpa, scale, pods, selectors, profile) : undefined;
  const metrics = (plan?.queries ?? []).map((q) => serve(world, q));
  const input: DecideInput = {
    hpa,
    scale: scaleResult,
    pods,
    metrics,
    selectors,
    selectorCheck: plan?.selectorCheck ?? null,
    history: readHistory(c.history),
    config,
    profile,
    now,
  };
  let decision = decide(input);
  let scaledTo: number | null = null;
  if (decision.rescale !== null) {
    // The scale PUT: updateError fails every attempt; updateConflicts 409s are retried (V9).
    const conflicts = typeof st.updateConflicts === 'number' ? st.updateConflicts : 0;
    const write: ScaleWrite =
      st.updateError === true
        ? { kind: 'failed', message: 'something went wrong' }
        : conflicts >= profile.scaleUpdateAttempts
          ? { kind: 'failed', message: 'Operation cannot be fulfilled: the object has been modified' }
          : { kind: 'written' };
    if (write.kind === 'written') scaledTo = decision.rescale.to;
    decision = settleRescale(decision, write, now);
  }
  return { decision, scaledTo };
}

export function runControllerCase(c: JsonObject): Mismatch[] {
  const { decision, scaledTo } = reconcileCase(c);
  const e = obj(c.expect, 'expect');
  checkKeys(e, ['scaledTo', 'statusUpdated', 'status', 'conditions', 'events', 'monitor'], 'expect');
  const out: Mismatch[] = [
    ...expectEqual('scaledTo', e.scaledTo, scaledTo),
    ...expectEqual('statusUpdated', e.statusUpdated, decision.statusChanged),
  ];
  if (e.status !== undefined) {
    const s = obj(e.status, 'expect.status');
    checkKeys(s, ['desiredReplicas', 'cpuAverageUtilization'], 'expect.status');
    out.push(...expectEqual('status.desiredReplicas', s.desiredReplicas, decision.status.desiredReplicas));
    if (s.cpuAverageUtilization !== undefined) {
      const cpu = (decision.status.currentMetrics ?? []).find(
        (m) => m.type === 'Resource' && m.resource?.name === 'cpu',
      );
      out.push(
        ...expectEqual(
          'status.cpuAverageUtilization',
          s.cpuAverageUtilization,
          cpu?.resource?.current.averageUtilization ?? null,
        ),
      );
    }
  }
  if (e.conditions !== undefined) {
    const actual = (decision.status.conditions ?? []).map((x) => ({
      type: x.type,
      status: x.status,
      reason: x.reason,
    }));
    out.push(...expectEqual('conditions', e.conditions, actual));
  }
  if (e.events !== undefined) out.push(...expectEqual('events', e.events, decision.events));
  if (e.monitor !== undefined) {
    const m = obj(e.monitor, 'expect.monitor');
    checkKeys(m, ['reconciliation', 'metricComputation'], 'expect.monitor');
    out.push(...expectEqual('monitor.reconciliation', m.reconciliation, decision.monitor.reconciliation));
    const actual: Record<string, { action: string; error: string }> = {};
    // Upstream's test records the last observation per metric type.
    for (const x of decision.monitor.metricComputations) actual[x.metricType] = { action: x.action, error: x.error };
    const expected = obj(m.metricComputation, 'metricComputation');
    out.push(...expectEqual('monitor.metricComputation', sortKeys(expected) as Json, sortKeys(actual)));
  }
  return out;
}

function sortKeys(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}
