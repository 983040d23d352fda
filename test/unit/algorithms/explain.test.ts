import { describe, expect, it } from '@jest/globals';
import { decide, explainDecision, settleRescale } from '../../../algorithms/index.js';
import { NOW, cpuFetch, cpuUtilization, decideInput, makeHpa, makePod } from './fixtures.js';

const pods = (n: number) => Array.from({ length: n }, (_, i) => makePod(i));

describe('the explanation is derived from the decision', () => {
  it('metrics path: one line per metric with its tolerance verdict, then the normalization', () => {
    const p = pods(4);
    const hpa = makeHpa([cpuUtilization(50)], { min: 1, max: 20, currentReplicas: 4 });
    const d = settleRescale(decide(decideInput(hpa, p, [cpuFetch(p, () => 1000)], 4)), { kind: 'written' }, NOW);
    expect(d.explanation).toEqual([
      'cpu resource utilization (percentage of request): current 100% vs target 50%; ratio 2; outside tolerance [0.9, 1.1]; pods ready 4, unready 0, missing 0, ignored 0; proposal 8',
      'proposal 8 from 4 current; scale-down stabilization over 300s gives 8; within limits [1, 20]',
    ]);
    expect(d.reason).toBe(
      'scale Deployment/default/web from 4 to 8: cpu resource utilization (percentage of request) above target',
    );
    expect(explainDecision(d)).toEqual(d.explanation);
  });

  it('above maxReplicas: no metrics read', () => {
    const p = pods(12);
    const hpa = makeHpa([cpuUtilization(50)], { min: 1, max: 10, currentReplicas: 12 });
    const d = decide(decideInput(hpa, p, [], 12));
    expect(d.explanation).toEqual(['12 current replicas is above maxReplicas 10: scale to 10 without reading metrics']);
  });

  it('a target at 0 replicas: autoscaling disabled', () => {
    const hpa = makeHpa([cpuUtilization(50)], { min: 1, max: 10, currentReplicas: 0 });
    const d = decide(decideInput(hpa, [], [], 0));
    expect(d.explanation).toEqual([
      'the target Deployment/default/web has 0 replicas: autoscaling is disabled until it is scaled up',
    ]);
    expect(d.reason).toBe('no scaling: the target has 0 replicas, autoscaling is disabled');
  });

  it('a rejected selector and an unreadable scale say so', () => {
    const p = pods(2);
    const hpa = makeHpa([cpuUtilization(50)], { min: 1, max: 10, currentReplicas: 2 });
    const input = decideInput(hpa, p, [cpuFetch(p, () => 500)], 2);
    if (!input.scale.ok) throw new Error('fixture has a scale');
    const noSelector = decide({
      ...input,
      scale: { ok: true, value: { ...input.scale.value, status: { replicas: 2, selector: '' } } },
    });
    expect(noSelector.explanation).toEqual(['scale selector rejected: selector is required']);
    expect(noSelector.reason).toBe('no scaling: selector is required');
    const noScale = decide({ ...input, scale: { ok: false, error: { stage: 'get', message: 'not found' } } });
    expect(noScale.explanation).toEqual(['could not read the scale of Deployment/default/web: not found']);
    expect(noScale.reason).toBe('cannot read the scale of Deployment/default/web: not found');
  });
});
