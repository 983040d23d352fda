/**
 * prometheus-adapter, emulated over the simulator's Tsdb: the rules of an adapter config (loaded
 * by metrics-clients' loader, so the seed rule files work unmodified) decide which custom and
 * external metrics exist and which PromQL answers them, exactly as the adapter builds it —
 * `<<.Series>>`, `<<.LabelMatchers>>` (metric selector, then namespace, then the resource
 * label, `=~"a|b"` for several names) and `<<.GroupBy>>` — and values convert as the adapter
 * converts them (int64(v × 1000) milli, truncated).
 */
import { Quantity, Selector, type Result, err, ok } from '../../algorithms/index.js';
import {
  StaticRestMapper,
  type AdapterConfig,
  type DiscoveryRule,
  type GroupResource,
} from '../../metrics-clients/index.js';
import { evaluate } from './promql/eval.js';
import { parseSelector, type Matcher } from './promql/parse.js';
import { selectSeries } from './promql/eval.js';
import type { Labels, Tsdb } from './tsdb.js';

export interface ResourceLabel {
  readonly label: string;
  readonly resource: GroupResource;
}

interface CompiledRule {
  readonly rule: DiscoveryRule;
  readonly series: readonly Matcher[];
  readonly filters: readonly { is?: RegExp; isNot?: RegExp }[];
  readonly nameRe: RegExp;
  readonly nameAs: string;
}

export interface DiscoveredMetric {
  readonly name: string;
  readonly seriesName: string;
  readonly rule: CompiledRule;
  /** resources the series carry labels for (pods, namespaces, services, …) */
  readonly resources: readonly ResourceLabel[];
}

export interface AdapterFailure {
  readonly status: number;
  readonly reason: string;
  readonly message: string;
}

const mapper = new StaticRestMapper();
const BUILTIN = [
  'pods',
  'namespaces',
  'services',
  'deployments.apps',
  'ingresses.networking.k8s.io',
  'nodes',
  'jobs.batch',
  'statefulsets.apps',
  'replicasets.apps',
];

function goRegex(re: string): RegExp {
  return new RegExp(re.replace(/\(\?P</g, '(?<'));
}

/** Go's Regexp.Expand of `template` ($1, ${1}, $name) against one match. */
function expand(template: string, m: RegExpExecArray): string {
  return template.replace(
    /\$(\{(\w+)\}|(\w+)|\$)/g,
    (_all, _b, braced: string | undefined, bare: string | undefined) => {
      const ref = braced ?? bare;
      if (ref === undefined) return '$';
      if (/^\d+$/.test(ref)) return m[Number(ref)] ?? '';
      return m.groups?.[ref] ?? '';
    },
  );
}

function renderTemplate(template: string, values: Readonly<Record<string, string>>): Result<string, string> {
  let bad: string | undefined;
  const out = template.replace(/<<-?\s*\.(\w+)\s*-?>>/g, (_all, field: string) => {
    const v = values[field];
    if (v === undefined) bad = field;
    return v ?? '';
  });
  if (bad !== undefined) return err(`template field .${bad} is not supported by the simulator's adapter`);
  if (out.includes('<<')) return err("only <<.Field>> template actions are supported by the simulator's adapter");
  return ok(out);
}

/** Which resource a series label stands for under a rule's `resources` (overrides, then template). */
async function resourceForLabel(rule: DiscoveryRule, label: string): Promise<GroupResource | undefined> {
  const o = rule.resources.overrides[label];
  if (o !== undefined) {
    const r = await mapper.resourceFor({ group: o.group, resource: o.resource });
    return r.ok ? { group: r.value.group, resource: r.value.resource } : { group: o.group, resource: o.resource };
  }
  if (rule.resources.template === '') return undefined;
  for (const qualified of BUILTIN) {
    const [resource, ...g] = qualified.split('.');
    const group = g.join('.');
    const info = await mapper.resourceFor({ group, resource });
    if (!info.ok) continue;
    const rendered = renderTemplate(rule.resources.template, { Resource: info.value.singular, Group: group });
    if (rendered.ok && rendered.value === label) return { group, resource };
  }
  return undefined;
}

function sameResource(a: GroupResource, b: GroupResource): boolean {
  return a.group === b.group && a.resource === b.resource;
}

/** The adapter's label matchers for a metric selector (prom.LabelEq, LabelNeq, LabelMatches …). */
export function selectorMatchers(selector: Selector): Result<string[], string> {
  const out: string[] = [];
  for (const r of selector.requirements) {
    const v = r.values;
    switch (r.operator) {
      case '=':
      case '==':
        out.push(`${r.key}=${JSON.stringify(v[0] ?? '')}`);
        break;
      case '!=':
        out.push(`${r.key}!=${JSON.stringify(v[0] ?? '')}`);
        break;
      case 'in':
        out.push(`${r.key}=~${JSON.stringify(v.join('|'))}`);
        break;
      case 'notin':
        out.push(`${r.key}!~${JSON.stringify(v.join('|'))}`);
        break;
      case 'exists':
        out.push(`${r.key}!=""`);
        break;
      case '!':
        out.push(`${r.key}=""`);
        break;
      default:
        return err('operator not supported by prometheus');
    }
  }
  return ok(out);
}

export class AdapterEmulator {
  private readonly rules: CompiledRule[];
  private readonly external: CompiledRule[];
  private cache: { at: number; custom: DiscoveredMetric[]; external: DiscoveredMetric[] } | undefined;

  private constructor(
    readonly config: AdapterConfig,
    private readonly tsdb: Tsdb,
    rules: CompiledRule[],
    external: CompiledRule[],
  ) {
    this.rules = rules;
    this.external = external;
  }

  static create(config: AdapterConfig, tsdb: Tsdb): Result<AdapterEmulator, string> {
    const compile = (r: DiscoveryRule): Result<CompiledRule, string> => {
      const series = parseSelector(r.seriesQuery);
      if (!series.ok) return err(`${r.at}.seriesQuery: ${series.error}`);
      let nameRe: RegExp;
      try {
        nameRe = goRegex(r.name.matches === '' ? '.*' : r.name.matches);
      } catch (e) {
        return err(`${r.at}.name.matches: ${(e as Error).message}`);
      }
      const groups = new RegExp(`${nameRe.source}|`).exec('')?.length ?? 1;
      const nameAs = r.name.as !== '' ? r.name.as : groups - 1 === 1 ? '$1' : '$0';
      const filters = r.seriesFilters.map((f) => ({
        ...(f.is !== undefined ? { is: goRegex(f.is) } : {}),
        ...(f.isNot !== undefined ? { isNot: goRegex(f.isNot) } : {}),
      }));
      return ok({ rule: r, series: series.value, filters, nameRe, nameAs });
    };
    const rules: CompiledRule[] = [];
    const external: CompiledRule[] = [];
    for (const [list, out] of [
      [config.rules, rules],
      [config.externalRules, external],
    ] as const) {
      for (const r of list) {
        const c = compile(r);
        if (!c.ok) return c;
        out.push(c.value);
      }
    }
    return ok(new AdapterEmulator(config, tsdb, rules, external));
  }

  /**
   * The adapter's series discovery: relisted every 10 minutes of simulated time (the adapter's
   * --metrics-relist-interval default), and early, at most every 5 s, when asked for a metric it
   * has not seen — so a new workload's metric is found at its HPA's first query.
   */
  async discover(now: number, miss = false): Promise<{ custom: DiscoveredMetric[]; external: DiscoveredMetric[] }> {
    const age = this.cache === undefined ? Number.POSITIVE_INFINITY : now - this.cache.at;
    if (this.cache !== undefined && age >= 0 && age < (miss ? 5_000 : 600_000)) return this.cache;
    const run = async (rules: readonly CompiledRule[]): Promise<DiscoveredMetric[]> => {
      const found = new Map<string, DiscoveredMetric>();
      for (const c of rules) {
        for (const s of selectSeries(this.tsdb, c.series)) {
          if (s.stale) continue;
          const seriesName = s.labels.__name__ ?? '';
          if (
            !c.filters.every(
              (f) =>
                (f.is === undefined || f.is.test(seriesName)) && (f.isNot === undefined || !f.isNot.test(seriesName)),
            )
          )
            continue;
          const m = c.nameRe.exec(seriesName);
          if (m === null) continue;
          const name = expand(c.nameAs, m);
          const key = `${name}\u0000${seriesName}`;
          if (found.has(key)) continue;
          const resources: ResourceLabel[] = [];
          for (const label of Object.keys(s.labels)) {
            const r = await resourceForLabel(c.rule, label);
            if (r !== undefined && !resources.some((x) => sameResource(x.resource, r)))
              resources.push({ label, resource: r });
          }
          found.set(key, { name, seriesName, rule: c, resources });
        }
      }
      return [...found.values()];
    };
    this.cache = { at: now, custom: await run(this.rules), external: await run(this.external) };
    return this.cache;
  }

  /** Per-object values of a custom metric for the named objects of one resource (pods, services, …). */
  async queryObjects(
    metric: string,
    resource: GroupResource,
    namespace: string | undefined,
    names: readonly string[],
    metricSelector: Selector,
    now: number,
  ): Promise<Result<Map<string, { value: Quantity; timestamp: number }>, AdapterFailure>> {
    let { custom } = await this.discover(now);
    const known = (): boolean =>
      custom.some((m) => m.name === metric && m.resources.some((r) => sameResource(r.resource, resource)));
    if (!known()) custom = (await this.discover(now, true)).custom;
    const qualified = resource.group === '' ? resource.resource : `${resource.resource}.${resource.group}`;
    const notFound = (): AdapterFailure => ({
      status: 404,
      reason: 'NotFound',
      message: `the server could not find the metric ${metric} for ${qualified}`,
    });
    const d = custom.find((m) => m.name === metric && m.resources.some((r) => sameResource(r.resource, resource)));
    if (d === undefined) return err(notFound());
    if (names.length === 0) {
      return err({
        status: 404,
        reason: 'NotFound',
        message: `the server could not find the metric ${metric} for ${qualified} with selector`,
      });
    }
    const resLabel = d.resources.find((r) => sameResource(r.resource, resource))?.label ?? '';
    const nsLabel = d.resources.find((r) => sameResource(r.resource, { group: '', resource: 'namespaces' }))?.label;
    const parts = selectorMatchers(metricSelector);
    if (!parts.ok) return err({ status: 400, reason: 'BadRequest', message: parts.error });
    const matchers = [...parts.value];
    if (namespace !== undefined && nsLabel !== undefined && resLabel !== nsLabel)
      matchers.push(`${nsLabel}=${JSON.stringify(namespace)}`);
    matchers.push(
      names.length === 1
        ? `${resLabel}=${JSON.stringify(names[0])}`
        : `${resLabel}=~${JSON.stringify(names.join('|'))}`,
    );
    const query = renderTemplate(d.rule.rule.metricsQuery, {
      Series: d.seriesName,
      LabelMatchers: matchers.join(','),
      GroupBy: resLabel,
      GroupBySlice: resLabel,
    });
    if (!query.ok) return err({ status: 500, reason: 'InternalError', message: query.error });
    const r = evaluate(this.tsdb, query.value, now);
    if (!r.ok) return err({ status: 500, reason: 'InternalError', message: `unable to fetch metrics: ${r.error}` });
    if (r.value.resultType !== 'vector' || r.value.samples.length === 0) return err(notFound());
    const out = new Map<string, { value: Quantity; timestamp: number }>();
    for (const s of r.value.samples) {
      const milli = Number.isNaN(s.value) ? 0 : Math.trunc(s.value * 1000);
      out.set(s.labels[resLabel] ?? '', { value: Quantity.fromMilli(BigInt(milli)), timestamp: now });
    }
    return ok(out);
  }

  /** An external metric's series values (externalRules). */
  async queryExternal(
    metric: string,
    namespace: string,
    selector: Selector,
    now: number,
  ): Promise<Result<{ labels: Labels; value: Quantity; timestamp: number }[], AdapterFailure>> {
    let { external } = await this.discover(now);
    if (!external.some((m) => m.name === metric)) external = (await this.discover(now, true)).external;
    const d = external.find((m) => m.name === metric);
    if (d === undefined) {
      return err({ status: 404, reason: 'NotFound', message: `the server could not find the requested resource` });
    }
    const parts = selectorMatchers(selector);
    if (!parts.ok) return err({ status: 400, reason: 'BadRequest', message: parts.error });
    const matchers = [...parts.value];
    const nsLabel = d.resources.find((r) => sameResource(r.resource, { group: '', resource: 'namespaces' }))?.label;
    if (d.rule.rule.resources.namespaced !== false) {
      if (nsLabel === undefined) {
        return err({
          status: 500,
          reason: 'InternalError',
          message:
            'unable to convert resource namespaces into label: no generic resource label form specified for this metric',
        });
      }
      matchers.push(`${nsLabel}=${JSON.stringify(namespace)}`);
    }
    const query = renderTemplate(d.rule.rule.metricsQuery, {
      Series: d.seriesName,
      LabelMatchers: matchers.join(','),
      GroupBy: '',
      GroupBySlice: '',
    });
    if (!query.ok) return err({ status: 500, reason: 'InternalError', message: query.error });
    const r = evaluate(this.tsdb, query.value.replace(/\s+by\s*\(\s*\)/g, ''), now);
    if (!r.ok) return err({ status: 500, reason: 'InternalError', message: `unable to fetch metrics: ${r.error}` });
    if (r.value.resultType !== 'vector') return ok([]);
    return ok(
      r.value.samples.map((s) => ({
        labels: s.labels,
        value: Quantity.fromMilli(BigInt(Number.isNaN(s.value) ? 0 : Math.trunc(s.value * 1000))),
        timestamp: now,
      })),
    );
  }
}
