/**
 * manifests/monitoring: the alert rules pass `promtool check rules` and their unit tests
 * (`promtool test rules hpa-ts-alerts.test.yaml`), every alert has a test that makes it fire and
 * one that keeps it quiet; every metric the alerts and the dashboard query is one hpa-ts exports
 * (its real registry); docs/monitoring.md describes every panel and every alert. promtool comes
 * from test/e2e/stack/build.sh (skipped without it, failing in CI).
 */
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ControllerMetrics } from '../../controller/monitor.js';
import { HistoryStoreMetrics } from '../../controller/history/index.js';
import { MANIFESTS, ROOT, parseYamlDocs } from './support/manifests.js';
import { PROMTOOL, needsTool } from './support/tools.js';

const DIR = join(MANIFESTS, 'monitoring');
const promtool = needsTool(
  'promtool',
  PROMTOOL,
  'run test/e2e/stack/build.sh (it extracts Debian’s prometheus package)',
);

interface Rule {
  readonly alert: string;
  readonly expr: string;
}
interface AlertTest {
  readonly alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[];
}

const rules = (
  parseYamlDocs(readFileSync(join(DIR, 'hpa-ts-alerts.yaml'), 'utf8'), 'alerts')[0] as {
    groups: { rules: Rule[] }[];
  }
).groups.flatMap((g) => g.rules);
const tests = (
  parseYamlDocs(readFileSync(join(DIR, 'hpa-ts-alerts.test.yaml'), 'utf8'), 'alert tests')[0] as {
    tests: AlertTest[];
  }
).tests.flatMap((t) => t.alert_rule_test ?? []);

interface Panel {
  readonly type: string;
  readonly title: string;
  readonly description?: string;
  readonly targets?: { expr: string }[];
}
const dashboard = JSON.parse(readFileSync(join(DIR, 'hpa-ts-dashboard.json'), 'utf8')) as {
  panels: Panel[];
  templating: { list: { name: string; definition?: string }[] };
};
const panels = dashboard.panels.filter((p) => p.type !== 'row');

const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan', 'Inf', 'NaN']);

/** The metric names a PromQL expression selects (functions, labels, keywords and ranges set aside). */
export function metricNames(expr: string): string[] {
  const e = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\boffset\s+-?\w+/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const m of e.matchAll(/(?<![\w.])[a-zA-Z_:][a-zA-Z0-9_:]*(\s*\()?/g)) {
    if (m[1] !== undefined || KEYWORDS.has(m[0])) continue;
    names.add(m[0]);
  }
  return [...names];
}

/**
 * Every series name hpa-ts's /metrics can carry (a histogram's _bucket, _sum and _count too),
 * the history store's included (registered when --history-store=configmap).
 */
async function exported(): Promise<Set<string>> {
  const m = new ControllerMetrics({ defaultMetrics: true });
  new HistoryStoreMetrics(m.registry);
  const out = new Set<string>();
  for (const metric of await m.registry.getMetricsAsJSON()) {
    out.add(metric.name);
    if (String(metric.type) === 'histogram') for (const s of ['_bucket', '_sum', '_count']) out.add(metric.name + s);
  }
  return out;
}

function queries(): { where: string; expr: string }[] {
  return [
    ...rules.map((r) => ({ where: `alert ${r.alert}`, expr: r.expr })),
    ...panels.flatMap((p) => (p.targets ?? []).map((t) => ({ where: `panel "${p.title}"`, expr: t.expr }))),
    // label_values(<selector>, <label>): the selector is a query
    ...dashboard.templating.list
      .filter((v) => v.definition !== undefined)
      .map((v) => ({
        where: `variable ${v.name}`,
        expr: /^label_values\((.*),\s*\w+\)$/.exec(v.definition ?? '')?.[1] ?? '',
      })),
  ];
}

describe('the metric names the alerts and the dashboard use', () => {
  it('are read from PromQL as a person would (functions, labels, ranges and keywords are not metrics)', () => {
    expect(
      metricNames(
        'histogram_quantile(0.99, sum by (le) (rate(hpa_ts_reconcile_lag_seconds_bucket{job="x"}[5m]))) > on () max(hpa_ts_sync_period_seconds) and bool nope_total offset 5m',
      ).sort(),
    ).toEqual(['hpa_ts_reconcile_lag_seconds_bucket', 'hpa_ts_sync_period_seconds', 'nope_total']);
  });

  it('are all exported by hpa-ts', async () => {
    const have = await exported();
    const used = queries().flatMap((q) => metricNames(q.expr).map((name) => ({ where: q.where, name })));
    expect(used.length).toBeGreaterThan(25);
    expect(used.filter((u) => !have.has(u.name))).toEqual([]);
  });

  it('cover what the dashboard must show: replicas, metric vs target, reconciles, errors, shadow, leader, API', () => {
    const used = new Set(queries().flatMap((q) => metricNames(q.expr)));
    for (const name of [
      'horizontal_pod_autoscaler_controller_desired_replicas',
      'hpa_ts_current_replicas',
      'hpa_ts_metric_value',
      'hpa_ts_metric_target',
      'horizontal_pod_autoscaler_controller_reconciliations_total',
      'horizontal_pod_autoscaler_controller_reconciliation_duration_seconds_bucket',
      'hpa_ts_reconcile_errors_total',
      'hpa_ts_shadow_decisions_total',
      'hpa_ts_leader',
      'hpa_ts_api_requests_total',
    ])
      expect([name, used.has(name)]).toEqual([name, true]);
  });
});

describe('every alert and panel', () => {
  it('alert has a unit test that makes it fire and one that keeps it quiet', () => {
    for (const r of rules) {
      const own = tests.filter((t) => t.alertname === r.alert);
      expect([r.alert, own.some((t) => t.exp_alerts.length > 0), own.some((t) => t.exp_alerts.length === 0)]).toEqual([
        r.alert,
        true,
        true,
      ]);
    }
    expect(rules.length).toBe(9);
  });

  it('panel has a description, and docs/monitoring.md describes every panel and alert under its name', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'monitoring.md'), 'utf8');
    for (const p of panels) {
      expect([p.title, (p.description ?? '').length > 20]).toEqual([p.title, true]);
      expect([p.title, doc.includes(`**${p.title}**`)]).toEqual([p.title, true]);
    }
    for (const r of rules) expect([r.alert, doc.includes(`### ${r.alert}`)]).toEqual([r.alert, true]);
  });

  it('docs/monitoring.md describes no panel the dashboard lacks', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'monitoring.md'), 'utf8');
    const section = doc.slice(
      doc.indexOf('## The dashboard'),
      doc.indexOf('\n## ', doc.indexOf('## The dashboard') + 1),
    );
    const described = [...section.matchAll(/^- \*\*(.+?)\*\* —/gm)].map((m) => m[1]);
    expect(described.length).toBeGreaterThan(10);
    expect(described.filter((title) => !panels.some((p) => p.title === title))).toEqual([]);
  });
});

(promtool.run ? describe : describe.skip)('promtool', () => {
  const run = (args: string[]) =>
    spawnSync(PROMTOOL ?? 'promtool', args, { cwd: DIR, encoding: 'utf8', timeout: 60_000 });

  it('checks the rules', () => {
    const r = run(['check', 'rules', 'hpa-ts-alerts.yaml']);
    expect([r.status, r.stdout.trim()]).toEqual([0, expect.stringContaining('SUCCESS: 9 rules found')]);
  });

  it('passes the unit tests of every alert', () => {
    const r = run(['test', 'rules', 'hpa-ts-alerts.test.yaml']);
    expect([r.status, `${r.stdout}${r.stderr}`]).toEqual([0, expect.stringContaining('SUCCESS')]);
  });
});

describe('the monitoring tests need promtool', () => {
  it('is there, or this is not CI', () => {
    expect(process.env.CI === 'true' ? promtool.missing : '').toBe('');
  });
});
