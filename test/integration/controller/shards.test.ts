import { afterEach, describe, expect, it } from '@jest/globals';
import type { RunningController } from '../../../app/start.js';
import { shardOf } from '../../../controller/leader/index.js';
import { Resources } from '../../../simulator/apiserver/index.js';
import {
  DEPLOYMENTS,
  HPAS,
  cpuMetric,
  createReadyPod,
  deployment,
  hpa,
  replicasOf,
  startCtl,
  startSim,
  waitFor,
  writes,
  type Sim,
} from './harness.js';

/**
 * Three `hpa-ts run --shards 3` processes (in this process, over HTTP) against the simulator:
 * each writes only the HPAs of the shards whose Leases it holds, and when one stops the others
 * take its shards and reconcile its HPAs. Every write is attributed by its User-Agent, which
 * carries the writer's --leader-elect-identity.
 */

let sim: Sim | undefined;
const running: RunningController[] = [];

afterEach(async () => {
  for (const c of running.splice(0)) await c.stop().catch(() => undefined);
  await sim?.close();
});

const SHARDS = 3;
const NAMES = Array.from({ length: 12 }, (_, i) => `web-${i}`);

function setCpu(s: Sim, value: number): void {
  for (const name of NAMES) for (let p = 0; p < 2; p++) s.cpu.set(`${name}-${p}`, value);
}

/** Holder of every shard Lease, as stored. */
function holders(s: Sim): string[] {
  return Array.from({ length: SHARDS }, (_, i) => {
    try {
      const l = s.server.store.get(Resources.leases, 'default', `hpa-ts-shard-${i}-of-${SHARDS}`) as {
        spec?: { holderIdentity?: string };
      };
      return l.spec?.holderIdentity ?? '';
    } catch {
      return ''; // not created yet
    }
  });
}

/** Every holder among `ids`, each holding floor or ceil of SHARDS / ids. */
function settled(s: Sim, ids: readonly string[]): boolean {
  const h = holders(s);
  const counts = ids.map((id) => h.filter((x) => x === id).length);
  return (
    h.every((x) => ids.includes(x)) &&
    counts.every((c) => c >= Math.floor(SHARDS / ids.length) && c <= Math.ceil(SHARDS / ids.length))
  );
}

/** HPA name → identities that wrote its scale or status since request `from`. */
function writersSince(s: Sim, from: number): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const w of writes(s).slice(from)) {
    const r = w as { resource?: string; subresource?: string; name?: string; userAgent?: string };
    const isHpaWrite =
      r.resource === 'horizontalpodautoscalers' || (r.resource === 'deployments' && r.subresource === 'scale');
    if (!isHpaWrite || r.name === undefined) continue;
    const id = /\((ctl-[abc])\)/.exec(r.userAgent ?? '')?.[1] ?? r.userAgent ?? '';
    out.set(r.name, (out.get(r.name) ?? new Set()).add(id));
  }
  return out;
}

/**
 * The holders each shard Lease had while a phase ran (noted at every poll): the identities that
 * may have written its HPAs then. Normally one; two if a Lease moved (a renewal lost to load).
 */
function holdersSeen(s: Sim): { note(): true; of(name: string): string[] } {
  const seen = Array.from({ length: SHARDS }, () => new Set<string>());
  const note = (): true => {
    holders(s).forEach((h, i) => seen[i].add(h));
    return true;
  };
  note();
  return { note, of: (name) => [...seen[shardOf(`default/${name}`, SHARDS)]] };
}

describe('three controller processes with --shards 3', () => {
  it('write each HPA from the holder of its shard only, and take over the shards of one that stops', async () => {
    sim = await startSim();
    const s = sim;
    for (const name of NAMES) {
      s.server.store.create(DEPLOYMENTS, 'default', deployment(name, 2));
      for (let p = 0; p < 2; p++) createReadyPod(s, name, `${name}-${p}`);
      s.server.store.create(HPAS, 'default', hpa(name, { maxReplicas: 20, metrics: [cpuMetric(50)] }));
    }
    setCpu(s, 50);
    const ids = ['ctl-a', 'ctl-b', 'ctl-c'];
    const ctl: RunningController[] = [];
    for (const id of ids) {
      const c = await startCtl(s, { leaderElect: true, leaderElectIdentity: id, shards: SHARDS });
      ctl.push(c);
      running.push(c);
    }
    await waitFor('one shard each', () => settled(s, ids) && ctl.every((c) => c.isLeader()), 30_000);

    // phase 1: load doubles; every HPA scales 2 → 4, written only by a holder of its shard
    const seen1 = holdersSeen(s);
    const mark1 = writes(s).length;
    setCpu(s, 100);
    await waitFor('all scaled to 4', () => seen1.note() && NAMES.every((n) => replicasOf(s, n) === 4), 30_000);
    const w1 = writersSince(s, mark1);
    for (const name of NAMES) {
      const writers = [...(w1.get(name) ?? [])];
      expect(writers.length).toBeGreaterThan(0);
      for (const id of writers) expect(seen1.of(name)).toContain(id);
    }
    for (const id of ids) expect([...w1.values()].some((set) => set.has(id))).toBe(true);
    // each replica's /metrics reports the HPAs of its own shards only (a released shard's series are dropped)
    const now = holders(s);
    for (const [i, c] of ctl.entries()) {
      const series = (await c.monitor.desiredReplicas.get()).values.map((v) => String(v.labels.hpa_name));
      const mine = NAMES.filter((n) => now[shardOf(`default/${n}`, SHARDS)] === ids[i]);
      expect(series.sort()).toEqual(mine.sort());
    }

    // phase 2: ctl-c stops (releasing its shard); the other two share all three
    const stopped = ctl[2];
    running.splice(running.indexOf(stopped), 1);
    await stopped.stop();
    await waitFor('two replicas hold every shard', () => settled(s, ids.slice(0, 2)), 30_000);
    const seen2 = holdersSeen(s);
    const mark2 = writes(s).length;
    setCpu(s, 200);
    await waitFor('all scaled to 8', () => seen2.note() && NAMES.every((n) => replicasOf(s, n) === 8), 30_000);
    const w2 = writersSince(s, mark2);
    for (const name of NAMES) {
      const writers = [...(w2.get(name) ?? [])];
      expect(writers.length).toBeGreaterThan(0);
      expect(writers).not.toContain('ctl-c');
      for (const id of writers) expect(seen2.of(name)).toContain(id);
    }
  }, 90_000);
});
