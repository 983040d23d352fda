/**
 * `hpa-ts replay --prometheus-url URL --adapter-config RULES --from T --to T [--step 15s]`: the
 * recording made from Prometheus's past. The `prometheus` client (the prometheus-adapter rule
 * engine, metrics-clients/prometheus/) runs at each step of the range with its clock set there;
 * its instant queries are answered from one /api/v1/query_range per PromQL (RangeBackedQueryApi).
 * The pods of each step are those with a value of the metric then (no cluster remembers them).
 */
import {
  type CrossVersionObjectReference,
  type MetricsApiError,
  Quantity,
  type Result,
  Selector,
  err,
  ok,
  parseInstant,
  selectorFromLabelSelector,
} from '../algorithms/index.js';
import {
  PrometheusApi,
  PrometheusMetricsClient,
  RangeBackedQueryApi,
  StaticRestMapper,
  formatConfigError,
  loadAdapterConfig,
  recorded,
  silentLogger,
} from '../metrics-clients/index.js';
import { realClock } from '../controller/clock.js';
import type { FlagValues } from './flags/values.js';
import { labelSelectorOf } from './replay.js';

type Problem = { readonly message: string; readonly exitCode: 1 | 2 };
type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});

/** Prometheus's own limit of points per series in one range query. */
const MAX_STEPS = 11_000;

/** What to ask Prometheus for one metric of an HPA. */
type Ask =
  | {
      readonly type: 'Pods' | 'External';
      readonly namespace: string;
      readonly metric: string;
      readonly selector: Selector;
    }
  | {
      readonly type: 'Object';
      readonly namespace: string;
      readonly metric: string;
      readonly selector: Selector;
      readonly describedObject: CrossVersionObjectReference;
    };

function objectReference(o: Obj): CrossVersionObjectReference {
  const apiVersion = typeof o.apiVersion === 'string' ? { apiVersion: o.apiVersion } : {};
  return { kind: String(o.kind ?? ''), name: String(o.name ?? ''), ...apiVersion };
}

/** The metrics of every HPA, once each; Resource metrics are refused (resourceRules are not replayed). */
function asks(hpas: readonly Obj[]): Result<Ask[], string> {
  const out = new Map<string, Ask>();
  for (const hpa of hpas) {
    const namespace = String(obj(hpa.metadata).namespace ?? 'default');
    const specs = obj(hpa.spec).metrics;
    for (const [i, raw] of (Array.isArray(specs) ? specs : []).entries()) {
      const m = obj(raw);
      const type = String(m.type);
      if (type !== 'Pods' && type !== 'Object' && type !== 'External')
        return err(
          `spec.metrics[${i}]: a ${type} metric cannot be read from Prometheus by replay (record it with hpa-ts simulate --record, or write the recording)`,
        );
      const src = obj(m[type.toLowerCase()]);
      const id = obj(src.metric);
      const sel = selectorFromLabelSelector(labelSelectorOf(id.selector));
      if (!sel.ok) return err(`spec.metrics[${i}].${type.toLowerCase()}.metric.selector: ${sel.error.message}`);
      const base = { namespace, metric: String(id.name), selector: sel.value };
      const ask: Ask =
        type === 'Object'
          ? { ...base, type, describedObject: objectReference(obj(src.describedObject)) }
          : { ...base, type };
      out.set(`${type}|${base.metric}|${sel.value.toString()}`, ask);
    }
  }
  return ok([...out.values()]);
}

/** A failure of Prometheus itself (not a metric it lacks) stops the recording. */
function fatal(e: MetricsApiError): boolean {
  return e.kind !== 'NotFound';
}

interface Range {
  readonly startMs: number;
  readonly endMs: number;
  readonly stepMs: number;
}

function rangeOf(v: FlagValues): Result<Range, string> {
  // the project's one RFC 3339 parser: Date.parse would also take "Dec 7 2026" and local times
  const startMs = parseInstant(v.from ?? '');
  const endMs = parseInstant(v.to ?? '');
  if (Number.isNaN(startMs)) return err(`--from ${JSON.stringify(v.from)} is not an RFC 3339 time`);
  if (Number.isNaN(endMs)) return err(`--to ${JSON.stringify(v.to)} is not an RFC 3339 time`);
  if (endMs <= startMs) return err(`--to ${v.to ?? ''} must be after --from ${v.from ?? ''}`);
  const stepMs = v.step ?? 15_000;
  if ((endMs - startMs) / stepMs > MAX_STEPS)
    return err(`--from … --to at --step ${stepMs / 1000}s is more than ${MAX_STEPS} steps (Prometheus's limit)`);
  return ok({ startMs, endMs, stepMs });
}

type Row = recorded.RecordedRow;

function row(t: number, ask: Ask, pod: string, value: Quantity | null): Row {
  return { t, type: ask.type, metric: ask.metric, selector: ask.selector.toString(), pod, value, request: null };
}

/** One step of one metric: its rows, or the failure that stops the recording. */
async function stepRows(
  client: PrometheusMetricsClient,
  pods: { names: readonly string[] },
  ask: Ask,
  t: number,
): Promise<Result<Row[], MetricsApiError>> {
  const none = [row(t, ask, '', null)];
  if (ask.type === 'Pods') {
    const names = await client.podsWithMetric(ask.namespace, ask.metric, ask.selector);
    if (!names.ok) return fatal(names.error) ? names : ok(none);
    if (names.value.length === 0) return ok(none);
    pods.names = names.value; // what the client's pod lister answers
    const q = { namespace: ask.namespace, metricName: ask.metric, podSelector: Selector.everything() };
    const r = await client.getPodsMetric({ ...q, metricSelector: ask.selector });
    if (!r.ok) return fatal(r.error) ? r : ok(none);
    return ok(names.value.map((pod) => row(t, ask, pod, r.value.find((p) => p.pod === pod)?.value ?? null)));
  }
  const r =
    ask.type === 'Object'
      ? await client.getObjectMetric({
          namespace: ask.namespace,
          metricName: ask.metric,
          describedObject: ask.describedObject,
          metricSelector: ask.selector,
        })
      : await client.getExternalMetric({
          namespace: ask.namespace,
          metricName: ask.metric,
          metricSelector: ask.selector,
        });
  if (!r.ok) return fatal(r.error) ? r : ok(none);
  if (r.value.length === 0) return ok(none);
  const milli = r.value.reduce((s, x) => s + x.value.milliValue(), 0n);
  return ok([row(t, ask, '', r.value.length === 1 ? r.value[0].value : Quantity.fromMilli(milli))]);
}

export async function recordFromPrometheus(
  v: FlagValues,
  hpas: readonly Obj[],
): Promise<Result<recorded.Recording, Problem>> {
  const usage = (message: string): Result<never, Problem> => err({ message, exitCode: 2 });
  const range = rangeOf(v);
  if (!range.ok) return usage(range.error);
  const wanted = asks(hpas);
  if (!wanted.ok) return usage(`${v.hpa ?? ''}: ${wanted.error}`);
  const config = loadAdapterConfig(v.adapterConfig ?? '');
  if (!config.ok) return usage(`--adapter-config: ${formatConfigError(config.error)}`);
  const api = PrometheusApi.create({ url: v.prometheusUrl ?? '' }, () => realClock.now());
  if (!api.ok) return usage(`--prometheus-url: ${api.error}`);
  const ranged = new RangeBackedQueryApi(api.value, range.value);
  let now = range.value.startMs;
  const pods: { names: readonly string[] } = { names: [] };
  const client = await PrometheusMetricsClient.create(
    config.value,
    ranged,
    {},
    {
      now: () => now,
      restMapper: new StaticRestMapper(),
      logger: silentLogger,
      podLister: () => Promise.resolve(pods.names.map((name) => ({ name, labels: {} }))),
    },
  );
  if (!client.ok) return usage(`--adapter-config: ${client.error}`);
  const rows: Row[] = [];
  try {
    for (let at = range.value.startMs; at <= range.value.endMs; at += range.value.stepMs) {
      now = at;
      const t = (at - range.value.startMs) / 1000;
      for (const ask of wanted.value) {
        const r = await stepRows(client.value, pods, ask, t);
        if (!r.ok)
          return err({ message: `${v.prometheusUrl ?? ''}: ${r.error.path}: ${r.error.message}`, exitCode: 1 });
        rows.push(...r.value);
      }
    }
  } finally {
    await client.value.close();
  }
  const firstPods = rows.filter((r) => r.type === 'Pods' && r.t === 0 && r.pod !== '').length;
  const replicas: Row[] =
    firstPods === 0
      ? []
      : [
          {
            t: 0,
            type: 'Replicas',
            metric: '',
            selector: '',
            pod: '',
            value: Quantity.fromValue(BigInt(firstPods)),
            request: null,
          },
        ];
  return ok({ rows: [...replicas, ...rows] });
}
