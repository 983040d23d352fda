/**
 * transport/interner.ts: equal values are shared while one is alive; a value no longer used is
 * collected and its key with it (so the table never outgrows what the caches hold).
 */
import { describe, expect, it } from '@jest/globals';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Interner } from '../../../transport/interner.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

describe('Interner', () => {
  it('gives back the value held for a key, and nothing for a key never kept', () => {
    const interner = new Interner<{ app: string }>();
    const web = interner.keep('{"app":"web"}', { app: 'web' });
    expect(interner.get('{"app":"web"}')).toBe(web);
    expect(interner.get('{"app":"api"}')).toBeUndefined();
  });

  it('lets go of a value nothing else holds, and drops its key', async () => {
    const interner = new Interner<{ n: number }>();
    // kept in a function of its own, so no local variable of this test holds the values
    (() => {
      for (let n = 0; n < 100; n++) interner.keep(`k${n}`, { n });
    })();
    const held = interner.keep('held', { n: -1 });
    for (let attempt = 0; attempt < 50 && interner.size > 1; attempt++) {
      gc();
      await new Promise((r) => setImmediate(r));
    }
    expect(interner.size).toBe(1);
    expect(interner.get('held')).toBe(held);
  });
});
