/**
 * The run as an SVG chart, written by hand (no dependency) and byte-stable for golden tests:
 * numbers rounded to 0.1, fixed order, no timestamps. Panels of plots over one time axis
 * (renderPanelsSvg); for a run (renderChartSvg) one panel per HPA (the first `maxPanels`), with
 * load (rps), each metric of the HPA against its target, and replicas (desired by the HPA,
 * ready in the workload). `hpa-ts replay` draws its variants with the same panels.
 */
import type { ChartSeries } from './chart-data.js';

const WIDTH = 960;
const LEFT = 70;
const RIGHT = 20;
const PLOT_H = 80;
const GAP = 36;
const HEAD = 56;
const COLORS = { load: '#4e79a7', metric: '#f28e2b', target: '#7f7f7f', desired: '#b07aa1', ready: '#59a14f' } as const;
/** Colours of further lines of one plot (replay's variants), after the first. */
export const LINE_COLORS = ['#b07aa1', '#e15759', '#4e79a7', '#76b7b2', '#edc948', '#9c755f', '#ff9da7'] as const;

/** One line of a plot: a value per sample time (null: a gap), drawn as steps. */
export interface ChartLine {
  readonly points: readonly { readonly t: number; readonly v: number | null }[];
  readonly color: string;
  readonly width: number;
  readonly dash?: string;
  /** filled down to the axis (the load) */
  readonly area?: boolean;
}

export interface ChartPlot {
  readonly title: string;
  readonly lines: readonly ChartLine[];
  /** the axis reaches at least this (replicas: 1) */
  readonly floor: number;
}

export interface ChartPanel {
  readonly title: string;
  readonly plots: readonly ChartPlot[];
}

function panelHeight(p: ChartPanel): number {
  return HEAD + p.plots.length * (PLOT_H + GAP);
}

function n(v: number): string {
  const r = Math.round(v * 10) / 10;
  return Object.is(r, -0) ? '0' : String(r);
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A "nice" upper bound (1, 2, 2.5, 5 × 10^k) for an axis whose data reach `max`. */
export function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= max) return m * p;
  return 10 * p;
}

export function formatSeconds(s: number): string {
  if (s < 60) return `${n(s)}s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = Math.round(s % 60);
  if (h > 0) return m === 0 ? `${h}h` : `${h}h${m}m`;
  return sec === 0 ? `${m}m` : `${m}m${sec}s`;
}

function timeStep(duration: number): number {
  for (const s of [5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200]) if (duration / s <= 10) return s;
  return 14_400;
}

function formatValue(v: number): string {
  if (v >= 1e6) return `${n(v / 1e6)}M`;
  if (v >= 1e4) return `${n(v / 1e3)}k`;
  return n(v);
}

interface Plot {
  readonly y0: number;
  readonly max: number;
  readonly x: (t: number) => number;
  readonly y: (v: number) => number;
}

function polyline(points: ChartLine['points'], plot: Plot, step: boolean): string[] {
  const paths: string[] = [];
  let cur: string[] = [];
  let prevY: number | undefined;
  for (const p of points) {
    const v = p.v;
    if (v === null) {
      if (cur.length > 1) paths.push(cur.join(' '));
      cur = [];
      prevY = undefined;
      continue;
    }
    const x = n(plot.x(p.t));
    const y = n(plot.y(Math.min(v, plot.max)));
    if (step && prevY !== undefined) cur.push(`${x},${prevY}`);
    cur.push(`${x},${y}`);
    prevY = Number(y);
  }
  if (cur.length > 0) paths.push(cur.join(' '));
  return paths;
}

function axes(out: string[], plot: Plot, title: string, duration: number, last: boolean): void {
  const x1 = WIDTH - RIGHT;
  out.push(`<text x="${LEFT}" y="${n(plot.y0 - PLOT_H - 12)}" class="t">${esc(title)}</text>`);
  for (const f of [0, 0.5, 1]) {
    const y = n(plot.y(plot.max * f));
    out.push(`<line x1="${LEFT}" y1="${y}" x2="${x1}" y2="${y}" class="g"/>`);
    out.push(`<text x="${LEFT - 6}" y="${y}" class="yl">${formatValue(plot.max * f)}</text>`);
  }
  const step = timeStep(duration);
  for (let t = 0; t <= duration + 1e-9; t += step) {
    const x = n(plot.x(t));
    out.push(`<line x1="${x}" y1="${n(plot.y0)}" x2="${x}" y2="${n(plot.y0 + 3)}" class="a"/>`);
    if (last) out.push(`<text x="${x}" y="${n(plot.y0 + 15)}" class="xl">${formatSeconds(t)}</text>`);
  }
  out.push(`<line x1="${LEFT}" y1="${n(plot.y0)}" x2="${x1}" y2="${n(plot.y0)}" class="a"/>`);
}

function drawLine(out: string[], line: ChartLine, plot: Plot): void {
  const pts = line.points;
  if (line.area === true) {
    if (pts.length === 0) return;
    const d = polyline(pts, plot, true)[0] ?? '';
    out.push(
      `<polygon points="${n(plot.x(pts[0].t))},${n(plot.y0)} ${d} ${n(plot.x(pts[pts.length - 1].t))},${n(plot.y0)}" fill="${line.color}" fill-opacity="0.25" stroke="${line.color}" stroke-width="${line.width}"/>`,
    );
    return;
  }
  const dash = line.dash === undefined ? '' : ` stroke-dasharray="${line.dash}"`;
  for (const d of polyline(pts, plot, true))
    out.push(`<polyline points="${d}" fill="none" stroke="${line.color}" stroke-width="${line.width}"${dash}/>`);
}

function panel(out: string[], p: ChartPanel, top: number, duration: number): void {
  const x = (t: number): number => LEFT + ((WIDTH - LEFT - RIGHT) * t) / Math.max(duration, 1e-9);
  out.push(`<text x="${LEFT}" y="${n(top + 18)}" class="h">${esc(p.title)}</text>`);
  p.plots.forEach((plot, i) => {
    const values = plot.lines.flatMap((l) => l.points.flatMap((q) => (q.v === null ? [] : [q.v])));
    const max = niceMax(Math.max(plot.floor, ...values));
    const y0 = top + HEAD + i * (PLOT_H + GAP) + PLOT_H;
    const at: Plot = { y0, max, x, y: (v: number) => y0 - (PLOT_H * v) / max };
    axes(out, at, plot.title, duration, i === p.plots.length - 1);
    for (const line of plot.lines) drawLine(out, line, at);
  });
}

/** A run's HPA as a panel: load, each metric against its target, replicas desired and ready. */
export function seriesPanel(s: ChartSeries): ChartPanel {
  const pts = s.points;
  const line = (
    v: (p: (typeof pts)[number]) => number | null,
    color: string,
    width: number,
    dash?: string,
  ): ChartLine => ({
    points: pts.map((p) => ({ t: p.t, v: v(p) })),
    color,
    width,
    ...(dash === undefined ? {} : { dash }),
  });
  const load: ChartPlot = {
    title: 'load (requests per second)',
    floor: 0,
    lines: [{ ...line((p) => p.load, COLORS.load, 1.5), area: true }],
  };
  const metrics = s.metricLabels.map((label, i): ChartPlot => ({
    title: `${label}: current (solid) vs target (dashed)`,
    floor: 0,
    lines: [
      line((p) => p.metrics[i]?.target ?? null, COLORS.target, 1.5, '6 4'),
      line((p) => p.metrics[i]?.current ?? null, COLORS.metric, 2),
    ],
  }));
  const replicas: ChartPlot = {
    title: 'replicas: desired (purple) and ready (green)',
    floor: 1,
    lines: [line((p) => p.desired, COLORS.desired, 2), line((p) => p.ready, COLORS.ready, 2, '3 2')],
  };
  return { title: `HPA ${s.hpa}`, plots: [load, ...metrics, replicas] };
}

/** Panels as one SVG document (UTF-8 text); `more` names what did not fit in `maxPanels`. */
export function renderPanelsSvg(
  panels: readonly ChartPanel[],
  opts: { title: string; durationSeconds: number; maxPanels?: number; more?: string; empty?: string },
): string {
  const shown = panels.slice(0, opts.maxPanels ?? 8);
  const heights = shown.map(panelHeight);
  const body = shown.length === 0 ? HEAD + 3 * (PLOT_H + GAP) : heights.reduce((a, b) => a + b, 0);
  const height = 50 + body + (panels.length > shown.length ? 20 : 0);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="11">`,
    '<style>.h{font-size:14px;font-weight:bold}.t{fill:#333}.g{stroke:#e5e5e5}.a{stroke:#999}.yl{text-anchor:end;dominant-baseline:middle;fill:#666}.xl{text-anchor:middle;fill:#666}</style>',
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="${LEFT}" y="24" class="h">${esc(opts.title)}</text>`,
  ];
  let top = 40;
  shown.forEach((p, i) => {
    panel(out, p, top, opts.durationSeconds);
    top += heights[i];
  });
  if (shown.length === 0) out.push(`<text x="${LEFT}" y="70" class="t">${esc(opts.empty ?? 'nothing to draw')}</text>`);
  if (panels.length > shown.length) {
    out.push(
      `<text x="${LEFT}" y="${height - 8}" class="t">… and ${panels.length - shown.length} more ${esc(opts.more ?? 'panels')}</text>`,
    );
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** The SVG document (UTF-8 text) of a run: one panel per HPA. */
export function renderChartSvg(
  series: readonly ChartSeries[],
  opts: { title: string; durationSeconds: number; maxPanels?: number },
): string {
  return renderPanelsSvg(series.map(seriesPanel), {
    ...opts,
    more: 'HPAs (see -o json)',
    empty: 'no HorizontalPodAutoscaler in this run',
  });
}
