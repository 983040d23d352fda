/**
 * Go (RE2) regular expressions as prometheus-adapter uses them: `name.matches`, `seriesFilters`
 * and the label pattern derived from `resources.template`, searched unanchored
 * (`FindStringSubmatchIndex`, `MatchString`), and `name.as` expanded with `Regexp.ExpandString`
 * (`$1`, `${1}`, `$name`; a `$name` takes every following letter, digit and underscore, so `$1_qps`
 * is the empty group `1_qps`). RE2 syntax is translated to the JS flavour it shares semantics with
 * (leftmost-first, no backreferences); constructs JS lacks are rejected with a clear message.
 */
import { type Result, err, ok } from '../../algorithms/index.js';
import { describeThrown } from '../shared/errors.js';

const POSIX_CLASSES: Readonly<Record<string, string>> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-/:-@[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

export interface GoRegexp {
  readonly source: string;
  readonly re: RegExp;
  /** number of capture groups (len(SubexpNames()) − 1) */
  readonly groups: number;
}

function escapeLiteral(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

/** regexp.Compile → a JS RegExp with the same matches, or the reason it cannot be expressed. */
export function compileGoRegexp(source: string): Result<GoRegexp, string> {
  let src = source;
  let flags = '';
  const lead = /^\(\?([imsU]+)\)/.exec(src);
  if (lead !== null) {
    if (lead[1].includes('U')) return err(`unsupported Go regexp flag U (ungreedy) in ${JSON.stringify(source)}`);
    flags = [...new Set(lead[1])].join('');
    src = src.slice(lead[0].length);
  }
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') {
      const next = src[i + 1];
      if (next === undefined)
        return err(`error parsing regexp: trailing backslash at end of expression: ${JSON.stringify(source)}`);
      if (next === 'Q') {
        const end = src.indexOf('\\E', i + 2);
        const literal = end < 0 ? src.slice(i + 2) : src.slice(i + 2, end);
        out += escapeLiteral(literal);
        i = end < 0 ? src.length : end + 1;
        continue;
      }
      if (!inClass && next === 'A') out += '(?<![\\s\\S])';
      else if (!inClass && next === 'z') out += '(?![\\s\\S])';
      else if (next === 'p' || next === 'P' || next === 'C')
        return err(`unsupported Go regexp escape \\${next} in ${JSON.stringify(source)}`);
      else out += `\\${next}`;
      i++;
      continue;
    }
    if (inClass) {
      if (c === '[' && src[i + 1] === ':') {
        const m = /^\[:(\^?)([a-z]+):\]/.exec(src.slice(i));
        const cls = m === null ? undefined : POSIX_CLASSES[m[2]];
        if (m !== null && cls !== undefined) {
          if (m[1] === '^') return err(`unsupported negated POSIX class in ${JSON.stringify(source)}`);
          out += cls;
          i += m[0].length - 1;
          continue;
        }
      }
      if (c === ']') inClass = false;
      out += c === '[' ? '\\[' : c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      if (src[i + 1] === '^') {
        out += '^';
        i++;
      }
      if (src[i + 1] === ']') {
        out += '\\]';
        i++;
      }
      continue;
    }
    if (c === '(' && src.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
      continue;
    }
    if (c === '(' && /^\(\?[imsU-]+[:)]/.test(src.slice(i)))
      return err(`unsupported inline Go regexp flags in ${JSON.stringify(source)}`);
    out += c;
  }
  try {
    const re = new RegExp(out, flags);
    const groups = (new RegExp(`${out}|`, flags).exec('') ?? ['']).length - 1;
    return ok({ source, re, groups });
  } catch (e) {
    return err(`error parsing regexp: ${describeThrown(e)}: ${JSON.stringify(source)}`);
  }
}

/** Regexp.FindStringSubmatch: the leftmost match and its groups (undefined for unmatched groups). */
export function findSubmatch(r: GoRegexp, s: string): RegExpExecArray | null {
  r.re.lastIndex = 0;
  return r.re.exec(s);
}

export function matchString(r: GoRegexp, s: string): boolean {
  r.re.lastIndex = 0;
  return r.re.test(s);
}

/**
 * Regexp.ExpandString(nil, template, src, match): `$$` is a dollar, `${name}` and `$name` refer to
 * a group by number or name; unknown or unmatched groups expand to nothing.
 */
export function expandGo(template: string, match: RegExpExecArray): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const dollar = template.indexOf('$', i);
    if (dollar < 0) {
      out += template.slice(i);
      break;
    }
    out += template.slice(i, dollar);
    i = dollar + 1;
    if (template[i] === '$') {
      out += '$';
      i++;
      continue;
    }
    let name: string | undefined;
    if (template[i] === '{') {
      const close = template.indexOf('}', i);
      const inner = close < 0 ? '' : template.slice(i + 1, close);
      if (close >= 0 && /^[A-Za-z0-9_]+$/.test(inner)) {
        name = inner;
        i = close + 1;
      }
    } else {
      const m = /^[A-Za-z0-9_]+/.exec(template.slice(i));
      if (m !== null) {
        name = m[0];
        i += m[0].length;
      }
    }
    if (name === undefined) {
      // a malformed reference is copied through, as Go does
      out += '$';
      continue;
    }
    out += groupValue(match, name);
  }
  return out;
}

function groupValue(match: RegExpExecArray, name: string): string {
  if (/^[0-9]+$/.test(name)) {
    const n = Number(name);
    return n < match.length ? (match[n] ?? '') : '';
  }
  return match.groups?.[name] ?? '';
}
