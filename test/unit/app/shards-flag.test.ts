/** `--shards` as `hpa-ts run` reads it: 1 by default, 1 … 64, and only with leader election. */
import { describe, expect, it } from '@jest/globals';
import { parseFlags } from '../../../app/flags/values.js';
import { runSettings } from '../../../app/settings.js';

function settings(raw: Record<string, string>) {
  const v = parseFlags('run', raw);
  if (!v.ok) return v;
  return runSettings(v.value);
}

describe('--shards', () => {
  it('is 1 by default: the single leader lease', () => {
    const s = settings({});
    expect(s.ok && s.value.shards).toBe(1);
  });

  it('takes 2 … 64 with leader election', () => {
    for (const n of ['2', '64']) {
      const s = settings({ shards: n });
      expect(s.ok && s.value.shards).toBe(Number(n));
    }
  });

  it('refuses 0 and 65, naming the flag and its range', () => {
    for (const n of ['0', '65', 'three']) {
      const s = settings({ shards: n });
      expect(s.ok).toBe(false);
      if (!s.ok) expect(s.error.message).toMatch(/--shards/);
    }
  });

  it('refuses more than one shard without --leader-elect, naming both flags', () => {
    const s = settings({ shards: '3', leaderElect: 'false' });
    expect(s.ok).toBe(false);
    if (!s.ok) {
      expect(s.error.flag).toBe('--shards');
      expect(s.error.message).toMatch(/--leader-elect/);
    }
    const one = settings({ shards: '1', leaderElect: 'false' });
    expect(one.ok).toBe(true);
  });

  it('refuses --history-store=configmap with more than one shard, naming the flag', () => {
    const s = settings({ shards: '3', historyStore: 'configmap' });
    expect(s.ok).toBe(false);
    if (!s.ok) {
      expect(s.error.flag).toBe('--history-store');
      expect(s.error.message).toMatch(/--shards/);
    }
    expect(settings({ shards: '1', historyStore: 'configmap' }).ok).toBe(true);
  });
});
