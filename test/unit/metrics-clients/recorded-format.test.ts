import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { Quantity } from '../../../algorithms/index.js';
import { recorded } from '../../../metrics-clients/index.js';

const HEADER = 'time,type,metric,selector,pod,value,request';

function parse(body: string, file = 'rec.csv'): ReturnType<typeof recorded.parseRecordingCsv> {
  return recorded.parseRecordingCsv(`${HEADER}\n${body}\n`, file);
}

function errorOf(body: string): string {
  const r = parse(body);
  if (r.ok) throw new Error('expected an error');
  return recorded.formatRecordingError(r.error);
}

describe('the recorded CSV format', () => {
  it('reads per-pod rows, a pod without a value, External rows and Replicas rows', () => {
    const r = parse(
      [
        '0,Replicas,,,,2,',
        '0,Pods,http_requests_qps,,web-a,500m,',
        '0,Pods,http_requests_qps,,web-b,,',
        '0,External,queue,"app=a,tier in (x,y)",,30,',
        '15,Resource,cpu,,web-a,250m,500m',
      ].join('\n'),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.rows).toHaveLength(5);
    expect(r.value.rows[2].value).toBeNull();
    expect(r.value.rows[3].selector).toBe('app=a,tier in (x,y)');
    expect(r.value.rows[4].request?.toString()).toBe('500m');
  });

  it('reads a CSV saved with a byte-order mark, and JSON by the file name', () => {
    expect(recorded.parseRecording(`\uFEFF${HEADER}\n0,Replicas,,,,1,\n`, 'sheet.csv').ok).toBe(true);
    expect(recorded.parseRecording('{"rows": [{"time": 0, "type": "Replicas", "value": 1}]}', 'R.JSON').ok).toBe(true);
  });

  it('skips comments and blank lines', () => {
    expect(
      recorded.parseRecordingCsv(`# recorded by hand\n\n${HEADER}\n# a note\n0,Replicas,,,,1,\n`, 'f.csv').ok,
    ).toBe(true);
  });

  it('names the file, line and column of a value that is not a quantity', () => {
    expect(errorOf('0,Pods,m,,web-a,lots,')).toBe('rec.csv:2:17: value "lots" is not a quantity');
  });

  it('names an unknown type, a bad time, a bad selector and a missing pod', () => {
    expect(errorOf('0,Podz,m,,web-a,1,')).toMatch(/^rec\.csv:2:3: type "Podz" is not one of Resource, /);
    expect(errorOf('-1,Pods,m,,web-a,1,')).toBe('rec.csv:2:1: time "-1" is not a number of seconds ≥ 0');
    expect(errorOf('0,Pods,m,a b c,web-a,1,')).toMatch(/^rec\.csv:2:10: selector "a b c": /);
    expect(errorOf('0,Pods,m,,,1,')).toBe('rec.csv:2:11: pod is required in a Pods row with a value');
    expect(errorOf('0,External,m,,pod-a,1,')).toBe('rec.csv:2:15: a External row names no pod');
  });

  it('refuses a wrong header, a short row, an unterminated quote and rows out of time order', () => {
    expect(recorded.parseRecordingCsv('time,value\n', 'x.csv')).toMatchObject({
      ok: false,
      error: { code: 'RecordingHeader', line: 1 },
    });
    expect(errorOf('0,Pods,m')).toBe('rec.csv:2:1: 3 fields, expected 7');
    expect(errorOf('0,External,"m,,,1,')).toBe('rec.csv:2:12: unterminated quoted field');
    expect(errorOf('15,Replicas,,,,1,\n0,Replicas,,,,1,')).toBe("rec.csv:3:1: time 0 is before the previous row's 15");
    expect(recorded.parseRecordingCsv(`${HEADER}\n`, 'e.csv')).toMatchObject({
      ok: false,
      error: { code: 'RecordingEmpty' },
    });
  });
});

describe('the recorded JSON format', () => {
  it('reads the CSV columns as members and names the row of a bad value with its line', () => {
    const ok = recorded.parseRecordingJson('{"rows": [{"time": 0, "type": "Replicas", "value": "1"}]}', 'r.json');
    expect(ok.ok).toBe(true);
    const bad = recorded.parseRecordingJson(
      '{\n  "rows": [\n    {"time": 0, "type": "Replicas", "value": "1"},\n    {"time": 1, "type": "Pods", "metric": "m", "pod": "a", "value": "x"}\n  ]\n}',
      'r.json',
    );
    expect(bad.ok ? '' : recorded.formatRecordingError(bad.error)).toBe(
      'r.json:4:5: rows[1].value: value "x" is not a quantity',
    );
  });

  it('names the line and column of a syntax error', () => {
    const bad = recorded.parseRecordingJson('{\n  "rows": [,]\n}', 'r.json');
    expect(bad.ok ? '' : recorded.formatRecordingError(bad.error)).toMatch(/^r\.json:2:12: not JSON: /);
  });
});

const arbType = fc.constantFrom(...Object.values(recorded.RecordedType));
const arbName = fc.stringMatching(/^[a-z][a-z0-9_.-]{0,12}$/);
const arbRow = fc
  .record({
    t: fc.integer({ min: 0, max: 1_000_000 }).map((ms) => ms / 1000),
    type: arbType,
    metric: arbName,
    container: arbName,
    selector: fc.constantFrom('', 'verb=GET', 'app in (a,b),tier!=x', '!gone'),
    pod: arbName,
    value: fc.option(fc.bigInt({ min: 0n, max: 10n ** 12n }), { nil: null }),
    request: fc.option(fc.bigInt({ min: 1n, max: 10n ** 9n }), { nil: null }),
  })
  .map((r): recorded.RecordedRow => {
    const perPod = recorded.PER_POD_TYPES.has(r.type);
    const value =
      r.type === 'Replicas' ? Quantity.fromValue(r.value ?? 1n) : r.value === null ? null : Quantity.fromMilli(r.value);
    return {
      t: r.t,
      type: r.type,
      metric: r.type === 'Replicas' ? '' : r.type === 'ContainerResource' ? `${r.container}/${r.metric}` : r.metric,
      selector: r.type === 'Replicas' ? '' : r.selector,
      pod: perPod ? r.pod : '',
      value,
      request: r.request === null ? null : Quantity.fromMilli(r.request),
    };
  });
const arbRecording = fc
  .array(arbRow, { minLength: 1, maxLength: 30 })
  .map((rows) => ({ rows: [...rows].sort((a, b) => a.t - b.t) }));

/** Rows with quantities compared by value (a count may print as `2k` or `2000`). */
function comparable(rec: recorded.Recording): unknown[] {
  return rec.rows.map((r) => ({
    ...r,
    value: r.value?.milliValue().toString() ?? null,
    request: r.request?.milliValue().toString() ?? null,
  }));
}

describe('format → parse round trip (fast-check)', () => {
  it('parses what formatRecordingCsv writes back to the same rows', () => {
    fc.assert(
      fc.property(arbRecording, (rec) => {
        const back = recorded.parseRecordingCsv(recorded.formatRecordingCsv(rec, 'a comment\nover two lines'), 'p.csv');
        expect(back.ok && comparable(back.value)).toEqual(comparable(rec));
      }),
    );
  });

  it('parses what formatRecordingJson writes back to the same rows', () => {
    fc.assert(
      fc.property(arbRecording, (rec) => {
        const back = recorded.parseRecordingJson(recorded.formatRecordingJson(rec), 'p.json');
        expect(back.ok && comparable(back.value)).toEqual(comparable(rec));
      }),
    );
  });

  it('keeps selectors canonical, as the metrics APIs print them', () => {
    const r = parse('0,External,q,"tier!=x,app in (b,a)",,1,');
    expect(r.ok && r.value.rows[0].selector).toBe('app in (a,b),tier!=x');
  });
});

describe('replaying a sample to a different number of pods', () => {
  const row = (pod: string, value: string | null): recorded.RecordedRow => ({
    t: 0,
    type: 'Pods',
    metric: 'm',
    selector: '',
    pod,
    value: value === null ? null : Quantity.parse(value),
    request: null,
  });
  const pods = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `p${i}`, labels: {} }));

  it('hands out the recorded values, missing pods included, when the counts match', () => {
    const out = recorded.distribute([row('a', '600'), row('b', null)], pods(2));
    expect(out.map((o) => o.value?.toString() ?? null)).toEqual(['600', null]);
  });

  it('shares the recorded total evenly when the replay runs more or fewer pods', () => {
    expect(recorded.distribute([row('a', '600'), row('b', null)], pods(4)).map((o) => o.value?.toString())).toEqual([
      '150',
      '150',
      '150',
      '150',
    ]);
    expect(recorded.distribute([row('a', '1'), row('b', '2'), row('c', '3')], pods(1))[0].value?.toString()).toBe('6');
  });
});
