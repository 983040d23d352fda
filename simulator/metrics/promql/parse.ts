/**
 * A PromQL subset, enough for the queries prometheus-adapter generates from the seed rules and
 * for hand-written checks: vector selectors with =, !=, =~, !~ matchers; range selectors; rate,
 * irate, increase, delta and the *_over_time functions; sum/avg/min/max/count with by/without
 * written before or after the argument; + - * / between numbers and vectors; parentheses.
 */
import { type Result, err, ok } from '../../../algorithms/index.js';
import { parsePromDurationMs } from '../../../metrics-clients/index.js';

export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface Matcher {
  readonly name: string;
  readonly op: MatchOp;
  readonly value: string;
}

export type Expr =
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'selector'; readonly matchers: readonly Matcher[]; readonly rangeMs?: number }
  | { readonly kind: 'call'; readonly fn: string; readonly args: readonly Expr[] }
  | {
      readonly kind: 'aggregate';
      readonly op: string;
      readonly expr: Expr;
      readonly grouping: readonly string[];
      readonly without: boolean;
    }
  | { readonly kind: 'binary'; readonly op: '+' | '-' | '*' | '/'; readonly left: Expr; readonly right: Expr };

export const AGGREGATIONS = new Set(['sum', 'avg', 'min', 'max', 'count']);

type Tok =
  | { t: 'id'; v: string }
  | { t: 'str'; v: string }
  | { t: 'num'; v: number }
  | { t: 'dur'; v: number }
  | { t: 'op'; v: string }
  | { t: 'eof' };

function unquote(body: string, quote: string): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = body[++i];
    out += n === 'n' ? '\n' : n === 't' ? '\t' : n === quote || n === '\\' ? n : `\\${n}`;
  }
  return out;
}

function lex(src: string): Result<Tok[], string> {
  const toks: Tok[] = [];
  let i = 0;
  let inBrackets = false;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < src.length && src[j] !== c) j += src[j] === '\\' && c !== '`' ? 2 : 1;
      if (j >= src.length) return err(`unterminated quoted string at position ${i}`);
      toks.push({ t: 'str', v: c === '`' ? src.slice(i + 1, j) : unquote(src.slice(i + 1, j), c) });
      i = j + 1;
      continue;
    }
    if (inBrackets && /[0-9]/.test(c)) {
      const m = /^[0-9a-z]+/.exec(src.slice(i)) as RegExpExecArray;
      // a range needs a unit: "0" alone is a number, not a duration
      const d = m[0] === '0' ? undefined : parsePromDurationMs(m[0]);
      if (d === undefined || !d.ok) return err(`bad duration ${JSON.stringify(m[0])}`);
      toks.push({ t: 'dur', v: d.value });
      i += m[0].length;
      continue;
    }
    const num = /^(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?/.exec(src.slice(i));
    if (num !== null) {
      toks.push({ t: 'num', v: Number(num[0]) });
      i += num[0].length;
      continue;
    }
    const id = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(src.slice(i));
    if (id !== null) {
      toks.push({ t: 'id', v: id[0] });
      i += id[0].length;
      continue;
    }
    const op = /^(=~|!~|!=|==|[{}()[\],=+\-*/])/.exec(src.slice(i));
    if (op === null) return err(`unexpected character ${JSON.stringify(c)} at position ${i}`);
    if (op[0] === '[') inBrackets = true;
    if (op[0] === ']') inBrackets = false;
    toks.push({ t: 'op', v: op[0] });
    i += op[0].length;
  }
  toks.push({ t: 'eof' });
  return ok(toks);
}

class Parser {
  private i = 0;
  constructor(private readonly toks: Tok[]) {}

  private peek(): Tok {
    return this.toks[this.i];
  }
  private next(): Tok {
    return this.toks[this.i++];
  }
  private isOp(v: string): boolean {
    const t = this.peek();
    return t.t === 'op' && t.v === v;
  }
  private expect(v: string): void {
    const t = this.next();
    if (t.t !== 'op' || t.v !== v) throw new Error(`expected "${v}", got ${describe(t)}`);
  }

  parseExpr(): Expr {
    let left = this.parseTerm();
    while (this.isOp('+') || this.isOp('-')) {
      const op = (this.next() as { v: '+' | '-' }).v;
      left = { kind: 'binary', op, left, right: this.parseTerm() };
    }
    return left;
  }

  private parseTerm(): Expr {
    let left = this.parseUnary();
    while (this.isOp('*') || this.isOp('/')) {
      const op = (this.next() as { v: '*' | '/' }).v;
      left = { kind: 'binary', op, left, right: this.parseUnary() };
    }
    return left;
  }

  private parseUnary(): Expr {
    if (this.isOp('-')) {
      this.next();
      return { kind: 'binary', op: '*', left: { kind: 'number', value: -1 }, right: this.parseUnary() };
    }
    return this.parsePrimary();
  }

  private parseGrouping(): string[] {
    this.expect('(');
    const labels: string[] = [];
    while (!this.isOp(')')) {
      const t = this.next();
      if (t.t !== 'id') throw new Error(`expected a label name in grouping, got ${describe(t)}`);
      labels.push(t.v);
      if (!this.isOp(')')) this.expect(',');
    }
    this.expect(')');
    return labels;
  }

  private parsePrimary(): Expr {
    const t = this.peek();
    if (t.t === 'num') {
      this.next();
      return { kind: 'number', value: t.v };
    }
    if (t.t === 'op' && t.v === '(') {
      this.next();
      const e = this.parseExpr();
      this.expect(')');
      return e;
    }
    if (t.t === 'op' && t.v === '{') return this.parseSelector(undefined);
    if (t.t !== 'id') throw new Error(`unexpected ${describe(t)}`);
    this.next();
    if (AGGREGATIONS.has(t.v) && (this.isOp('(') || this.peekId('by') || this.peekId('without'))) {
      let grouping: string[] = [];
      let without = false;
      const readGrouping = (): void => {
        if (this.peekId('by') || this.peekId('without')) {
          without = (this.next() as { v: string }).v === 'without';
          grouping = this.parseGrouping();
        }
      };
      readGrouping();
      this.expect('(');
      const expr = this.parseExpr();
      this.expect(')');
      readGrouping();
      return { kind: 'aggregate', op: t.v, expr, grouping, without };
    }
    if (this.isOp('(')) {
      this.next();
      const args: Expr[] = [];
      while (!this.isOp(')')) {
        args.push(this.parseExpr());
        if (!this.isOp(')')) this.expect(',');
      }
      this.expect(')');
      return { kind: 'call', fn: t.v, args };
    }
    return this.parseSelector(t.v);
  }

  private peekId(v: string): boolean {
    const t = this.peek();
    return t.t === 'id' && t.v === v;
  }

  private parseSelector(name: string | undefined): Expr {
    const matchers: Matcher[] = name === undefined ? [] : [{ name: '__name__', op: '=', value: name }];
    if (this.isOp('{')) {
      this.next();
      while (!this.isOp('}')) {
        const l = this.next();
        if (l.t !== 'id') throw new Error(`expected a label name, got ${describe(l)}`);
        const op = this.next();
        if (op.t !== 'op' || !['=', '!=', '=~', '!~'].includes(op.v))
          throw new Error(`expected a match operator, got ${describe(op)}`);
        const v = this.next();
        if (v.t !== 'str') throw new Error(`expected a quoted label value, got ${describe(v)}`);
        matchers.push({ name: l.v, op: op.v as MatchOp, value: v.v });
        if (!this.isOp('}')) this.expect(',');
      }
      this.expect('}');
    }
    if (matchers.every(matchesEmpty)) throw new Error('vector selector must contain at least one non-empty matcher');
    if (this.isOp('[')) {
      this.next();
      const d = this.next();
      if (d.t !== 'dur') throw new Error(`expected a duration in [], got ${describe(d)}`);
      this.expect(']');
      return { kind: 'selector', matchers, rangeMs: d.v };
    }
    return { kind: 'selector', matchers };
  }

  done(): void {
    if (this.peek().t !== 'eof') throw new Error(`unexpected ${describe(this.peek())} after the expression`);
  }
}

/** Whether the matcher accepts a missing label (Prometheus rejects selectors made only of such). */
function matchesEmpty(m: Matcher): boolean {
  switch (m.op) {
    case '=':
      return m.value === '';
    case '!=':
      return m.value !== '';
    case '=~':
      return compileMatcherRegex(m.value).test('');
    case '!~':
      return !compileMatcherRegex(m.value).test('');
  }
}

const regexCache = new Map<string, RegExp>();

/** Label regexes are fully anchored RE2; JavaScript's syntax agrees for what rules use. */
export function compileMatcherRegex(re: string): RegExp {
  let r = regexCache.get(re);
  if (r === undefined) {
    r = new RegExp(`^(?:${re})$`, 's');
    if (regexCache.size > 10_000) regexCache.clear();
    regexCache.set(re, r);
  }
  return r;
}

function describe(t: Tok): string {
  switch (t.t) {
    case 'eof':
      return 'end of input';
    case 'str':
      return `string ${JSON.stringify(t.v)}`;
    case 'num':
    case 'dur':
      return `number ${t.v}`;
    default:
      return `"${t.v}"`;
  }
}

/** Parses a PromQL expression; errors read like Prometheus' bad_data messages. */
export function parsePromQL(src: string): Result<Expr, string> {
  const toks = lex(src);
  if (!toks.ok) return err(`1:1: parse error: ${toks.error}`);
  try {
    const p = new Parser(toks.value);
    const e = p.parseExpr();
    p.done();
    return ok(e);
  } catch (e) {
    return err(`parse error: ${(e as Error).message}`);
  }
}

/** A bare vector selector (the `match[]` of /api/v1/series). */
export function parseSelector(src: string): Result<readonly Matcher[], string> {
  const e = parsePromQL(src);
  if (!e.ok) return e;
  if (e.value.kind !== 'selector' || e.value.rangeMs !== undefined)
    return err('parse error: expected a vector selector');
  return ok(e.value.matchers);
}
