import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { csvField, splitCsvLine } from '../../../algorithms/index.js';

const texts = (line: string, delimiter?: string): string[] => {
  const r = splitCsvLine(line, delimiter);
  if (!r.ok) throw new Error(r.error.message);
  return r.value.map((f) => f.text);
};

describe('splitCsvLine, the one CSV line reader', () => {
  it('splits plain and quoted fields, a doubled quote standing for one, and keeps empty fields', () => {
    expect(texts('a,"b,c",,"say ""hi"""')).toEqual(['a', 'b,c', '', 'say "hi"']);
    expect(texts('')).toEqual(['']);
  });

  it('reports each field with its 1-based column', () => {
    const r = splitCsvLine('10,"x",y');
    expect(r.ok && r.value.map((f) => f.column)).toEqual([1, 4, 8]);
  });

  it('takes another delimiter: a semicolon or a tab', () => {
    expect(texts('1;"2;3"', ';')).toEqual(['1', '2;3']);
    expect(texts('1\t2,5', '\t')).toEqual(['1', '2,5']);
  });

  it('names the column where a line stops being CSV', () => {
    expect(splitCsvLine('a,"b')).toEqual({ ok: false, error: { column: 3, message: 'unterminated quoted field' } });
    expect(splitCsvLine('"a"b,c')).toEqual({
      ok: false,
      error: { column: 4, message: 'a quoted field must end at a comma' },
    });
    expect(splitCsvLine('"a"b\tc', '\t')).toEqual({
      ok: false,
      error: { column: 4, message: 'a quoted field must end at a tab' },
    });
    expect(splitCsvLine('ab"c')).toEqual({
      ok: false,
      error: { column: 3, message: 'a quote inside an unquoted field' },
    });
  });

  it('reads back what csvField writes, for any fields and delimiter', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string(), { minLength: 1, maxLength: 6 }),
        fc.constantFrom(',', ';', '\t'),
        (fields, d) => {
          const line = fields.map((f) => csvField(f, d)).join(d);
          expect(texts(line, d)).toEqual(fields);
        },
      ),
    );
  });
});
