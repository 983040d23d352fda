/**
 * A tiny evaluator for the subset of CEL (https://github.com/google/cel-spec) that the CRD's
 * `x-kubernetes-validations` rules use, so the tests can run those exact rule strings: nothing
 * offline here runs CEL, and kube-apiserver does. Covered: literals (int, double, string, bool,
 * null, lists), `self` and other variables, field selection, indexing, `! - * / % + -`, the
 * relations `== != < <= > >= in`, `&& ||` with CEL's error absorption (`true || error` is
 * true), `?:`, the macros `has`, `all`, `exists`, `exists_one`, `filter`, `map`, and the functions
 * `size`, `string`, `int`, `startsWith`, `endsWith`, `contains`, `matches`. Selecting a field that
 * is absent is an error ("no such key"), as in CEL: rules must guard with `has()`.
 *
 * Not CEL's type checker: a rule that would not compile (say `self.x + 'a'` on an int) is only
 * caught when a test evaluates it. Numbers are JavaScript numbers (ints and doubles alike).
 */

export class CelError extends Error {}

type Value = null | boolean | number | string | readonly Value[] | { readonly [k: string]: Value } | undefined;

type Node =
  | { readonly k: 'lit'; readonly v: Value }
  | { readonly k: 'id'; readonly name: string }
  | { readonly k: 'sel'; readonly target: Node; readonly field: string }
  | { readonly k: 'idx'; readonly target: Node; readonly index: Node }
  | { readonly k: 'call'; readonly fn: string; readonly target?: Node; readonly args: readonly Node[] }
  | { readonly k: 'list'; readonly items: readonly Node[] }
  | { readonly k: 'un'; readonly op: '!' | '-'; readonly arg: Node }
  | { readonly k: 'bin'; readonly op: string; readonly l: Node; readonly r: Node }
  | { readonly k: 'cond'; readonly c: Node; readonly t: Node; readonly f: Node };

interface Token {
  readonly t: 'num' | 'str' | 'id' | 'op' | 'eof';
  readonly v: string;
  readonly pos: number;
}

const OPS = [
  '&&',
  '||',
  '==',
  '!=',
  '<=',
  '>=',
  '<',
  '>',
  '!',
  '+',
  '-',
  '*',
  '/',
  '%',
  '?',
  ':',
  '.',
  ',',
  '(',
  ')',
  '[',
  ']',
];

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const num = /^(\d+\.\d+([eE][+-]?\d+)?|\d+[eE][+-]?\d+|\d+)u?/.exec(src.slice(i));
    if (num !== null) {
      out.push({ t: 'num', v: num[0].replace(/u$/, ''), pos: i });
      i += num[0].length;
      continue;
    }
    if (c === "'" || c === '"') {
      let j = i + 1;
      let s = '';
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\\') {
          const e = src[j + 1];
          s += e === 'n' ? '\n' : e === 't' ? '\t' : e;
          j += 2;
        } else s += src[j++];
      }
      if (j >= src.length) throw new CelError(`unterminated string at ${i}`);
      out.push({ t: 'str', v: s, pos: i });
      i = j + 1;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (id !== null) {
      out.push({ t: 'id', v: id[0], pos: i });
      i += id[0].length;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (op === undefined) throw new CelError(`unexpected character ${JSON.stringify(c)} at ${i}`);
    out.push({ t: 'op', v: op, pos: i });
    i += op.length;
  }
  out.push({ t: 'eof', v: '', pos: src.length });
  return out;
}

const MACROS = new Set(['all', 'exists', 'exists_one', 'filter', 'map']);
const RELATIONS = new Set(['==', '!=', '<', '<=', '>', '>=', 'in']);

class Parser {
  private i = 0;
  constructor(private readonly toks: readonly Token[]) {}

  private peek(): Token {
    return this.toks[this.i];
  }
  private next(): Token {
    return this.toks[this.i++];
  }
  private is(v: string): boolean {
    const t = this.peek();
    return (t.t === 'op' || t.t === 'id') && t.v === v;
  }
  private expect(v: string): void {
    const t = this.next();
    if (t.v !== v) throw new CelError(`expected ${JSON.stringify(v)} at ${t.pos}, found ${JSON.stringify(t.v)}`);
  }

  parseAll(): Node {
    const n = this.expr();
    if (this.peek().t !== 'eof')
      throw new CelError(`unexpected ${JSON.stringify(this.peek().v)} at ${this.peek().pos}`);
    return n;
  }

  private expr(): Node {
    const c = this.or();
    if (!this.is('?')) return c;
    this.next();
    const t = this.or();
    this.expect(':');
    return { k: 'cond', c, t, f: this.expr() };
  }
  private or(): Node {
    let l = this.and();
    while (this.is('||')) {
      this.next();
      l = { k: 'bin', op: '||', l, r: this.and() };
    }
    return l;
  }
  private and(): Node {
    let l = this.rel();
    while (this.is('&&')) {
      this.next();
      l = { k: 'bin', op: '&&', l, r: this.rel() };
    }
    return l;
  }
  private rel(): Node {
    let l = this.add();
    while (RELATIONS.has(this.peek().v) && this.peek().t !== 'str') {
      const op = this.next().v;
      l = { k: 'bin', op, l, r: this.add() };
    }
    return l;
  }
  private add(): Node {
    let l = this.mul();
    while (this.is('+') || this.is('-')) {
      const op = this.next().v;
      l = { k: 'bin', op, l, r: this.mul() };
    }
    return l;
  }
  private mul(): Node {
    let l = this.unary();
    while (this.is('*') || this.is('/') || this.is('%')) {
      const op = this.next().v;
      l = { k: 'bin', op, l, r: this.unary() };
    }
    return l;
  }
  private unary(): Node {
    if (this.is('!')) {
      this.next();
      return { k: 'un', op: '!', arg: this.unary() };
    }
    if (this.is('-')) {
      this.next();
      return { k: 'un', op: '-', arg: this.unary() };
    }
    return this.member();
  }
  private member(): Node {
    let n = this.primary();
    for (;;) {
      if (this.is('.')) {
        this.next();
        const id = this.next();
        if (id.t !== 'id') throw new CelError(`expected a field name at ${id.pos}`);
        if (this.is('(')) n = { k: 'call', fn: id.v, target: n, args: this.args() };
        else n = { k: 'sel', target: n, field: id.v };
      } else if (this.is('[')) {
        this.next();
        const index = this.expr();
        this.expect(']');
        n = { k: 'idx', target: n, index };
      } else return n;
    }
  }
  private args(): Node[] {
    this.expect('(');
    const out: Node[] = [];
    if (!this.is(')')) {
      out.push(this.expr());
      while (this.is(',')) {
        this.next();
        out.push(this.expr());
      }
    }
    this.expect(')');
    return out;
  }
  private primary(): Node {
    const t = this.next();
    if (t.t === 'num') return { k: 'lit', v: Number(t.v) };
    if (t.t === 'str') return { k: 'lit', v: t.v };
    if (t.t === 'id') {
      if (t.v === 'true' || t.v === 'false') return { k: 'lit', v: t.v === 'true' };
      if (t.v === 'null') return { k: 'lit', v: null };
      if (this.is('(')) return { k: 'call', fn: t.v, args: this.args() };
      return { k: 'id', name: t.v };
    }
    if (t.v === '(') {
      const e = this.expr();
      this.expect(')');
      return e;
    }
    if (t.v === '[') {
      const items: Node[] = [];
      if (!this.is(']')) {
        items.push(this.expr());
        while (this.is(',')) {
          this.next();
          if (this.is(']')) break;
          items.push(this.expr());
        }
      }
      this.expect(']');
      return { k: 'list', items };
    }
    throw new CelError(`unexpected ${JSON.stringify(t.v)} at ${t.pos}`);
  }
}

export type Program = (vars: Readonly<Record<string, unknown>>) => unknown;

/** Parses a rule once; the program evaluates it for given variables (throws CelError on a runtime error). */
export function compile(source: string): Program {
  const ast = new Parser(tokenize(source)).parseAll();
  return (vars) => evaluate(ast, vars as Record<string, Value>);
}

function isMap(v: Value): v is { readonly [k: string]: Value } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typeName(v: Value): string {
  if (v === null) return 'null_type';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'double';
  if (typeof v === 'object') return 'map';
  return typeof v === 'boolean' ? 'bool' : String(typeof v);
}

function bool(v: Value, what: string): boolean {
  if (typeof v !== 'boolean') throw new CelError(`no such overload: ${what} on ${typeName(v)}`);
  return v;
}

function deepEqual(a: Value, b: Value): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function evaluate(n: Node, vars: Record<string, Value>): Value {
  switch (n.k) {
    case 'lit':
      return n.v;
    case 'id':
      if (!(n.name in vars)) throw new CelError(`undeclared reference to '${n.name}'`);
      return vars[n.name];
    case 'sel': {
      const t = evaluate(n.target, vars);
      if (!isMap(t)) throw new CelError(`no such overload: select .${n.field} on ${typeName(t)}`);
      if (t[n.field] === undefined) throw new CelError(`no such key: ${n.field}`);
      return t[n.field];
    }
    case 'idx': {
      const t = evaluate(n.target, vars);
      const i = evaluate(n.index, vars);
      if (Array.isArray(t) && typeof i === 'number') {
        if (i < 0 || i >= t.length) throw new CelError(`index out of bounds: ${i}`);
        return t[i] as Value;
      }
      if (isMap(t) && typeof i === 'string') {
        if (t[i] === undefined) throw new CelError(`no such key: ${i}`);
        return t[i];
      }
      throw new CelError(`no such overload: index ${typeName(t)}[${typeName(i)}]`);
    }
    case 'list':
      return n.items.map((i) => evaluate(i, vars));
    case 'un': {
      const v = evaluate(n.arg, vars);
      if (n.op === '!') return !bool(v, '!');
      if (typeof v !== 'number') throw new CelError(`no such overload: -${typeName(v)}`);
      return -v;
    }
    case 'cond':
      return bool(evaluate(n.c, vars), '?:') ? evaluate(n.t, vars) : evaluate(n.f, vars);
    case 'bin':
      return binary(n, vars);
    case 'call':
      return call(n, vars);
  }
}

/** CEL's commutative logic: an error on one side is absorbed when the other side decides. */
function logical(n: Extract<Node, { k: 'bin' }>, vars: Record<string, Value>): boolean {
  const decides = n.op === '||';
  const side = (x: Node): boolean | CelError => {
    try {
      return bool(evaluate(x, vars), n.op);
    } catch (e) {
      if (e instanceof CelError) return e;
      throw e;
    }
  };
  const l = side(n.l);
  if (l === decides) return decides;
  const r = side(n.r);
  if (r === decides) return decides;
  if (l instanceof CelError) throw l;
  if (r instanceof CelError) throw r;
  return !decides;
}

function binary(n: Extract<Node, { k: 'bin' }>, vars: Record<string, Value>): Value {
  if (n.op === '&&' || n.op === '||') return logical(n, vars);
  const l = evaluate(n.l, vars);
  const r = evaluate(n.r, vars);
  switch (n.op) {
    case '==':
      return deepEqual(l, r);
    case '!=':
      return !deepEqual(l, r);
    case 'in':
      if (Array.isArray(r)) return r.some((x) => deepEqual(x as Value, l));
      if (isMap(r) && typeof l === 'string') return r[l] !== undefined;
      throw new CelError(`no such overload: in ${typeName(r)}`);
  }
  if (n.op === '+' && typeof l === 'string' && typeof r === 'string') return l + r;
  if (n.op === '+' && Array.isArray(l) && Array.isArray(r)) return [...(l as Value[]), ...(r as Value[])];
  const comparable =
    (typeof l === 'number' && typeof r === 'number') || (typeof l === 'string' && typeof r === 'string');
  if (!comparable) throw new CelError(`no such overload: ${typeName(l)} ${n.op} ${typeName(r)}`);
  switch (n.op) {
    case '<':
      return (l as number) < (r as number);
    case '<=':
      return (l as number) <= (r as number);
    case '>':
      return (l as number) > (r as number);
    case '>=':
      return (l as number) >= (r as number);
  }
  if (typeof l !== 'number' || typeof r !== 'number')
    throw new CelError(`no such overload: ${typeName(l)} ${n.op} ${typeName(r)}`);
  const integers = Number.isInteger(l) && Number.isInteger(r);
  switch (n.op) {
    case '+':
      return l + r;
    case '-':
      return l - r;
    case '*':
      return l * r;
    case '/':
      if (integers && r === 0) throw new CelError('division by zero');
      return integers ? Math.trunc(l / r) : l / r;
    case '%':
      if (r === 0) throw new CelError('modulus by zero');
      return l % r;
  }
  throw new CelError(`unknown operator ${n.op}`);
}

function call(n: Extract<Node, { k: 'call' }>, vars: Record<string, Value>): Value {
  if (n.target === undefined && n.fn === 'has') {
    const arg = n.args[0];
    if (n.args.length !== 1 || arg.k !== 'sel') throw new CelError('invalid argument to has() macro');
    const t = evaluate(arg.target, vars);
    if (!isMap(t)) throw new CelError(`no such overload: has() on ${typeName(t)}`);
    return t[arg.field] !== undefined;
  }
  if (n.target !== undefined && MACROS.has(n.fn)) return macro(n, vars);
  const target = n.target === undefined ? undefined : evaluate(n.target, vars);
  const args = n.args.map((a) => evaluate(a, vars));
  const [subject, ...rest] = n.target === undefined ? args : [target, ...args];
  switch (n.fn) {
    case 'size':
      if (typeof subject === 'string') return [...subject].length;
      if (Array.isArray(subject)) return subject.length;
      if (isMap(subject)) return Object.keys(subject).length;
      break;
    case 'string':
      if (typeof subject === 'string' || typeof subject === 'number' || typeof subject === 'boolean')
        return String(subject);
      break;
    case 'int':
      if (typeof subject === 'number') return Math.trunc(subject);
      if (typeof subject === 'string' && /^[+-]?\d+$/.test(subject)) return Number(subject);
      break;
    case 'startsWith':
    case 'endsWith':
    case 'contains':
    case 'matches':
      if (typeof subject === 'string' && typeof rest[0] === 'string') {
        if (n.fn === 'startsWith') return subject.startsWith(rest[0]);
        if (n.fn === 'endsWith') return subject.endsWith(rest[0]);
        if (n.fn === 'contains') return subject.includes(rest[0]);
        return new RegExp(rest[0], 'u').test(subject); // RE2 and JS agree on the patterns used here
      }
      break;
    default:
      throw new CelError(`undeclared reference to '${n.fn}'`);
  }
  throw new CelError(`no such overload: ${n.fn}(${[subject, ...rest].map(typeName).join(', ')})`);
}

function macro(n: Extract<Node, { k: 'call' }>, vars: Record<string, Value>): Value {
  const [v, body, extra] = n.args;
  if (v?.k !== 'id' || body === undefined) throw new CelError(`invalid arguments to ${n.fn}() macro`);
  const range = evaluate(n.target as Node, vars);
  const items: readonly Value[] = Array.isArray(range) ? range : isMap(range) ? Object.keys(range) : [];
  if (!Array.isArray(range) && !isMap(range)) throw new CelError(`no such overload: ${n.fn}() on ${typeName(range)}`);
  const run = (x: Value, e: Node): Value => evaluate(e, { ...vars, [v.name]: x });
  switch (n.fn) {
    case 'all':
    case 'exists': {
      // Like && and ||: a decisive element wins over an error in another.
      const decides = n.fn === 'exists';
      let err: CelError | undefined;
      for (const x of items) {
        try {
          if (bool(run(x, body), n.fn) === decides) return decides;
        } catch (e) {
          if (!(e instanceof CelError)) throw e;
          err ??= e;
        }
      }
      if (err !== undefined) throw err;
      return !decides;
    }
    case 'exists_one':
      return items.filter((x) => bool(run(x, body), n.fn)).length === 1;
    case 'filter':
      return items.filter((x) => bool(run(x, body), n.fn));
    case 'map':
      return extra === undefined
        ? items.map((x) => run(x, body))
        : items.filter((x) => bool(run(x, body), n.fn)).map((x) => run(x, extra));
  }
  throw new CelError(`unknown macro ${n.fn}`);
}
