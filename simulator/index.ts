/**
 * The public face of simulator/: the embedded cluster (ARCHITECTURE.md). An in-memory Kubernetes
 * API (apiserver/), the workload model (workload/), the load model (load/), the metrics it all
 * produces (metrics/), served over HTTP (serve.ts) or read in process in virtual time
 * (in-memory-cluster.ts, scenario/). The composition root (app/) imports from here and puts the
 * controller on it through the controller's ports.
 */
export { ScaledClock, VirtualClock, flushMicrotasks, seededRandom, type ScaledClockOptions } from './clock.js';
export { Simulation, defaultAdapterConfig, type SimulationOptions } from './simulation.js';
export { startSimulatorServer, type SimulatorServer, type SimulatorServerOptions } from './serve.js';
export { createInMemoryCluster, type InMemoryCluster, type InMemoryClusterOptions } from './in-memory-cluster.js';
export { runDemo, replicaSequence, type DemoController, type DemoOptions, type DemoResult } from './demo.js';
export {
  HpaTimeline,
  TimelineFormatter,
  TIMELINE_HEADER,
  formatRps,
  formatSeconds,
  loadScenario,
  parseScenario,
  renderChartSvg,
  renderPanelsSvg,
  LINE_COLORS,
  type ChartLine,
  type ChartPanel,
  type ChartPlot,
  createObjects,
  simulationInputs,
  openVirtualWorld,
  podsOldestFirst,
  podRequests,
  type VirtualWorld,
  type WorldOptions,
  type ChartSeries,
  type Fault,
  type Scenario,
  type TimelineEntry,
} from './scenario/index.js';
export {
  LoadModel,
  parseTrace,
  rpsAt,
  workloadKey,
  type LoadTrace,
  type PodSeriesSpec,
  type QueueSpec,
  type WorkloadLoadSpec,
} from './load/index.js';
export {
  WorkloadController,
  SimAnnotation,
  WORKLOAD_DEFAULTS,
  type WorkloadControllerOptions,
} from './workload/index.js';
export { MetricsService, MetricsApi, type ObjectMetricSpec, type MetricsServiceOptions } from './metrics/service.js';
export { InProcessMetricsClient } from './metrics/in-process-client.js';
export { AdapterEmulator } from './metrics/adapter.js';
export { Collectors, type ScrapeOptions } from './metrics/scrape.js';
export { Tsdb, type TsdbOptions } from './metrics/tsdb.js';
export { evaluate as evaluatePromQL, type QueryValue } from './metrics/promql/eval.js';
export { startPrometheusServer, type PrometheusServerHandle } from './metrics/prometheus-http.js';
export { DEFAULT_ADAPTER_RULES } from './metrics/default-rules.js';
export {
  startApiServer,
  createClusterStore,
  Resources,
  type ApiServerHandle,
  type ApiServerOptions,
} from './apiserver/index.js';
