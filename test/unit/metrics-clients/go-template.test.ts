import { describe, expect, it } from '@jest/globals';
import { GoMap, GoStruct, compileTemplate } from '../../../metrics-clients/prometheus/go-template.js';

const args = new GoStruct('naming.queryTemplateArgs', {
  Series: 'http_requests_total',
  LabelMatchers: 'namespace="default",pod=~"a|b"',
  LabelValuesByName: GoMap.of({ pod: 'a|b', namespace: 'default' }),
  GroupBy: 'pod,container',
  GroupBySlice: ['pod', 'container'],
});

function run(src: string): string {
  const t = compileTemplate('metrics-query', src);
  if (!t.ok) return `PARSE: ${t.error}`;
  const out = t.value.execute(args);
  return out.ok ? out.value : `EXEC: ${out.error}`;
}

describe('adapter metricsQuery templates (Go text/template with << >>)', () => {
  it('substitutes fields', () => {
    expect(run('sum(rate(<<.Series>>{<<.LabelMatchers>>}[2m])) by (<<.GroupBy>>)')).toBe(
      'sum(rate(http_requests_total{namespace="default",pod=~"a|b"}[2m])) by (pod,container)',
    );
  });

  it('prints maps and slices as fmt %v does, and a missing map key as <no value>', () => {
    expect(run('<<.LabelValuesByName>>|<<.GroupBySlice>>|<<.LabelValuesByName.nope>>')).toBe(
      'map[namespace:default pod:a|b]|[pod container]|<no value>',
    );
  });

  it('indexes maps and slices', () => {
    expect(run('<<index .LabelValuesByName "pod">>,<<index .GroupBySlice 1>>,<<index .LabelValuesByName "x">>.')).toBe(
      'a|b,container,.',
    );
  });

  it('ranges with index and value, and joins by hand (there is no join function)', () => {
    expect(run('<<range $i, $l := .GroupBySlice>><<if $i>>,<<end>><<$l>><<end>>')).toBe('pod,container');
    expect(run('<<range .GroupBySlice>>[<<.>>]<<else>>none<<end>>')).toBe('[pod][container]');
    expect(run('<<join .GroupBySlice ",">>')).toBe('PARSE: template: metrics-query:1: function "join" not defined');
  });

  it('supports if/else if/else, with, pipelines, printf and comparisons', () => {
    expect(run('<<if eq .Series "x">>X<<else if eq .Series "http_requests_total">>H<<else>>O<<end>>')).toBe('H');
    expect(run('<<with .Series>><<.>><<end>>')).toBe('http_requests_total');
    expect(run('<<.Series | printf "%s!">> <<printf "%q" .GroupBy>> <<len .GroupBySlice>>')).toBe(
      'http_requests_total! "pod,container" 2',
    );
    expect(run('<<if and (ne .GroupBy "") (not false)>>yes<<end>>')).toBe('yes');
  });

  it('trims around <<- and ->> and drops comments', () => {
    expect(run('a  <<- /* note */ ->>  b <<- .Series ->>  c')).toBe('abhttp_requests_totalc');
  });

  it('reports unknown fields like text/template does', () => {
    expect(run('x <<.Nope>>')).toBe(
      'EXEC: template: metrics-query:1:4: executing "metrics-query" at <.Nope>: can\'t evaluate field Nope in type naming.queryTemplateArgs',
    );
  });

  it('reports unbalanced blocks at parse time', () => {
    expect(run('<<if .Series>>x')).toBe('PARSE: template: metrics-query:1: unexpected EOF');
    expect(run('<<end>>')).toBe('PARSE: template: metrics-query:1: unexpected {{end}}');
  });
});
