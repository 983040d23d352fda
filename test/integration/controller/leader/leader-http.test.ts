import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { realClock } from '../../../../transport/clock.js';
import { createClientNodeCluster, type ClientNodeCluster } from '../../../../controller/kube/index.js';
import { LeaderElector } from '../../../../controller/leader/index.js';
import { Resources, startApiServer, type ApiServerHandle } from '../../../../simulator/apiserver/index.js';
import { connectionCounter, kubeConfigFor, sleep, waitFor } from '../kube/helpers.js';

/**
 * Two electors over real HTTP against the simulator's API server. Timings are scaled down
 * (lease 2 s, renew deadline 1 s, retry 0.5 s), keeping client-go's safety margin: retry + renew deadline < lease.
 */

let server: ApiServerHandle;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  server = await startApiServer();
});

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

afterAll(async () => {
  await server.close();
});

interface Instance {
  readonly id: string;
  readonly elector: LeaderElector;
  readonly stop: AbortController;
  readonly terms: { from: number; to?: number }[];
  run: Promise<void>;
  /** cuts this instance off the API server (its relay closes) */
  partition(): Promise<void>;
}

async function instance(id: string, leaseName: string): Promise<Instance> {
  const relay = await connectionCounter(server.port);
  const cluster: ClientNodeCluster = createClientNodeCluster({
    kubeConfig: kubeConfigFor(server, relay.url),
    clock: realClock,
    requestTimeoutMs: 400,
  });
  const terms: { from: number; to?: number }[] = [];
  const stop = new AbortController();
  const elector = new LeaderElector({
    cluster,
    clock: realClock,
    namespace: 'kube-system',
    name: leaseName,
    identity: id,
    leaseDurationMs: 2_000,
    renewDeadlineMs: 1_000,
    retryPeriodMs: 500,
    onStartedLeading: () => {
      terms.push({ from: Date.now() });
    },
    onStoppedLeading: () => {
      const t = terms.at(-1);
      if (t !== undefined) t.to = Date.now();
    },
  });
  const inst: Instance = { id, elector, stop, terms, run: Promise.resolve(), partition: () => relay.close() };
  inst.run = elector.run(stop.signal);
  cleanups.push(async () => {
    stop.abort();
    await inst.run;
    cluster.close();
    await relay.close();
  });
  return inst;
}

function holder(leaseName: string): string | undefined {
  const lease = server.store.get(Resources.leases, 'kube-system', leaseName) as unknown as {
    spec: { holderIdentity?: string };
  };
  return lease.spec.holderIdentity;
}

describe('leader election over HTTP', () => {
  it('lets only one of two instances lead', async () => {
    const a = await instance('a', 'one-leader');
    const b = await instance('b', 'one-leader');
    await waitFor(() => a.elector.isLeader() || b.elector.isLeader(), 'a leader');
    for (let i = 0; i < 30; i++) {
      expect([a.elector.isLeader(), b.elector.isLeader()].filter(Boolean)).toHaveLength(1);
      await sleep(100);
    }
    const leader = a.elector.isLeader() ? 'a' : 'b';
    expect(holder('one-leader')).toBe(leader);
  });

  it('fails over once the leader stops renewing, without two leaders at once', async () => {
    const a = await instance('a', 'failover');
    await waitFor(() => a.elector.isLeader(), 'a to lead');
    const b = await instance('b', 'failover');
    await sleep(1_000);
    expect(b.elector.isLeader()).toBe(false);
    const cut = Date.now();
    await a.partition();
    await waitFor(() => b.elector.isLeader(), 'b to take over', 8_000);
    const aEnd = a.terms[0]?.to;
    const bStart = b.terms[0]?.from ?? 0;
    expect(aEnd).toBeDefined();
    expect(aEnd ?? Infinity).toBeLessThanOrEqual(bStart);
    // b may take over only after the lease went unrenewed for its duration, as b observed it.
    expect(bStart - cut).toBeGreaterThanOrEqual(1_400);
    expect(holder('failover')).toBe('b');
  });

  it('lets the other instance take over quickly when the leader releases the lease', async () => {
    const a = await instance('a', 'release');
    await waitFor(() => a.elector.isLeader(), 'a to lead');
    const b = await instance('b', 'release');
    await sleep(700);
    const stoppedAt = Date.now();
    a.stop.abort();
    await a.run;
    expect(holder('release')).toBe('');
    await waitFor(() => b.elector.isLeader(), 'b to take over', 3_000);
    // Well under the 2 s lease: b only waited for its next retry (0.5 s + up to 120 % jitter).
    expect(Date.now() - stoppedAt).toBeLessThan(1_600);
  });
});
