import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Decision } from '../algorithms/index.js';

/** Upstream's buckets: 0.001 × 2^k for k = 0…14 (monitor/metrics.go). */
const UPSTREAM_BUCKETS = Array.from({ length: 15 }, (_, k) => 0.001 * 2 ** k);

const SUBSYSTEM = 'horizontal_pod_autoscaler_controller';

/**
 * The controller's /metrics: upstream's HPA controller metrics under their upstream names (so
 * dashboards built for kube-controller-manager keep working), plus hpa-ts's own under `hpa_ts_`.
 */
export class ControllerMetrics {
  readonly registry = new Registry();
  readonly reconciliations: Counter<'action' | 'error'>;
  readonly reconciliationDuration: Histogram<'action' | 'error'>;
  readonly metricComputations: Counter<'action' | 'error' | 'metric_type'>;
  readonly metricComputationDuration: Histogram<'action' | 'error' | 'metric_type'>;
  readonly numHpas: Gauge;
  readonly desiredReplicas: Gauge<'namespace' | 'hpa_name'>;
  readonly currentReplicas: Gauge<'namespace' | 'hpa_name'>;
  readonly leader: Gauge;
  readonly apiRequests: Counter<'verb' | 'resource' | 'code'>;
  readonly apiRequestDuration: Histogram<'verb' | 'resource'>;
  readonly reconcileLag: Histogram;
  readonly queueDepth: Gauge;
  readonly shadowDecisions: Counter<'namespace' | 'hpa_name' | 'result'>;
  readonly dryRunDecisions: Counter<'namespace' | 'hpa_name' | 'action'>;
  readonly metricsClientRequests: Gauge<'api' | 'kind'>;
  readonly metricsCache: Gauge<'result'>;
  readonly eventsDropped: Gauge<'reason'>;
  readonly staleSkips: Counter;

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    const r = this.registry;
    if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: r, prefix: 'hpa_ts_' });
    this.reconciliations = new Counter({
      name: `${SUBSYSTEM}_reconciliations_total`,
      help: 'Number of reconciliations of HPA controller. The label action should be either scale_down, scale_up, or none. Also, the label error should be either spec, internal, or none.',
      labelNames: ['action', 'error'] as const,
      registers: [r],
    });
    this.reconciliationDuration = new Histogram({
      name: `${SUBSYSTEM}_reconciliation_duration_seconds`,
      help: 'The time(seconds) that the HPA controller takes to reconcile once.',
      labelNames: ['action', 'error'] as const,
      buckets: UPSTREAM_BUCKETS,
      registers: [r],
    });
    this.metricComputations = new Counter({
      name: `${SUBSYSTEM}_metric_computation_total`,
      help: 'Number of metric computations. The label metric_type is the type of the metric source.',
      labelNames: ['action', 'error', 'metric_type'] as const,
      registers: [r],
    });
    this.metricComputationDuration = new Histogram({
      name: `${SUBSYSTEM}_metric_computation_duration_seconds`,
      help: 'The time(seconds) that the HPA controller takes to calculate one metric (fetch included).',
      labelNames: ['action', 'error', 'metric_type'] as const,
      buckets: UPSTREAM_BUCKETS,
      registers: [r],
    });
    this.numHpas = new Gauge({
      name: `${SUBSYSTEM}_num_horizontal_pod_autoscalers`,
      help: 'Current number of controlled HPA objects.',
      registers: [r],
    });
    this.desiredReplicas = new Gauge({
      name: `${SUBSYSTEM}_desired_replicas`,
      help: 'Current desired replica count for HPA objects.',
      labelNames: ['namespace', 'hpa_name'] as const,
      registers: [r],
    });
    this.currentReplicas = new Gauge({
      name: 'hpa_ts_current_replicas',
      help: 'Replica count of the scale target as last read (scale.spec.replicas).',
      labelNames: ['namespace', 'hpa_name'] as const,
      registers: [r],
    });
    this.leader = new Gauge({
      name: 'hpa_ts_leader',
      help: '1 while this instance holds the leader lease (or leader election is off).',
      registers: [r],
    });
    this.apiRequests = new Counter({
      name: 'hpa_ts_api_requests_total',
      help: 'Kubernetes API requests made by the controller, by verb, resource and HTTP code (0 = no response).',
      labelNames: ['verb', 'resource', 'code'] as const,
      registers: [r],
    });
    this.apiRequestDuration = new Histogram({
      name: 'hpa_ts_api_request_duration_seconds',
      help: 'Latency of Kubernetes API requests.',
      labelNames: ['verb', 'resource'] as const,
      buckets: UPSTREAM_BUCKETS,
      registers: [r],
    });
    this.reconcileLag = new Histogram({
      name: 'hpa_ts_reconcile_lag_seconds',
      help: 'From the moment an HPA key became due (sync tick or change) to the end of its reconcile.',
      buckets: UPSTREAM_BUCKETS,
      registers: [r],
    });
    this.queueDepth = new Gauge({
      name: 'hpa_ts_workqueue_depth',
      help: 'HPA keys ready and waiting for a worker.',
      registers: [r],
    });
    this.shadowDecisions = new Counter({
      name: 'hpa_ts_shadow_decisions_total',
      help: 'Shadow mode: comparisons of hpa-ts decisions with the built-in controller, by result (agree/disagree).',
      labelNames: ['namespace', 'hpa_name', 'result'] as const,
      registers: [r],
    });
    this.dryRunDecisions = new Counter({
      name: 'hpa_ts_dry_run_decisions_total',
      help: 'Dry-run: decisions logged without writing, by what would have happened (scale_up/scale_down/none).',
      labelNames: ['namespace', 'hpa_name', 'action'] as const,
      registers: [r],
    });
    this.metricsClientRequests = new Gauge({
      name: 'hpa_ts_metrics_client_requests',
      help: 'Requests made by the metrics client since start, by API and kind.',
      labelNames: ['api', 'kind'] as const,
      registers: [r],
    });
    this.metricsCache = new Gauge({
      name: 'hpa_ts_metrics_cache_lookups',
      help: 'Metrics cache lookups since start, by result (hit/miss).',
      labelNames: ['result'] as const,
      registers: [r],
    });
    this.staleSkips = new Counter({
      name: 'hpa_ts_stale_cache_skips_total',
      help: 'Reconciles skipped because the informer had not yet delivered our last status write (gate StaleControllerConsistencyHPA).',
      registers: [r],
    });
    this.eventsDropped = new Gauge({
      name: 'hpa_ts_events_dropped',
      help: 'Kubernetes events not written since start, by reason (spam filter, retries exhausted, …).',
      labelNames: ['reason'] as const,
      registers: [r],
    });
  }

  /** Records what upstream's monitor would observe for one reconcile (§5.7). */
  observeDecision(decision: Decision, durationMs: number, metricDurationsMs: ReadonlyMap<number, number>): void {
    const rec = decision.monitor.reconciliation;
    this.reconciliations.inc({ action: rec.action, error: rec.error });
    this.reconciliationDuration.observe({ action: rec.action, error: rec.error }, durationMs / 1000);
    decision.monitor.metricComputations.forEach((m, i) => {
      const labels = { action: m.action, error: m.error, metric_type: m.metricType };
      this.metricComputations.inc(labels);
      this.metricComputationDuration.observe(labels, (metricDurationsMs.get(i) ?? 0) / 1000);
    });
    // Upstream sets the gauge only at the final status step, not on the early error returns.
    if (decision.monitor.desiredReplicas !== null) {
      this.desiredReplicas.set(
        { namespace: decision.namespace, hpa_name: decision.name },
        decision.monitor.desiredReplicas,
      );
    }
    if (decision.currentReplicas !== null) {
      this.currentReplicas.set({ namespace: decision.namespace, hpa_name: decision.name }, decision.currentReplicas);
    }
  }

  forgetHpa(namespace: string, name: string): void {
    this.desiredReplicas.remove({ namespace, hpa_name: name });
    this.currentReplicas.remove({ namespace, hpa_name: name });
  }
}
