/**
 * The static metrics file (YAML or JSON): fixed or scripted values for all four metric kinds, for
 * demos, dry runs, replays and tests. Documented in docs/metrics-clients.md ("The static metrics file"). Every
 * series has base values and optional `at` steps that take over from an offset after `epoch`
 * (or at an absolute `time`); `loop` repeats the offsets. A step may also make a series
 * `missing` or fail with an `error` of a given kind.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import {
  DEFAULT_METRIC_WINDOW_SECONDS,
  type ContainerUsage,
  type Instant,
  type MetricsApiErrorKind,
  MetricsApiErrorKind as Kinds,
  type Quantity,
  type Result,
  err,
  ok,
  parseGoDurationSeconds,
} from '../../algorithms/index.js';
import * as d from '../shared/decode.js';
import { groupOfApiVersion } from '../../transport/index.js';

export interface StaticFailure {
  readonly kind: MetricsApiErrorKind;
  readonly message: string;
}

/** The part of a series that can change over time. */
export interface StaticState<V> {
  readonly value?: V;
  readonly missing?: boolean;
  readonly error?: StaticFailure;
}

export interface StaticStep<V> extends StaticState<V> {
  /** ms after the epoch, or an absolute instant when `absolute` */
  readonly at: number;
  readonly absolute: boolean;
}

export interface StaticSeries<V, K> {
  readonly key: K;
  readonly base: StaticState<V>;
  /** sorted by `at` */
  readonly steps: readonly StaticStep<V>[];
}

export interface ResourceKey {
  readonly namespace: string;
  readonly pod: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly windowSeconds: number;
}
export interface PodsKey {
  readonly namespace: string;
  readonly metric: string;
  readonly pod: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly metricLabels: Readonly<Record<string, string>>;
  readonly windowSeconds: number;
}
export interface ObjectKey {
  readonly namespace: string;
  readonly metric: string;
  readonly kind: string;
  readonly name: string;
  /** group of describedObject.apiVersion; undefined matches any */
  readonly group?: string;
  readonly metricLabels: Readonly<Record<string, string>>;
  readonly windowSeconds: number;
}
export interface ExternalKey {
  /** undefined: served in every namespace */
  readonly namespace?: string;
  readonly metric: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly windowSeconds?: number;
}

export interface StaticMetricsData {
  /** offsets count from here; undefined = the client's start */
  readonly epoch?: Instant;
  /** repeat period of the offsets, ms */
  readonly loopMs?: number;
  readonly resource: readonly StaticSeries<readonly ContainerUsage[], ResourceKey>[];
  readonly pods: readonly StaticSeries<Quantity, PodsKey>[];
  readonly objects: readonly StaticSeries<Quantity, ObjectKey>[];
  readonly external: readonly StaticSeries<Quantity, ExternalKey>[];
}

const TOP_KEYS = ['apiVersion', 'kind', 'epoch', 'loop', 'resource', 'pods', 'objects', 'external'];

function keysOnly(o: d.Json, at: string, keys: readonly string[]): void {
  for (const k of Object.keys(o))
    if (!keys.includes(k)) d.fail(at === '' ? k : `${at}.${k}`, `unknown field (expected one of: ${keys.join(', ')})`);
}

function seconds(v: unknown, at: string): number {
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v;
  const r = parseGoDurationSeconds(d.string(v, at));
  if (!r.ok) d.fail(at, `${r.error} (expected a duration such as 30s or a number of seconds)`);
  if (r.value < 0) d.fail(at, `${JSON.stringify(v)} is negative (expected a duration such as 30s)`);
  return r.value;
}

function required(v: unknown, at: string): string {
  const s = d.string(v, at);
  if (s === '') d.fail(at, 'is required');
  return s;
}

function failure(v: unknown, at: string): StaticFailure | undefined {
  if (v === undefined || v === null) return undefined;
  const o = d.object(v, at);
  keysOnly(o, at, ['kind', 'message']);
  const kind = d.string(o.kind, `${at}.kind`) || 'Unavailable';
  if (!Object.hasOwn(Kinds, kind))
    d.fail(`${at}.kind`, `unknown error kind ${JSON.stringify(kind)} (one of ${Object.keys(Kinds).join(', ')})`);
  return {
    kind: kind as MetricsApiErrorKind,
    message: d.string(o.message, `${at}.message`) || 'the server is currently unable to handle the request',
  };
}

function containers(v: unknown, at: string): readonly ContainerUsage[] {
  return d.array(v, at).map((c, i) => {
    const o = d.object(c, `${at}[${i}]`);
    keysOnly(o, `${at}[${i}]`, ['name', 'usage']);
    const usage: Record<string, Quantity> = {};
    for (const [r, q] of Object.entries(d.object(o.usage, `${at}[${i}].usage`)))
      usage[r] = d.quantity(q, `${at}[${i}].usage.${r}`);
    return { name: required(o.name, `${at}[${i}].name`), usage };
  });
}

/** Base state + steps of one series; `valueOf` reads the value field(s) of an entry or step. */
function series<V, K>(
  o: d.Json,
  at: string,
  key: K,
  valueOf: (x: d.Json, at: string) => V | undefined,
  stepKeys: readonly string[],
): StaticSeries<V, K> {
  const state = (x: d.Json, xat: string): StaticState<V> => {
    const value = valueOf(x, xat);
    const error = failure(x.error, `${xat}.error`);
    return {
      ...(value === undefined ? {} : { value }),
      ...(x.missing === true ? { missing: true } : {}),
      ...(error === undefined ? {} : { error }),
    };
  };
  const steps = d.array(o.at, `${at}.at`).map((s, i): StaticStep<V> => {
    const sat = `${at}.at[${i}]`;
    const so = d.object(s, sat);
    keysOnly(so, sat, ['offset', 'time', 'missing', 'error', ...stepKeys]);
    if ((so.offset === undefined) === (so.time === undefined))
      d.fail(sat, 'needs exactly one of offset (e.g. 30s) or time (RFC 3339)');
    const absolute = so.time !== undefined;
    const when = absolute ? d.instant(so.time, `${sat}.time`) : seconds(so.offset, `${sat}.offset`) * 1000;
    return { at: when, absolute, ...state(so, sat) };
  });
  return { key, base: state(o, at), steps: [...steps].sort((a, b) => a.at - b.at) };
}

function entries<T>(v: unknown, at: string, keys: readonly string[], one: (o: d.Json, at: string) => T): T[] {
  return d.array(v, at).map((e, i) => {
    const o = d.object(e, `${at}[${i}]`);
    keysOnly(o, `${at}[${i}]`, keys);
    return one(o, `${at}[${i}]`);
  });
}

/** Validates a parsed YAML/JSON document as static metrics data. */
export function parseStaticMetrics(raw: unknown): Result<StaticMetricsData, string> {
  try {
    const top = d.optObject(raw, '');
    keysOnly(top, '', TOP_KEYS);
    const q = (x: d.Json, at: string): Quantity | undefined =>
      x.value === undefined ? undefined : d.quantity(x.value, `${at}.value`);
    const resource = entries(
      top.resource,
      'resource',
      ['namespace', 'pod', 'labels', 'window', 'containers', 'at', 'missing', 'error'],
      (o, at) =>
        series(
          o,
          at,
          {
            namespace: required(o.namespace, `${at}.namespace`),
            pod: required(o.pod, `${at}.pod`),
            labels: d.stringMap(o.labels, `${at}.labels`),
            windowSeconds: o.window === undefined ? 30 : seconds(o.window, `${at}.window`),
          },
          (x, xat) => (x.containers === undefined ? undefined : containers(x.containers, `${xat}.containers`)),
          ['containers'],
        ),
    );
    const common = ['namespace', 'metric', 'value', 'windowSeconds', 'metricLabels', 'at', 'missing', 'error'];
    const pods = entries(top.pods, 'pods', [...common, 'pod', 'labels'], (o, at) =>
      series(
        o,
        at,
        {
          namespace: required(o.namespace, `${at}.namespace`),
          metric: required(o.metric, `${at}.metric`),
          pod: required(o.pod, `${at}.pod`),
          labels: d.stringMap(o.labels, `${at}.labels`),
          metricLabels: d.stringMap(o.metricLabels, `${at}.metricLabels`),
          windowSeconds: d.optInteger(o.windowSeconds, `${at}.windowSeconds`) ?? DEFAULT_METRIC_WINDOW_SECONDS,
        },
        q,
        ['value'],
      ),
    );
    const objects = entries(top.objects, 'objects', [...common, 'describedObject'], (o, at) => {
      const obj = d.object(o.describedObject, `${at}.describedObject`);
      keysOnly(obj, `${at}.describedObject`, ['apiVersion', 'kind', 'name']);
      const apiVersion = d.optString(obj.apiVersion, `${at}.describedObject.apiVersion`);
      const key: ObjectKey = {
        namespace: required(o.namespace, `${at}.namespace`),
        metric: required(o.metric, `${at}.metric`),
        kind: required(obj.kind, `${at}.describedObject.kind`),
        name: required(obj.name, `${at}.describedObject.name`),
        ...(apiVersion === undefined ? {} : { group: groupOfApiVersion(apiVersion) }),
        metricLabels: d.stringMap(o.metricLabels, `${at}.metricLabels`),
        windowSeconds: d.optInteger(o.windowSeconds, `${at}.windowSeconds`) ?? DEFAULT_METRIC_WINDOW_SECONDS,
      };
      return series(o, at, key, q, ['value']);
    });
    const external = entries(
      top.external,
      'external',
      ['namespace', 'metric', 'labels', 'value', 'windowSeconds', 'at', 'missing', 'error'],
      (o, at) => {
        const ns = d.optString(o.namespace, `${at}.namespace`);
        const w = d.optInteger(o.windowSeconds, `${at}.windowSeconds`);
        const key: ExternalKey = {
          ...(ns === undefined ? {} : { namespace: ns }),
          metric: required(o.metric, `${at}.metric`),
          labels: d.stringMap(o.labels, `${at}.labels`),
          ...(w === undefined ? {} : { windowSeconds: w }),
        };
        return series(o, at, key, q, ['value']);
      },
    );
    const epoch = top.epoch === undefined ? undefined : d.instant(top.epoch, 'epoch');
    const loopMs = top.loop === undefined ? undefined : seconds(top.loop, 'loop') * 1000;
    if (loopMs !== undefined && loopMs <= 0) d.fail('loop', 'must be a positive duration');
    return ok({
      ...(epoch === undefined ? {} : { epoch }),
      ...(loopMs === undefined ? {} : { loopMs }),
      resource,
      pods,
      objects,
      external,
    });
  } catch (e) {
    if (e instanceof d.DecodeError) return err(e.message);
    throw e;
  }
}

/** Reads a static metrics file (YAML or JSON); errors name the file and the field. */
export function loadStaticMetrics(path: string): Result<StaticMetricsData, string> {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8'));
  } catch (e) {
    return err(`${path}: ${(e as Error).message}`);
  }
  const parsed = parseStaticMetrics(raw);
  return parsed.ok ? parsed : err(`${path}: ${parsed.error}`);
}
