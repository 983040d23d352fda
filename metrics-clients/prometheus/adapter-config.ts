/**
 * prometheus-adapter configuration files, read as the adapter reads them (pkg/config: config.go,
 * loader.go — `yaml.UnmarshalStrict`, so an unknown or mis-indented key is an error): `rules`,
 * `externalRules`, `resourceRules`. The values file of the prometheus-community Helm chart
 * (`rules: {default, custom, external, resource}`) is accepted too and rendered as the chart
 * renders its ConfigMap. Errors name the file, the field path and what was expected.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { type Result, err, ok } from '../../algorithms/index.js';
import { parsePromDurationMs } from '../shared/durations.js';
import { compileGoRegexp } from './go-regexp.js';
import { compileTemplate } from './go-template.js';

export interface RegexFilter {
  readonly is?: string;
  readonly isNot?: string;
}

export interface GroupResourceOverride {
  readonly group: string;
  readonly resource: string;
}

export interface ResourceMapping {
  readonly template: string;
  readonly overrides: Readonly<Record<string, GroupResourceOverride>>;
  /** externalRules only: false = do not add the HPA's namespace to the query */
  readonly namespaced?: boolean;
}

export interface DiscoveryRule {
  /** where the rule sits, for messages: `rules[2]` */
  readonly at: string;
  readonly seriesQuery: string;
  readonly seriesFilters: readonly RegexFilter[];
  readonly resources: ResourceMapping;
  readonly name: { readonly matches: string; readonly as: string };
  readonly metricsQuery: string;
}

export interface ResourceRule {
  readonly at: string;
  readonly containerQuery: string;
  readonly nodeQuery: string;
  readonly resources: ResourceMapping;
  readonly containerLabel: string;
}

export interface ResourceRules {
  readonly cpu: ResourceRule;
  readonly memory: ResourceRule;
  /** the window reported with resource metrics (model.Duration) */
  readonly windowMs: number;
}

export interface AdapterConfig {
  /** file it came from (or `<inline>`) */
  readonly source: string;
  readonly rules: readonly DiscoveryRule[];
  readonly externalRules: readonly DiscoveryRule[];
  readonly resourceRules?: ResourceRules;
  /** `adapter` for a plain config file, `helm-values` for a chart values file */
  readonly format: 'adapter' | 'helm-values';
}

export interface ConfigError {
  readonly file: string;
  /** dotted path of the offending field, '' for the file as a whole */
  readonly field: string;
  readonly message: string;
}

export function formatConfigError(e: ConfigError): string {
  return e.field === '' ? `${e.file}: ${e.message}` : `${e.file}: ${e.field}: ${e.message}`;
}

class Invalid extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

type Obj = Readonly<Record<string, unknown>>;

const RULE_KEYS = ['seriesQuery', 'seriesFilters', 'resources', 'name', 'metricsQuery'];

function describe(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}

/** A mapping with only the given keys (UnmarshalStrict); null/missing → {}. */
function mapping(v: unknown, at: string, keys: readonly string[], type: string): Obj {
  if (v === null || v === undefined) return {};
  if (typeof v !== 'object' || Array.isArray(v))
    throw new Invalid(at, `expected a mapping (${type}), got ${describe(v)}`);
  for (const k of Object.keys(v)) {
    if (keys.includes(k)) continue;
    // the usual cause: a rule's keys not indented under its `- seriesQuery:` list item
    const hint =
      RULE_KEYS.includes(k) && !type.endsWith('DiscoveryRule')
        ? '; a rule field here usually means it is not indented under its "- seriesQuery:" list item'
        : '';
    throw new Invalid(
      at === '' ? k : `${at}.${k}`,
      `field ${k} not found in type ${type} (known fields: ${keys.join(', ')})${hint}`,
    );
  }
  return v as Obj;
}

function str(v: unknown, at: string): string {
  if (v === null || v === undefined) return '';
  // yaml.v2 decodes any scalar into a string field by its text
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new Invalid(at, `expected a string, got ${describe(v)}`);
}

function list(v: unknown, at: string): readonly unknown[] {
  if (v === null || v === undefined) return [];
  if (!Array.isArray(v)) throw new Invalid(at, `expected a list, got ${describe(v)}`);
  return v;
}

function resourceMapping(v: unknown, at: string, external: boolean): ResourceMapping {
  const m = mapping(v, at, ['template', 'overrides', 'namespaced'], 'config.ResourceMapping');
  const overrides: Record<string, GroupResourceOverride> = {};
  for (const [label, raw] of Object.entries(
    mapping(m.overrides, `${at}.overrides`, Object.keys(m.overrides ?? {}), 'map[string]config.GroupResource'),
  )) {
    const gr = mapping(raw, `${at}.overrides.${label}`, ['group', 'resource'], 'config.GroupResource');
    const resource = str(gr.resource, `${at}.overrides.${label}.resource`);
    if (resource === '')
      throw new Invalid(`${at}.overrides.${label}.resource`, 'a resource name is required (e.g. resource: pod)');
    overrides[label] = { group: str(gr.group, `${at}.overrides.${label}.group`), resource };
  }
  const template = str(m.template, `${at}.template`);
  if (template !== '') {
    const t = compileTemplate('resource-label', template);
    if (!t.ok)
      throw new Invalid(`${at}.template`, `unable to parse label template ${JSON.stringify(template)}: ${t.error}`);
    if (!/\.Resource\b/.test(template))
      throw new Invalid(`${at}.template`, 'must include at least `<<.Resource>>` in the label template');
  }
  let namespaced: boolean | undefined;
  if (m.namespaced !== undefined && m.namespaced !== null) {
    if (typeof m.namespaced !== 'boolean')
      throw new Invalid(`${at}.namespaced`, `expected true or false, got ${describe(m.namespaced)}`);
    if (!external) throw new Invalid(`${at}.namespaced`, 'namespaced applies to externalRules only');
    namespaced = m.namespaced;
  }
  return namespaced === undefined ? { template, overrides } : { template, overrides, namespaced };
}

function metricsQuery(text: string, at: string, what: string): void {
  const t = compileTemplate('metrics-query', text);
  if (!t.ok) throw new Invalid(at, `unable to parse ${what} template ${JSON.stringify(text)}: ${t.error}`);
}

function discoveryRule(v: unknown, at: string, external: boolean): DiscoveryRule {
  const r = mapping(
    v,
    at,
    ['seriesQuery', 'seriesFilters', 'resources', 'name', 'metricsQuery'],
    'config.DiscoveryRule',
  );
  const seriesQuery = str(r.seriesQuery, `${at}.seriesQuery`);
  if (seriesQuery === '')
    throw new Invalid(`${at}.seriesQuery`, 'a series query is required (e.g. \'{__name__=~"^http_.*_total$"}\')');
  const seriesFilters = list(r.seriesFilters, `${at}.seriesFilters`).map((f, i): RegexFilter => {
    const fat = `${at}.seriesFilters[${i}]`;
    const m = mapping(f, fat, ['is', 'isNot'], 'config.RegexFilter');
    const is = str(m.is, `${fat}.is`);
    const isNot = str(m.isNot, `${fat}.isNot`);
    if (is !== '' && isNot !== '')
      throw new Invalid(
        fat,
        `cannot have both an \`is\` (${JSON.stringify(is)}) and \`isNot\` (${JSON.stringify(isNot)}) expression in a single filter`,
      );
    if (is === '' && isNot === '') throw new Invalid(fat, 'must have either an `is` or `isNot` expression in a filter');
    const re = compileGoRegexp(is || isNot);
    if (!re.ok) throw new Invalid(fat, `unable to compile series filter: ${re.error}`);
    return is !== '' ? { is } : { isNot };
  });
  const n = mapping(r.name, `${at}.name`, ['matches', 'as'], 'config.NameMapping');
  const matches = str(n.matches, `${at}.name.matches`);
  const as = str(n.as, `${at}.name.as`);
  const re = compileGoRegexp(matches === '' ? '.*' : matches);
  if (!re.ok) throw new Invalid(`${at}.name.matches`, `unable to compile series name match expression: ${re.error}`);
  if (as === '' && re.value.groups > 1) {
    throw new Invalid(
      `${at}.name.as`,
      `must specify an 'as' value for name matcher ${JSON.stringify(matches)} associated with series query ${JSON.stringify(seriesQuery)} (it has ${re.value.groups} capture groups; e.g. as: "\${1}_per_second")`,
    );
  }
  const query = str(r.metricsQuery, `${at}.metricsQuery`);
  metricsQuery(query, `${at}.metricsQuery`, 'metrics query');
  return {
    at,
    seriesQuery,
    seriesFilters,
    resources: resourceMapping(r.resources, `${at}.resources`, external),
    name: { matches, as },
    metricsQuery: query,
  };
}

function resourceRule(v: unknown, at: string): ResourceRule {
  const r = mapping(v, at, ['containerQuery', 'nodeQuery', 'resources', 'containerLabel'], 'config.ResourceRule');
  const containerQuery = str(r.containerQuery, `${at}.containerQuery`);
  const nodeQuery = str(r.nodeQuery, `${at}.nodeQuery`);
  metricsQuery(containerQuery, `${at}.containerQuery`, 'container metrics query');
  metricsQuery(nodeQuery, `${at}.nodeQuery`, 'node metrics query');
  return {
    at,
    containerQuery,
    nodeQuery,
    resources: resourceMapping(r.resources, `${at}.resources`, false),
    containerLabel: str(r.containerLabel, `${at}.containerLabel`),
  };
}

function resourceRules(v: unknown, at: string): ResourceRules | undefined {
  if (v === null || v === undefined) return undefined;
  const r = mapping(v, at, ['cpu', 'memory', 'window'], 'config.ResourceRules');
  const windowText = str(r.window, `${at}.window`);
  let windowMs = 0;
  if (windowText !== '') {
    const w = parsePromDurationMs(windowText);
    if (!w.ok) throw new Invalid(`${at}.window`, `${w.error} (expected a Prometheus duration such as 5m)`);
    windowMs = w.value;
  }
  return { cpu: resourceRule(r.cpu, `${at}.cpu`), memory: resourceRule(r.memory, `${at}.memory`), windowMs };
}

/** Is this a Helm values file (`rules:` is a mapping of default/custom/external/resource)? */
function isHelmValues(doc: Obj): boolean {
  const rules = doc.rules;
  return typeof rules === 'object' && rules !== null && !Array.isArray(rules);
}

function fromHelmValues(doc: Obj): { rules: unknown; externalRules: unknown; resourceRules: unknown } {
  const r = mapping(doc.rules, 'rules', ['default', 'custom', 'existing', 'external', 'resource'], 'helm values rules');
  if (r.existing !== undefined && r.existing !== null && r.existing !== '') {
    throw new Invalid(
      'rules.existing',
      'names a ConfigMap that already holds the adapter config; give that config file instead',
    );
  }
  // the chart's default is true; its default rules are not bundled here
  if (r.default !== false) {
    throw new Invalid(
      'rules.default',
      "is true (the chart's default): the chart's built-in default rules are not bundled with hpa-ts; set rules.default: false or give the rendered adapter config",
    );
  }
  return { rules: r.custom, externalRules: r.external, resourceRules: r.resource };
}

/** Parses and checks a config given as text; `source` names it in errors. */
export function parseAdapterConfig(text: string, source: string): Result<AdapterConfig, ConfigError> {
  let raw: unknown;
  try {
    // yaml.v2 is YAML 1.1 (yes/no booleans); duplicate keys are errors in both
    raw = parseYaml(text, { version: '1.1' });
  } catch (e) {
    return err({
      file: source,
      field: '',
      message: `unable to parse metrics discovery config: ${(e as Error).message}`,
    });
  }
  try {
    const top = raw === null || raw === undefined ? {} : raw;
    if (typeof top !== 'object' || Array.isArray(top))
      throw new Invalid('', `expected a mapping with rules, externalRules or resourceRules, got ${describe(top)}`);
    const doc = top as Obj;
    const helm = isHelmValues(doc);
    const parts = helm
      ? fromHelmValues(doc)
      : (mapping(doc, '', ['rules', 'externalRules', 'resourceRules'], 'config.MetricsDiscoveryConfig') as {
          rules: unknown;
          externalRules: unknown;
          resourceRules: unknown;
        });
    const rules = list(parts.rules, helm ? 'rules.custom' : 'rules').map((r, i) =>
      discoveryRule(r, `${helm ? 'rules.custom' : 'rules'}[${i}]`, false),
    );
    const externalRules = list(parts.externalRules, helm ? 'rules.external' : 'externalRules').map((r, i) =>
      discoveryRule(r, `${helm ? 'rules.external' : 'externalRules'}[${i}]`, true),
    );
    const rr = resourceRules(parts.resourceRules, helm ? 'rules.resource' : 'resourceRules');
    const base = { source, rules, externalRules, format: helm ? ('helm-values' as const) : ('adapter' as const) };
    return ok(rr === undefined ? base : { ...base, resourceRules: rr });
  } catch (e) {
    if (e instanceof Invalid) return err({ file: source, field: e.field, message: e.message });
    throw e;
  }
}

export function loadAdapterConfig(path: string): Result<AdapterConfig, ConfigError> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return err({
      file: path,
      field: '',
      message: `unable to load metrics discovery config file: ${(e as Error).message}`,
    });
  }
  return parseAdapterConfig(text, path);
}
