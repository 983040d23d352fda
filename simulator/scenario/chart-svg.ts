/**
 * The run as an SVG chart, written by hand (no dependency) and byte-stable for golden tests:
 * numbers rounded to 0.1, fixed order, no timestamps. One panel per HPA (the first
 * `maxPanels`), each with three plots over the same time axis: load (rps), the first metric
 * against its target, and replicas (desired by the HPA, ready in the workload).
 */
import type { ChartPoint, ChartSeries } from './chart-data.js';

const WIDTH = 960;
const LEFT = 70;
const RIGHT = 20;
const PLOT_H = 80;
const GAP = 36;
const HEAD = 56;
const PANEL_H = HEAD + 3 * (PLOT_H + GAP);
const COLORS = { load: '#4e79a7', metric: '#f28e2b', target: '#7f7f7f', desired: '#b07aa1', ready: '#59a14f' } as const;

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

function polyline(
  points: readonly ChartPoint[],
  plot: Plot,
  value: (p: ChartPoint) => number | null,
  step: boolean,
): string[] {
  const paths: string[] = [];
  let cur: string[] = [];
  let prevY: number | undefined;
  for (const p of points) {
    const v = value(p);
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

function panel(out: string[], s: ChartSeries, top: number, duration: number): void {
  const x = (t: number): number => LEFT + ((WIDTH - LEFT - RIGHT) * t) / Math.max(duration, 1e-9);
  const plotAt = (i: number, max: number): Plot => {
    const y0 = top + HEAD + i * (PLOT_H + GAP) + PLOT_H;
    return { y0, max, x, y: (v: number) => y0 - (PLOT_H * v) / max };
  };
  out.push(`<text x="${LEFT}" y="${n(top + 18)}" class="h">HPA ${esc(s.hpa)}</text>`);
  const pts = s.points;
  const load = plotAt(0, niceMax(Math.max(0, ...pts.map((p) => p.load))));
  axes(out, load, 'load (requests per second)', duration, false);
  if (pts.length > 0) {
    const line = polyline(pts, load, (p) => p.load, true)[0] ?? '';
    out.push(
      `<polygon points="${n(x(pts[0].t))},${n(load.y0)} ${line} ${n(x(pts[pts.length - 1].t))},${n(load.y0)}" fill="${COLORS.load}" fill-opacity="0.25" stroke="${COLORS.load}" stroke-width="1.5"/>`,
    );
  }
  const metricMax = niceMax(Math.max(0, ...pts.map((p) => Math.max(p.metric ?? 0, p.target ?? 0))));
  const metric = plotAt(1, metricMax);
  axes(out, metric, `${s.metricLabel}: current (solid) vs target (dashed)`, duration, false);
  for (const d of polyline(pts, metric, (p) => p.target, true))
    out.push(
      `<polyline points="${d}" fill="none" stroke="${COLORS.target}" stroke-width="1.5" stroke-dasharray="6 4"/>`,
    );
  for (const d of polyline(pts, metric, (p) => p.metric, true))
    out.push(`<polyline points="${d}" fill="none" stroke="${COLORS.metric}" stroke-width="2"/>`);
  const replicas = plotAt(2, niceMax(Math.max(1, ...pts.map((p) => Math.max(p.desired, p.ready)))));
  axes(out, replicas, 'replicas: desired (purple) and ready (green)', duration, true);
  for (const d of polyline(pts, replicas, (p) => p.desired, true))
    out.push(`<polyline points="${d}" fill="none" stroke="${COLORS.desired}" stroke-width="2"/>`);
  for (const d of polyline(pts, replicas, (p) => p.ready, true))
    out.push(`<polyline points="${d}" fill="none" stroke="${COLORS.ready}" stroke-width="2" stroke-dasharray="3 2"/>`);
}

/** The SVG document (UTF-8 text). */
export function renderChartSvg(
  series: readonly ChartSeries[],
  opts: { title: string; durationSeconds: number; maxPanels?: number },
): string {
  const shown = series.slice(0, opts.maxPanels ?? 8);
  const height = 50 + Math.max(1, shown.length) * PANEL_H + (series.length > shown.length ? 20 : 0);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="11">`,
    '<style>.h{font-size:14px;font-weight:bold}.t{fill:#333}.g{stroke:#e5e5e5}.a{stroke:#999}.yl{text-anchor:end;dominant-baseline:middle;fill:#666}.xl{text-anchor:middle;fill:#666}</style>',
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="${LEFT}" y="24" class="h">${esc(opts.title)}</text>`,
  ];
  shown.forEach((s, i) => panel(out, s, 40 + i * PANEL_H, opts.durationSeconds));
  if (shown.length === 0) out.push(`<text x="${LEFT}" y="70" class="t">no HorizontalPodAutoscaler in this run</text>`);
  if (series.length > shown.length) {
    out.push(
      `<text x="${LEFT}" y="${height - 8}" class="t">… and ${series.length - shown.length} more HPAs (see -o json)</text>`,
    );
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
