/**
 * Label and field selectors as the API server evaluates them. Label selectors are the shared
 * algorithms/labels.ts implementation (k8s.io/apimachinery/pkg/labels); field selectors
 * (pkg/fields) are parsed here. Parse errors become 400 BadRequest Status bodies.
 */
import { err, ok, type Result } from '../../algorithms/result.js';
import type { LabelSelector } from '../../algorithms/api-types.js';
import { parseSelector, selectorFromLabelSelector, Selector } from '../../algorithms/labels.js';
import { isObject } from './json.js';

/** A parsed label selector (algorithms/labels.ts: labels.Selector semantics and canonical text). */
export type LabelMatcher = Selector;

export const everything: LabelMatcher = Selector.everything();

/** Parses the text form (`app=web,tier in (fe,be),!canary`); errors carry upstream's wording. */
export function parseLabelSelector(text: string): Result<LabelMatcher, string> {
  const r = parseSelector(text);
  return r.ok ? r : err(r.error.message);
}

/**
 * metav1.LabelSelectorAsSelector over untyped JSON. An absent selector selects nothing (callers
 * that treat "absent" differently check before calling).
 */
export function labelSelectorFromObject(sel: unknown): Result<LabelMatcher, string> {
  if (sel !== null && sel !== undefined && !isObject(sel)) return err('a label selector must be an object');
  const r = selectorFromLabelSelector(sel as LabelSelector | null | undefined);
  return r.ok ? r : err(r.error.message);
}

/** The canonical selector string a Scale's status.selector carries (LabelSelectorAsSelector(..).String()). */
export function canonicalSelectorString(sel: unknown): string {
  const m = labelSelectorFromObject(sel);
  return m.ok ? m.value.toString() : '';
}

// ---------------------------------------------------------------------------------------------
// Field selectors

export interface FieldTerm {
  readonly field: string;
  readonly op: '=' | '!=';
  readonly value: string;
}

export interface FieldMatcher {
  readonly terms: readonly FieldTerm[];
}

export const allFields: FieldMatcher = { terms: [] };

/** fields.ParseSelector: `a=b,c!=d`, with `\` escaping `,`, `=`, `!` and `\`. */
export function parseFieldSelector(text: string): Result<FieldMatcher, string> {
  const terms: FieldTerm[] = [];
  if (text.trim() === '') return ok(allFields);
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length) {
      cur += c + text[i + 1];
      i++;
    } else if (c === ',') {
      parts.push(cur);
      cur = '';
    } else {
      cur += c;
    }
  }
  parts.push(cur);
  for (const part of parts) {
    const m = /^((?:[^=!\\]|\\.)*)(!=|==|=)(.*)$/.exec(part);
    if (m === null) return err(`invalid selector: '${text}'; can't understand '${part}'`);
    const unescape = (s: string): string => s.replace(/\\(.)/g, '$1');
    terms.push({ field: unescape(m[1].trim()), op: m[2] === '!=' ? '!=' : '=', value: unescape(m[3]) });
  }
  return ok({ terms });
}

/** Evaluates the terms with a kind-specific field getter (undefined = unsupported label, checked earlier). */
export function fieldsMatch(m: FieldMatcher, get: (field: string) => string | undefined): boolean {
  for (const t of m.terms) {
    const v = get(t.field) ?? '';
    if (t.op === '=' ? v !== t.value : v === t.value) return false;
  }
  return true;
}
