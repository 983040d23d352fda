/**
 * `hpa-ts replay --chart`: one SVG with every variant side by side — a plot per metric of the HPA
 * (each variant's current value, as its status reported it, against the target), and replicas
 * (each variant's desired count, and the recorded replicas when the recording has them).
 * Drawn by the simulator's one chart renderer (simulator/scenario/chart-svg.ts).
 */
import type { recorded } from '../metrics-clients/index.js';
import { LINE_COLORS, renderPanelsSvg, type ChartLine, type ChartPlot } from '../simulator/index.js';
import type { VariantResult } from './replay.js';

function variantLine(
  v: VariantResult,
  i: number,
  value: (p: VariantResult['chart'][number]['points'][number]) => number | null,
  dash?: string,
): ChartLine {
  return {
    points: (v.chart[0]?.points ?? []).map((p) => ({ t: p.t, v: value(p) })),
    color: LINE_COLORS[i % LINE_COLORS.length],
    width: 2,
    ...(dash === undefined ? {} : { dash }),
  };
}

/** The recording's Replicas rows as a line (grey, dotted). */
function recordedReplicas(rec: recorded.Recording): ChartLine | null {
  const points = rec.rows
    .filter((r) => r.type === 'Replicas')
    .map((r) => ({ t: r.t, v: Number(r.value?.value() ?? 0n) }));
  return points.length === 0 ? null : { points, color: '#7f7f7f', width: 1.5, dash: '2 3' };
}

export function renderReplayChart(variants: readonly VariantResult[], rec: recorded.Recording, title: string): string {
  const names = variants
    .map((v, i) => `${v.name} (${['purple', 'red', 'blue', 'teal', 'yellow', 'brown', 'pink'][i % 7]})`)
    .join(', ');
  const labels = variants[0]?.chart[0]?.metricLabels ?? [];
  const metricPlots = labels.map((label, m): ChartPlot => ({
    title: `${label}: ${names}; target dashed`,
    floor: 0,
    lines: variants.flatMap((v, i) => [
      variantLine(v, i, (p) => p.metrics[m]?.target ?? null, '6 4'),
      variantLine(v, i, (p) => p.metrics[m]?.current ?? null),
    ]),
  }));
  const recordedLine = recordedReplicas(rec);
  const replicas: ChartPlot = {
    title: `replicas desired: ${names}${recordedLine === null ? '' : '; recorded (grey, dotted)'}`,
    floor: 1,
    lines: [
      ...(recordedLine === null ? [] : [recordedLine]),
      ...variants.map((v, i) => variantLine(v, i, (p) => p.desired)),
    ],
  };
  const duration = Math.max(1, rec.rows[rec.rows.length - 1]?.t ?? 1);
  return renderPanelsSvg([{ title: `HPA ${variants[0]?.chart[0]?.hpa ?? ''}`, plots: [...metricPlots, replicas] }], {
    title,
    durationSeconds: duration,
  });
}
