/**
 * The PromQL hpa-ts sends for every prometheus-adapter rule of the seed articles, compared with the
 * string prometheus-adapter itself builds. Expected strings were derived by hand from the adapter's
 * code (v0.12: pkg/naming/metrics_query.go Build/BuildExternal, pkg/client/helpers.go,
 * pkg/naming/resource_converter.go), as explained above each case. Shared facts:
 *  - LabelMatchers = metric-selector requirements (key order, values sorted), then the namespace
 *    label `=`, then the resource label: `=` for one name, `=~` with names joined by `|` for more;
 *    every value printed with Go's %q; joined by ",".
 *  - GroupBy = the resource label (+ the containerLabel for resource metrics).
 *  - the namespace/resource label comes from `overrides` (label → normalised group-resource) or,
 *    without one, from `template` executed with the singular resource name.
 */
import { describe, expect, it } from '@jest/globals';
import { Selector, parseSelector } from '../../../algorithms/index.js';
import { loadAdapterConfig, type AdapterConfig } from '../../../metrics-clients/prometheus/adapter-config.js';
import { MetricNamer } from '../../../metrics-clients/prometheus/namer.js';
import { SeriesRegistry } from '../../../metrics-clients/prometheus/series-registry.js';
import { StaticRestMapper } from '../../../transport/index.js';
import { ResourceMetricsReader } from '../../../metrics-clients/prometheus/resource-metrics.js';
import type { PrometheusApi } from '../../../metrics-clients/prometheus/http-api.js';

const mapper = new StaticRestMapper();
const PODS = { group: '', resource: 'pods' };
const EX = 'manifests/examples';

function load(file: string): AdapterConfig {
  const c = loadAdapterConfig(`${EX}/${file}`);
  if (!c.ok) throw new Error(`${c.error.file}: ${c.error.field}: ${c.error.message}`);
  return c.value;
}

async function namer(file: string, index = 0, external = false): Promise<MetricNamer> {
  const cfg = load(file);
  const n = await MetricNamer.create((external ? cfg.externalRules : cfg.rules)[index], mapper);
  if (!n.ok) throw new Error(n.error);
  return n.value;
}

function sel(text: string): Selector {
  const s = parseSelector(text);
  if (!s.ok) throw new Error(s.error.message);
  return s.value;
}

describe('every seed adapter file loads unmodified', () => {
  it.each([
    ['seed-000/adapter/adapter-rules.yaml', 1, 0, false],
    ['seed-001/adapter/adapter-rules.yaml', 1, 0, false],
    ['seed-003/adapter/adapter-rules.yaml', 1, 0, false],
    ['seed-003/adapter/prometheus-adapter-values.yml', 1, 0, false],
    ['seed-004/adapter/adapter-rules.yaml', 1, 0, false],
    ['seed-004/adapter/adapter-resource-rules.yaml', 0, 0, true],
    ['seed-004/adapter/adapter-external-rules.yaml', 0, 1, false],
  ])('%s', (file, rules, externalRules, resourceRules) => {
    const c = load(file);
    expect([c.rules.length, c.externalRules.length, c.resourceRules !== undefined]).toEqual([
      rules,
      externalRules,
      resourceRules,
    ]);
  });

  it("rejects seed 004 externalRules as written, as the adapter's strict loader does, and says why", () => {
    const c = loadAdapterConfig(`${EX}/seed-004/adapter/adapter-external-rules.as-written.yaml`);
    expect(c.ok).toBe(false);
    if (c.ok) return;
    expect(c.error.field).toBe('resources');
    expect(c.error.message).toContain('field resources not found in type config.MetricsDiscoveryConfig');
    expect(c.error.message).toContain('not indented under its "- seriesQuery:" list item');
  });

  it('reads the seed 003 Helm values file as the chart renders it', () => {
    const c = load('seed-003/adapter/prometheus-adapter-values.yml');
    expect(c.format).toBe('helm-values');
    expect(c.rules[0].seriesQuery).toBe('demo_app_button_clicks_total');
  });
});

describe('series naming and association, as the adapter discovers them', () => {
  it('seed 000: http_requests_total → http_requests_qps on pods and namespaces', async () => {
    const n = await namer('seed-000/adapter/adapter-rules.yaml');
    expect(n.metricNameForSeries('http_requests_total')).toEqual({ ok: true, value: 'http_requests_qps' });
    const reg = await SeriesRegistry.build(
      [
        [
          n,
          n.filterSeries([
            { name: 'http_requests_total', labels: ['kubernetes_namespace', 'kubernetes_pod', 'status'] },
          ]),
        ],
      ],
      [],
    );
    expect(reg.listCustom()).toEqual(['namespaces/http_requests_qps', 'pods/http_requests_qps']);
  });

  it("seed 003: the <<.Resource>> template finds jobs.batch, namespaces, pods and services (the article's listing)", async () => {
    const n = await namer('seed-003/adapter/adapter-rules.yaml');
    const labels = ['container', 'endpoint', 'instance', 'job', 'namespace', 'pod', 'service'];
    const reg = await SeriesRegistry.build(
      [[n, n.filterSeries([{ name: 'demo_app_button_clicks_total', labels }])]],
      [],
    );
    expect(reg.listCustom()).toEqual([
      'jobs.batch/demo_app_button_clicks_per_second',
      'namespaces/demo_app_button_clicks_per_second',
      'pods/demo_app_button_clicks_per_second',
      'services/demo_app_button_clicks_per_second',
    ]);
  });

  it('filters series that do not match name.matches', async () => {
    const n = await namer('seed-004/adapter/adapter-rules.yaml');
    expect(
      n
        .filterSeries([
          { name: 'http_requests_total', labels: [] },
          { name: 'grpc_requests', labels: [] },
        ])
        .map((s) => s.name),
    ).toEqual(['http_requests_total']);
  });
});

describe('PromQL per seed rule equals what prometheus-adapter sends', () => {
  it('seed 000, two pods: namespace override then kubernetes_pod =~ names joined by |', async () => {
    // Build(series="http_requests_total", pods, ns="default", names=[p1,p2]): no selector parts;
    // namespace → override label kubernetes_namespace; pods → override label kubernetes_pod; 2 names → =~.
    const n = await namer('seed-000/adapter/adapter-rules.yaml');
    const q = await n.queryForSeries('http_requests_total', PODS, 'default', Selector.everything(), [
      'sample-httpserver-6784dcf77c-56th4',
      'sample-httpserver-6784dcf77c-df4cd',
    ]);
    expect(q).toEqual({
      ok: true,
      value:
        'sum(rate(http_requests_total{kubernetes_namespace="default",kubernetes_pod=~"sample-httpserver-6784dcf77c-56th4|sample-httpserver-6784dcf77c-df4cd"}[30s])) by (kubernetes_pod)',
    });
  });

  it('seed 000, one pod: LabelEq', async () => {
    const n = await namer('seed-000/adapter/adapter-rules.yaml');
    const q = await n.queryForSeries('http_requests_total', PODS, 'default', Selector.everything(), [
      'sample-httpserver-6784dcf77c-56th4',
    ]);
    expect(q).toEqual({
      ok: true,
      value:
        'sum(rate(http_requests_total{kubernetes_namespace="default",kubernetes_pod="sample-httpserver-6784dcf77c-56th4"}[30s])) by (kubernetes_pod)',
    });
  });

  it('seed 001: overrides namespace/pod (resource: pods normalises to pods), avg by pod', async () => {
    const n = await namer('seed-001/adapter/adapter-rules.yaml');
    expect(n.metricNameForSeries('myapp_processed_ops_total')).toEqual({
      ok: true,
      value: 'myapp_processed_ops_total',
    });
    const q = await n.queryForSeries('myapp_processed_ops_total', PODS, 'default', Selector.everything(), [
      'test-prometheus-57dc8d4c68-kjqs4',
    ]);
    expect(q).toEqual({
      ok: true,
      value: 'avg(myapp_processed_ops_total{namespace="default",pod="test-prometheus-57dc8d4c68-kjqs4"}) by (pod)',
    });
  });

  it('seed 003: the template names the labels namespace and pod (singular resources)', async () => {
    const n = await namer('seed-003/adapter/adapter-rules.yaml');
    const q = await n.queryForSeries('demo_app_button_clicks_total', PODS, 'default', Selector.everything(), [
      'prometheus-demo-app-8585d447c6-2t882',
      'prometheus-demo-app-8585d447c6-cbwmv',
    ]);
    expect(q).toEqual({
      ok: true,
      value:
        'sum(rate(demo_app_button_clicks_total{namespace="default",pod=~"prometheus-demo-app-8585d447c6-2t882|prometheus-demo-app-8585d447c6-cbwmv"}[2m])) by (pod)',
    });
  });

  it('seed 003: an Object metric on a Service groups by service; a Namespace metric is root-scoped', async () => {
    const n = await namer('seed-003/adapter/adapter-rules.yaml');
    expect(
      await n.queryForSeries(
        'demo_app_button_clicks_total',
        { group: '', resource: 'services' },
        'default',
        Selector.everything(),
        ['prometheus-demo-app'],
      ),
    ).toEqual({
      ok: true,
      value:
        'sum(rate(demo_app_button_clicks_total{namespace="default",service="prometheus-demo-app"}[2m])) by (service)',
    });
    // GetMetricByName(namespaces, name=<hpa namespace>): namespace "" → no namespace part; the resource label is namespace
    expect(
      await n.queryForSeries(
        'demo_app_button_clicks_total',
        { group: '', resource: 'namespaces' },
        '',
        Selector.everything(),
        ['default'],
      ),
    ).toEqual({
      ok: true,
      value: 'sum(rate(demo_app_button_clicks_total{namespace="default"}[2m])) by (namespace)',
    });
  });

  it('seed 003 Helm values: same rule, same query', async () => {
    const n = await namer('seed-003/adapter/prometheus-adapter-values.yml');
    const q = await n.queryForSeries('demo_app_button_clicks_total', PODS, 'default', Selector.everything(), [
      'prometheus-demo-app-8585d447c6-cbwmv',
    ]);
    expect(q).toEqual({
      ok: true,
      value:
        'sum(rate(demo_app_button_clicks_total{namespace="default",pod="prometheus-demo-app-8585d447c6-cbwmv"}[2m])) by (pod)',
    });
  });

  it('seed 004 Pods rule with a metric selector: selector parts first, then namespace, then kubernetes_pod_name', async () => {
    // the article prints {"kubernetes_namespace":"default","<label-key>":"<label-value>"} — not valid PromQL
    // and not the adapter's order; the adapter's code puts the selector first and matches the pods.
    const n = await namer('seed-004/adapter/adapter-rules.yaml');
    expect(n.metricNameForSeries('http_requests_total')).toEqual({ ok: true, value: 'http_requests' });
    const q = await n.queryForSeries('http_requests_total', PODS, 'default', sel('verb=GET,code in (200,201)'), [
      'sample-app-1',
      'sample-app-2',
    ]);
    expect(q).toEqual({
      ok: true,
      value:
        'sum(rate(http_requests_total{code=~"200|201",verb="GET",kubernetes_namespace="default",kubernetes_pod_name=~"sample-app-1|sample-app-2"}[2m])) by (kubernetes_pod_name)',
    });
  });

  it('seed 004 selector operators map as the adapter maps them', async () => {
    const n = await namer('seed-004/adapter/adapter-rules.yaml');
    const q = await n.queryForSeries('http_requests_total', PODS, 'default', sel('a!=1,b notin (x),c,!d,e in (y)'), [
      'p',
    ]);
    expect(q).toEqual({
      ok: true,
      value:
        'sum(rate(http_requests_total{a!="1",b!~"x",c!="",d="",e=~"y",kubernetes_namespace="default",kubernetes_pod_name="p"}[2m])) by (kubernetes_pod_name)',
    });
    expect(await n.queryForSeries('http_requests_total', PODS, 'default', sel('a>1'), ['p'])).toEqual({
      ok: false,
      error: 'operator not supported by prometheus',
    });
  });

  it('seed 004 externalRule with namespaced: false: selector only, no namespace, empty GroupBy', async () => {
    const n = await namer('seed-004/adapter/adapter-external-rules.yaml', 0, true);
    expect(await n.queryForExternalSeries('queue_messages_cnt', 'default', sel('app=lanpangzi'))).toEqual({
      ok: true,
      value: 'avg(queue_messages_cnt{app="lanpangzi"})',
    });
  });

  it('an externalRule without namespaced: false needs a namespace label (the adapter fails the same way)', async () => {
    const cfg = load('seed-004/adapter/adapter-external-rules.yaml');
    const rule = { ...cfg.externalRules[0], resources: { template: '', overrides: {} } };
    const n = await MetricNamer.create(rule, mapper);
    if (!n.ok) throw new Error(n.error);
    expect(await n.value.queryForExternalSeries('queue_messages_cnt', 'default', Selector.everything())).toEqual({
      ok: false,
      error:
        'unable to convert resource namespaces into label: no generic resource label form specified for this metric',
    });
  });

  it('seed 004 resourceRules: Series empty, GroupBy pod,container, the literal block (trailing spaces included) kept', async () => {
    const cfg = load('seed-004/adapter/adapter-resource-rules.yaml');
    if (cfg.resourceRules === undefined) throw new Error('no resourceRules');
    expect(cfg.resourceRules.windowMs).toBe(300_000);
    const reader = await ResourceMetricsReader.create(cfg.resourceRules, {} as PrometheusApi, mapper, false);
    if (!reader.ok) throw new Error(reader.error);
    expect(await reader.value.query('cpu', 'default', ['web-1', 'web-2'])).toEqual({
      ok: true,
      value:
        'sum by (pod,container) (  \n  irate (  \n      container_cpu_usage_seconds_total{namespace="default",pod=~"web-1|web-2",container!="",pod!=""}[4m]  \n  )  \n)  \n',
    });
    expect(await reader.value.query('memory', 'default', ['web-1'])).toEqual({
      ok: true,
      value:
        'sum by (pod,container) (  \n  container_memory_working_set_bytes{namespace="default",pod="web-1",container!="",pod!=""}  \n)  \n',
    });
  });
});
