import { describe, expect, it } from '@jest/globals';
import { decide, formatFieldErrors, specErrorsOf, type HorizontalPodAutoscaler } from '../../../algorithms/index.js';
import { cpuUtilization, decideInput, makeHpa, makePod } from './fixtures.js';

const pods = [makePod(0), makePod(1)];

describe('the controller validates every HPA as the API server does (issue 13 item 3)', () => {
  it('finds nothing wrong with a valid HPA, defaulted as a create would be', () => {
    expect(specErrorsOf(makeHpa([cpuUtilization(50)]))).toEqual([]);
    // what the CRD leaves to defaulting: no metrics, a behavior direction without policies
    const bare = makeHpa([], { behavior: { scaleUp: { stabilizationWindowSeconds: 0 } } });
    expect(specErrorsOf(bare)).toEqual([]);
  });

  it('is lenient where the server gates decide: minReplicas 0 with an External metric, a per-HPA tolerance', () => {
    const external = {
      type: 'External' as const,
      external: { metric: { name: 'queue' }, target: { type: 'AverageValue' as const, averageValue: '10' } },
    };
    expect(specErrorsOf(makeHpa([external], { min: 0 }))).toEqual([]);
    const tolerant = makeHpa([cpuUtilization(50)], {
      behavior: { scaleDown: { tolerance: '0.05', policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } },
    });
    expect(specErrorsOf(tolerant)).toEqual([]);
  });

  it('names each field and what it must be, joined as the API server joins them', () => {
    const errors = specErrorsOf(makeHpa([cpuUtilization(50)], { min: 5, max: 2 }));
    expect(formatFieldErrors(errors)).toBe(
      'spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`',
    );
    const two = specErrorsOf(makeHpa([cpuUtilization(0)], { min: 5, max: 2 }));
    expect(formatFieldErrors(two)).toBe(
      '[spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`, spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0]',
    );
  });

  it('decides InvalidSpec: ScalingActive=False and a Warning event, no scale, no selector, a spec error', () => {
    const hpa: HorizontalPodAutoscaler = makeHpa([cpuUtilization(50)], { min: 5, max: 2, currentReplicas: 2 });
    const specErrors = specErrorsOf(hpa);
    const d = decide({ ...decideInput(hpa, pods, [], 2), specErrors });
    const message =
      'the HPA spec is invalid, so it is not acted on: spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`';
    expect(d.branch).toBe('invalidSpec');
    expect(d.rescale).toBeNull();
    expect(d.selector).toBeNull();
    expect(d.events).toEqual([{ type: 'Warning', reason: 'InvalidSpec', message }]);
    expect(d.status.conditions).toEqual([
      expect.objectContaining({ type: 'ScalingActive', status: 'False', reason: 'InvalidSpec', message }),
    ]);
    expect(d.status.desiredReplicas).toBe(2);
    expect(d.error).toMatchObject({ code: 'InvalidSpec', spec: true });
    expect(d.monitor.reconciliation).toEqual({ action: 'none', error: 'spec' });
    expect(d.explanation).toEqual([
      'the HPA spec is invalid, nothing is read or written: spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`',
    ]);
    expect(d.reason).toBe(
      'no scaling: the HPA spec is invalid: spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`',
    );
  });

  it('a second reconcile of the same invalid HPA changes nothing, so writes no status', () => {
    const hpa = makeHpa([cpuUtilization(50)], { min: 5, max: 2, currentReplicas: 2 });
    const specErrors = specErrorsOf(hpa);
    const first = decide({ ...decideInput(hpa, pods, [], 2), specErrors });
    const again = decide({ ...decideInput({ ...hpa, status: first.status }, pods, [], 2), specErrors });
    expect(first.statusChanged).toBe(true);
    expect(again.statusChanged).toBe(false);
  });
});
