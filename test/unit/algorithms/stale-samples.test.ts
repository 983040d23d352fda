/**
 * The stale-sample cut-off (algorithms/stale-samples.ts): `--metrics-max-age` (config.metricsMaxAgeMs)
 * and `hpa-ts.io/metrics-max-age`. Stale per-pod samples make missing pods; a stale Object or
 * External sample fails its metric.
 */
import { describe, expect, it } from '@jest/globals';
import {
  EMPTY_HISTORY,
  Quantity,
  decide,
  findCondition,
  parseHpaAnnotations,
  parseMetricsMaxAgeAnnotation,
  type DecideInput,
  type MetricFetch,
  type MetricSpec,
  type PodSnapshot,
} from '../../../algorithms/index.js';
import {
  NOW,
  TEST_CONFIG,
  cpuFetch,
  cpuUtilization,
  decideInput,
  externalAverage,
  externalFetch,
  makeHpa,
  makePod,
  podsAverage,
} from './fixtures.js';

const MIN = 60_000;
/** a reconcile after the first: no initial recommendation holds the count */
const SEEN = { ...EMPTY_HISTORY, recommendations: [] };
/** without a scale-down stabilization window, so a scale-down shows in one decision */
const NO_WINDOW = { ...TEST_CONFIG, downscaleStabilizationWindowSeconds: 0 };
const podsOf = (n: number): PodSnapshot[] => Array.from({ length: n }, (_, i) => makePod(i));

/** CPU samples per pod: [usage in millicores, age in ms]. */
export function agedCpuFetch(
  pods: readonly PodSnapshot[],
  samples: readonly (readonly [number, number])[],
): MetricFetch {
  return {
    kind: 'resource',
    result: {
      ok: true,
      value: pods.map((p, i) => ({
        pod: p.name,
        labels: p.labels,
        timestamp: NOW - (samples[i]?.[1] ?? 0),
        windowSeconds: 30,
        containers: [{ name: 'app', usage: { cpu: Quantity.fromMilli(BigInt(samples[i]?.[0] ?? 0)) } }],
      })),
    },
  };
}

function withMaxAge(input: DecideInput, opts: { flagMs?: number; annotation?: string }): DecideInput {
  return {
    ...input,
    config: opts.flagMs === undefined ? input.config : { ...input.config, metricsMaxAgeMs: opts.flagMs },
    ...(opts.annotation === undefined
      ? {}
      : { annotations: parseHpaAnnotations({ 'hpa-ts.io/metrics-max-age': opts.annotation }) }),
  };
}

function cpuInput(samples: readonly (readonly [number, number])[], current = samples.length): DecideInput {
  const pods = podsOf(samples.length);
  const hpa = makeHpa([cpuUtilization(50)], { min: 1, max: 20, currentReplicas: current });
  return decideInput(hpa, pods, [agedCpuFetch(pods, samples)], current, { config: NO_WINDOW, history: SEEN });
}

describe('hpa-ts.io/metrics-max-age', () => {
  it('takes 0 (off, in any Go spelling) or a Go duration from 1s to 1h, in milliseconds', () => {
    expect(parseMetricsMaxAgeAnnotation('2m')).toEqual({ ok: true, value: 120_000 });
    expect(parseMetricsMaxAgeAnnotation('1s')).toEqual({ ok: true, value: 1_000 });
    expect(parseMetricsMaxAgeAnnotation('1h')).toEqual({ ok: true, value: 3_600_000 });
    for (const zero of ['0', '0s', '0m']) expect(parseMetricsMaxAgeAnnotation(zero)).toEqual({ ok: true, value: 0 });
  });

  it('rejects what is not a Go duration, and durations below 1s or above 1h, naming the annotation', () => {
    expect(parseMetricsMaxAgeAnnotation('500ms')).toEqual({
      ok: false,
      error: {
        code: 'DurationOutOfRange',
        annotation: 'hpa-ts.io/metrics-max-age',
        value: '500ms',
        message: 'hpa-ts.io/metrics-max-age: "500ms" is out of range: must be 0 (off) or between 1s and 1h; ignored',
      },
    });
    expect(parseMetricsMaxAgeAnnotation('2h')).toMatchObject({ ok: false, error: { code: 'DurationOutOfRange' } });
    for (const text of ['2', 'two minutes', '', '-1m']) expect(parseMetricsMaxAgeAnnotation(text).ok).toBe(false);
    expect(parseMetricsMaxAgeAnnotation('2')).toMatchObject({ ok: false, error: { code: 'InvalidDuration' } });
  });

  it('is absent from the parsed annotations when not set, so other annotations parse as before', () => {
    const parsed = parseHpaAnnotations({ 'hpa-ts.io/paused': 'true' });
    expect(parsed.paused).toBe(true);
    expect(parsed).not.toHaveProperty('metricsMaxAgeMs');
    expect(parseHpaAnnotations({ 'hpa-ts.io/metrics-max-age': '90s' }).metricsMaxAgeMs).toBe(90_000);
  });
});

describe('the cut-off off (no flag, no annotation, or "0")', () => {
  it('leaves the decision as upstream makes it, old samples included', () => {
    const input = cpuInput([
      [900, 0],
      [900, 60 * MIN],
    ]);
    const upstream = decide(input);
    expect(upstream.staleSamples).toBeUndefined();
    expect(upstream.rescale?.to).toBe(4);
    const zeroAnnotation = decide(withMaxAge(input, { flagMs: MIN, annotation: '0' }));
    expect(zeroAnnotation.staleSamples).toBeUndefined();
    expect(zeroAnnotation.rescale).toEqual(upstream.rescale);
    expect(zeroAnnotation.status).toEqual(upstream.status);
  });
});

describe('per-pod metrics: a stale sample makes a pod without metrics', () => {
  it('on a scale-up the stale pod counts as 0 % (upstream missing-pod rule)', () => {
    // fresh pods at 90 % of 1 cpu, target 50 %; the stale pod reported 900 m a long time ago
    const input = cpuInput([
      [900, 0],
      [900, 0],
      [900, 10 * MIN],
    ]);
    expect(decide(input).rescale?.to).toBe(6);
    const d = decide(withMaxAge(input, { flagMs: 2 * MIN }));
    const cpu = d.metrics[0];
    expect(cpu?.ok && cpu.detail.missingPods).toEqual(['web-2']);
    // ratio over 3 pods with the missing one at 0: (90 + 90 + 0) / 3 / 50 = 1.2 → 4
    expect(d.rescale?.to).toBe(4);
    expect(d.staleSamples).toEqual({
      maxAgeMs: 2 * MIN,
      source: 'flag',
      dropped: [{ metricIndex: 0, metric: 'Resource cpu', pod: 'web-2', timestamp: NOW - 10 * MIN, ageMs: 10 * MIN }],
    });
  });

  it('on a scale-down the stale pod counts as using 100 % of its request, so the scale-down is smaller', () => {
    const input = cpuInput([
      [100, 0],
      [100, 0],
      [100, 0],
      [100, 5 * MIN],
    ]);
    expect(decide(input).rescale?.to).toBe(1);
    const d = decide(withMaxAge(input, { annotation: '2m' }));
    // the missing pod at 100 % of its request: (10 + 10 + 10 + 100) / 4 / 50 = 0.65 → 3
    expect(d.rescale?.to).toBe(3);
    expect(d.staleSamples?.source).toBe('annotation');
    expect(d.staleSamples?.dropped.map((s) => s.pod)).toEqual(['web-3']);
  });

  it('when every sample is stale the metric fails: FailedGetResourceMetric, no rescale, the message says why', () => {
    const input = cpuInput([
      [100, 5 * MIN],
      [100, 4 * MIN],
    ]);
    const d = decide(withMaxAge(input, { flagMs: 2 * MIN }));
    expect(d.rescale).toBeNull();
    expect(findCondition(d.status.conditions, 'ScalingActive')).toMatchObject({
      status: 'False',
      reason: 'FailedGetResourceMetric',
    });
    const event = d.events.find((e) => e.reason === 'FailedGetResourceMetric');
    expect(event?.message).toBe(
      'failed to get cpu utilization: unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: every sample is stale (2 pods); the newest, of pod web-1, has timestamp 2024-12-31T23:56:00Z, 4m0s old, older than the max age 2m0s',
    );
  });

  it('keeps a sample exactly max age old, and one stamped after now (clock skew)', () => {
    const input = cpuInput([
      [900, 2 * MIN],
      [900, -MIN],
    ]);
    const d = decide(withMaxAge(input, { flagMs: 2 * MIN }));
    expect(d.staleSamples?.dropped).toEqual([]);
    expect(d.rescale).toEqual(decide(input).rescale);
  });

  it('applies to Pods metrics the same way', () => {
    const pods = podsOf(2);
    const hpa = makeHpa([podsAverage('qps', '10')], { min: 1, max: 20, currentReplicas: 2 });
    const fetch: MetricFetch = {
      kind: 'pods',
      result: {
        ok: true,
        value: [
          { pod: 'web-0', value: Quantity.parse('20'), timestamp: NOW, windowSeconds: 60 },
          { pod: 'web-1', value: Quantity.parse('20'), timestamp: NOW - 3 * MIN, windowSeconds: 60 },
        ],
      },
    };
    const d = decide(withMaxAge(decideInput(hpa, pods, [fetch], 2), { flagMs: MIN }));
    const m = d.metrics[0];
    expect(m?.ok && m.detail.missingPods).toEqual(['web-1']);
    expect(d.staleSamples?.dropped).toMatchObject([{ metric: 'Pods qps', pod: 'web-1' }]);
  });
});

describe('Object and External metrics: a stale sample fails the metric', () => {
  const specs: MetricSpec[] = [cpuUtilization(50), externalAverage('queue_depth', '10')];

  function externalInput(external: MetricFetch): DecideInput {
    const pods = podsOf(4);
    const hpa = makeHpa(specs, { min: 1, max: 20, currentReplicas: 4 });
    // cpu alone points down (10 %)
    return decideInput(hpa, pods, [cpuFetch(pods, () => 100), external], 4, { config: NO_WINDOW, history: SEEN });
  }

  it('FailedGetExternalMetric with the timestamp, the age and the max age; no scale-down on the other metric', () => {
    const stale: MetricFetch = {
      kind: 'external',
      result: { ok: true, value: [{ value: Quantity.parse('5'), timestamp: NOW - 10 * MIN }] },
    };
    const input = externalInput(stale);
    expect(decide(input).rescale?.to).toBe(1);
    const d = decide(withMaxAge(input, { flagMs: 5 * MIN }));
    expect(d.rescale).toBeNull();
    const event = d.events.find((e) => e.reason === 'FailedGetExternalMetric');
    expect(event?.message).toContain(
      'sample is stale: the sample has timestamp 2024-12-31T23:50:00Z, 10m0s old, older than the max age 5m0s',
    );
    expect(findCondition(d.status.conditions, 'ScalingActive')).toMatchObject({
      status: 'False',
      reason: 'FailedGetExternalMetric',
    });
    expect(d.explanation[0]).toBe('samples older than 5m0s (--metrics-max-age) are not trusted: 1 dropped');
    expect(d.explanation[1]).toBe(
      'stale sample dropped: External queue_depth, the value: has timestamp 2024-12-31T23:50:00Z, 10m0s old, older than the max age 5m0s',
    );
  });

  it('several series: one stale series fails the whole metric (a partial sum would under-count)', () => {
    const series: MetricFetch = {
      kind: 'external',
      result: {
        ok: true,
        value: [
          { value: Quantity.parse('5'), timestamp: NOW, labels: { queue: 'a' } },
          { value: Quantity.parse('500'), timestamp: NOW - 10 * MIN, labels: { queue: 'b' } },
        ],
      },
    };
    const d = decide(withMaxAge(externalInput(series), { flagMs: 5 * MIN }));
    expect(d.metrics[1]?.ok).toBe(false);
    expect(d.events.find((e) => e.reason === 'FailedGetExternalMetric')?.message).toContain(
      '1 of 2 series are stale; the oldest, {queue="b"}, has timestamp',
    );
    expect(d.staleSamples?.dropped).toMatchObject([{ metric: 'External queue_depth', labels: { queue: 'b' } }]);
  });

  it('fresh External samples are used as upstream uses them', () => {
    const input = externalInput(externalFetch([5000]));
    const d = decide(withMaxAge(input, { flagMs: 5 * MIN }));
    expect(d.rescale).toEqual(decide(input).rescale);
    expect(d.explanation[0]).toBe('samples older than 5m0s (--metrics-max-age) are not trusted: none was');
  });
});

describe('an invalid annotation', () => {
  it('is ignored with AnnotationsValid=False and an InvalidAnnotation event; the flag applies', () => {
    const input = cpuInput([
      [900, 0],
      [900, 10 * MIN],
    ]);
    const d = decide(withMaxAge(input, { flagMs: 2 * MIN, annotation: 'soon' }));
    expect(findCondition(d.status.conditions, 'AnnotationsValid')).toMatchObject({
      status: 'False',
      reason: 'InvalidAnnotation',
    });
    expect(d.events.find((e) => e.reason === 'InvalidAnnotation')?.message).toContain(
      'hpa-ts.io/metrics-max-age: "soon" is not a Go duration',
    );
    expect(d.staleSamples?.source).toBe('flag');
    expect(d.staleSamples?.dropped).toHaveLength(1);
    expect({ ...TEST_CONFIG }).not.toHaveProperty('metricsMaxAgeMs');
  });
});
