import { describe, expect, it } from '@jest/globals';
import { Resources } from '../../../../simulator/apiserver/index.js';
import { addWorkload, NS } from '../loop/harness.js';
import { TwoReplicas, type Replica, type Write } from './replicas.js';

/**
 * Issue 13 item 1, in virtual time: the leader is paused (SIGSTOP, a GC pause) for longer than
 * its lease while a reconcile is in flight; the standby takes over and scales; the old leader
 * resumes with the metrics answer in hand and a rescale to make. Every write that reaches the
 * cluster is recorded with its writer.
 */
async function pausedLeader(fenced: boolean): Promise<{ w: TwoReplicas; a: Replica; b: Replica }> {
  const w = new TwoReplicas(fenced);
  addWorkload(w.store, 'web', { replicas: 1 });
  const a = w.replica('a');
  a.metrics.behaviour.set('web', { value: '4' });
  a.run();
  await w.advance(1_000);
  const b = w.replica('b');
  b.metrics.behaviour.set('web', { value: '8' });
  b.run();
  await w.advance(1_000);
  // a's next reconcile (at 15 s) waits 3 s for its metric and would scale to 6
  a.metrics.behaviour.set('web', { value: '6', delayMs: 3_000 });
  await w.advance(14_000);
  a.clock.pause();
  await w.advance(26_000);
  a.clock.resume();
  await w.advance(20_000);
  return { w, a, b };
}

function replicas(w: TwoReplicas): number {
  return (w.store.get(Resources.deployments, NS, 'web') as unknown as { spec: { replicas: number } }).spec.replicas;
}

function writesBy(w: TwoReplicas, id: string, from = 0): Write[] {
  return w.writes.filter((x) => x.by === id && x.at >= from);
}

describe('a leader paused longer than its lease', () => {
  it('writes nothing after it resumes, not even the reconcile it had in flight', async () => {
    const { w, a, b } = await pausedLeader(true);
    const bLeads = b.terms[0]?.from ?? Infinity;
    expect(a.terms).toHaveLength(1);
    expect(b.terms).toHaveLength(1);
    // the standby took over during the pause, and the old leader stepped down when it resumed
    expect(bLeads).toBeLessThan(42_000);
    expect(a.terms[0].to).toBeGreaterThanOrEqual(42_000);
    // it had decided to scale (to 6) when it resumed: the write was refused, not skipped
    const late = a.outcomes.filter((o) => o.decision?.rescale?.to === 6);
    expect(late.map((o) => o.decision?.rescale?.write)).toEqual(['failed']);
    expect(late[0].error?.cause).toMatch(/leader lease default\/hpa-ts was last renewed .* ago/);
    // one writer at any instant: nothing from a once b leads; b's scale stands
    expect(writesBy(w, 'a', bLeads)).toEqual([]);
    expect(writesBy(w, 'b').length).toBeGreaterThan(0);
    expect(writesBy(w, 'b').every((x) => x.at >= bLeads)).toBe(true);
    expect(replicas(w)).toBe(8);
  });

  it('without the guard at the write path, the same pause gives two writers (what the guard prevents)', async () => {
    const { w, b } = await pausedLeader(false);
    const bLeads = b.terms[0]?.from ?? Infinity;
    expect(writesBy(w, 'a', bLeads).map((x) => x.what)).toContain('updateScale');
  });
});
