/** The CEL subset evaluator the CRD tests run the x-kubernetes-validations rules with (support/cel.ts). */
import { describe, expect, it } from '@jest/globals';
import { CelError, compile } from './support/cel.js';

const run = (rule: string, self: unknown): unknown => compile(rule)({ self });

describe('the CEL subset evaluator', () => {
  it('selects fields, and fails on an absent one unless has() guards it, as CEL does', () => {
    expect(run('self.a.b', { a: { b: 3 } })).toBe(3);
    expect(() => run('self.a.c', { a: { b: 3 } })).toThrow(new CelError('no such key: c'));
    expect(run('has(self.a.c)', { a: { b: 3 } })).toBe(false);
    expect(run('!has(self.c) || self.c > 1', { a: 1 })).toBe(true);
  });

  it('absorbs an error on one side of || and && when the other side decides', () => {
    expect(run('self.missing > 1 || true', {})).toBe(true);
    expect(run('false && self.missing > 1', {})).toBe(false);
    expect(() => run('self.missing > 1 || false', {})).toThrow(CelError);
  });

  it('evaluates ternaries, arithmetic and comparisons with C-like precedence', () => {
    expect(run("self.t == 'A' ? 1 : self.t == 'B' ? 2 : 3", { t: 'B' })).toBe(2);
    expect(run('(true ? 1 : 0) + (false ? 1 : 0) + 1 <= 1', {})).toBe(false);
    expect(run('1 + 2 * 3 == 7 && 7 / 2 == 3 && 7 % 2 == 1', {})).toBe(true);
    expect(run('-self.x < 0', { x: 2 })).toBe(true);
  });

  it('runs the list macros and functions the rules use', () => {
    const self = { metrics: [{ type: 'Pods' }, { type: 'External' }] };
    expect(run("self.metrics.exists(m, m.type == 'Object' || m.type == 'External')", self)).toBe(true);
    expect(run("self.metrics.all(m, m.type == 'Pods')", self)).toBe(false);
    expect(run("self.metrics.exists_one(m, m.type == 'Pods')", self)).toBe(true);
    expect(run("self.metrics.filter(m, m.type == 'Pods').size() == 1 && size(self.metrics) == 2", self)).toBe(true);
    expect(run("self.metrics.map(m, m.type) == ['Pods', 'External']", self)).toBe(true);
    expect(run("'External' in self.metrics.map(m, m.type)", self)).toBe(true);
    expect(
      run("string(self.v).matches('^[0-9]+m$') && self.s.startsWith('ab') && self.s.contains('c')", {
        v: '500m',
        s: 'abc',
      }),
    ).toBe(true);
  });

  it('rejects what does not parse', () => {
    expect(() => compile('self.a ==')).toThrow(CelError);
    expect(() => compile('self.a = 1')).toThrow(CelError);
    expect(() => compile("'unterminated")).toThrow(CelError);
  });

  it('reports type mismatches at run time (CEL would at compile time)', () => {
    expect(() => run("self.a + 'x'", { a: 1 })).toThrow(/no such overload/);
    expect(() => run('self.a ? 1 : 2', { a: 1 })).toThrow(/no such overload/);
  });
});
