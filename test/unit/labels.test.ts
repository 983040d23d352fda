import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { LabelSelector } from '../../algorithms/api-types.js';
import {
  type Requirement,
  Selector,
  formatLabelSelectorGo,
  labelSelectorToString,
  parseSelector,
  selectorFromLabelSelector,
} from '../../algorithms/labels.js';

function parse(text: string): Selector {
  const r = parseSelector(text);
  if (!r.ok) throw new Error(`unexpected parse error for ${JSON.stringify(text)}: ${r.error.message}`);
  return r.value;
}

function parseError(text: string): string {
  const r = parseSelector(text);
  if (r.ok) throw new Error(`expected a parse error for ${JSON.stringify(text)}, got ${r.value.toString()}`);
  expect(r.error.text).toBe(text);
  return r.error.message;
}

const LABEL_VALUE_RULE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const KEY_NAME_RULE =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

describe('parseSelector (labels.Parse)', () => {
  it.each(['x=a,y=b,z=c', '', 'x!=a,y=b', 'x=', 'x= ', 'x=,z= ', 'x= ,z= ', '!x', 'x>1', 'x>1,z<5'])(
    'round-trips %j to its text without spaces (TestSelectorParse)',
    (text) => {
      expect(parse(text).toString()).toBe(text.replaceAll(' ', ''));
    },
  );

  it.each(['x=a||y=b', 'x==a==b', '!x=a', 'x<a'])('rejects %j (TestSelectorParse)', (text) => {
    expect(parseSelector(text).ok).toBe(false);
  });

  it('parses deterministically whatever the order (TestDeterministicParse)', () => {
    expect(parse('x=a,a=x').toString()).toBe(parse('a=x,x=a').toString());
    expect(parse('x=a,a=x').toString()).toBe('a=x,x=a');
  });

  it.each([
    ['', ''],
    ['\rx', 'x'],
    ['this-is-a-dns.domain.com/key-with-dash', 'this-is-a-dns.domain.com/key-with-dash'],
    [
      'this-is-another-dns.domain.com/key-with-dash in (so,what)',
      'this-is-another-dns.domain.com/key-with-dash in (so,what)',
    ],
    ['0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)', '0.1.2.domain/99 notin (10.10.100.1,tick.tack.clock)'],
    ['foo  in\t (abc)', 'foo in (abc)'],
    ['x notin\n (abc)', 'x notin (abc)'],
    ['x  notin\t\t\t(abc,def)', 'x notin (abc,def)'],
    ['x in (abc,def)', 'x in (abc,def)'],
    ['x in (abc,)', 'x in (,abc)'],
    ['x in ()', 'x in ()'],
    ['x notin (abc,def),bar,z in (),w', 'bar,w,x notin (abc,def),z in ()'],
    ['x,y in (a)', 'x,y in (a)'],
    ['x=a', 'x=a'],
    ['x>1', 'x>1'],
    ['x<7', 'x<7'],
    ['x=a,y!=b', 'x=a,y!=b'],
    ['x=a,y!=b,z in (h,i,j)', 'x=a,y!=b,z in (h,i,j)'],
    ['x,y', 'x,y'],
    ['x notin ( )', 'x notin ()'],
    ['x notin (, a)', 'x notin (,a)'],
    ['a ', 'a'],
    ['a in (x,y,notin, z,in)', 'a in (in,notin,x,y,z)'],
    ['x in (b,a,b)', 'x in (a,b)'],
    ['x==a', 'x==a'],
    ['in in (in)', 'in in (in)'],
    ['notin=in', 'notin=in'],
    ['!a,a', '!a,a'],
    ['key>2', 'key>2'],
    ['key<1', 'key<1'],
    ['x in (a),x notin (b)', 'x in (a),x notin (b)'],
  ])('parses %j as %j (TestSetSelectorParser)', (text, canonical) => {
    expect(parse(text).toString()).toBe(canonical);
  });

  it('sorts requirements by key and keeps values sorted and unique', () => {
    const s = parse('z=1,a in (c,b,a,b),m');
    expect(s.requirements.map((r) => r.key)).toEqual(['a', 'm', 'z']);
    expect(s.requirements[0]).toEqual({ key: 'a', operator: 'in', values: ['a', 'b', 'c'] });
    expect(s.requirements[1]).toEqual({ key: 'm', operator: 'exists', values: [] });
    expect(s.requirements[2]).toEqual({ key: 'z', operator: '=', values: ['1'] });
  });

  it.each([
    ['cheddar cheese', "unable to parse requirement: found 'cheese', expected: in, notin, =, ==, !=, gt, lt"],
    ['x nott in (y)', "unable to parse requirement: found 'nott', expected: in, notin, =, ==, !=, gt, lt"],
    ['x==a==b', "found '==', expected: ',' or 'end of string'"],
    ['!x=a', "found '=', expected: ',' or 'end of string'"],
    ['a in (xyz)b notin ()', "found 'b', expected: ',' or 'end of string'"],
    [',x,y', "found ',', expected: !, identifier, or 'end of string'"],
    ['(', "found '(', expected: !, identifier, or 'end of string'"],
    ['a in (xyz),', "found '', expected: identifier after ','"],
    ['x,=a', "found '=', expected: identifier after ','"],
    ['a in (xyz abc)', "unable to parse requirement: found 'abc', expected: ',' or ')'"],
    ['a notin(', "unable to parse requirement: found '', expected: ',', ')' or identifier"],
    ['a in (=)', "unable to parse requirement: found '=', expected: ',', ')' or identifier"],
    ['a in (x,=)', "unable to parse requirement: found '=', expected: ',', or identifier"],
    ['a in x', "unable to parse requirement: found 'x' expected: '('"],
    ['a (', "unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt"],
    ['!', "unable to parse requirement: found '', expected: identifier"],
    ['!=a', "found '!=', expected: !, identifier, or 'end of string'"],
    ['x=(', "unable to parse requirement: found '(', expected: identifier"],
    [
      'x<a',
      "unable to parse requirement: values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must be an integer",
    ],
    ['x=a&b', `unable to parse requirement: values[0][x]: Invalid value: "a&b": ${LABEL_VALUE_RULE}`],
    ['x>-1', `unable to parse requirement: values[0][x]: Invalid value: "-1": ${LABEL_VALUE_RULE}`],
    [
      'x>a&b',
      `unable to parse requirement: [values[0]: Invalid value: "a&b": for 'Gt', 'Lt' operators, the value must be an integer, values[0][x]: Invalid value: "a&b": ${LABEL_VALUE_RULE}]`,
    ],
    ['a:=b', `unable to parse requirement: <nil>: Invalid value: "a:": ${KEY_NAME_RULE}`],
    ['-a', `unable to parse requirement: <nil>: Invalid value: "-a": ${KEY_NAME_RULE}`],
    ['/a', 'unable to parse requirement: <nil>: Invalid value: "/a": prefix part must be non-empty'],
    [
      'a/b/c',
      "unable to parse requirement: <nil>: Invalid value: \"a/b/c\": a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ],
    [
      'Example.com/a',
      "unable to parse requirement: <nil>: Invalid value: \"Example.com/a\": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ],
    [
      `${'a'.repeat(64)}`,
      `unable to parse requirement: <nil>: Invalid value: "${'a'.repeat(64)}": name part must be no more than 63 bytes`,
    ],
    [
      `x=${'v'.repeat(64)}`,
      `unable to parse requirement: values[0][x]: Invalid value: "${'v'.repeat(64)}": must be no more than 63 bytes`,
    ],
  ])('reports %j as %j', (text, message) => {
    expect(parseError(text)).toBe(message);
  });

  it("ends the input at a NUL character, as upstream's lexer does", () => {
    expect(parse('a=b \u0000junk').toString()).toBe('a=b');
    expect(parseError('a=b\u0000junk')).toBe("found 'junk', expected: ',' or 'end of string'");
  });

  it('takes the longest operator token and splits the rest off', () => {
    expect(parse('x!=a').requirements[0].operator).toBe('!=');
    expect(parse('x==a').requirements[0].operator).toBe('==');
    expect(parseError('x=!a')).toBe("unable to parse requirement: found '!', expected: identifier");
  });
});

describe('Selector.matches', () => {
  it.each([
    ['', { x: 'y' }, true],
    ['x=y', { x: 'y' }, true],
    ['x=y,z=w', { x: 'y', z: 'w' }, true],
    ['x!=y,z!=w', { x: 'z', z: 'a' }, true],
    ['notin=in', { notin: 'in' }, true],
    ['x', { x: 'z' }, true],
    ['!x', { y: 'z' }, true],
    ['x>1', { x: '2' }, true],
    ['x<1', { x: '0' }, true],
    ['x=z', {}, false],
    ['x=y', { x: 'z' }, false],
    ['x=y,z=w', { x: 'w', z: 'w' }, false],
    ['x!=y,z!=w', { x: 'z', z: 'w' }, false],
    ['x', { y: 'z' }, false],
    ['!x', { x: 'z' }, false],
    ['x>1', { x: '0' }, false],
    ['x<1', { x: '2' }, false],
    ['foo=bar', { foo: 'bar', baz: 'blah' }, true],
    ['baz=blah', { foo: 'bar', baz: 'blah' }, true],
    ['foo=bar,baz=blah', { foo: 'bar', baz: 'blah' }, true],
    ['foo=blah', { foo: 'bar', baz: 'blah' }, false],
    ['baz=bar', { foo: 'bar', baz: 'blah' }, false],
    ['foo=bar,foobar=bar,baz=blah', { foo: 'bar', baz: 'blah' }, false],
    // TestRequirementSelectorMatching
    ['x in (foo),y notin (alpha)', { x: 'foo', y: 'baz' }, true],
    ['x in (foo),y in (alpha)', { x: 'foo', y: 'baz' }, false],
    ['x notin (),y', { y: '' }, true],
    ['!x,y', { y: '' }, true],
    ['x notin (),!y', { y: '' }, false],
    ['x in ()', { y: 'baz' }, false],
    ['z>1', { z: '2' }, true],
    ['z>1', { z: 'v2' }, false],
    // more
    ['x in (a,b,c)', { x: 'b' }, true],
    ['x in (a,b,c)', { x: 'd' }, false],
    ['x notin (a,b,c)', { x: 'd' }, true],
    ['x notin (a,b,c)', {}, true],
    ['x in ()', { x: '' }, true],
    ['x=', { x: '' }, true],
    ['x=', {}, false],
    ['x>9223372036854775806', { x: '9223372036854775807' }, true],
    ['x>1', { x: '9223372036854775808' }, false],
    ['x<1', { x: '-5' }, true],
    ['x<1', { x: '+0' }, true],
    ['x<1', { x: '' }, false],
    ['x>1', { x: '1_0' }, false],
  ] as const)('%j matches %j: %s', (text, labels, expected) => {
    expect(parse(text).matches(labels)).toBe(expected);
  });

  it('does not see inherited object properties as labels', () => {
    expect(parse('constructor').matches({})).toBe(false);
    expect(parse('!constructor').matches({})).toBe(true);
    expect(parse('toString!=x').matches({})).toBe(true);
    expect(parse('hasOwnProperty in (a)').matches({})).toBe(false);
    expect(parse('constructor=a').matches({ constructor: 'a' })).toBe(true);
  });

  it('treats undefined labels as an empty set', () => {
    expect(parse('').matches(undefined)).toBe(true);
    expect(parse('!x').matches(undefined)).toBe(true);
    expect(parse('x').matches(undefined)).toBe(false);
  });

  it('everything matches all and is empty; nothing matches none and is not empty', () => {
    expect(Selector.everything().matches({ a: 'b' })).toBe(true);
    expect(Selector.everything().matches(undefined)).toBe(true);
    expect(Selector.everything().isEmpty()).toBe(true);
    expect(Selector.everything().toString()).toBe('');
    expect(Selector.nothing().matches({})).toBe(false);
    expect(Selector.nothing().matches({ a: 'b' })).toBe(false);
    expect(Selector.nothing().isEmpty()).toBe(false);
    expect(Selector.nothing().toString()).toBe('');
    expect(parse('').isEmpty()).toBe(true);
    expect(parse('a').isEmpty()).toBe(false);
  });
});

describe('Selector.toString (TestToString)', () => {
  const r = (key: string, operator: Requirement['operator'], values: string[] = []): Requirement => ({
    key,
    operator,
    values,
  });

  it.each([
    [[r('x', 'in', ['abc', 'def']), r('y', 'notin', ['jkl']), r('z', 'exists')], 'x in (abc,def),y notin (jkl),z'],
    [[r('x', 'notin', ['abc', 'def']), r('y', '!=', ['jkl']), r('z', '!')], 'x notin (abc,def),y!=jkl,!z'],
    [
      [r('x', 'notin', ['abc']), r('y', 'in', ['jkl', 'mno']), r('z', 'notin', [''])],
      'x notin (abc),y in (jkl,mno),z notin ()',
    ],
    [[r('x', '=', ['abc']), r('y', '==', ['jkl']), r('z', '!=', ['a']), r('z', 'exists')], 'x=abc,y==jkl,z!=a,z'],
    [[r('x', 'gt', ['2']), r('y', 'lt', ['8']), r('z', 'exists')], 'x>2,y<8,z'],
    [[r('z', 'in', ['b', 'a']), r('a', '=', ['1'])], 'a=1,z in (a,b)'],
  ])('prints %j as %j', (requirements, text) => {
    const selector = Selector.fromRequirements(requirements);
    expect(selector.toString()).toBe(text);
    expect(parse(text).toString()).toBe(text);
  });

  it('does not reorder the values it was given', () => {
    const selector = Selector.fromRequirements([r('k', 'in', ['b', 'a'])]);
    expect(selector.requirements[0].values).toEqual(['b', 'a']);
    expect(selector.toString()).toBe('k in (a,b)');
  });
});

describe('selectorFromLabelSelector (LabelSelectorAsSelector)', () => {
  it('selects nothing for null/undefined and everything for {}', () => {
    for (const ls of [null, undefined]) {
      const r = selectorFromLabelSelector(ls);
      expect(r.ok && r.value.matches({})).toBe(false);
    }
    for (const ls of [{}, { matchLabels: {}, matchExpressions: [] }, { matchLabels: null, matchExpressions: null }]) {
      const r = selectorFromLabelSelector(ls);
      expect(r.ok && r.value.isEmpty() && r.value.matches({ a: 'b' })).toBe(true);
    }
  });

  it.each([
    [{ matchLabels: { app: 'web', tier: 'front' } }, 'app=web,tier=front'],
    [{ matchLabels: { b: '2', a: '1' } }, 'a=1,b=2'],
    [{ matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'dev'] }] }, 'env in (dev,prod)'],
    [{ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['b', 'a', 'b'] }] }, 'env notin (a,b,b)'],
    [{ matchExpressions: [{ key: 'env', operator: 'Exists' }] }, 'env'],
    [{ matchExpressions: [{ key: 'env', operator: 'DoesNotExist', values: [] }] }, '!env'],
    [
      {
        matchLabels: { z: 'z' },
        matchExpressions: [
          { key: 'a', operator: 'Exists' },
          { key: 'm', operator: 'In', values: ['x'] },
        ],
      },
      'a,m in (x),z=z',
    ],
  ] as const)('%j prints as %j', (ls, text) => {
    const r = selectorFromLabelSelector(ls);
    expect(r.ok && r.value.toString()).toBe(text);
    expect(labelSelectorToString(ls)).toBe(text);
  });

  it('matches like the equivalent selector string', () => {
    const r = selectorFromLabelSelector({
      matchLabels: { app: 'web' },
      matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['dev'] }],
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.matches({ app: 'web' })).toBe(true);
    expect(r.value.matches({ app: 'web', env: 'prod' })).toBe(true);
    expect(r.value.matches({ app: 'web', env: 'dev' })).toBe(false);
    expect(r.value.matches({ env: 'prod' })).toBe(false);
  });

  it.each([
    [
      { matchExpressions: [{ key: 'k', operator: 'Foo', values: ['a'] }] },
      '"Foo" is not a valid pod selector operator',
    ],
    [{ matchExpressions: [{ key: 'k', operator: 'in', values: ['a'] }] }, '"in" is not a valid pod selector operator'],
    [
      { matchExpressions: [{ key: 'k', operator: 'In', values: [] }] },
      "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty",
    ],
    [
      { matchExpressions: [{ key: 'k', operator: 'NotIn' }] },
      "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty",
    ],
    [
      { matchExpressions: [{ key: 'k', operator: 'Exists', values: ['a', 'b'] }] },
      'values: Invalid value: []string{"a", "b"}: values set must be empty for exists and does not exist',
    ],
    [{ matchLabels: { 'a b': 'c' } }, `key: Invalid value: "a b": ${KEY_NAME_RULE}`],
    [{ matchLabels: { a: 'b c' } }, `values[0][a]: Invalid value: "b c": ${LABEL_VALUE_RULE}`],
    [
      { matchLabels: { 'a b': 'c d' } },
      `[key: Invalid value: "a b": ${KEY_NAME_RULE}, values[0][a b]: Invalid value: "c d": ${LABEL_VALUE_RULE}]`,
    ],
  ] as const)('rejects %j with %j', (ls, message) => {
    const r = selectorFromLabelSelector(ls as unknown as LabelSelector);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.message).toBe(message);
      expect(r.error.text).toBe(JSON.stringify(ls));
    }
    expect(labelSelectorToString(ls as unknown as LabelSelector)).toBe('');
  });

  it('returns "" for null and {} selectors', () => {
    expect(labelSelectorToString(null)).toBe('');
    expect(labelSelectorToString(undefined)).toBe('');
    expect(labelSelectorToString({})).toBe('');
  });
});

describe('formatLabelSelectorGo (%+v of *LabelSelector, R1.13.3)', () => {
  it.each([
    [null, 'nil'],
    [undefined, 'nil'],
    [{}, '&LabelSelector{MatchLabels:map[string]string{},MatchExpressions:[]LabelSelectorRequirement{},}'],
    [
      { matchLabels: { label: 'value' } },
      '&LabelSelector{MatchLabels:map[string]string{label: value,},MatchExpressions:[]LabelSelectorRequirement{},}',
    ],
    [
      { matchLabels: { k2: 'v2', k1: 'v1' }, matchExpressions: [{ key: 'k', operator: 'In', values: ['a', 'b'] }] },
      '&LabelSelector{MatchLabels:map[string]string{k1: v1,k2: v2,},MatchExpressions:[]LabelSelectorRequirement{LabelSelectorRequirement{Key:k,Operator:In,Values:[a b],},},}',
    ],
    [
      {
        matchExpressions: [
          { key: 'a', operator: 'Exists' },
          { key: 'b', operator: 'NotIn', values: ['y', 'x'] },
        ],
      },
      '&LabelSelector{MatchLabels:map[string]string{},MatchExpressions:[]LabelSelectorRequirement{LabelSelectorRequirement{Key:a,Operator:Exists,Values:[],},LabelSelectorRequirement{Key:b,Operator:NotIn,Values:[y x],},},}',
    ],
  ] as const)('%j → %s', (ls, text) => {
    expect(formatLabelSelectorGo(ls)).toBe(text);
  });
});

// ---- properties ----

const arbKey = fc.constantFrom('a', 'b', 'app', 'in', 'notin', 'k8s.io/name', 'x.y-z_1', 'example.com/tier', 'A1');
const arbValue = fc.constantFrom('', 'v', 'web', 'prod', 'in', 'notin', '1', '42', 'a.b-c_d', 'Z9');
const arbInt = fc.integer({ min: 0, max: 1000 }).map(String);
const arbRequirementText = fc.oneof(
  fc.tuple(arbKey, fc.constantFrom('=', '==', '!='), arbValue).map(([k, op, v]) => `${k}${op}${v}`),
  fc
    .tuple(arbKey, fc.constantFrom(' in ', ' notin '), fc.array(arbValue, { minLength: 1, maxLength: 4 }))
    .map(([k, op, vs]) => `${k}${op}(${vs.join(', ')})`),
  arbKey,
  arbKey.map((k) => `!${k}`),
  fc.tuple(arbKey, fc.constantFrom('>', '<'), arbInt).map(([k, op, v]) => `${k}${op}${v}`),
);
const arbSelectorText = fc.array(arbRequirementText, { maxLength: 5 }).map((reqs) => reqs.join(' , '));
const arbLabels = fc.dictionary(arbKey, fc.oneof(arbValue, arbInt), { maxKeys: 6 });

describe('selector properties', () => {
  it('parseSelector(s.toString()) prints the same and matches the same label sets', () => {
    fc.assert(
      fc.property(arbSelectorText, fc.array(arbLabels, { minLength: 1, maxLength: 8 }), (text, labelSets) => {
        const s = parse(text);
        const again = parse(s.toString());
        expect(again.toString()).toBe(s.toString());
        for (const labels of labelSets) expect(again.matches(labels)).toBe(s.matches(labels));
      }),
      { numRuns: 2000 },
    );
  });

  it('a LabelSelector and the string of its selector select the same label sets', () => {
    const arbExpression = fc
      .record({
        key: arbKey,
        operator: fc.constantFrom('In', 'NotIn', 'Exists', 'DoesNotExist'),
        values: fc.uniqueArray(arbValue, { minLength: 1, maxLength: 3 }),
      })
      .map((e) =>
        e.operator === 'Exists' || e.operator === 'DoesNotExist' ? { key: e.key, operator: e.operator } : e,
      );
    const arbLabelSelector = fc.record({
      matchLabels: fc.dictionary(arbKey, arbValue, { maxKeys: 3 }),
      matchExpressions: fc.array(arbExpression, { maxLength: 3 }),
    });
    fc.assert(
      fc.property(arbLabelSelector, fc.array(arbLabels, { minLength: 1, maxLength: 8 }), (ls, labelSets) => {
        const r = selectorFromLabelSelector(ls);
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        const reparsed = parse(r.value.toString());
        expect(reparsed.toString()).toBe(r.value.toString());
        for (const labels of labelSets) expect(reparsed.matches(labels)).toBe(r.value.matches(labels));
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps duplicate LabelSelector values in the string, which re-parses without them (as upstream)', () => {
    const r = selectorFromLabelSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: ['', ''] }] });
    expect(r.ok && r.value.toString()).toBe('a in (,)');
    expect(parse('a in (,)').toString()).toBe('a in ()');
    expect(r.ok && r.value.matches({ a: '' })).toBe(true);
  });

  it('matches is the AND of its requirements', () => {
    fc.assert(
      fc.property(arbSelectorText, arbLabels, (text, labels) => {
        const s = parse(text);
        const each = s.requirements.every((req) => Selector.fromRequirements([req]).matches(labels));
        expect(s.matches(labels)).toBe(each);
      }),
      { numRuns: 1000 },
    );
  });
});
