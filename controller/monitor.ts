import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { Quantity, unclampedUpdate, type Decision } from '../algorithms/index.js';

/** Upstream's buckets: 0.001 × 2^k for k = 0…14 (monitor/metrics.go). */
const UPSTREAM_BUCKETS = Array.from({ length: 15 }, (_, k) => 0.001 * 2 ** k);
/** The same, on to 0.001 × 2^17 ≈ 131 s: a lag must be measurable past any usual sync period (15 s, 30 s, 1 m). */
const LAG_BUCKETS = Array.from({ length: 18 }, (_, k) => 0.001 * 2 ** k);

/** A number of a kubectl-style value: `90%` → 90, `66m` → 0.066, `2k` → 2000; NaN when it is none. */
function valueOf(text: string): number {
  const t = text.endsWith('%') ? text.slice(0, -1) : text;
  const q = Quantity.tryParse(t);
  return q.ok ? q.value.asApproximateFloat64() : Number.NaN;
}

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
  /** --shards: shard Leases this replica holds (docs/scaling.md) */
  readonly shardsHeld: Gauge;
  readonly apiRequests: Counter<'verb' | 'resource' | 'code'>;
  readonly apiRequestDuration: Histogram<'verb' | 'resource'>;
  readonly apiClientThrottled: Histogram<'client'>;
  readonly heapUsedRatio: Gauge;
  readonly reconcileLag: Histogram;
  readonly queueDepth: Gauge;
  readonly shadowDecisions: Counter<'namespace' | 'hpa_name' | 'result'>;
  readonly dryRunDecisions: Counter<'namespace' | 'hpa_name' | 'action'>;
  readonly metricsClientRequests: Gauge<'api' | 'kind'>;
  readonly metricsCache: Gauge<'result'>;
  readonly eventsDropped: Gauge<'reason'>;
  readonly staleSkips: Counter;
  readonly minReplicas: Gauge<'namespace' | 'hpa_name'>;
  readonly maxReplicas: Gauge<'namespace' | 'hpa_name'>;
  readonly metricValue: Gauge<'namespace' | 'hpa_name' | 'metric'>;
  readonly metricTarget: Gauge<'namespace' | 'hpa_name' | 'metric'>;
  readonly metricsUnavailable: Gauge<'namespace' | 'hpa_name'>;
  readonly reconcileErrors: Counter<'reason'>;
  readonly syncPeriod: Gauge;
  readonly recommendationUnclamped: Gauge<'namespace' | 'hpa_name'>;
  readonly fallbackActive: Gauge<'namespace' | 'hpa_name'>;
  readonly fallbackActivations: Counter<'namespace' | 'hpa_name'>;
  /** the `metric` labels each HPA has series for, so a metric that goes away takes its series along */
  private readonly metricLabels = new Map<string, Set<string>>();

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
    this.shardsHeld = new Gauge({
      name: 'hpa_ts_shards_held',
      help: 'Shard Leases this replica holds (--shards above 1; docs/scaling.md). 0 with a single leader lease.',
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
    this.apiClientThrottled = new Histogram({
      name: 'hpa_ts_api_client_throttled_seconds',
      help: 'Time API requests waited for a token of their client (--kube-api-qps, --kube-api-burst); only requests that waited are counted.',
      labelNames: ['client'] as const,
      buckets: UPSTREAM_BUCKETS,
      registers: [r],
    });
    this.heapUsedRatio = new Gauge({
      name: 'hpa_ts_heap_used_ratio',
      help: 'V8 heap used / heap limit (--max-old-space-size and the young generation), sampled every 10 s.',
      registers: [r],
    });
    this.reconcileLag = new Histogram({
      name: 'hpa_ts_reconcile_lag_seconds',
      help: 'From the moment an HPA key became due (sync tick or change) to the end of its reconcile.',
      buckets: LAG_BUCKETS,
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
    const perHpa = ['namespace', 'hpa_name'] as const;
    const perMetric = ['namespace', 'hpa_name', 'metric'] as const;
    this.minReplicas = new Gauge({
      name: 'hpa_ts_hpa_min_replicas',
      help: 'spec.minReplicas of the HPA.',
      labelNames: perHpa,
      registers: [r],
    });
    this.maxReplicas = new Gauge({
      name: 'hpa_ts_hpa_max_replicas',
      help: 'spec.maxReplicas of the HPA.',
      labelNames: perHpa,
      registers: [r],
    });
    this.metricValue = new Gauge({
      name: 'hpa_ts_metric_value',
      help: "Current value of each metric of the HPA, in its target's unit (percent for Utilization), as kubectl shows it.",
      labelNames: perMetric,
      registers: [r],
    });
    this.metricTarget = new Gauge({
      name: 'hpa_ts_metric_target',
      help: 'Target of each metric of the HPA (percent for Utilization).',
      labelNames: perMetric,
      registers: [r],
    });
    this.metricsUnavailable = new Gauge({
      name: 'hpa_ts_metrics_unavailable',
      help: 'Metrics of the HPA that could not be computed at its last reconcile (0: all were).',
      labelNames: perHpa,
      registers: [r],
    });
    this.reconcileErrors = new Counter({
      name: 'hpa_ts_reconcile_errors_total',
      help: 'Warning events of reconciles (FailedGetScale, FailedGetResourceMetric, FailedRescale, …), by reason.',
      labelNames: ['reason'] as const,
      registers: [r],
    });
    this.syncPeriod = new Gauge({
      name: 'hpa_ts_sync_period_seconds',
      help: '--horizontal-pod-autoscaler-sync-period: how often every HPA is due.',
      registers: [r],
    });
    this.recommendationUnclamped = new Gauge({
      name: 'hpa_ts_recommendation_unclamped',
      help: 'Replicas the metrics asked for before stabilization, behavior policies and min/max: the highest metric proposal (docs/recommendation.md).',
      labelNames: perHpa,
      registers: [r],
    });
    this.fallbackActive = new Gauge({
      name: 'hpa_ts_fallback_active',
      help: '1 while the HPA is scaled by hpa-ts.io/fallback-replicas (its metrics failing past the threshold), 0 while not; only HPAs with the annotation.',
      labelNames: perHpa,
      registers: [r],
    });
    this.fallbackActivations = new Counter({
      name: 'hpa_ts_fallback_activations_total',
      help: 'Times the HPA went into fallback (hpa-ts.io/fallback-replicas): a FallbackStarted event each.',
      labelNames: perHpa,
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
    this.observeHpa(decision);
  }

  /** hpa-ts's own per-HPA series: bounds, each metric against its target, failures. */
  private observeHpa(d: Decision): void {
    const hpa = { namespace: d.namespace, hpa_name: d.name };
    this.minReplicas.set(hpa, d.minReplicas);
    this.maxReplicas.set(hpa, d.maxReplicas);
    this.metricsUnavailable.set(hpa, d.metrics.filter((m) => !m.ok).length);
    this.observeUnclamped(d);
    this.observeFallback(d, hpa);
    for (const e of d.events) if (e.type === 'Warning') this.reconcileErrors.inc({ reason: e.reason });
    const seen = new Set<string>();
    for (const m of d.metrics) {
      if (!m.ok) continue;
      seen.add(m.description);
      this.metricValue.set({ ...hpa, metric: m.description }, valueOf(m.current));
      this.metricTarget.set({ ...hpa, metric: m.description }, valueOf(m.target));
    }
    this.dropMetricSeries(d.namespace, d.name, seen);
  }

  /** Set with a value; kept when the reconcile stopped early (as desired_replicas); else removed. */
  private observeUnclamped(d: Decision): void {
    const update = unclampedUpdate(d.unclamped);
    const hpa = { namespace: d.namespace, hpa_name: d.name };
    if (update.kind === 'set') this.recommendationUnclamped.set(hpa, update.replicas);
    else if (update.kind === 'remove') this.recommendationUnclamped.remove(hpa);
  }

  /** The fallback state kept for the HPA; no series without hpa-ts.io/fallback-replicas. */
  private observeFallback(d: Decision, hpa: { readonly namespace: string; readonly hpa_name: string }): void {
    const state = d.history.fallback;
    if (state === undefined) this.fallbackActive.remove(hpa);
    else this.fallbackActive.set(hpa, state.active ? 1 : 0);
    if (d.fallback?.started === true) this.fallbackActivations.inc(hpa);
  }

  private dropMetricSeries(namespace: string, name: string, keep: ReadonlySet<string>): void {
    const key = `${namespace}/${name}`;
    for (const metric of this.metricLabels.get(key) ?? []) {
      if (keep.has(metric)) continue;
      this.metricValue.remove({ namespace, hpa_name: name, metric });
      this.metricTarget.remove({ namespace, hpa_name: name, metric });
    }
    if (keep.size === 0) this.metricLabels.delete(key);
    else this.metricLabels.set(key, new Set(keep));
  }

  forgetHpa(namespace: string, name: string): void {
    this.desiredReplicas.remove({ namespace, hpa_name: name });
    this.currentReplicas.remove({ namespace, hpa_name: name });
    const perHpaGauges = [
      this.minReplicas,
      this.maxReplicas,
      this.metricsUnavailable,
      this.recommendationUnclamped,
      this.fallbackActive,
    ];
    for (const g of perHpaGauges) g.remove({ namespace, hpa_name: name });
    this.fallbackActivations.remove({ namespace, hpa_name: name });
    this.dropMetricSeries(namespace, name, new Set());
  }
}
