import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { integrate, parseCsvTrace, parseTrace, rpsAt, type LoadTrace } from '../../../simulator/load/index.js';

function trace(raw: unknown): LoadTrace {
  const r = parseTrace(raw, 'load.web');
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

describe('load traces', () => {
  it('a bare number is a constant load', () => {
    expect(rpsAt(trace(250), 1234)).toBe(250);
  });

  it('a step trace holds each value from its time on, and is 0 before the first step', () => {
    const t = trace({
      type: 'step',
      steps: [
        { at: '30s', rps: 1000 },
        { at: '1m30s', rps: 0 },
      ],
    });
    expect([rpsAt(t, 0), rpsAt(t, 30), rpsAt(t, 89.9), rpsAt(t, 90)]).toEqual([0, 1000, 1000, 0]);
  });

  it('a ramp goes linearly from `from` to `to` and then stays', () => {
    const t = trace({ type: 'ramp', from: 100, to: 500, start: '1m', duration: '4m' });
    expect([rpsAt(t, 0), rpsAt(t, 60), rpsAt(t, 180), rpsAt(t, 300), rpsAt(t, 900)]).toEqual([100, 100, 300, 500, 500]);
  });

  it('a spike is the peak for its duration and the base otherwise', () => {
    const t = trace({ type: 'spike', base: 50, peak: 800, at: '5m', duration: '30s' });
    expect([rpsAt(t, 299), rpsAt(t, 300), rpsAt(t, 329), rpsAt(t, 330)]).toEqual([50, 800, 800, 50]);
  });

  it('a sine oscillates around its base and never goes below zero', () => {
    const t = trace({ type: 'sine', base: 100, amplitude: 300, period: '10m' });
    expect(rpsAt(t, 150)).toBeCloseTo(400);
    expect(rpsAt(t, 450)).toBe(0);
  });

  it('a CSV trace interpolates linearly between rows (header and comments skipped)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hpa-ts-trace-'));
    writeFileSync(join(dir, 'load.csv'), 'seconds,rps\n# warm-up\n0,0\n60,600\n120,600\n');
    const r = parseTrace({ type: 'csv', file: 'load.csv' }, 'load.web', dir);
    if (!r.ok) throw new Error(r.error);
    expect([rpsAt(r.value, 30), rpsAt(r.value, 90), rpsAt(r.value, 500)]).toEqual([300, 600, 600]);
  });

  it('a CSV trace row may use a semicolon or a tab, and quote its fields', () => {
    const r = parseCsvTrace('seconds;rps\n0;100\n"60";"250.5"\n120\t400\n', 'load.csv');
    expect(r).toEqual({
      ok: true,
      value: [
        { atSeconds: 0, rps: 100 },
        { atSeconds: 60, rps: 250.5 },
        { atSeconds: 120, rps: 400 },
      ],
    });
  });

  it('a CSV trace row that is not CSV, or without an rps, is an error naming the file, line and column', () => {
    expect(parseCsvTrace('0,100\n60,"200\n', 'load.csv')).toEqual({
      ok: false,
      error: 'load.csv:2:4: unterminated quoted field',
    });
    expect(parseCsvTrace('0,100\n60,\n', 'load.csv')).toEqual({
      ok: false,
      error: 'load.csv:2: rps "" is not a number',
    });
  });

  it('integrates steps exactly across their jumps', () => {
    const t = trace({
      type: 'step',
      steps: [
        { at: 0, rps: 10 },
        { at: 5, rps: 20 },
      ],
    });
    expect(integrate(t, 0, 10)).toBe(150);
    expect(integrate(trace(7), 2, 4)).toBe(14);
  });

  it('integrates a ramp as the area under it', () => {
    const t = trace({ type: 'ramp', from: 0, to: 100, start: 0, duration: 10 });
    expect(integrate(t, 0, 10)).toBeCloseTo(500);
  });

  it('names the field and what was expected when a trace is wrong', () => {
    expect(parseTrace({ type: 'stairs' }, 'load.web')).toEqual({
      ok: false,
      error: 'load.web.type: expected constant, step, ramp, spike, sine or csv, got "stairs"',
    });
    expect(parseTrace({ type: 'ramp', to: 5, duration: 'soon' }, 'load.web')).toEqual({
      ok: false,
      error: 'load.web.duration: invalid duration "soon"',
    });
  });
});
