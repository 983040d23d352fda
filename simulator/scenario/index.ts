/** `hpa-ts simulate SCENARIO.yaml`: scenario files, the virtual-time run and its outputs. */
export { parseScenario, loadScenario } from './parse.js';
export { openVirtualWorld, type VirtualWorld, type WorldOptions } from './virtual-world.js';
export { createObjects, simulationInputs } from './world.js';
export {
  HpaTimeline,
  TimelineFormatter,
  TIMELINE_HEADER,
  formatRps,
  targetWorkload,
  type TimelineEntry,
  type TimelineOptions,
} from './timeline.js';
export { ChartRecorder, firstMetric, type ChartPoint, type ChartSeries } from './chart-data.js';
export {
  renderChartSvg,
  renderPanelsSvg,
  seriesPanel,
  formatSeconds,
  niceMax,
  LINE_COLORS,
  type ChartLine,
  type ChartPanel,
  type ChartPlot,
} from './chart-svg.js';
export type { Scenario, Fault } from './types.js';
export { podsOldestFirst, podRequests } from './pods.js';
