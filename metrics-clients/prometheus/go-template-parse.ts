/**
 * Parser for the text/template subset of go-template.ts (delimiters `<<` `>>`). Produces a small
 * tree of text, actions and if/with/range blocks; errors read like Go's parse errors
 * (`template: metrics-query:1: function "join" not defined`, `unexpected EOF`).
 */
import { type Result, err, ok } from '../../algorithms/index.js';

export interface Pipeline {
  readonly pos: number;
  readonly text: string;
  /** declared variables: [] | [$v] | [$i, $v] */
  readonly decl: readonly string[];
  readonly cmds: readonly Cmd[];
}

export interface Cmd {
  readonly pos: number;
  readonly text: string;
  readonly args: readonly Operand[];
}

interface At {
  readonly pos: number;
  readonly text: string;
}

export type Operand =
  | (At & { readonly type: 'string'; readonly value: string })
  | (At & { readonly type: 'number'; readonly value: number })
  | (At & { readonly type: 'bool'; readonly value: boolean })
  | (At & { readonly type: 'nil' })
  | (At & { readonly type: 'ident'; readonly name: string })
  | (At & { readonly type: 'field'; readonly chain: readonly string[] })
  | (At & { readonly type: 'var'; readonly name: string; readonly chain: readonly string[] })
  | (At & { readonly type: 'paren'; readonly pipe: Pipeline; readonly chain: readonly string[] });

export type Node =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'action'; readonly pos: number; readonly pipe: Pipeline }
  | {
      readonly type: 'if' | 'with' | 'range';
      readonly pos: number;
      readonly pipe: Pipeline;
      readonly list: Node[];
      elseList: Node[];
    };

const FUNCTIONS = new Set([
  'index',
  'len',
  'slice',
  'print',
  'println',
  'printf',
  'urlquery',
  'html',
  'not',
  'and',
  'or',
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
]);
const LEFT = '<<';
const RIGHT = '>>';

interface Tok {
  readonly kind: 'field' | 'var' | 'ident' | 'string' | 'number' | '(' | ')' | '|' | ':=' | '=' | ',';
  readonly text: string;
  readonly pos: number;
  /** no whitespace between this token and the previous one */
  readonly adjacent: boolean;
}

class ParseError extends Error {}

type Block = Extract<Node, { list: Node[] }>;

/** An open block while parsing; `chained` marks the inner block of an `else if`, closed by the same `end`. */
interface Frame {
  readonly block: Block | undefined;
  readonly list: Node[];
  readonly inElse: boolean;
  readonly chained: boolean;
}

export function parseTemplate(name: string, src: string): Result<Node[], string> {
  const fail = (pos: number, msg: string): never => {
    throw new ParseError(`template: ${name}:${src.slice(0, pos).split('\n').length}: ${msg}`);
  };
  try {
    const root: Node[] = [];
    // stack of open blocks: the list new nodes go to, and the block itself
    const stack: Frame[] = [{ block: undefined, list: root, inElse: false, chained: false }];
    let i = 0;
    let trimNext = false;
    while (i < src.length) {
      const open = src.indexOf(LEFT, i);
      let text = open < 0 ? src.slice(i) : src.slice(i, open);
      if (trimNext) text = text.replace(/^\s+/, '');
      trimNext = false;
      if (open < 0) {
        if (text !== '') stack[stack.length - 1].list.push({ type: 'text', text });
        break;
      }
      let start = open + LEFT.length;
      if (/^-\s/.test(src.slice(start))) {
        text = text.replace(/\s+$/, '');
        start += 1;
      }
      if (text !== '') stack[stack.length - 1].list.push({ type: 'text', text });
      const { toks, end, trimRight, comment } = lexAction(src, start, fail);
      trimNext = trimRight;
      i = end;
      if (comment) continue;
      if (toks.length === 0) fail(start, 'missing value for command');
      const top = stack[stack.length - 1];
      const head = toks[0];
      if (head.kind === 'ident' && (head.text === 'if' || head.text === 'with' || head.text === 'range')) {
        const block = {
          type: head.text,
          pos: head.pos,
          pipe: parsePipeline(toks.slice(1), src, fail, head.text === 'range'),
          list: [],
          elseList: [],
        } as Block;
        top.list.push(block);
        stack.push({ block, list: block.list, inElse: false, chained: false });
      } else if (head.kind === 'ident' && head.text === 'else') {
        const blk = top.block;
        if (blk === undefined || top.inElse) return fail(head.pos, 'unexpected {{else}}');
        if (toks.length > 1 && toks[1].kind === 'ident' && (toks[1].text === 'if' || toks[1].text === 'with')) {
          // `else if` nests a block that closes with the same `end`
          const nested = {
            type: toks[1].text,
            pos: toks[1].pos,
            pipe: parsePipeline(toks.slice(2), src, fail, false),
            list: [],
            elseList: [],
          } as Block;
          blk.elseList = [nested];
          stack[stack.length - 1] = { ...top, list: blk.elseList, inElse: true };
          stack.push({ block: nested, list: nested.list, inElse: false, chained: true });
        } else {
          if (toks.length > 1) fail(toks[1].pos, `unexpected ${JSON.stringify(toks[1].text)} in else`);
          stack[stack.length - 1] = { ...top, list: blk.elseList, inElse: true };
        }
      } else if (head.kind === 'ident' && head.text === 'end') {
        if (toks.length > 1) fail(toks[1].pos, `unexpected ${JSON.stringify(toks[1].text)} in end`);
        if (stack.length === 1) fail(head.pos, 'unexpected {{end}}');
        // close chained `else if` blocks together with their parent
        while (stack.length > 1 && (stack.pop() as Frame).chained);
      } else if (head.kind === 'ident' && ['define', 'template', 'block', 'break', 'continue'].includes(head.text)) {
        fail(head.pos, `{{${head.text}}} is not supported in adapter templates`);
      } else {
        top.list.push({ type: 'action', pos: head.pos, pipe: parsePipeline(toks, src, fail, false) });
      }
    }
    if (stack.length > 1) fail(src.length, 'unexpected EOF');
    return ok(root);
  } catch (e) {
    if (e instanceof ParseError) return err(e.message);
    throw e;
  }
}

function lexAction(
  src: string,
  start: number,
  fail: (pos: number, msg: string) => never,
): { toks: Tok[]; end: number; trimRight: boolean; comment: boolean } {
  const toks: Tok[] = [];
  let i = start;
  let lastEnd = start;
  const skipWs = (): void => {
    while (i < src.length && /\s/.test(src[i]) && !src.startsWith(` -${RIGHT}`, i)) i++;
  };
  skipWs();
  if (src.startsWith('/*', i)) {
    const close = src.indexOf('*/', i + 2);
    if (close < 0) fail(i, 'unclosed comment');
    let j = close + 2;
    let trimRight = false;
    if (src.startsWith(` -${RIGHT}`, j)) {
      trimRight = true;
      j += 2;
    }
    if (!src.startsWith(RIGHT, j)) fail(j, 'comment ends before closing delimiter');
    return { toks, end: j + RIGHT.length, trimRight, comment: true };
  }
  for (;;) {
    skipWs();
    if (i >= src.length) fail(i, 'unclosed action');
    if (src.startsWith(` -${RIGHT}`, i) || (src.startsWith(`-${RIGHT}`, i) && /\s/.test(src[i - 1] ?? ''))) {
      const j = src.indexOf(RIGHT, i);
      return { toks, end: j + RIGHT.length, trimRight: true, comment: false };
    }
    if (src.startsWith(RIGHT, i)) return { toks, end: i + RIGHT.length, trimRight: false, comment: false };
    const adjacent = i === lastEnd && toks.length > 0;
    const at = i;
    const rest = src.slice(i);
    let m: RegExpExecArray | null;
    const push = (kind: Tok['kind'], text: string): void => {
      toks.push({ kind, text, pos: at, adjacent });
      i = at + text.length;
      lastEnd = i;
    };
    if ((m = /^(\.[A-Za-z_][A-Za-z0-9_]*)+/.exec(rest)) !== null) push('field', m[0]);
    else if (rest.startsWith('.')) push('field', '.');
    else if ((m = /^\$[A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*/.exec(rest)) !== null) push('var', m[0]);
    else if ((m = /^"(?:[^"\\\n]|\\.)*"/.exec(rest)) !== null) push('string', m[0]);
    else if ((m = /^`[^`]*`/.exec(rest)) !== null) push('string', m[0]);
    else if ((m = /^-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?/.exec(rest)) !== null) push('number', m[0]);
    else if ((m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest)) !== null) push('ident', m[0]);
    else if (rest.startsWith(':=')) push(':=', ':=');
    else if ('()|=,'.includes(rest[0])) push(rest[0] as Tok['kind'], rest[0]);
    else fail(i, `unexpected ${JSON.stringify(rest[0])} in command`);
  }
}

function splitChain(text: string): string[] {
  return text
    .split('.')
    .slice(1)
    .filter((s) => s !== '');
}

function parsePipeline(
  toks: readonly Tok[],
  src: string,
  fail: (pos: number, msg: string) => never,
  isRange: boolean,
): Pipeline {
  const pos = toks[0]?.pos ?? 0;
  const last = toks[toks.length - 1];
  const text = last === undefined ? '' : src.slice(pos, last.pos + last.text.length);
  let k = 0;
  const decl: string[] = [];
  // `$x :=` or (range) `$i, $v :=`
  if (toks.length > 1 && toks[0].kind === 'var') {
    if (toks[1].kind === ':=' || toks[1].kind === '=') {
      decl.push(toks[0].text);
      k = 2;
    } else if (
      isRange &&
      toks[1].kind === ',' &&
      toks[2]?.kind === 'var' &&
      (toks[3]?.kind === ':=' || toks[3]?.kind === '=')
    ) {
      decl.push(toks[0].text, toks[2].text);
      k = 4;
    }
  }
  const cmds: Cmd[] = [];
  let args: Operand[] = [];
  let cmdStart = toks[k]?.pos ?? pos;
  const endCmd = (at: number): void => {
    if (args.length === 0) fail(at, 'missing value for command');
    cmds.push({ pos: cmdStart, text: src.slice(cmdStart, at).trim(), args });
    args = [];
  };
  while (k < toks.length) {
    const t = toks[k];
    if (t.kind === '|') {
      endCmd(t.pos);
      k++;
      cmdStart = toks[k]?.pos ?? t.pos;
      continue;
    }
    if (t.kind === '(') {
      let depth = 1;
      let j = k + 1;
      while (j < toks.length && depth > 0) {
        if (toks[j].kind === '(') depth++;
        if (toks[j].kind === ')') depth--;
        j++;
      }
      if (depth !== 0) fail(t.pos, 'unclosed left paren');
      const inner = parsePipeline(toks.slice(k + 1, j - 1), src, fail, false);
      let chain: string[] = [];
      if (toks[j]?.kind === 'field' && toks[j].adjacent && toks[j].text !== '.') chain = splitChain(toks[j++].text);
      args.push({
        type: 'paren',
        pos: t.pos,
        text: src.slice(t.pos, toks[j - 1].pos + toks[j - 1].text.length),
        pipe: inner,
        chain,
      });
      k = j;
      continue;
    }
    args.push(operand(t, fail));
    k++;
  }
  if (k > 0 && toks.length > 0) endCmd(last.pos + last.text.length);
  if (cmds.length === 0) fail(pos, 'missing value for command');
  return { pos, text, decl, cmds };
}

function operand(t: Tok, fail: (pos: number, msg: string) => never): Operand {
  const at = { pos: t.pos, text: t.text };
  switch (t.kind) {
    case 'field':
      return { ...at, type: 'field', chain: t.text === '.' ? [] : splitChain(t.text) };
    case 'var': {
      const dot = t.text.indexOf('.');
      return {
        ...at,
        type: 'var',
        name: dot < 0 ? t.text : t.text.slice(0, dot),
        chain: dot < 0 ? [] : splitChain(t.text.slice(dot)),
      };
    }
    case 'string':
      return {
        ...at,
        type: 'string',
        value: t.text.startsWith('`') ? t.text.slice(1, -1) : unquote(t.text, t.pos, fail),
      };
    case 'number':
      return { ...at, type: 'number', value: Number(t.text) };
    case 'ident':
      if (t.text === 'true' || t.text === 'false') return { ...at, type: 'bool', value: t.text === 'true' };
      if (t.text === 'nil') return { ...at, type: 'nil' };
      if (!FUNCTIONS.has(t.text)) return fail(t.pos, `function ${JSON.stringify(t.text)} not defined`);
      return { ...at, type: 'ident', name: t.text };
    default:
      return fail(t.pos, `unexpected ${JSON.stringify(t.text)} in operand`);
  }
}

function unquote(text: string, pos: number, fail: (pos: number, msg: string) => never): string {
  try {
    // Go and JSON escapes agree for the common cases (\" \\ \n \t \uXXXX); \x and \a are mapped first
    return JSON.parse(
      text
        .replace(/\\x([0-9A-Fa-f]{2})/g, '\\u00$1')
        .replace(/\\a/g, '\\u0007')
        .replace(/\\v/g, '\\u000b'),
    ) as string;
  } catch {
    return fail(pos, `invalid syntax in string ${text}`);
  }
}
