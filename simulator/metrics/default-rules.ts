/**
 * The simulator's prometheus-adapter config when a scenario names none: seed 000's rule first
 * (`*_total` → `*_qps`, rate over 30 s, kubernetes_namespace/kubernetes_pod), then rules in the
 * spirit of the adapter chart's defaults — other counters as `*_per_second` over 2 m (seed 003),
 * gauges as they are (seed 001's avg) — and an external rule for queue-like series (seed 004).
 */
export const DEFAULT_ADAPTER_RULES = `rules:
- seriesQuery: '{__name__=~"^http_requests.*_total$",kubernetes_namespace!="",kubernetes_pod!=""}'
  seriesFilters: []
  resources:
    overrides:
      kubernetes_namespace:
        resource: namespace
      kubernetes_pod:
        resource: pod
  name:
    matches: "(.*)_total"
    as: "\${1}_qps"
  metricsQuery: sum(rate(<<.Series>>{<<.LabelMatchers>>}[30s])) by (<<.GroupBy>>)
- seriesQuery: '{__name__=~"^.*_total$",__name__!~"^container_.*",namespace!="",pod!=""}'
  resources: { template: "<<.Resource>>" }
  name:
    matches: "^(.*)_total$"
    as: "\${1}_per_second"
  metricsQuery: sum(rate(<<.Series>>{<<.LabelMatchers>>}[2m])) by (<<.GroupBy>>)
- seriesQuery: '{__name__!~"^.*_total$",__name__!~"^container_.*",namespace!="",pod!=""}'
  resources: { template: "<<.Resource>>" }
  name:
    matches: "^(.*)$"
    as: "\${1}"
  metricsQuery: avg(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)
externalRules:
- seriesQuery: '{__name__=~"^queue_.*",pod=""}'
  resources:
    namespaced: false
  name:
    matches: "^(.*)$"
    as: "\${1}"
  metricsQuery: avg(<<.Series>>{<<.LabelMatchers>>})
`;
