/** hpa_ts_fallback_active and hpa_ts_fallback_activations_total (docs/monitoring.md). */
import { describe, expect, it } from '@jest/globals';
import {
  EMPTY_HISTORY,
  decide,
  historyAfter,
  parseHpaAnnotations,
  type HpaHistory,
} from '../../../algorithms/index.js';
import { ControllerMetrics } from '../../../controller/monitor.js';
import {
  NOW,
  decideInput,
  externalAverage,
  externalFailure,
  externalFetch,
  makeHpa,
  makePod,
} from '../algorithms/fixtures.js';

const pods = [makePod(0), makePod(1)];
const hpa = makeHpa([externalAverage('queue_depth', '10')], { min: 1, max: 10, currentReplicas: 2 });
const labels = { namespace: 'default', hpa_name: 'web' };

async function values(g: {
  get(): Promise<{ values: { labels: object; value: number }[] }>;
}): Promise<Record<string, unknown>[]> {
  return (await g.get()).values.map((v) => ({ ...v.labels, value: v.value }));
}

describe('ControllerMetrics: fallback series', () => {
  it('shows 0, then 1 once in fallback with one activation, 0 again after; no series without the annotation', async () => {
    const m = new ControllerMetrics({ defaultMetrics: false });
    const annotations = parseHpaAnnotations({
      'hpa-ts.io/fallback-replicas': '2',
      'hpa-ts.io/fallback-failure-threshold': '1',
    });
    let history: HpaHistory = EMPTY_HISTORY;
    const observed: number[] = [];
    const fetches = [
      externalFetch([20_000]),
      externalFailure,
      externalFailure,
      externalFailure,
      externalFetch([20_000]),
    ];
    for (const [i, f] of fetches.entries()) {
      const now = NOW + i * 15_000;
      const d = decide({ ...decideInput(hpa, pods, [f], 2, { history, now }), annotations });
      history = historyAfter(d, { now });
      m.observeDecision(d, 5, new Map());
      observed.push(((await values(m.fallbackActive))[0]?.value as number | undefined) ?? -1);
    }
    expect(observed).toEqual([0, 0, 1, 1, 0]);
    expect(await values(m.fallbackActivations)).toEqual([{ ...labels, value: 1 }]);

    const without = decide({ ...decideInput(hpa, pods, [externalFailure], 2, { history }), annotations: undefined });
    m.observeDecision(without, 5, new Map());
    expect(await values(m.fallbackActive)).toEqual([]);
    m.forgetHpa('default', 'web');
    expect(await values(m.fallbackActivations)).toEqual([]);
  });
});
