import { describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { renderChartSvg, renderPanelsSvg } from '../../../simulator/scenario/index.js';
import { loadScenario, runScenario } from '../../../app/scenario-run.js';

const EXAMPLES = fileURLToPath(new URL('../../../examples/', import.meta.url));

describe('the run chart', () => {
  it('plots every metric of the HPA, each against its target (seed 002: memory and cpu)', async () => {
    const s = loadScenario(`${EXAMPLES}seed-002-cpu-memory.yaml`);
    if (!s.ok) throw new Error(s.error);
    const r = await runScenario(s.value, { keepDecisions: false, keepTimeline: false });
    if (!r.ok) throw new Error(r.error);
    const series = r.value.chart[0];
    expect(series.metricLabels).toEqual(['memory utilization (%)', 'cpu utilization (%)']);
    const last = series.points[series.points.length - 1];
    expect(last.metrics.map((m) => m.target)).toEqual([80, 20]);
    expect(last.metrics.every((m) => m.current !== null)).toBe(true);
    const svg = renderChartSvg(r.value.chart, { title: s.value.name, durationSeconds: s.value.durationSeconds });
    expect(svg).toContain('memory utilization (%): current (solid) vs target (dashed)');
    expect(svg).toContain('cpu utilization (%): current (solid) vs target (dashed)');
    // load, two metrics, replicas: four plots' titles in one panel, x labels under the last only
    expect(svg.match(/class="t">/g)).toHaveLength(4);
  });

  it('grows a panel with its plots, so panels of different sizes stack without overlap', () => {
    const plot = (title: string) => ({
      title,
      floor: 0,
      lines: [{ points: [{ t: 0, v: 1 }], color: '#000', width: 1 }],
    });
    const one = renderPanelsSvg([{ title: 'a', plots: [plot('x')] }], { title: 't', durationSeconds: 10 });
    const two = renderPanelsSvg([{ title: 'a', plots: [plot('x'), plot('y')] }], { title: 't', durationSeconds: 10 });
    const height = (svg: string): number => Number(/height="(\d+)"/.exec(svg)?.[1]);
    expect(height(two) - height(one)).toBe(116);
  });
});
