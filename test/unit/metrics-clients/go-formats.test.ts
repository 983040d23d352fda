import { describe, expect, it } from '@jest/globals';
import { formatGoDuration, parseGoDurationNanos, parseGoDurationSeconds } from '../../../algorithms/index.js';
import { parsePromDurationMs } from '../../../metrics-clients/shared/durations.js';
import { formatPromTime } from '../../../metrics-clients/prometheus/http-api.js';
import { goEncodeQuery, goPathEscape, goQueryEscape } from '../../../transport/index.js';
import { compareGoStrings } from '../../../algorithms/labels-syntax.js';
import { compileGoRegexp, expandGo, findSubmatch, matchString } from '../../../metrics-clients/prometheus/go-regexp.js';

describe('Go text on the wire', () => {
  it('form-encodes like url.QueryEscape: only [A-Za-z0-9-_.~] survive, space is +', () => {
    expect(goQueryEscape('app=sample-httpserver')).toBe('app%3Dsample-httpserver');
    expect(goQueryEscape('env in (a,b),!x')).toBe('env+in+%28a%2Cb%29%2C%21x');
    expect(goQueryEscape('a*b~c')).toBe('a%2Ab~c');
  });

  it('sorts query parameters by key and omits undefined ones (url.Values.Encode)', () => {
    expect(
      goEncodeQuery([
        ['metricLabelSelector', 'verb=GET'],
        ['labelSelector', 'app=x'],
        ['empty', undefined],
      ]),
    ).toBe('labelSelector=app%3Dx&metricLabelSelector=verb%3DGET');
    expect(
      goEncodeQuery([
        ['time', '1'],
        ['query', 'up'],
      ]),
    ).toBe('query=up&time=1');
  });

  it('escapes the * path segment as %2A, as client-go sends pods/*/metric', () => {
    expect(goPathEscape('*')).toBe('%2A');
    expect(goPathEscape('requests-per-second')).toBe('requests-per-second');
    expect(goPathEscape('a b')).toBe('a%20b');
  });

  it('prints Prometheus times as seconds with at most three decimals', () => {
    expect(formatPromTime(1695018199504)).toBe('1695018199.504');
    expect(formatPromTime(1695018199500)).toBe('1695018199.5');
    expect(formatPromTime(1695018200000)).toBe('1695018200');
  });

  it('orders strings byte-wise', () => {
    expect(compareGoStrings('a', 'b')).toBeLessThan(0);
    expect(compareGoStrings('Z', 'a')).toBeLessThan(0);
  });
});

describe('durations', () => {
  it('parses metrics.k8s.io windows exactly', () => {
    expect(parseGoDurationSeconds('30s')).toEqual({ ok: true, value: 30 });
    expect(parseGoDurationSeconds('1m0s')).toEqual({ ok: true, value: 60 });
    expect(parseGoDurationSeconds('15.5s')).toEqual({ ok: true, value: 15.5 });
    expect(parseGoDurationSeconds('100ms')).toEqual({ ok: true, value: 0.1 });
    expect(parseGoDurationSeconds('1h2m3.5s')).toEqual({ ok: true, value: 3723.5 });
    expect(parseGoDurationNanos('1.000000001s')).toEqual({ ok: true, value: 1_000_000_001n });
    expect(parseGoDurationSeconds('0')).toEqual({ ok: true, value: 0 });
  });

  it('rejects what time.ParseDuration rejects, with its wording', () => {
    expect(parseGoDurationSeconds('30')).toEqual({ ok: false, error: 'time: missing unit in duration "30"' });
    expect(parseGoDurationSeconds('1d')).toEqual({ ok: false, error: 'time: unknown unit "d" in duration "1d"' });
    expect(parseGoDurationSeconds('')).toEqual({ ok: false, error: 'time: invalid duration ""' });
    expect(parseGoDurationSeconds('.s')).toEqual({ ok: false, error: 'time: invalid duration ".s"' });
  });

  it('prints durations as Go does', () => {
    expect(formatGoDuration(60)).toBe('1m0s');
    expect(formatGoDuration(30)).toBe('30s');
    expect(formatGoDuration(15.5)).toBe('15.5s');
    expect(formatGoDuration(0.1)).toBe('100ms');
    expect(formatGoDuration(3600)).toBe('1h0m0s');
    expect(formatGoDuration(0)).toBe('0s');
  });

  it('parses Prometheus durations (resourceRules.window)', () => {
    expect(parsePromDurationMs('5m')).toEqual({ ok: true, value: 300_000 });
    expect(parsePromDurationMs('1h30m')).toEqual({ ok: true, value: 5_400_000 });
    expect(parsePromDurationMs('1d')).toEqual({ ok: true, value: 86_400_000 });
    expect(parsePromDurationMs('5x').ok).toBe(false);
  });
});

describe('Go regular expressions', () => {
  it('searches unanchored and expands ${1}', () => {
    const re = compileGoRegexp('(.*)_total');
    if (!re.ok) throw new Error(re.error);
    const m = findSubmatch(re.value, 'http_requests_total');
    expect(m).not.toBeNull();
    expect(expandGo('${1}_qps', m as RegExpExecArray)).toBe('http_requests_qps');
  });

  it('reads $1_qps as the (empty) group named 1_qps, as Regexp.Expand does', () => {
    const re = compileGoRegexp('(.*)_total');
    if (!re.ok) throw new Error(re.error);
    expect(expandGo('$1_qps', findSubmatch(re.value, 'x_total') as RegExpExecArray)).toBe('');
    expect(expandGo('$1', findSubmatch(re.value, 'x_total') as RegExpExecArray)).toBe('x');
    expect(expandGo('$$1', findSubmatch(re.value, 'x_total') as RegExpExecArray)).toBe('$1');
  });

  it('supports (?P<name>…), leading flags and POSIX classes', () => {
    const re = compileGoRegexp('(?i)^(?P<svc>[[:alpha:]]+)_TOTAL$');
    if (!re.ok) throw new Error(re.error);
    expect(re.value.groups).toBe(1);
    const m = findSubmatch(re.value, 'Http_total') as RegExpExecArray;
    expect(expandGo('${svc}', m)).toBe('Http');
    expect(matchString(re.value, 'http_total_x')).toBe(false);
  });

  it('refuses what JS cannot express instead of matching differently', () => {
    expect(compileGoRegexp('(?U)a+').ok).toBe(false);
    expect(compileGoRegexp('a(?i:b)').ok).toBe(false);
    expect(compileGoRegexp('(').ok).toBe(false);
  });
});
