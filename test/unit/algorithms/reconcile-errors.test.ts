import { describe, expect, it } from '@jest/globals';
import {
  decide,
  failedUpdateStatus,
  parseSelector,
  type DecideInput,
  type MetricFetch,
  type Selector,
} from '../../../algorithms/index.js';
import { cpuFetch, cpuUtilization, decideInput, makeHpa, makePod, podsAverage, podsFetch } from './fixtures.js';

const pods = Array.from({ length: 4 }, (_, i) => makePod(i));
const hpa = makeHpa([cpuUtilization(50)], { min: 1, max: 20, currentReplicas: 4 });
const base = decideInput(hpa, pods, [cpuFetch(pods, () => 500)], 4);
const metricsDown: MetricFetch = {
  kind: 'resource',
  result: {
    ok: false,
    error: { kind: 'Unavailable', api: 'resource', path: '/apis/metrics.k8s.io', message: 'the server is down' },
  },
};

function withSelector(selector: string, input: DecideInput = base): DecideInput {
  if (!input.scale.ok) throw new Error('fixture has a scale');
  const scale = input.scale.value;
  return { ...input, scale: { ok: true, value: { ...scale, status: { ...scale.status, selector } } } };
}

describe('reconcile errors carry a stable code; messages stay upstream-identical', () => {
  it.each([
    ['apiVersion', 'invalid API version in scale target reference: boom', true],
    ['mapping', 'unable to determine resource for scale target reference: boom', false],
    ['get', 'failed to query scale subresource for Deployment/default/web: boom', false],
  ] as const)('a scale read failing at %s is FailedGetScale', (stage, message, spec) => {
    const d = decide({ ...base, scale: { ok: false, error: { stage, message: 'boom' } } });
    expect(d.error).toEqual({ code: 'FailedGetScale', message, cause: 'boom', spec });
    expect(d.branch).toBe('scaleUnavailable');
  });

  it('an empty scale selector is SelectorRequired', () => {
    const d = decide(withSelector(''));
    expect(d.error).toMatchObject({
      code: 'SelectorRequired',
      message:
        'failed to compute desired number of replicas based on listed metrics for Deployment/default/web: selector is required',
      cause: 'selector is required',
    });
  });

  it('an unparsable scale selector is InvalidSelector', () => {
    const d = decide(withSelector('app in ('));
    expect(d.error?.code).toBe('InvalidSelector');
    expect(d.error?.cause).toMatch(/^couldn't convert selector into a corresponding internal selector object: /);
  });

  it('pods claimed by two HPAs are AmbiguousSelector', () => {
    const other = (parseSelector('app=web') as { ok: true; value: Selector }).value;
    const d = decide({
      ...base,
      selectors: [
        { key: 'default/web', selector: null },
        { key: 'default/other', selector: other },
      ],
    });
    expect(d.error?.code).toBe('AmbiguousSelector');
  });

  it('no metric computed is FailedComputeMetricsReplicas', () => {
    const d = decide({ ...base, metrics: [metricsDown] });
    expect(d.error?.code).toBe('FailedComputeMetricsReplicas');
    expect(d.error?.message).toMatch(
      /^failed to compute desired number of replicas based on listed metrics for Deployment\/default\/web: invalid metrics \(1 invalid out of 1\), first error is: /,
    );
    expect(d.events.at(-1)).toEqual({
      type: 'Warning',
      reason: 'FailedComputeMetricsReplicas',
      message: d.error?.cause,
    });
  });

  it('a failed metric beside one that scales up is InvalidMetrics, and the scale-up goes ahead', () => {
    const two = makeHpa([cpuUtilization(50), podsAverage('qps', '10')], { min: 1, max: 20, currentReplicas: 4 });
    const d = decide(decideInput(two, pods, [metricsDown, podsFetch(pods, () => 20_000)], 4));
    expect(d.rescale).toMatchObject({ from: 4, to: 8 });
    expect(d.error?.code).toBe('InvalidMetrics');
    expect(d.error?.message).toMatch(/^invalid metrics \(1 invalid out of 2\), first error is: failed to get cpu/);
  });

  it('a failed status write is FailedUpdateStatus', () => {
    expect(failedUpdateStatus('web', 'conflict')).toEqual({
      code: 'FailedUpdateStatus',
      message: 'failed to update status for web: conflict',
      cause: 'conflict',
      spec: false,
    });
  });
});
