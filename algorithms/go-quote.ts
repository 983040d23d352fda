/**
 * Go's `strconv.Quote` (what `%q` prints), the one copy every layer uses: apimachinery's
 * validation messages quote values with it and prometheus-adapter quotes label matchers with it,
 * so the text must be byte-for-byte Go's. A rune is printed as it is when `strconv.IsPrint` holds
 * (letters, marks, numbers, punctuation, symbols and the ASCII space); otherwise it is escaped:
 * the C escapes, `\xNN` below 0x80, `\uNNNN`, or `\UNNNNNNNN` beyond the BMP.
 */

const PRINTABLE = /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u;

const C_ESCAPES: Readonly<Record<number, string>> = {
  0x07: '\\a',
  0x08: '\\b',
  0x0c: '\\f',
  0x0a: '\\n',
  0x0d: '\\r',
  0x09: '\\t',
  0x0b: '\\v',
};

/** strconv.IsPrint for one code point. */
export function goIsPrint(codePoint: number, ch: string): boolean {
  if (codePoint === 0x20) return true;
  return codePoint > 0x20 && codePoint !== 0x7f && PRINTABLE.test(ch);
}

/** strconv.Quote: a Go double-quoted string literal. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const r = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (goIsPrint(r, ch)) out += ch;
    else if (C_ESCAPES[r] !== undefined) out += C_ESCAPES[r];
    else if (r < 0x80) out += `\\x${r.toString(16).padStart(2, '0')}`;
    else if (r < 0x10000) out += `\\u${r.toString(16).padStart(4, '0')}`;
    else out += `\\U${r.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}
