/**
 * The PromQL prometheus-adapter sends (pkg/naming/metrics_query.go, pkg/client/helpers.go): the
 * rule's `metricsQuery` executed with
 *   Series            the discovered series name
 *   LabelMatchers     metric-selector requirements first (in key order), then the namespace,
 *                     then the resource label; joined by ","; values quoted with Go's %q
 *   LabelValuesByName label → values joined by "|"
 *   GroupBy           resource label plus extras (the container label for resource metrics), ","-joined
 *   GroupBySlice      the same as a list
 * One resource name gives `pod="a"`, several `pod=~"a|b"` (joined unescaped, as upstream).
 * Selector operators: =,== → `=`; != → `!=`; in → `=~`; notin → `!~`; exists → `!=""`;
 * !key → `=""`; several values → `=~`/`!~` "a|b"; gt/lt are refused ("operator not supported by
 * prometheus"). External queries have no resource label and an empty GroupBy.
 */
import { type Result, type Selector, err, ok } from '../../algorithms/index.js';
import { goQuote } from '../../algorithms/index.js';
import type { GroupResource } from '../../transport/index.js';
import { GoMap, GoStruct, type GoTemplate } from './go-template.js';
import { NAMESPACES, type ResourceConverter } from './resource-converter.js';

type Op = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

interface QueryPart {
  readonly label: string;
  readonly values: readonly string[];
  readonly op: Op;
}

const eq = (l: string, v: string): string => `${l}=${goQuote(v)}`;
const neq = (l: string, v: string): string => `${l}!=${goQuote(v)}`;
const matches = (l: string, v: string): string => `${l}=~${goQuote(v)}`;
const notMatches = (l: string, v: string): string => `${l}!~${goQuote(v)}`;

function partsFromSelector(selector: Selector): QueryPart[] {
  // labels.Requirement.Values().List() is a sorted set
  return selector.requirements.map((r) => ({
    label: r.key,
    values: [...new Set(r.values)].sort(),
    op: r.operator as Op,
  }));
}

function matcherFor(p: QueryPart): Result<(l: string, v: string) => string, string> {
  const n = p.values.length;
  if (p.op === 'gt' || p.op === 'lt') return err('operator not supported by prometheus');
  if (n === 0) {
    if (p.op === 'exists') return ok(neq);
    if (p.op === '!') return ok(eq);
    return err('operator requires values');
  }
  if (n === 1) {
    if (p.op === '=' || p.op === '==') return ok(eq);
    if (p.op === '!=') return ok(neq);
    if (p.op === 'in' || p.op === 'exists') return ok(matches);
    return ok(notMatches);
  }
  if (p.op === '=' || p.op === '==' || p.op === 'in' || p.op === 'exists') return ok(matches);
  return ok(notMatches);
}

function targetFor(p: QueryPart): Result<string, string> {
  if (p.values.length === 0) return p.op === 'exists' || p.op === '!' ? ok('') : err('operator requires values');
  if (p.op === 'exists' || p.op === '!') return err('operator does not support values');
  return ok(p.values.join('|'));
}

function processParts(parts: readonly QueryPart[]): Result<{ exprs: string[]; byName: Map<string, string> }, string> {
  const exprs: string[] = [];
  const byName = new Map<string, string>();
  for (const p of parts) {
    if (p.label === '') return err('label not specified');
    const m = matcherFor(p);
    if (!m.ok) return m;
    const t = targetFor(p);
    if (!t.ok) return t;
    exprs.push(m.value(p.label, t.value));
    byName.set(p.label, p.values.join('|'));
  }
  return ok({ exprs, byName });
}

function render(
  template: GoTemplate,
  series: string,
  exprs: readonly string[],
  byName: Map<string, string>,
  groupBy: string,
  groupBySlice: readonly string[],
): Result<string, string> {
  const args = new GoStruct('naming.queryTemplateArgs', {
    Series: series,
    LabelMatchers: exprs.join(','),
    LabelValuesByName: new GoMap(byName),
    GroupBy: groupBy,
    GroupBySlice: groupBySlice,
  });
  const out = template.execute(args);
  if (!out.ok) return out;
  if (out.value === '') return err('empty query produced by metrics query template');
  return out;
}

/** metricsQuery.Build: the query for named objects of one resource (pods, a deployment, nodes). */
export async function buildQuery(
  template: GoTemplate,
  converter: ResourceConverter,
  series: string,
  resource: GroupResource,
  namespace: string,
  extraGroupBy: readonly string[],
  metricSelector: Selector,
  names: readonly string[] | 'every',
): Promise<Result<string, string>> {
  const parts = partsFromSelector(metricSelector);
  if (namespace !== '') {
    const nsLabel = await converter.labelForResource(NAMESPACES);
    if (!nsLabel.ok) return nsLabel;
    parts.push({ label: nsLabel.value, values: [namespace], op: '=' });
  }
  const processed = processParts(parts);
  if (!processed.ok) return processed;
  const resLabel = await converter.labelForResource(resource);
  if (!resLabel.ok) return resLabel;
  const { exprs, byName } = processed.value;
  if (names === 'every') {
    // every object of the resource (hpa-ts replay finds the pods of the past this way): the label set
    exprs.push(neq(resLabel.value, ''));
    byName.set(resLabel.value, '');
  } else {
    const target = names.join('|');
    exprs.push(names.length > 1 ? matches(resLabel.value, target) : eq(resLabel.value, target));
    byName.set(resLabel.value, target);
  }
  const groupBy = [resLabel.value, ...extraGroupBy];
  return render(template, series, exprs, byName, groupBy.join(','), groupBy);
}

/** metricsQuery.BuildExternal: selector requirements, then the namespace unless the rule says namespaced: false. */
export async function buildExternalQuery(
  template: GoTemplate,
  converter: ResourceConverter,
  namespaced: boolean,
  series: string,
  namespace: string,
  metricSelector: Selector,
): Promise<Result<string, string>> {
  const parts = partsFromSelector(metricSelector);
  if (namespaced && namespace !== '') {
    const nsLabel = await converter.labelForResource(NAMESPACES);
    if (!nsLabel.ok) return nsLabel;
    parts.push({ label: nsLabel.value, values: [namespace], op: '=' });
  }
  const processed = processParts(parts);
  if (!processed.ok) return processed;
  return render(template, series, processed.value.exprs, processed.value.byName, '', []);
}
