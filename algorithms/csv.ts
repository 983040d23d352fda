/**
 * The project's one CSV reader and writer of a line (RFC 4180 quoting, no line breaks inside
 * quotes): recorded metrics (metrics-clients/recorded) and the simulator's CSV load traces read
 * their lines with it, so both accept the same quoting and report syntax errors by column.
 */
import { err, ok, type Result } from './result.js';

export interface CsvField {
  readonly text: string;
  /** 1-based column of the field's first character */
  readonly column: number;
}

export interface CsvSyntaxError {
  /** 1-based column where the line stops being CSV */
  readonly column: number;
  readonly message: string;
}

/** One CSV line into its fields, `delimiter` (one character) between them. */
export function splitCsvLine(line: string, delimiter = ','): Result<CsvField[], CsvSyntaxError> {
  const fields: CsvField[] = [];
  let i = 0;
  for (;;) {
    const field = line[i] === '"' ? quotedField(line, i, delimiter) : plainField(line, i, delimiter);
    if (!field.ok) return field;
    fields.push(field.value.field);
    i = field.value.end;
    if (i >= line.length) return ok(fields);
    i++; // the delimiter
  }
}

type FieldAt = Result<{ field: CsvField; end: number }, CsvSyntaxError>;

function quotedField(line: string, start: number, delimiter: string): FieldAt {
  let text = '';
  let i = start + 1;
  for (;;) {
    if (i >= line.length) return err({ column: start + 1, message: 'unterminated quoted field' });
    if (line[i] === '"' && line[i + 1] === '"') {
      text += '"';
      i += 2;
    } else if (line[i] === '"') break;
    else text += line[i++];
  }
  i++; // the closing quote
  if (i < line.length && line[i] !== delimiter)
    return err({ column: i + 1, message: `a quoted field must end at a ${delimiterName(delimiter)}` });
  return ok({ field: { text, column: start + 1 }, end: i });
}

function plainField(line: string, start: number, delimiter: string): FieldAt {
  const next = line.indexOf(delimiter, start);
  const end = next < 0 ? line.length : next;
  const text = line.slice(start, end);
  if (text.includes('"'))
    return err({ column: start + 1 + text.indexOf('"'), message: 'a quote inside an unquoted field' });
  return ok({ field: { text, column: start + 1 }, end });
}

function delimiterName(delimiter: string): string {
  return delimiter === ',' ? 'comma' : delimiter === '\t' ? 'tab' : JSON.stringify(delimiter);
}

/** `text` as one CSV field: quoted when it holds a quote or the delimiter, or starts or ends in spaces. */
export function csvField(text: string, delimiter = ','): string {
  return text.includes('"') || text.includes(delimiter) || text !== text.trim()
    ? `"${text.replace(/"/g, '""')}"`
    : text;
}
