import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('the README', () => {
  it('states the two commands a new user runs, each working on a fresh clone', () => {
    expect(README).toContain('npm install && npm start');
    expect(README).toContain('npm install && npm test');
  });

  it('stays a short entry point (a few KB) that hands over to docs/', () => {
    expect(Buffer.byteLength(README, 'utf8')).toBeLessThan(8 * 1024);
    expect(README).toContain('(docs/README.md)');
  });
});
