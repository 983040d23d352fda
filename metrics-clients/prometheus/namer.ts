/**
 * One prometheus-adapter rule, compiled (pkg/naming/metric_namer.go): which discovered series it
 * keeps (`seriesFilters` plus `name.matches` as an implicit `is` filter), the API name of a series
 * (`name.matches` searched unanchored, `name.as` expanded; `as` defaults to `$0` without capture
 * groups and `$1` with one), the resources its labels name, and the PromQL for a request.
 */
import { type Result, type Selector, err, ok } from '../../algorithms/index.js';
import type { GroupResource, RestMapper } from '../../transport/index.js';
import type { DiscoveryRule } from './adapter-config.js';
import { type GoRegexp, compileGoRegexp, expandGo, findSubmatch, matchString } from './go-regexp.js';
import { type GoTemplate, compileTemplate } from './go-template.js';
import { buildExternalQuery, buildQuery } from './query-builder.js';
import { ResourceConverter } from './resource-converter.js';

/** A series returned by /api/v1/series: its name and its label names (values are not needed). */
export interface Series {
  readonly name: string;
  readonly labels: readonly string[];
}

interface Filter {
  readonly re: GoRegexp;
  readonly positive: boolean;
}

export class MetricNamer {
  private constructor(
    readonly rule: DiscoveryRule,
    readonly converter: ResourceConverter,
    private readonly template: GoTemplate,
    private readonly filters: readonly Filter[],
    private readonly nameMatches: GoRegexp,
    private readonly nameAs: string,
    /** externalRules: add the HPA namespace to queries (resources.namespaced, default true) */
    readonly namespaced: boolean,
  ) {}

  get seriesQuery(): string {
    return this.rule.seriesQuery;
  }

  /** NamersFromConfig for one rule. Errors read like the adapter's start-up errors. */
  static async create(rule: DiscoveryRule, mapper: RestMapper): Promise<Result<MetricNamer, string>> {
    const where = `${rule.at} (series query ${JSON.stringify(rule.seriesQuery)})`;
    const conv = await ResourceConverter.create(rule.resources, mapper);
    if (!conv.ok) return err(`${where}: ${conv.error}`);
    const template = compileTemplate('metrics-query', rule.metricsQuery);
    if (!template.ok) return err(`${where}: unable to construct metrics query: ${template.error}`);
    const filters: Filter[] = [];
    for (const f of rule.seriesFilters) {
      const re = compileGoRegexp(f.is ?? f.isNot ?? '');
      if (!re.ok) return err(`${where}: unable to generate series name filter: ${re.error}`);
      filters.push({ re: re.value, positive: f.is !== undefined });
    }
    const matches = compileGoRegexp(rule.name.matches === '' ? '.*' : rule.name.matches);
    if (!matches.ok) return err(`${where}: unable to compile series name match expression: ${matches.error}`);
    if (rule.name.matches !== '') filters.push({ re: matches.value, positive: true });
    let as = rule.name.as;
    if (as === '') {
      if (matches.value.groups === 0) as = '$0';
      else if (matches.value.groups === 1) as = '$1';
      else
        return err(
          `${where}: must specify an 'as' value for name matcher ${JSON.stringify(rule.name.matches)} associated with series query ${JSON.stringify(rule.seriesQuery)}`,
        );
    }
    return ok(
      new MetricNamer(rule, conv.value, template.value, filters, matches.value, as, rule.resources.namespaced ?? true),
    );
  }

  /** FilterSeries: every filter must agree (is → matches, isNot → does not). */
  filterSeries(series: readonly Series[]): Series[] {
    return series.filter((s) => this.filters.every((f) => matchString(f.re, s.name) === f.positive));
  }

  /** MetricNameForSeries. */
  metricNameForSeries(seriesName: string): Result<string, string> {
    const m = findSubmatch(this.nameMatches, seriesName);
    if (m === null)
      return err(
        `series name ${JSON.stringify(seriesName)} did not match expected pattern ${JSON.stringify(this.nameMatches.source)}`,
      );
    return ok(expandGo(this.nameAs, m));
  }

  queryForSeries(
    series: string,
    resource: GroupResource,
    namespace: string,
    metricSelector: Selector,
    names: readonly string[] | 'every',
    extraGroupBy: readonly string[] = [],
  ): Promise<Result<string, string>> {
    return buildQuery(this.template, this.converter, series, resource, namespace, extraGroupBy, metricSelector, names);
  }

  queryForExternalSeries(series: string, namespace: string, metricSelector: Selector): Promise<Result<string, string>> {
    return buildExternalQuery(this.template, this.converter, this.namespaced, series, namespace, metricSelector);
  }
}
