import { describe, expect, it } from '@jest/globals';
import { humanDuration } from '../../../simulator/apiserver/printers/duration.js';
import { formatHpaMetrics } from '../../../simulator/apiserver/printers/hpa.js';
import type { PrintContext } from '../../../simulator/apiserver/printers/table.js';

const modern: PrintContext = { now: 0, hpaTargetsStyle: 'modern' };
const legacy: PrintContext = { now: 0, hpaTargetsStyle: 'legacy' };
const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

describe('AGE like duration.HumanDuration', () => {
  it.each([
    [45 * s, '45s'],
    [119 * s, '119s'],
    [5 * m, '5m'],
    [5 * m + 7 * s, '5m7s'],
    [150 * m, '150m'],
    [5 * h + 33 * m, '5h33m'],
    [6 * h, '6h'],
    [20 * h, '20h'],
    [2 * d + 3 * h, '2d3h'],
    [10 * d, '10d'],
    [800 * d, '2y70d'],
    [-1500, '0s'],
    [-3 * s, '<invalid>'],
  ])('%d ms → %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });
});

const pods = (avg: string) => ({
  type: 'Pods',
  pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: avg } },
});
const util = (name: string, pct: number) => ({
  type: 'Resource',
  resource: { name, target: { type: 'Utilization', averageUtilization: pct } },
});

describe('TARGETS like formatHPAMetrics', () => {
  it('prints <none> without metrics and <unknown> without status', () => {
    expect(formatHpaMetrics([], [], modern)).toBe('<none>');
    expect(formatHpaMetrics([pods('50')], [], modern)).toBe('<unknown>/50');
  });

  it('prints the seed article forms: 66m/50 (Pods) and 1%/49%, 0%/25% (legacy Utilization)', () => {
    expect(formatHpaMetrics([pods('50')], [{ type: 'Pods', pods: { current: { averageValue: '66m' } } }], legacy)).toBe(
      '66m/50',
    );
    const statuses = [
      { type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 1 } } },
      { type: 'Resource', resource: { name: 'memory', current: { averageUtilization: 0 } } },
    ];
    expect(formatHpaMetrics([util('cpu', 49), util('memory', 25)], statuses, legacy)).toBe('1%/49%, 0%/25%');
    expect(formatHpaMetrics([util('cpu', 49), util('memory', 25)], statuses, modern)).toBe(
      'cpu: 1%/49%, memory: 0%/25%',
    );
  });

  it('prints averages, values, (avg), <auto>, unknown types and + N more...', () => {
    const specs = [
      { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '200Mi' } } },
      { type: 'Object', object: { metric: { name: 'rps' }, target: { type: 'Value', value: '2k' } } },
      {
        type: 'External',
        external: { metric: { name: 'queue' }, target: { type: 'AverageValue', averageValue: '30' } },
      },
      { type: 'CheddarCheese' },
    ];
    const statuses = [
      { type: 'Resource', resource: { name: 'memory', current: { averageValue: '100Mi' } } },
      { type: 'Object', object: { current: { value: '1500' } } },
      { type: 'External', external: { current: { averageValue: '6262500m' } } },
    ];
    expect(formatHpaMetrics(specs, statuses, modern)).toBe('memory: 100Mi/200Mi, 1500/2k + 2 more...');
    expect(formatHpaMetrics(specs.slice(2), statuses.slice(2), modern)).toBe('6262500m/30 (avg), <unknown type>');
    expect(
      formatHpaMetrics(
        [
          {
            type: 'ContainerResource',
            containerResource: { name: 'cpu', container: 'app', target: { type: 'Utilization' } },
          },
        ],
        [],
        modern,
      ),
    ).toBe('cpu: <unknown>/<auto>');
  });
});
