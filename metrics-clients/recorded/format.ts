/**
 * The recorded-metrics format of `hpa-ts replay` (docs/replay.md, "The recorded format"): what an
 * HPA read, sample by sample, as CSV or JSON. One row per value:
 *
 *   time,type,metric,selector,pod,value,request
 *   45,Pods,http_requests_qps,,sample-httpserver-7d9-abcde,500066m,
 *
 * `time` is seconds since the recording's start; rows of one (type, metric, selector) at one time
 * form one sample. Pods, Resource and ContainerResource samples have one row per pod the HPA saw
 * (an empty value: the pod was there without a metric); Object and External samples one row
 * without a pod. A row with neither pod nor value says the metrics API gave no answer then.
 * Replicas rows record the scale target's replicas. Pure: text in, values out.
 */
import { parseDocument } from 'yaml';
import {
  Quantity,
  csvField,
  err,
  ok,
  parseSelector,
  splitCsvLine,
  type CsvField,
  type Result,
} from '../../algorithms/index.js';

export const RecordedType = {
  Resource: 'Resource',
  ContainerResource: 'ContainerResource',
  Pods: 'Pods',
  Object: 'Object',
  External: 'External',
  Replicas: 'Replicas',
} as const;
export type RecordedType = (typeof RecordedType)[keyof typeof RecordedType];

/** The types whose samples hold one row per pod. */
export const PER_POD_TYPES: ReadonlySet<RecordedType> = new Set(['Resource', 'ContainerResource', 'Pods']);

export interface RecordedRow {
  /** seconds since the recording's start */
  readonly t: number;
  readonly type: RecordedType;
  /** the metric's name; `container/resource` for ContainerResource; empty for Replicas */
  readonly metric: string;
  /** the metric's label selector as the metrics APIs print it (`verb=GET`); empty: everything */
  readonly selector: string;
  /** the pod of a per-pod row; empty otherwise */
  readonly pod: string;
  /** null: the pod was seen without a metric */
  readonly value: Quantity | null;
  /** the pod's request of the resource (Resource and ContainerResource with a Utilization target) */
  readonly request: Quantity | null;
}

export interface Recording {
  /** sorted by time (stable: rows of one time keep their order) */
  readonly rows: readonly RecordedRow[];
}

export const RecordingErrorCode = {
  Header: 'RecordingHeader',
  Syntax: 'RecordingSyntax',
  Field: 'RecordingField',
  Order: 'RecordingOrder',
  Empty: 'RecordingEmpty',
} as const;
export type RecordingErrorCode = (typeof RecordingErrorCode)[keyof typeof RecordingErrorCode];

export interface RecordingError {
  readonly code: RecordingErrorCode;
  readonly file: string;
  /** 1-based; 0 when the error is about the whole file */
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

export const CSV_COLUMNS = ['time', 'type', 'metric', 'selector', 'pod', 'value', 'request'] as const;
type Column = (typeof CSV_COLUMNS)[number];

/** `file:line:column: what` — the one-line form errors are printed in. */
export function formatRecordingError(e: RecordingError): string {
  return e.line === 0 ? `${e.file}: ${e.message}` : `${e.file}:${e.line}:${e.column}: ${e.message}`;
}

type RowResult = Result<RecordedRow, { column: Column; message: string }>;

function quantityField(text: string, column: Column): Result<Quantity | null, { column: Column; message: string }> {
  if (text === '') return ok(null);
  const q = Quantity.tryParse(text);
  return q.ok ? ok(q.value) : err({ column, message: `${column} ${JSON.stringify(text)} is not a quantity` });
}

/** One row's fields (by column name) → a row, or the column that is wrong. */
export function parseRow(f: Readonly<Record<Column, string>>): RowResult {
  const bad = (column: Column, message: string): RowResult => err({ column, message });
  if (!/^\d+(\.\d+)?$/.test(f.time))
    return bad('time', `time ${JSON.stringify(f.time)} is not a number of seconds ≥ 0`);
  const type = f.type as RecordedType;
  if (!Object.values(RecordedType).includes(type))
    return bad('type', `type ${JSON.stringify(f.type)} is not one of ${Object.values(RecordedType).join(', ')}`);
  if (type !== 'Replicas' && f.metric === '') return bad('metric', 'metric is required');
  if (type === 'ContainerResource' && !/^[^/]+\/[^/]+$/.test(f.metric))
    return bad('metric', `metric ${JSON.stringify(f.metric)} of a ContainerResource row must be container/resource`);
  const sel = parseSelector(f.selector);
  if (!sel.ok) return bad('selector', `selector ${JSON.stringify(f.selector)}: ${sel.error.message}`);
  const perPod = PER_POD_TYPES.has(type);
  // a per-pod row without pod and value: the metrics API gave no answer at that time
  if (perPod && f.pod === '' && f.value !== '') return bad('pod', `pod is required in a ${type} row with a value`);
  if (!perPod && f.pod !== '') return bad('pod', `a ${type} row names no pod`);
  const value = quantityField(f.value, 'value');
  if (!value.ok) return value;
  if (
    type === 'Replicas' &&
    (value.value === null || value.value.sign() < 0 || value.value.milliValue() % 1000n !== 0n)
  )
    return bad('value', `replicas ${JSON.stringify(f.value)} is not a count`);
  const request = quantityField(f.request, 'request');
  if (!request.ok) return request;
  return ok({
    t: Number(f.time),
    type,
    metric: f.metric,
    selector: sel.value.toString(),
    pod: f.pod,
    value: value.value,
    request: request.value,
  });
}

function problem(
  code: RecordingErrorCode,
  file: string,
  line: number,
  column: number,
  message: string,
): RecordingError {
  return { code, file, line, column, message };
}

function checkOrder(rows: readonly RecordedRow[], file: string, lineOf: (i: number) => number): RecordingError | null {
  for (let i = 1; i < rows.length; i++) {
    if (rows[i].t < rows[i - 1].t)
      return problem(
        'RecordingOrder',
        file,
        lineOf(i),
        1,
        `time ${rows[i].t} is before the previous row's ${rows[i - 1].t}`,
      );
  }
  return rows.length === 0 ? problem('RecordingEmpty', file, 0, 0, 'no rows: nothing was recorded') : null;
}

/** The CSV text (a header line, then rows; `#` lines and blank lines are skipped). */
export function parseRecordingCsv(text: string, file: string): Result<Recording, RecordingError> {
  const lines = text.split(/\r?\n/);
  const rows: RecordedRow[] = [];
  const lineNumbers: number[] = [];
  let header: CsvField[] | undefined;
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n];
    if (line.trim() === '' || line.startsWith('#')) continue;
    const fields = splitCsvLine(line);
    if (!fields.ok) return err(problem('RecordingSyntax', file, n + 1, fields.error.column, fields.error.message));
    if (header === undefined) {
      header = fields.value;
      const names = header.map((h) => h.text.trim()).join(',');
      if (names !== CSV_COLUMNS.join(','))
        return err(
          problem('RecordingHeader', file, n + 1, 1, `the header must be ${CSV_COLUMNS.join(',')} (is ${names})`),
        );
      continue;
    }
    if (fields.value.length !== CSV_COLUMNS.length)
      return err(
        problem('RecordingSyntax', file, n + 1, 1, `${fields.value.length} fields, expected ${CSV_COLUMNS.length}`),
      );
    const byName = Object.fromEntries(CSV_COLUMNS.map((c, i) => [c, fields.value[i].text])) as Record<Column, string>;
    const row = parseRow(byName);
    if (!row.ok) {
      const column = fields.value[CSV_COLUMNS.indexOf(row.error.column)].column;
      return err(problem('RecordingField', file, n + 1, column, row.error.message));
    }
    rows.push(row.value);
    lineNumbers.push(n + 1);
  }
  if (header === undefined)
    return err(problem('RecordingHeader', file, 0, 0, `no header line (${CSV_COLUMNS.join(',')})`));
  const order = checkOrder(rows, file, (i) => lineNumbers[i]);
  return order === null ? ok({ rows }) : err(order);
}

/** Seconds as the shortest decimal text (ms precision). */
export function formatTime(t: number): string {
  return String(Math.round(t * 1000) / 1000);
}

function rowFields(r: RecordedRow): Record<Column, string> {
  return {
    time: formatTime(r.t),
    type: r.type,
    metric: r.metric,
    selector: r.selector,
    pod: r.pod,
    value: r.type === 'Replicas' && r.value !== null ? r.value.value().toString() : (r.value?.toString() ?? ''),
    request: r.request?.toString() ?? '',
  };
}

export function formatRecordingCsv(rec: Recording, comment?: string): string {
  const head = comment === undefined ? [] : comment.split('\n').map((l) => `# ${l}`);
  const lines = [...head, CSV_COLUMNS.join(',')];
  for (const r of rec.rows) {
    const f = rowFields(r);
    lines.push(CSV_COLUMNS.map((c) => csvField(f[c])).join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** The JSON form: `{"rows": [{"time": 45, "type": "Pods", …}]}`, the CSV's columns as members. */
export function formatRecordingJson(rec: Recording): string {
  const rows = rec.rows.map((r) => {
    const f = rowFields(r);
    return { ...f, time: Number(f.time) };
  });
  return `${JSON.stringify({ rows }, null, 2)}\n`;
}

/** Line and column of a character offset, for JSON errors. */
function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

/** JSON.parse does not always say where (Node 20); the YAML parser, for which JSON is YAML, does. */
function yamlPosition(text: string): { line: number; column: number } {
  const p = parseDocument(text).errors[0]?.linePos?.[0];
  return p === undefined ? { line: 1, column: 1 } : { line: p.line, column: p.col };
}

/** Where `rows[i]` starts in the text (JSON.stringify-like layouts), else the file's first line. */
function rowPosition(text: string, i: number): { line: number; column: number } {
  let at = text.indexOf('"rows"');
  if (at < 0) return { line: 1, column: 1 };
  at = text.indexOf('[', at);
  for (let k = 0; k <= i && at >= 0; k++) at = text.indexOf('{', at + 1);
  return at < 0 ? { line: 1, column: 1 } : position(text, at);
}

export function parseRecordingJson(text: string, file: string): Result<Recording, RecordingError> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    const m = /position (\d+)/.exec((e as Error).message);
    const at = m === null ? yamlPosition(text) : position(text, Number(m[1]));
    return err(problem('RecordingSyntax', file, at.line, at.column, `not JSON: ${(e as Error).message}`));
  }
  const list = (doc as { rows?: unknown } | null)?.rows;
  if (!Array.isArray(list)) return err(problem('RecordingHeader', file, 1, 1, 'expected an object with a "rows" list'));
  const rows: RecordedRow[] = [];
  for (let i = 0; i < list.length; i++) {
    const o = list[i] as Record<string, unknown> | null;
    const at = rowPosition(text, i);
    if (o === null || typeof o !== 'object' || Array.isArray(o))
      return err(problem('RecordingField', file, at.line, at.column, `rows[${i}]: expected an object`));
    const unknownKey = Object.keys(o).find((k) => !(CSV_COLUMNS as readonly string[]).includes(k));
    if (unknownKey !== undefined)
      return err(problem('RecordingField', file, at.line, at.column, `rows[${i}].${unknownKey}: unknown member`));
    const byName = Object.fromEntries(
      CSV_COLUMNS.map((c) => [c, o[c] === undefined || o[c] === null ? '' : String(o[c] as string | number)]),
    ) as Record<Column, string>;
    const row = parseRow(byName);
    if (!row.ok)
      return err(
        problem('RecordingField', file, at.line, at.column, `rows[${i}].${row.error.column}: ${row.error.message}`),
      );
    rows.push(row.value);
  }
  const order = checkOrder(rows, file, (i) => rowPosition(text, i).line);
  return order === null ? ok({ rows }) : err(order);
}

/** By the file's extension: `.json` is JSON, anything else CSV. */
export function parseRecording(text: string, file: string): Result<Recording, RecordingError> {
  const body = text.replace(/^\uFEFF/, ''); // spreadsheets save CSV with a byte-order mark
  return file.toLowerCase().endsWith('.json') ? parseRecordingJson(body, file) : parseRecordingCsv(body, file);
}
