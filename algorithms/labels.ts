/**
 * Label selectors (spec §6 intro, R3.3.2, R1.13.3): apimachinery `labels.Selector` — parsed from
 * the string grammar (`labels.Parse`) or built from a `metav1.LabelSelector`
 * (`LabelSelectorAsSelector`) — its canonical `String()`, its matching, and Go's `%+v` of a
 * `*LabelSelector` used in metric descriptions.
 */
import { cannotUnmarshal } from './go-json.js';
import type { LabelSelector } from './api-types.js';
import { parseRequirements } from './labels-parse.js';
import { goQuote } from './go-quote.js';
import { type Operator, compareGoStrings, parseGoInt64, requirementError } from './labels-syntax.js';
import { type Result, err, ok } from './result.js';

export type { Operator } from './labels-syntax.js';

export interface Requirement {
  readonly key: string;
  readonly operator: Operator;
  readonly values: readonly string[];
}

export interface SelectorError {
  /** The selector text (or the LabelSelector as JSON) that was rejected. */
  readonly text: string;
  /** Upstream's error text, e.g. `unable to parse requirement: found 'cheese', expected: in, notin, =, ==, !=, gt, lt`. */
  readonly message: string;
}

const OP_EQUALS = 0; // =, ==, in
const OP_NOT_EQUALS = 1; // !=, notin
const OP_EXISTS = 2;
const OP_NOT_EXISTS = 3;
const OP_GT = 4;
const OP_LT = 5;

/** A requirement prepared for matching: an op code, the key and a fast membership test. */
interface Compiled {
  readonly op: number;
  readonly key: string;
  readonly single: string | undefined;
  readonly set: ReadonlySet<string> | undefined;
  readonly bound: bigint | undefined;
}

function compile(r: Requirement): Compiled {
  const op =
    r.operator === '=' || r.operator === '==' || r.operator === 'in'
      ? OP_EQUALS
      : r.operator === '!=' || r.operator === 'notin'
        ? OP_NOT_EQUALS
        : r.operator === 'exists'
          ? OP_EXISTS
          : r.operator === '!'
            ? OP_NOT_EXISTS
            : r.operator === 'gt'
              ? OP_GT
              : OP_LT;
  const single = r.values.length === 1 ? r.values[0] : undefined;
  const set = r.values.length > 1 ? new Set(r.values) : undefined;
  const bound = (op === OP_GT || op === OP_LT) && r.values.length === 1 ? parseGoInt64(r.values[0]) : undefined;
  return { op, key: r.key, single, set, bound };
}

function requirementString(r: Requirement): string {
  const prefix = r.operator === '!' ? `!${r.key}` : r.key;
  let values: string;
  if (r.values.length === 1) values = r.values[0];
  else values = [...r.values].sort(compareGoStrings).join(',');
  switch (r.operator) {
    case 'exists':
    case '!':
      return prefix;
    case 'in':
      return `${prefix} in (${values})`;
    case 'notin':
      return `${prefix} notin (${values})`;
    case 'gt':
      return `${prefix}>${values}`;
    case 'lt':
      return `${prefix}<${values}`;
    default:
      return `${prefix}${r.operator}${values}`;
  }
}

/** An immutable label selector: the AND of its requirements, sorted by key. */
export class Selector {
  private static readonly EVERYTHING = new Selector([], false);
  private static readonly NOTHING = new Selector([], true);

  readonly requirements: readonly Requirement[];
  private readonly matchesNone: boolean;
  private readonly compiled: readonly Compiled[];
  private text: string | undefined;

  private constructor(requirements: readonly Requirement[], matchesNone: boolean) {
    this.requirements = requirements;
    this.matchesNone = matchesNone;
    this.compiled = requirements.map(compile);
    this.text = undefined;
  }

  /** Matches every label set; prints as "" (labels.Everything()). */
  static everything(): Selector {
    return Selector.EVERYTHING;
  }

  /** Matches no label set; also prints as "" (labels.Nothing()). */
  static nothing(): Selector {
    return Selector.NOTHING;
  }

  /** A selector of these requirements, sorted by key (stable); not validated. */
  static fromRequirements(requirements: readonly Requirement[]): Selector {
    if (requirements.length === 0) return Selector.EVERYTHING;
    return new Selector(
      [...requirements].sort((a, b) => compareGoStrings(a.key, b.key)),
      false,
    );
  }

  /**
   * Whether every requirement holds for `labels` (labels.Selector.Matches). A missing key
   * satisfies `!=`, `notin` and `!`; `>`/`<` need a key whose value is a base-10 int64.
   */
  matches(labels: Readonly<Record<string, string>> | undefined): boolean {
    if (this.matchesNone) return false;
    const reqs = this.compiled;
    for (let i = 0; i < reqs.length; i++) {
      const r = reqs[i];
      const raw: unknown = labels === undefined ? undefined : labels[r.key];
      // Only own string values count: inherited properties such as "constructor" are functions.
      const value = typeof raw === 'string' ? raw : undefined;
      switch (r.op) {
        case OP_EQUALS:
          if (value === undefined || !(value === r.single || (r.set !== undefined && r.set.has(value)))) return false;
          break;
        case OP_NOT_EQUALS:
          if (value !== undefined && (value === r.single || (r.set !== undefined && r.set.has(value)))) return false;
          break;
        case OP_EXISTS:
          if (value === undefined) return false;
          break;
        case OP_NOT_EXISTS:
          if (value !== undefined) return false;
          break;
        default: {
          if (value === undefined || r.bound === undefined) return false;
          const v = parseGoInt64(value);
          if (v === undefined || (r.op === OP_GT ? !(v > r.bound) : !(v < r.bound))) return false;
        }
      }
    }
    return true;
  }

  /** No requirements (the everything selector). The nothing selector is not empty. */
  isEmpty(): boolean {
    return !this.matchesNone && this.requirements.length === 0;
  }

  /**
   * Canonical labels.Selector.String(): requirements in key order, `k=v`, `k==v`, `k!=v`,
   * `k in (a,b)` / `k notin (a,b)` with sorted values, `k`, `!k`, `k>n`, `k<n`, joined by ",".
   */
  toString(): string {
    if (this.text === undefined) this.text = this.requirements.map(requirementString).join(',');
    return this.text;
  }
}

/** labels.Parse: the string grammar with its key/value validation; "" selects everything. */
/** Parsed selectors by text: every reconcile parses its scale's selector; bounded so it cannot grow without limit. */
const parseCache = new Map<string, Result<Selector, SelectorError>>();
const PARSE_CACHE_LIMIT = 4096;

export function parseSelector(text: string): Result<Selector, SelectorError> {
  const cached = parseCache.get(text);
  if (cached !== undefined) return cached;
  const parsed = parseRequirements(text);
  const result: Result<Selector, SelectorError> = parsed.ok
    ? ok(Selector.fromRequirements(parsed.requirements))
    : err({ text, message: parsed.message });
  if (parseCache.size >= PARSE_CACHE_LIMIT) parseCache.delete(parseCache.keys().next().value as string);
  parseCache.set(text, result);
  return result;
}

const EXPRESSION_OPERATORS: Readonly<Record<string, Operator>> = {
  In: 'in',
  NotIn: 'notin',
  Exists: 'exists',
  DoesNotExist: '!',
};

/**
 * metav1.LabelSelectorAsSelector: null/undefined selects nothing, `{}` everything; matchLabels
 * become `k=v`, matchExpressions `in`/`notin`/`exists`/`!`. Errors carry upstream's text (an
 * unknown operator gives `"Foo" is not a valid pod selector operator`). matchLabels are checked
 * in key order (upstream iterates a Go map, so which of several bad labels it reports varies).
 */
export function selectorFromLabelSelector(ls: LabelSelector | null | undefined): Result<Selector, SelectorError> {
  if (ls === null || ls === undefined) return ok(Selector.nothing());
  const shape = labelSelectorShapeError(ls);
  if (shape !== undefined) return err({ text: JSON.stringify(ls) ?? '', message: shape });
  const matchLabels = ls.matchLabels ?? {};
  const expressions = ls.matchExpressions ?? [];
  const keys = Object.keys(matchLabels).sort(compareGoStrings);
  if (keys.length + expressions.length === 0) return ok(Selector.everything());
  const fail = (message: string): Result<Selector, SelectorError> => err({ text: JSON.stringify(ls), message });
  const requirements: Requirement[] = [];
  for (const key of keys) {
    const values = [matchLabels[key]];
    const message = requirementError(key, '=', values);
    if (message !== undefined) return fail(message);
    requirements.push({ key, operator: '=', values });
  }
  for (const expr of expressions) {
    const operator = Object.hasOwn(EXPRESSION_OPERATORS, expr.operator)
      ? EXPRESSION_OPERATORS[expr.operator]
      : undefined;
    if (operator === undefined) return fail(`${goQuote(String(expr.operator))} is not a valid pod selector operator`);
    const values = [...(expr.values ?? [])];
    const message = requirementError(expr.key, operator, values);
    if (message !== undefined) return fail(message);
    requirements.push({ key: expr.key, operator, values });
  }
  return ok(Selector.fromRequirements(requirements));
}

/**
 * Go's `%+v` of a `*LabelSelector` (its generated String()), as in metric descriptions (R1.13.3):
 * "nil" for null; otherwise e.g.
 * `&LabelSelector{MatchLabels:map[string]string{k1: v1,},MatchExpressions:[]LabelSelectorRequirement{LabelSelectorRequirement{Key:k,Operator:In,Values:[a b],},},}`.
 */
export function formatLabelSelectorGo(ls: LabelSelector | null | undefined): string {
  if (ls === null || ls === undefined) return 'nil';
  const matchLabels = ls.matchLabels ?? {};
  let labels = 'map[string]string{';
  for (const key of Object.keys(matchLabels).sort(compareGoStrings)) labels += `${key}: ${matchLabels[key]},`;
  labels += '}';
  let expressions = '[]LabelSelectorRequirement{';
  for (const e of ls.matchExpressions ?? []) {
    expressions += `LabelSelectorRequirement{Key:${e.key},Operator:${e.operator},Values:[${(e.values ?? []).join(' ')}],},`;
  }
  expressions += '}';
  return `&LabelSelector{MatchLabels:${labels},MatchExpressions:${expressions},}`;
}

/**
 * The selector string sent as a metricLabelSelector / labelSelector query parameter: the
 * canonical String() of LabelSelectorAsSelector, "" for null, `{}` or an invalid selector.
 */
export function labelSelectorToString(ls: LabelSelector | null | undefined): string {
  const selector = selectorFromLabelSelector(ls);
  return selector.ok ? selector.value.toString() : '';
}

/**
 * What a typed decoder would refuse in a LabelSelector read as plain JSON (a server without a
 * schema may store anything): the message of Go's encoding/json, naming the field.
 */
function labelSelectorShapeError(ls: unknown): string | undefined {
  const isObject = (v: unknown): v is Readonly<Record<string, unknown>> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  const cannot = (v: unknown, field: string, type: string): string => cannotUnmarshal(v, field, type);
  if (!isObject(ls)) return cannot(ls, 'LabelSelector', 'v1.LabelSelector');
  const { matchLabels, matchExpressions } = ls;
  if (matchLabels !== undefined && matchLabels !== null) {
    if (!isObject(matchLabels)) return cannot(matchLabels, 'LabelSelector.matchLabels', 'map[string]string');
    for (const v of Object.values(matchLabels))
      if (typeof v !== 'string') return cannot(v, 'LabelSelector.matchLabels', 'string');
  }
  if (matchExpressions === undefined || matchExpressions === null) return undefined;
  if (!Array.isArray(matchExpressions))
    return cannot(matchExpressions, 'LabelSelector.matchExpressions', '[]v1.LabelSelectorRequirement');
  for (const e of matchExpressions as readonly unknown[]) {
    if (!isObject(e)) return cannot(e, 'LabelSelector.matchExpressions', 'v1.LabelSelectorRequirement');
    for (const f of ['key', 'operator'] as const)
      if (typeof e[f] !== 'string') return cannot(e[f], `LabelSelector.matchExpressions.${f}`, 'string');
    const values = e.values;
    if (values === undefined || values === null) continue;
    if (!Array.isArray(values)) return cannot(values, 'LabelSelector.matchExpressions.values', '[]string');
    for (const v of values as readonly unknown[])
      if (typeof v !== 'string') return cannot(v, 'LabelSelector.matchExpressions.values', 'string');
  }
  return undefined;
}
