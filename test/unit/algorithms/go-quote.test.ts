import { describe, expect, it } from '@jest/globals';
import { goQuote } from '../../../algorithms/index.js';

describe('goQuote is strconv.Quote', () => {
  it('quotes label values as %q does, printing what strconv.IsPrint accepts as it is', () => {
    expect(goQuote('default')).toBe('"default"');
    expect(goQuote('tab\there\n')).toBe('"tab\\there\\n"');
    expect(goQuote('héllo wörld')).toBe('"héllo wörld"');
    expect(goQuote('日本 😀 ∑')).toBe('"日本 😀 ∑"');
  });

  it('escapes quotes, backslashes, C escapes and other ASCII controls', () => {
    expect(goQuote('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(goQuote('\u0007\b\f\n\r\t\v')).toBe('"\\a\\b\\f\\n\\r\\t\\v"');
    expect(goQuote('\u0000\u0001\u001f\u007f')).toBe('"\\x00\\x01\\x1f\\x7f"');
  });

  it('escapes the spaces and separators outside ASCII (both former copies agreed here)', () => {
    expect(goQuote('\u00a0\u00ad\u200b\u2028\u3000\ufeff')).toBe('"\\u00a0\\u00ad\\u200b\\u2028\\u3000\\ufeff"');
  });

  // The copy that lived in labels-syntax.ts printed these raw; Go escapes every rune that is not a
  // letter, mark, number, punctuation or symbol: private use, unassigned and format characters.
  it.each([
    ['a private-use rune', '\ue000', '"\\ue000"'],
    ['an unassigned rune', '\u0378', '"\\u0378"'],
    ['the Arabic letter mark (format)', '\u061c', '"\\u061c"'],
    ['an interlinear annotation anchor (format)', '\ufff9', '"\\ufff9"'],
    ['a language tag beyond the BMP (format)', '\u{e0001}', '"\\U000e0001"'],
  ])('escapes %s as Go does', (_what, input, quoted) => {
    expect(goQuote(input)).toBe(quoted);
  });
});
