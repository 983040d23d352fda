import { describe, expect, it } from '@jest/globals';
import { formatConfigError, parseAdapterConfig } from '../../../metrics-clients/prometheus/adapter-config.js';

function error(yaml: string): string {
  const c = parseAdapterConfig(yaml, 'adapter.yaml');
  if (c.ok) throw new Error('expected an error');
  return formatConfigError(c.error);
}

const rule = (extra: string): string =>
  `rules:\n- seriesQuery: 'x_total'\n  metricsQuery: 'sum(<<.Series>>)'\n${extra}`;

describe('adapter config errors name the file, the field and what was expected', () => {
  it('a name.matches with two captures and no as', () => {
    expect(error(rule('  name:\n    matches: "^(.*)_(.*)_total$"\n'))).toBe(
      'adapter.yaml: rules[0].name.as: must specify an \'as\' value for name matcher "^(.*)_(.*)_total$" associated with series query "x_total" (it has 2 capture groups; e.g. as: "${1}_per_second")',
    );
  });

  it('unknown fields, as yaml.UnmarshalStrict', () => {
    expect(error(rule('  resources:\n    overides: {}\n'))).toContain(
      'adapter.yaml: rules[0].resources.overides: field overides not found in type config.ResourceMapping',
    );
    expect(error('ruels: []\n')).toContain(
      'adapter.yaml: ruels: field ruels not found in type config.MetricsDiscoveryConfig',
    );
  });

  it('series filters need exactly one of is / isNot', () => {
    expect(error(rule('  seriesFilters:\n  - is: a\n    isNot: b\n'))).toContain(
      'rules[0].seriesFilters[0]: cannot have both an `is` ("a") and `isNot` ("b")',
    );
    expect(error(rule('  seriesFilters:\n  - {}\n'))).toContain(
      'must have either an `is` or `isNot` expression in a filter',
    );
  });

  it('templates must parse', () => {
    expect(error("rules:\n- seriesQuery: 'x'\n  metricsQuery: '<<join .GroupBySlice \",\">>'\n")).toContain(
      'rules[0].metricsQuery: unable to parse metrics query template',
    );
    expect(error(rule('  resources:\n    template: "kube_<<.Group>>"\n'))).toContain(
      'must include at least `<<.Resource>>` in the label template',
    );
  });

  it('namespaced is for externalRules only, and must be a boolean', () => {
    expect(error(rule('  resources:\n    namespaced: false\n'))).toContain(
      'rules[0].resources.namespaced: namespaced applies to externalRules only',
    );
    expect(
      error("externalRules:\n- seriesQuery: 'q'\n  metricsQuery: 'q'\n  resources:\n    namespaced: maybe\n"),
    ).toContain('expected true or false');
  });

  it('the resourceRules window must be a Prometheus duration', () => {
    expect(error('resourceRules:\n  window: 5 minutes\n')).toContain(
      'resourceRules.window: not a valid duration string',
    );
  });

  it('a Helm values file with the chart default rules on is refused with the way out', () => {
    expect(error('rules:\n  custom: []\n')).toContain("rules.default: is true (the chart's default)");
  });

  it('YAML syntax errors and duplicate keys', () => {
    expect(error('rules: [\n')).toContain('adapter.yaml: unable to parse metrics discovery config');
    expect(error('rules: []\nrules: []\n')).toContain('unable to parse metrics discovery config');
  });

  it('YAML 1.1 booleans, as yaml.v2 reads them', () => {
    const c = parseAdapterConfig(
      "externalRules:\n- seriesQuery: 'q'\n  metricsQuery: 'q'\n  resources:\n    namespaced: no\n",
      'a.yaml',
    );
    expect(c.ok && c.value.externalRules[0].resources.namespaced).toBe(false);
  });
});
