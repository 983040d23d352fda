/**
 * Scenario files: YAML, read once and narrowed here (STYLE.md: types at the edges); every error
 * names the field. Paths (manifests, CSV traces, adapter rules) are relative to the file.
 *
 *   name: seed 000
 *   duration: 4m
 *   controller: { horizontal-pod-autoscaler-sync-period: 15s }
 *   adapterRules: ../manifests/examples/seed-000/adapter/adapter-rules.yaml
 *   objects:
 *     - file: ../manifests/examples/seed-000/sample-httpserver-deployment.yaml
 *     - { apiVersion: apps/v1, kind: Deployment, … }       # inline
 *   load:
 *     sample-httpserver: { type: step, steps: [{ at: 30s, rps: 1000 }, { at: 90s, rps: 0 }] }
 *   faults:
 *     - { type: metrics-unavailable, api: custom, from: 2m, to: 3m }
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { type Result, err, ok } from '../../algorithms/index.js';
import {
  formatConfigError,
  loadAdapterConfig,
  parseAdapterConfig,
  type AdapterConfig,
} from '../../metrics-clients/index.js';
import { parseSeconds, parseTrace, type PodSeriesSpec, type QueueSpec, type WorkloadLoadSpec } from '../load/index.js';
import type { MetricsApi, ObjectMetricSpec } from '../metrics/service.js';
import type { Fault, Scenario } from './types.js';

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
}

function list(v: unknown, at: string): Result<unknown[], string> {
  if (v === undefined || v === null) return ok([]);
  return Array.isArray(v) ? ok(v) : err(`${at}: expected a list`);
}

function stringMap(v: unknown, at: string): Result<Record<string, string>, string> {
  const o = obj(v ?? {});
  if (o === undefined) return err(`${at}: expected a mapping of strings`);
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(o)) {
    if (typeof x !== 'string' && typeof x !== 'number' && typeof x !== 'boolean')
      return err(`${at}.${k}: expected a string`);
    out[k] = String(x);
  }
  return ok(out);
}

function path(baseDir: string, p: string): string {
  return isAbsolute(p) ? p : join(baseDir, p);
}

function manifests(text: string, source: string): Result<Obj[], string> {
  const out: Obj[] = [];
  for (const [i, doc] of parseAllDocuments(text).entries()) {
    if (doc.errors.length > 0) return err(`${source}: document ${i + 1}: ${doc.errors[0].message}`);
    const v: unknown = doc.toJS();
    if (v === null || v === undefined) continue;
    const o = obj(v);
    if (o === undefined || typeof o.kind !== 'string' || typeof o.apiVersion !== 'string') {
      return err(`${source}: document ${i + 1}: expected a Kubernetes object with apiVersion and kind`);
    }
    if (o.kind === 'List' && Array.isArray(o.items)) out.push(...(o.items as Obj[]));
    else out.push(o);
  }
  return ok(out);
}

function parseObjects(v: unknown, baseDir: string): Result<Obj[], string> {
  const items = list(v, 'objects');
  if (!items.ok) return items;
  const out: Obj[] = [];
  for (const [i, item] of items.value.entries()) {
    const o = obj(item);
    const at = `objects[${i}]`;
    if (o === undefined) return err(`${at}: expected {file: …}, {manifest: …} or an inline object`);
    let r: Result<Obj[], string>;
    if (typeof o.file === 'string') {
      const p = path(baseDir, o.file);
      let text: string;
      try {
        text = readFileSync(p, 'utf8');
      } catch (e) {
        return err(`${at}.file: cannot read ${p}: ${(e as Error).message}`);
      }
      r = manifests(text, p);
    } else if (typeof o.manifest === 'string') r = manifests(o.manifest, `${at}.manifest`);
    else if (typeof o.kind === 'string') r = ok([o]);
    else return err(`${at}: expected {file: …}, {manifest: …} or an inline object with apiVersion and kind`);
    if (!r.ok) return r;
    out.push(...r.value);
  }
  return ok(out);
}

function workloadName(key: string, namespace: string): string {
  return key.includes('/') ? key : `${namespace}/${key}`;
}

function parseSeries(v: unknown, at: string): Result<PodSeriesSpec[], string> {
  const items = list(v, at);
  if (!items.ok) return items;
  const out: PodSeriesSpec[] = [];
  for (const [i, item] of items.value.entries()) {
    const o = obj(item) ?? {};
    const a = `${at}[${i}]`;
    if (typeof o.name !== 'string' || !/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(o.name))
      return err(`${a}.name: a Prometheus metric name is required`);
    const kind = o.kind ?? 'gauge';
    if (kind !== 'gauge' && kind !== 'counter') return err(`${a}.kind: expected gauge or counter`);
    const labels = stringMap(o.labels, `${a}.labels`);
    if (!labels.ok) return labels;
    const base = Number(o.base ?? 0);
    const perRequest = Number(o.perRequest ?? 0);
    if (!Number.isFinite(base) || !Number.isFinite(perRequest)) return err(`${a}: base and perRequest must be numbers`);
    out.push({ name: o.name, kind, base, perRequest, labels: labels.value });
  }
  return ok(out);
}

function parseLoad(v: unknown, namespace: string, baseDir: string): Result<Map<string, WorkloadLoadSpec>, string> {
  const out = new Map<string, WorkloadLoadSpec>();
  const o = obj(v ?? {});
  if (o === undefined) return err('load: expected a mapping of workload name → trace');
  for (const [key, raw] of Object.entries(o)) {
    const at = `load.${key}`;
    const spec = obj(raw);
    // either a bare trace ({type: …} or a number) or {trace, series, requestLabels}
    const isTrace = typeof raw === 'number' || (spec !== undefined && typeof spec.type === 'string');
    const trace = isTrace
      ? parseTrace(raw, at, baseDir)
      : spec?.trace === undefined
        ? undefined
        : parseTrace(spec.trace, `${at}.trace`, baseDir);
    if (trace !== undefined && !trace.ok) return trace;
    const series = isTrace ? ok([]) : parseSeries(spec?.series, `${at}.series`);
    if (!series.ok) return series;
    const labels = isTrace ? ok({}) : stringMap(spec?.requestLabels, `${at}.requestLabels`);
    if (!labels.ok) return labels;
    out.set(workloadName(key, namespace), {
      ...(trace !== undefined ? { trace: trace.value } : {}),
      series: series.value,
      requestLabels: labels.value,
    });
  }
  return ok(out);
}

function parseQueues(v: unknown, namespace: string, baseDir: string): Result<QueueSpec[], string> {
  const items = list(v, 'queues');
  if (!items.ok) return items;
  const out: QueueSpec[] = [];
  for (const [i, item] of items.value.entries()) {
    const o = obj(item) ?? {};
    const at = `queues[${i}]`;
    if (typeof o.metric !== 'string') return err(`${at}.metric: the series name is required`);
    const labels = stringMap(o.labels, `${at}.labels`);
    if (!labels.ok) return labels;
    const arrivals = parseTrace(o.arrivals ?? 0, `${at}.arrivals`, baseDir);
    if (!arrivals.ok) return arrivals;
    const per = Number(o.perPodPerSecond ?? 0);
    if (!Number.isFinite(per) || per < 0) return err(`${at}.perPodPerSecond: expected a number ≥ 0`);
    out.push({
      metric: o.metric,
      labels: labels.value,
      arrivals: arrivals.value,
      perPodPerSecond: per,
      ...(typeof o.workload === 'string' ? { workload: workloadName(o.workload, namespace) } : {}),
      ...(o.initial !== undefined ? { initial: Number(o.initial) } : {}),
    });
  }
  return ok(out);
}

function parseObjectMetrics(v: unknown, namespace: string, baseDir: string): Result<ObjectMetricSpec[], string> {
  const items = list(v, 'objectMetrics');
  if (!items.ok) return items;
  const out: ObjectMetricSpec[] = [];
  for (const [i, item] of items.value.entries()) {
    const o = obj(item) ?? {};
    const at = `objectMetrics[${i}]`;
    const d = obj(o.describedObject);
    if (d === undefined || typeof d.kind !== 'string' || typeof d.name !== 'string')
      return err(`${at}.describedObject: {apiVersion, kind, name} is required`);
    if (typeof o.metric !== 'string') return err(`${at}.metric: the metric name is required`);
    const trace = o.trace === undefined ? undefined : parseTrace(o.trace, `${at}.trace`, baseDir);
    if (trace !== undefined && !trace.ok) return trace;
    out.push({
      namespace: typeof o.namespace === 'string' ? o.namespace : namespace,
      describedObject: {
        apiVersion: typeof d.apiVersion === 'string' ? d.apiVersion : 'v1',
        kind: d.kind,
        name: d.name,
      },
      metric: o.metric,
      ...(typeof o.workload === 'string' ? { workload: workloadName(o.workload, namespace) } : {}),
      ...(o.scale !== undefined ? { scale: Number(o.scale) } : {}),
      ...(trace !== undefined ? { trace: trace.value } : {}),
    });
  }
  return ok(out);
}

function parseFaults(v: unknown, namespace: string): Result<Fault[], string> {
  const items = list(v, 'faults');
  if (!items.ok) return items;
  const out: Fault[] = [];
  for (const [i, item] of items.value.entries()) {
    const o = obj(item) ?? {};
    const at = `faults[${i}]`;
    const from = parseSeconds(o.from ?? 0, `${at}.from`);
    if (!from.ok) return from;
    const to = parseSeconds(o.to ?? Number.MAX_SAFE_INTEGER, `${at}.to`);
    if (!to.ok) return to;
    if (o.type === 'metrics-unavailable') {
      const api = o.api ?? 'all';
      if (!['resource', 'custom', 'external', 'all'].includes(String(api)))
        return err(`${at}.api: expected resource, custom, external or all`);
      out.push({
        type: 'metrics-unavailable',
        api: api as MetricsApi | 'all',
        fromSeconds: from.value,
        toSeconds: to.value,
      });
    } else if (o.type === 'slow-start') {
      const factor = Number(o.factor ?? 1);
      if (!(factor > 0)) return err(`${at}.factor: expected a positive number`);
      out.push({
        type: 'slow-start',
        factor,
        fromSeconds: from.value,
        toSeconds: to.value,
        ...(typeof o.workload === 'string' ? { workload: workloadName(o.workload, namespace) } : {}),
      });
    } else if (o.type === 'stale-metrics') {
      const stale = parseStaleFault(o, at, from.value, to.value);
      if (!stale.ok) return stale;
      out.push(stale.value);
    } else return err(`${at}.type: expected metrics-unavailable, slow-start or stale-metrics`);
  }
  return ok(out);
}

/** `{type: stale-metrics, api, age, from, to, namespace}`: samples stamped `age` in the past. */
function parseStaleFault(
  o: Record<string, unknown>,
  at: string,
  fromSeconds: number,
  toSeconds: number,
): Result<Fault, string> {
  const api = o.api ?? 'all';
  if (!['resource', 'custom', 'external', 'all'].includes(String(api)))
    return err(`${at}.api: expected resource, custom, external or all`);
  if (o.age === undefined) return err(`${at}.age: required (how old the samples are, e.g. 5m)`);
  const age = parseSeconds(o.age, `${at}.age`);
  if (!age.ok) return age;
  if (age.value < 0) return err(`${at}.age: must not be negative`);
  if (o.namespace !== undefined && typeof o.namespace !== 'string') return err(`${at}.namespace: expected a string`);
  return ok({
    type: 'stale-metrics',
    api: api as MetricsApi | 'all',
    ageSeconds: age.value,
    fromSeconds,
    toSeconds,
    ...(typeof o.namespace === 'string' ? { namespace: o.namespace } : {}),
  });
}

/**
 * `controller:` flag name → value, as text. Which flags a scenario may set, and their values, are
 * checked by the composition root against the flag table (app/scenario-run.ts).
 */
function parseController(v: unknown): Result<Record<string, string>, string> {
  if (obj(v ?? {}) === undefined) return err('controller: expected a mapping of flag → value');
  return stringMap(v, 'controller');
}

function loadRules(v: unknown, baseDir: string): Result<AdapterConfig | undefined, string> {
  if (v === undefined || v === null) return ok(undefined);
  if (typeof v === 'string') {
    const r = loadAdapterConfig(path(baseDir, v));
    return r.ok ? ok(r.value) : err(`adapterRules: ${formatConfigError(r.error)}`);
  }
  const o = obj(v);
  if (o !== undefined && typeof o.inline === 'string') {
    const r = parseAdapterConfig(o.inline, 'adapterRules.inline');
    return r.ok ? ok(r.value) : err(`adapterRules: ${formatConfigError(r.error)}`);
  }
  return err('adapterRules: expected a file path or {inline: <rules yaml>}');
}

/** A scenario from its YAML text; `file` resolves relative paths (its directory). */
export function parseScenario(text: string, file: string): Result<Scenario, string> {
  const docs = parseAllDocuments(text);
  if (docs.length === 0) return err(`${file}: empty scenario`);
  if (docs[0].errors.length > 0) return err(`${file}: ${docs[0].errors[0].message}`);
  const o = obj(docs[0].toJS());
  if (o === undefined) return err(`${file}: expected a mapping`);
  const baseDir = dirname(resolve(file));
  const namespace = typeof o.namespace === 'string' ? o.namespace : 'default';
  const duration = parseSeconds(o.duration ?? '10m', 'duration');
  if (!duration.ok) return duration;
  if (duration.value <= 0) return err('duration: must be positive');
  let start = Date.UTC(2025, 0, 1);
  if (o.start !== undefined) {
    const t = Date.parse(String(o.start instanceof Date ? o.start.toISOString() : o.start));
    if (Number.isNaN(t)) return err(`start: expected an RFC 3339 time, got ${JSON.stringify(o.start)}`);
    start = t;
  }
  const objects = parseObjects(o.objects, baseDir);
  if (!objects.ok) return objects;
  for (const m of objects.value) {
    const md = (obj(m.metadata) ?? {}) as Obj;
    m.metadata = { ...md, namespace: typeof md.namespace === 'string' ? md.namespace : namespace };
  }
  const load = parseLoad(o.load, namespace, baseDir);
  if (!load.ok) return load;
  const queues = parseQueues(o.queues, namespace, baseDir);
  if (!queues.ok) return queues;
  const objectMetrics = parseObjectMetrics(o.objectMetrics, namespace, baseDir);
  if (!objectMetrics.ok) return objectMetrics;
  const faults = parseFaults(o.faults, namespace);
  if (!faults.ok) return faults;
  const controller = parseController(o.controller);
  if (!controller.ok) return controller;
  const rules = loadRules(o.adapterRules, baseDir);
  if (!rules.ok) return rules;
  const scrape = obj(o.scrape) ?? {};
  const interval = parseSeconds(scrape.interval ?? 15, 'scrape.interval');
  if (!interval.ok) return interval;
  const resolution = parseSeconds(scrape.resolution ?? 15, 'scrape.resolution');
  if (!resolution.ok) return resolution;
  const pods = obj(o.podDefaults) ?? {};
  const chart = parseSeconds(obj(o.chart)?.step ?? 5, 'chart.step');
  if (!chart.ok) return chart;
  return ok({
    name: typeof o.name === 'string' ? o.name : file,
    baseDir,
    durationSeconds: duration.value,
    start,
    objects: objects.value,
    load: load.value,
    queues: queues.value,
    objectMetrics: objectMetrics.value,
    ...(rules.value !== undefined ? { adapterConfig: rules.value } : {}),
    controller: controller.value,
    ...(typeof o.serverVersion === 'string' ? { serverVersion: o.serverVersion } : {}),
    faults: faults.value,
    scrapeIntervalSeconds: interval.value,
    resolutionSeconds: resolution.value,
    podDefaults: {
      ...(pods.startupSeconds !== undefined ? { startupSeconds: Number(pods.startupSeconds) } : {}),
      ...(pods.readinessSeconds !== undefined ? { readinessSeconds: Number(pods.readinessSeconds) } : {}),
    },
    chartStepSeconds: chart.value,
  });
}

export function loadScenario(file: string): Result<Scenario, string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return err(`cannot read ${file}: ${(e as Error).message}`);
  }
  return parseScenario(text, file);
}
