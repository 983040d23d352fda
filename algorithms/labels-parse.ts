/**
 * The label-selector string grammar of apimachinery `labels.Parse` (spec R3.3.2): a lexer into
 * tokens, then a recursive-descent parser with one token of lookahead, giving the same results
 * and the same error texts as upstream (e.g. `unable to parse requirement: found 'cheese',
 * expected: in, notin, =, ==, !=, gt, lt` for "cheddar cheese").
 *
 *   selector    := requirement ( "," requirement )*  |  ""
 *   requirement := [ "!" ] KEY [ ( "in" | "notin" ) "(" VALUES ")" | ( "=" | "==" | "!=" | ">" | "<" ) VALUE ]
 *
 * Whitespace is space, tab, CR and LF. `in`/`notin` are keywords only where an operator may stand
 * (`in in (in)` is a valid selector). A NUL character ends the input, as in upstream's lexer.
 */
import { goQuote } from './go-quote.js';
import { type Operator, compareGoStrings, labelKeyErrors, requirementError } from './labels-syntax.js';

export interface ParsedRequirement {
  readonly key: string;
  readonly operator: Operator;
  readonly values: readonly string[];
}

const ERROR = 0;
const END = 1;
const CLOSE_PAR = 2;
const COMMA = 3;
const NOT = 4;
const DOUBLE_EQUALS = 5;
const EQUALS = 6;
const GREATER = 7;
const IDENTIFIER = 8;
const IN = 9;
const LESS = 10;
const NOT_EQUALS = 11;
const NOT_IN = 12;
const OPEN_PAR = 13;

const LITERAL_TOKENS: ReadonlyMap<string, number> = new Map([
  [')', CLOSE_PAR],
  [',', COMMA],
  ['!', NOT],
  ['==', DOUBLE_EQUALS],
  ['=', EQUALS],
  ['>', GREATER],
  ['in', IN],
  ['<', LESS],
  ['!=', NOT_EQUALS],
  ['notin', NOT_IN],
  ['(', OPEN_PAR],
]);

interface Item {
  readonly tok: number;
  readonly lit: string;
}

function isWhitespace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 10;
}

function isSpecial(c: number): boolean {
  return c === 61 || c === 33 || c === 40 || c === 41 || c === 44 || c === 62 || c === 60; // = ! ( ) , > <
}

function lex(s: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  // Like upstream's read(): 0 at the end of input (and for a NUL character).
  const read = (): number => (pos < s.length ? s.charCodeAt(pos++) : 0);
  for (;;) {
    let ch = read();
    while (isWhitespace(ch)) ch = read();
    if (ch === 0) {
      items.push({ tok: END, lit: '' });
      return items;
    }
    pos--;
    if (isSpecial(ch)) {
      // Longest run of special characters that is still a token.
      let buffer = '';
      let last: Item | undefined;
      for (;;) {
        const c = read();
        if (c === 0) break;
        if (!isSpecial(c)) {
          pos--;
          break;
        }
        buffer += String.fromCharCode(c);
        const tok = LITERAL_TOKENS.get(buffer);
        if (tok !== undefined) last = { tok, lit: buffer };
        else if (last !== undefined) {
          pos--;
          break;
        }
      }
      items.push(last ?? { tok: ERROR, lit: `error expected: keyword found '${buffer}'` });
    } else {
      const start = pos;
      let end: number;
      for (;;) {
        end = pos;
        const c = read();
        if (c === 0) break; // end of input, or a NUL that is consumed
        if (isSpecial(c) || isWhitespace(c)) {
          pos--;
          break;
        }
      }
      const lit = s.slice(start, end);
      const tok = LITERAL_TOKENS.get(lit);
      items.push({ tok: tok === IN || tok === NOT_IN ? tok : IDENTIFIER, lit });
    }
  }
}

class ParseError extends Error {}

const VALUES = true;
const KEY_AND_OPERATOR = false;

class Parser {
  private position = 0;

  constructor(private readonly items: readonly Item[]) {}

  /** In a values context the keywords `in`/`notin` are plain identifiers. */
  lookahead(values: boolean): Item {
    const item = this.items[Math.min(this.position, this.items.length - 1)];
    return values && (item.tok === IN || item.tok === NOT_IN) ? { tok: IDENTIFIER, lit: item.lit } : item;
  }

  consume(values: boolean): Item {
    const item = this.lookahead(values);
    this.position++;
    return item;
  }

  parse(): ParsedRequirement[] {
    const requirements: ParsedRequirement[] = [];
    for (;;) {
      const { tok, lit } = this.lookahead(VALUES);
      if (tok === END) return requirements;
      if (tok !== IDENTIFIER && tok !== NOT)
        throw new ParseError(`found '${lit}', expected: !, identifier, or 'end of string'`);
      try {
        requirements.push(this.parseRequirement());
      } catch (e) {
        if (e instanceof ParseError) throw new ParseError(`unable to parse requirement: ${e.message}`);
        throw e;
      }
      const next = this.consume(VALUES);
      if (next.tok === END) return requirements;
      if (next.tok !== COMMA) throw new ParseError(`found '${next.lit}', expected: ',' or 'end of string'`);
      const after = this.lookahead(VALUES);
      if (after.tok !== IDENTIFIER && after.tok !== NOT) {
        throw new ParseError(`found '${after.lit}', expected: identifier after ','`);
      }
    }
  }

  private parseRequirement(): ParsedRequirement {
    const { key, operator: inferred } = this.parseKeyAndInferOperator();
    if (inferred !== undefined) return checked(key, inferred, []);
    const operator = this.parseOperator();
    const values = operator === 'in' || operator === 'notin' ? this.parseValues() : this.parseExactValue();
    return checked(key, operator, [...values].sort(compareGoStrings));
  }

  /** The key, and `exists`/`!` when no binary operator follows. */
  private parseKeyAndInferOperator(): { key: string; operator: Operator | undefined } {
    let operator: Operator | undefined;
    let item = this.consume(VALUES);
    if (item.tok === NOT) {
      operator = '!';
      item = this.consume(VALUES);
    }
    if (item.tok !== IDENTIFIER) throw new ParseError(`found '${item.lit}', expected: identifier`);
    const keyErrs = labelKeyErrors(item.lit);
    // Upstream validates with a nil field path here, which prints as "<nil>".
    if (keyErrs.length > 0) throw new ParseError(`<nil>: Invalid value: ${goQuote(item.lit)}: ${keyErrs.join('; ')}`);
    const next = this.lookahead(VALUES).tok;
    if ((next === END || next === COMMA) && operator !== '!') operator = 'exists';
    return { key: item.lit, operator };
  }

  private parseOperator(): Operator {
    const { tok, lit } = this.consume(KEY_AND_OPERATOR);
    switch (tok) {
      case IN:
        return 'in';
      case EQUALS:
        return '=';
      case DOUBLE_EQUALS:
        return '==';
      case GREATER:
        return 'gt';
      case LESS:
        return 'lt';
      case NOT_IN:
        return 'notin';
      case NOT_EQUALS:
        return '!=';
      default:
        throw new ParseError(`found '${lit}', expected: in, notin, =, ==, !=, gt, lt`);
    }
  }

  /** "(" a, b, … ")"; empty entries are the empty value: "()" and "(,a)" hold "". */
  private parseValues(): Set<string> {
    const open = this.consume(VALUES);
    if (open.tok !== OPEN_PAR) throw new ParseError(`found '${open.lit}' expected: '('`);
    const { tok, lit } = this.lookahead(VALUES);
    if (tok === CLOSE_PAR) {
      this.consume(VALUES);
      return new Set(['']);
    }
    if (tok !== IDENTIFIER && tok !== COMMA) throw new ParseError(`found '${lit}', expected: ',', ')' or identifier`);
    const values = this.parseIdentifiersList();
    if (this.consume(VALUES).tok !== CLOSE_PAR) throw new ParseError(`found '${lit}', expected: ')'`);
    return values;
  }

  private parseIdentifiersList(): Set<string> {
    const values = new Set<string>();
    for (;;) {
      const { tok, lit } = this.consume(VALUES);
      if (tok === IDENTIFIER) {
        values.add(lit);
        const next = this.lookahead(VALUES);
        if (next.tok === COMMA) continue;
        if (next.tok === CLOSE_PAR) return values;
        throw new ParseError(`found '${next.lit}', expected: ',' or ')'`);
      }
      if (tok !== COMMA) throw new ParseError(`found '${lit}', expected: ',', or identifier`);
      if (values.size === 0) values.add(''); // "(,"
      const next = this.lookahead(VALUES).tok;
      if (next === CLOSE_PAR) {
        values.add(''); // ",)"
        return values;
      }
      if (next === COMMA) values.add(''); // ",,"
    }
  }

  private parseExactValue(): Set<string> {
    const next = this.lookahead(VALUES).tok;
    if (next === END || next === COMMA) return new Set(['']);
    const { tok, lit } = this.consume(VALUES);
    if (tok !== IDENTIFIER) throw new ParseError(`found '${lit}', expected: identifier`);
    return new Set([lit]);
  }
}

function checked(key: string, operator: Operator, values: readonly string[]): ParsedRequirement {
  const message = requirementError(key, operator, values);
  if (message !== undefined) throw new ParseError(message);
  return { key, operator, values };
}

/**
 * Parses a selector string into requirements, sorted by key (stably: upstream's sort is not
 * stable, which only matters for repeated keys), or returns upstream's error text.
 */
export function parseRequirements(
  text: string,
):
  { readonly ok: true; readonly requirements: ParsedRequirement[] } | { readonly ok: false; readonly message: string } {
  try {
    const requirements = new Parser(lex(text)).parse();
    requirements.sort((a, b) => compareGoStrings(a.key, b.key));
    return { ok: true, requirements };
  } catch (e) {
    if (e instanceof ParseError) return { ok: false, message: e.message };
    throw e;
  }
}
