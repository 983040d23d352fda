/**
 * The stale-sample cut-off (`--metrics-max-age`, `hpa-ts.io/metrics-max-age`; docs/annotations.md).
 * An hpa-ts extension, off by default: upstream trusts a sample of any age. With a max age, a
 * sample whose timestamp is more than that before the decision's `now` is taken out of the
 * metrics APIs' answers before upstream's decision reads them:
 *
 * - per-pod metrics (Resource, ContainerResource, Pods): the pod's sample is dropped, so the pod
 *   counts as a pod without metrics and upstream's missing-pod rules apply (R1.4.3: 0 on a
 *   scale-up, its request on a scale-down). When every sample is stale the answer becomes a
 *   failed fetch, as an empty answer is upstream (the message says why);
 * - Object and External: the metric's fetch fails (upstream's condition and event of a failed
 *   fetch of that type, R2.5: no scale-down on the other metrics either). An External metric with
 *   several series fails when any one is stale: the sum of the fresh ones would under-count.
 *
 * The age reference is the sample's `timestamp`: in metrics.k8s.io it is the end of the window
 * [timestamp − window, timestamp] the usage was measured over; the window does not age a sample.
 * A timestamp after `now` (clock skew) is age 0, never stale. Exactly max age old is still fresh.
 */
import type { MetricSpec } from './api-types.js';
import { formatGoDuration } from './go-duration.js';
import type { MetricFetch, MetricsApiError, MetricsResult } from './metric-samples.js';
import { err, ok } from './result.js';
import { formatInstant, type Instant } from './time.js';

/** One sample left out of a decision for its age. */
export interface StaleSample {
  /** index of the metric in spec.metrics */
  readonly metricIndex: number;
  /** the metric as explain names it: `Resource cpu`, `External queue_depth` */
  readonly metric: string;
  /** the pod whose sample was dropped (per-pod metrics) */
  readonly pod?: string;
  /** the series' labels (External) */
  readonly labels?: Readonly<Record<string, string>>;
  readonly timestamp: Instant;
  readonly ageMs: number;
}

/** Where the max age in force came from. */
export type MaxAgeSource = 'flag' | 'annotation';

/** What the cut-off did to one decision; absent from a decision when it was off. */
export interface StaleSamplesOutcome {
  readonly maxAgeMs: number;
  readonly source: MaxAgeSource;
  /** in spec.metrics order, then in the answer's order */
  readonly dropped: readonly StaleSample[];
}

/**
 * The max age in force for one HPA: the annotation's (0 turns it off) over the flag's; null when off.
 */
export function effectiveMaxAge(
  annotationMs: number | null | undefined,
  flagMs: number | undefined,
): { readonly maxAgeMs: number; readonly source: MaxAgeSource } | null {
  if (annotationMs !== null && annotationMs !== undefined)
    return annotationMs > 0 ? { maxAgeMs: annotationMs, source: 'annotation' } : null;
  return flagMs !== undefined && flagMs > 0 ? { maxAgeMs: flagMs, source: 'flag' } : null;
}

/** The fetches with stale samples taken out, and what was taken out. */
export function dropStaleSamples(
  specs: readonly MetricSpec[],
  fetches: readonly MetricFetch[],
  maxAgeMs: number,
  now: Instant,
): { readonly fetches: readonly MetricFetch[]; readonly dropped: readonly StaleSample[] } {
  const dropped: StaleSample[] = [];
  const out = fetches.map((fetch, i) => {
    const spec: MetricSpec | undefined = specs[i];
    const metric = spec === undefined ? `metric ${i}` : metricLabel(spec);
    return filterFetch(fetch, { metricIndex: i, metric, maxAgeMs, now }, dropped);
  });
  return { fetches: out, dropped };
}

interface Cut {
  readonly metricIndex: number;
  readonly metric: string;
  readonly maxAgeMs: number;
  readonly now: Instant;
}

function ageOf(timestamp: Instant, now: Instant): number {
  return Math.max(0, now - timestamp);
}

function filterFetch(fetch: MetricFetch, cut: Cut, dropped: StaleSample[]): MetricFetch {
  switch (fetch.kind) {
    case 'resource':
      return { kind: 'resource', result: perPod(fetch.result, 'resource', cut, dropped) };
    case 'pods':
      return { kind: 'pods', result: perPod(fetch.result, 'custom', cut, dropped) };
    case 'object':
      return { kind: 'object', result: whole(fetch.result, 'custom', cut, dropped) };
    case 'external':
      return { kind: 'external', result: whole(fetch.result, 'external', cut, dropped) };
    case 'none':
      return fetch;
  }
}

/** Per-pod answers: stale pods are left out; when none is left, the fetch fails. */
function perPod<T extends { readonly pod: string; readonly timestamp: Instant }>(
  result: MetricsResult<T>,
  api: MetricsApiError['api'],
  cut: Cut,
  dropped: StaleSample[],
): MetricsResult<T> {
  if (!result.ok) return result;
  const fresh = result.value.filter((item) => ageOf(item.timestamp, cut.now) <= cut.maxAgeMs);
  if (fresh.length === result.value.length) return result;
  const stale = result.value.filter((item) => ageOf(item.timestamp, cut.now) > cut.maxAgeMs);
  for (const item of stale) dropped.push(staleSample(cut, item.timestamp, { pod: item.pod }));
  if (fresh.length > 0) return ok(fresh);
  const newest = stale.reduce((a, b) => (b.timestamp > a.timestamp ? b : a));
  return err(
    staleError(
      api,
      `every sample is stale (${stale.length} pod${stale.length === 1 ? '' : 's'}); the newest, of pod ${newest.pod}, ${staleText(newest.timestamp, cut)}`,
    ),
  );
}

/** Object and External answers: one stale sample fails the metric. */
function whole<T extends { readonly timestamp: Instant; readonly labels?: Readonly<Record<string, string>> }>(
  result: MetricsResult<T>,
  api: MetricsApiError['api'],
  cut: Cut,
  dropped: StaleSample[],
): MetricsResult<T> {
  if (!result.ok) return result;
  const stale = result.value.filter((item) => ageOf(item.timestamp, cut.now) > cut.maxAgeMs);
  if (stale.length === 0) return result;
  for (const item of stale)
    dropped.push(staleSample(cut, item.timestamp, item.labels === undefined ? {} : { labels: item.labels }));
  const oldest = stale.reduce((a, b) => (b.timestamp < a.timestamp ? b : a));
  const series =
    result.value.length === 1
      ? 'the sample'
      : `${stale.length} of ${result.value.length} series are stale; the oldest${oldest.labels === undefined ? '' : `, ${formatLabels(oldest.labels)},`}`;
  return err(staleError(api, `sample is stale: ${series} ${staleText(oldest.timestamp, cut)}`));
}

function staleSample(cut: Cut, timestamp: Instant, where: Pick<StaleSample, 'pod' | 'labels'>): StaleSample {
  return { metricIndex: cut.metricIndex, metric: cut.metric, ...where, timestamp, ageMs: ageOf(timestamp, cut.now) };
}

function staleError(api: MetricsApiError['api'], message: string): MetricsApiError {
  return { kind: 'Stale', api, path: '', message };
}

/** `has timestamp 2025-01-01T00:00:00Z, 5m0s old, older than the max age 2m0s` */
export function staleText(timestamp: Instant, cut: Pick<Cut, 'maxAgeMs' | 'now'>): string {
  return `has timestamp ${formatInstant(timestamp)}, ${formatGoDuration(ageOf(timestamp, cut.now) / 1000)} old, older than the max age ${formatGoDuration(cut.maxAgeMs / 1000)}`;
}

function formatLabels(labels: Readonly<Record<string, string>>): string {
  return `{${Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',')}}`;
}

/** `Resource cpu`, `ContainerResource app/cpu`, `Pods qps`, `Object hits`, `External queue_depth`. */
function metricLabel(spec: MetricSpec): string {
  switch (spec.type) {
    case 'Resource':
      return `Resource ${spec.resource?.name ?? ''}`;
    case 'ContainerResource':
      return `ContainerResource ${spec.containerResource?.container ?? ''}/${spec.containerResource?.name ?? ''}`;
    case 'Pods':
      return `Pods ${spec.pods?.metric?.name ?? ''}`;
    case 'Object':
      return `Object ${spec.object?.metric?.name ?? ''}`;
    case 'External':
      return `External ${spec.external?.metric?.name ?? ''}`;
    default:
      return String((spec as { type?: unknown }).type);
  }
}

/** One explain line per dropped sample, after a line saying the cut-off is on. */
export function explainStaleSamples(s: StaleSamplesOutcome): string[] {
  const from = s.source === 'annotation' ? 'hpa-ts.io/metrics-max-age' : '--metrics-max-age';
  const head = `samples older than ${formatGoDuration(s.maxAgeMs / 1000)} (${from}) are not trusted: ${s.dropped.length === 0 ? 'none was' : `${s.dropped.length} dropped`}`;
  return [
    head,
    ...s.dropped.map((d) => {
      const who = d.pod !== undefined ? `pod ${d.pod}` : d.labels !== undefined ? formatLabels(d.labels) : 'the value';
      return `stale sample dropped: ${d.metric}, ${who}: ${staleText(d.timestamp, { maxAgeMs: s.maxAgeMs, now: d.timestamp + d.ageMs })}`;
    }),
  ];
}
