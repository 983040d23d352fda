/**
 * The part of Go's text/template that prometheus-adapter configurations use, with the adapter's
 * `<<` `>>` delimiters: field chains (`<<.Series>>`, `<<.LabelValuesByName.pod>>`), variables,
 * `if`/`else`/`with`/`range` (with `$i, $v :=`), `end`, comments, trim markers (`<<-` `->>`),
 * pipelines, parenthesised calls and Go's predefined functions (index, len, print, printf, println,
 * eq/ne/lt/le/gt/ge, and/or/not, slice, urlquery, html). Values print as fmt's %v does:
 * `[a b]` for slices, `map[k:v]` with sorted keys, `<no value>` for a missing map key.
 * There is no `join` in Go templates (the adapter registers no functions), so using it is an error
 * here too. Parsing and execution errors read like Go's (`template: metrics-query:1:3: …`).
 */
import { type Result, err, ok } from '../../algorithms/index.js';
import { goQuote } from '../../algorithms/index.js';
import { goQueryEscape } from '../../transport/index.js';
import { type Node, type Pipeline, type Cmd, type Operand, parseTemplate } from './go-template-parse.js';

/** A Go struct: named fields only; reading another field is an error naming the type. */
export class GoStruct {
  constructor(
    readonly typeName: string,
    readonly fields: Readonly<Record<string, TemplateValue>>,
  ) {}
}

/** A Go map[string]T: missing keys read as "no value". */
export class GoMap {
  constructor(readonly entries: ReadonlyMap<string, TemplateValue>) {}
  static of(record: Readonly<Record<string, string>>): GoMap {
    return new GoMap(new Map(Object.entries(record)));
  }
}

export type TemplateValue = string | number | boolean | null | undefined | readonly TemplateValue[] | GoMap | GoStruct;

export interface GoTemplate {
  readonly name: string;
  readonly source: string;
  execute(data: TemplateValue): Result<string, string>;
}

class ExecError extends Error {}

/** template.New(name).Delims("<<", ">>").Parse(source). */
export function compileTemplate(name: string, source: string): Result<GoTemplate, string> {
  const parsed = parseTemplate(name, source);
  if (!parsed.ok) return parsed;
  const nodes = parsed.value;
  return ok({
    name,
    source,
    execute(data: TemplateValue): Result<string, string> {
      const ctx = new Exec(name, source, data);
      try {
        ctx.walk(nodes, data, [new Map([['$', data]])]);
        return ok(ctx.out);
      } catch (e) {
        if (e instanceof ExecError) return err(e.message);
        throw e;
      }
    },
  });
}

type Scope = Map<string, TemplateValue>[];

function truth(v: TemplateValue): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === 'string') return v !== '';
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof GoMap) return v.entries.size > 0;
  return true;
}

function typeOf(v: TemplateValue): string {
  if (v === undefined || v === null) return '<nil>';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float64';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return '[]string';
  if (v instanceof GoMap) return 'map[string]string';
  return (v as GoStruct).typeName;
}

/** fmt's %v. */
export function formatValue(v: TemplateValue): string {
  if (v === undefined) return '<no value>';
  if (v === null) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(formatValue).join(' ')}]`;
  if (v instanceof GoMap) {
    const keys = [...v.entries.keys()].sort();
    return `map[${keys.map((k) => `${k}:${formatValue(v.entries.get(k) ?? '')}`).join(' ')}]`;
  }
  return `{${Object.values((v as GoStruct).fields)
    .map(formatValue)
    .join(' ')}}`;
}

class Exec {
  out = '';
  constructor(
    private readonly name: string,
    private readonly source: string,
    private readonly root: TemplateValue,
  ) {}

  private fail(pos: number, what: string, msg: string): never {
    const before = this.source.slice(0, pos);
    const line = before.split('\n').length;
    const col = pos - before.lastIndexOf('\n') - 1;
    throw new ExecError(
      `template: ${this.name}:${line}:${col}: executing ${JSON.stringify(this.name)} at <${what}>: ${msg}`,
    );
  }

  walk(nodes: readonly Node[], dot: TemplateValue, scope: Scope): void {
    for (const n of nodes) {
      switch (n.type) {
        case 'text':
          this.out += n.text;
          break;
        case 'action': {
          const v = this.pipeline(n.pipe, dot, scope);
          if (n.pipe.decl.length === 0) this.out += formatValue(v);
          break;
        }
        case 'if':
        case 'with': {
          const inner: Scope = [...scope, new Map()];
          const v = this.pipeline(n.pipe, dot, inner);
          if (truth(v)) this.walk(n.list, n.type === 'with' ? v : dot, inner);
          else this.walk(n.elseList, dot, [...scope, new Map()]);
          break;
        }
        case 'range': {
          const inner: Scope = [...scope, new Map()];
          const v = this.evalPipe(n.pipe, dot, inner);
          const items: Array<[TemplateValue, TemplateValue]> = [];
          if (Array.isArray(v)) v.forEach((x, i) => items.push([i, x]));
          else if (v instanceof GoMap) for (const k of [...v.entries.keys()].sort()) items.push([k, v.entries.get(k)]);
          else if (typeof v === 'number' && Number.isInteger(v)) for (let i = 0; i < v; i++) items.push([i, i]);
          else if (v !== undefined && v !== null)
            this.fail(n.pos, n.pipe.text, `range can't iterate over ${formatValue(v)}`);
          if (items.length === 0) this.walk(n.elseList, dot, inner);
          for (const [k, x] of items) {
            const iter: Scope = [...inner, new Map()];
            const vars = iter[iter.length - 1];
            if (n.pipe.decl.length === 1) vars.set(n.pipe.decl[0], x);
            if (n.pipe.decl.length === 2) {
              vars.set(n.pipe.decl[0], k);
              vars.set(n.pipe.decl[1], x);
            }
            this.walk(n.list, x, iter);
          }
          break;
        }
      }
    }
  }

  /** A pipeline whose declared variables (if any) are bound in the innermost scope. */
  private pipeline(p: Pipeline, dot: TemplateValue, scope: Scope): TemplateValue {
    const v = this.evalPipe(p, dot, scope);
    if (p.decl.length > 0) scope[scope.length - 1].set(p.decl[p.decl.length - 1], v);
    return v;
  }

  private evalPipe(p: Pipeline, dot: TemplateValue, scope: Scope): TemplateValue {
    let value: TemplateValue;
    let piped = false;
    for (const cmd of p.cmds) {
      value = this.command(cmd, dot, scope, piped ? { value } : undefined);
      piped = true;
    }
    return value;
  }

  private command(
    cmd: Cmd,
    dot: TemplateValue,
    scope: Scope,
    pipe: { value: TemplateValue } | undefined,
  ): TemplateValue {
    const first = cmd.args[0];
    if (first.type === 'ident') {
      const args = cmd.args.slice(1).map((a) => this.operand(a, dot, scope));
      if (pipe !== undefined) args.push(pipe.value);
      return this.call(first.name, args, cmd);
    }
    if (cmd.args.length > 1 || pipe !== undefined)
      this.fail(cmd.pos, cmd.text, `can't give argument to non-function ${cmd.args[0].text}`);
    return this.operand(first, dot, scope);
  }

  private operand(o: Operand, dot: TemplateValue, scope: Scope): TemplateValue {
    switch (o.type) {
      case 'string':
      case 'number':
      case 'bool':
        return o.value;
      case 'nil':
        return null;
      case 'ident':
        return this.call(o.name, [], o);
      case 'field':
        return this.fields(dot, o.chain, o);
      case 'var': {
        for (let i = scope.length - 1; i >= 0; i--) {
          if (scope[i].has(o.name)) return this.fields(scope[i].get(o.name), o.chain, o);
        }
        if (o.name === '$') return this.fields(this.root, o.chain, o);
        return this.fail(o.pos, o.text, `undefined variable: ${o.name}`);
      }
      case 'paren':
        return this.fields(this.evalPipe(o.pipe, dot, scope), o.chain, o);
    }
  }

  private fields(v: TemplateValue, chain: readonly string[], at: Operand): TemplateValue {
    let cur = v;
    for (const f of chain) {
      if (cur instanceof GoStruct) {
        if (!Object.hasOwn(cur.fields, f))
          this.fail(at.pos, at.text, `can't evaluate field ${f} in type ${cur.typeName}`);
        cur = cur.fields[f];
      } else if (cur instanceof GoMap) {
        cur = cur.entries.get(f);
      } else if (cur === undefined || cur === null) {
        this.fail(at.pos, at.text, `nil pointer evaluating interface {}.${f}`);
      } else {
        this.fail(at.pos, at.text, `can't evaluate field ${f} in type ${typeOf(cur)}`);
      }
    }
    return cur;
  }

  private call(fn: string, args: TemplateValue[], cmd: { pos: number; text: string }): TemplateValue {
    const bad = (msg: string): never => this.fail(cmd.pos, cmd.text, `error calling ${fn}: ${msg}`);
    const need = (n: number): void => {
      if (args.length < n)
        this.fail(cmd.pos, cmd.text, `wrong number of args for ${fn}: want at least ${n} got ${args.length}`);
    };
    switch (fn) {
      case 'index': {
        need(1);
        let cur = args[0];
        for (const k of args.slice(1)) {
          if (Array.isArray(cur)) {
            if (typeof k !== 'number' || k < 0 || k >= cur.length) bad(`index out of range: ${formatValue(k)}`);
            cur = cur[k as number];
          } else if (cur instanceof GoMap) {
            cur = cur.entries.has(String(k)) ? cur.entries.get(String(k)) : '';
          } else if (cur === undefined || cur === null) bad('index of untyped nil');
          else bad(`can't index item of type ${typeOf(cur)}`);
        }
        return cur;
      }
      case 'len': {
        need(1);
        const x = args[0];
        if (typeof x === 'string') return new TextEncoder().encode(x).length;
        if (Array.isArray(x)) return x.length;
        if (x instanceof GoMap) return x.entries.size;
        return bad(`len of type ${typeOf(x)}`);
      }
      case 'slice': {
        need(1);
        const [x, ...ix] = args;
        const nums = ix.map((i) => (typeof i === 'number' ? i : bad('cannot index slice/array with non-integer')));
        if (typeof x === 'string' || Array.isArray(x)) return (x as string).slice(nums[0] ?? 0, nums[1] ?? x.length);
        return bad(`can't slice item of type ${typeOf(x)}`);
      }
      case 'print':
        return sprint(args);
      case 'println':
        return `${args.map(formatValue).join(' ')}\n`;
      case 'printf': {
        need(1);
        return sprintf(formatValue(args[0]), args.slice(1));
      }
      case 'urlquery':
        return goQueryEscape(sprint(args));
      case 'html':
        return sprint(args).replace(
          /[&'<>"\0]/g,
          (c) => ({ '&': '&amp;', "'": '&#39;', '<': '&lt;', '>': '&gt;', '"': '&#34;', '\0': '\uFFFD' })[c] ?? c,
        );
      case 'not':
        need(1);
        return !truth(args[0]);
      case 'and':
        need(1);
        return args.find((a) => !truth(a)) ?? args[args.length - 1];
      case 'or':
        need(1);
        return args.find((a) => truth(a)) ?? args[args.length - 1];
      case 'eq':
        need(2);
        return args.slice(1).some((b) => compare(args[0], b, bad) === 0);
      case 'ne':
        need(2);
        return compare(args[0], args[1], bad) !== 0;
      case 'lt':
        need(2);
        return compare(args[0], args[1], bad) < 0;
      case 'le':
        need(2);
        return compare(args[0], args[1], bad) <= 0;
      case 'gt':
        need(2);
        return compare(args[0], args[1], bad) > 0;
      case 'ge':
        need(2);
        return compare(args[0], args[1], bad) >= 0;
      default:
        return this.fail(cmd.pos, cmd.text, `function ${JSON.stringify(fn)} not defined`);
    }
  }
}

function compare(a: TemplateValue, b: TemplateValue, bad: (m: string) => never): number {
  if (typeof a !== typeof b || (typeof a !== 'string' && typeof a !== 'number' && typeof a !== 'boolean')) {
    if (a === undefined && b === undefined) return 0;
    return bad('incompatible types for comparison');
  }
  return a === b ? 0 : (a as string) < (b as string) ? -1 : 1;
}

/** fmt.Sprint: a space between operands when neither side is a string. */
function sprint(args: readonly TemplateValue[]): string {
  let out = '';
  args.forEach((a, i) => {
    if (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += formatValue(a);
  });
  return out;
}

/** fmt.Sprintf for the verbs templates use: %s %v %d %q %%. */
function sprintf(format: string, args: readonly TemplateValue[]): string {
  let n = 0;
  return format.replace(/%([svdq%])/g, (_m, verb: string) => {
    if (verb === '%') return '%';
    if (n >= args.length) return `%!${verb}(MISSING)`;
    const a = args[n++];
    if (verb === 'q') return goQuote(formatValue(a));
    if (verb === 'd' && typeof a !== 'number') return `%!d(${typeOf(a)}=${formatValue(a)})`;
    return formatValue(a);
  });
}
