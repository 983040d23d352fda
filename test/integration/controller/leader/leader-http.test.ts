import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { realClock } from '../../../../transport/clock.js';
import { createClientNodeCluster, type ClientNodeCluster } from '../../../../controller/kube/index.js';
import { LeaderElector } from '../../../../controller/leader/index.js';
import { Resources, startApiServer, type ApiServerHandle } from '../../../../simulator/apiserver/index.js';
import { connectionCounter, kubeConfigFor, sleep, waitFor } from '../kube/helpers.js';

/**
 * Two electors over real HTTP against the simulator's API server: what they write to the Lease
 * and the order in which they lead. How long each step takes (renew deadline, lease expiry, the
 * next retry after a release) is checked in virtual time by test/unit/controller/leader; here no
 * assertion depends on how fast the machine is. Timings are scaled down (lease 2 s, renew
 * deadline 1 s, retry 0.5 s), keeping client-go's safety margin: retry + renew deadline < lease.
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

/** Starts and ends of leadership, in the order they happened: `a leads`, `a stops`, … */
const history: string[] = [];

interface Timings {
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
}

const FAST: Timings = { leaseDurationMs: 2_000, renewDeadlineMs: 1_000, retryPeriodMs: 500 };

interface Instance {
  readonly id: string;
  readonly elector: LeaderElector;
  readonly stop: AbortController;
  run: Promise<void>;
  /** cuts this instance off the API server (its relay closes) */
  partition(): Promise<void>;
}

async function instance(id: string, leaseName: string, timings: Timings = FAST): Promise<Instance> {
  const relay = await connectionCounter(server.port);
  const cluster: ClientNodeCluster = createClientNodeCluster({
    kubeConfig: kubeConfigFor(server, relay.url),
    clock: realClock,
    requestTimeoutMs: 400,
  });
  const stop = new AbortController();
  const elector = new LeaderElector({
    cluster,
    clock: realClock,
    namespace: 'kube-system',
    name: leaseName,
    identity: id,
    ...timings,
    onStartedLeading: () => {
      history.push(`${id} leads`);
    },
    onStoppedLeading: () => {
      history.push(`${id} stops`);
    },
  });
  const inst: Instance = { id, elector, stop, run: Promise.resolve(), partition: () => relay.close() };
  inst.run = elector.run(stop.signal);
  cleanups.push(async () => {
    stop.abort();
    await inst.run;
    cluster.close();
    await relay.close();
  });
  return inst;
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
}

function lease(leaseName: string): LeaseSpec {
  return (server.store.get(Resources.leases, 'kube-system', leaseName) as unknown as { spec: LeaseSpec }).spec;
}

function holder(leaseName: string): string | undefined {
  return lease(leaseName).holderIdentity;
}

describe('leader election over HTTP', () => {
  beforeEach(() => {
    history.length = 0;
  });

  it('lets only one of two instances lead', async () => {
    const a = await instance('a', 'one-leader');
    const b = await instance('b', 'one-leader');
    await waitFor(() => a.elector.isLeader() || b.elector.isLeader(), 'a leader', 30_000);
    for (let i = 0; i < 30; i++) {
      expect([a.elector.isLeader(), b.elector.isLeader()].filter(Boolean).length).toBeLessThanOrEqual(1);
      await sleep(100);
    }
    expect(history[0]).toMatch(/^[ab] leads$/);
    // however the machine's load moved leadership around, no one led before the one before had stopped
    expect(history.filter((h, i) => h.endsWith('leads') && i > 0 && !history[i - 1].endsWith('stops'))).toEqual([]);
    expect(['a', 'b']).toContain(holder('one-leader'));
  });

  it('fails over once the leader is cut off, without two leaders at once', async () => {
    const a = await instance('a', 'failover');
    await waitFor(() => a.elector.isLeader(), 'a to lead', 30_000);
    const b = await instance('b', 'failover');
    await a.partition();
    await waitFor(() => b.elector.isLeader(), 'b to take over', 30_000);
    expect(history.slice(0, 3)).toEqual(['a leads', 'a stops', 'b leads']);
    expect(holder('failover')).toBe('b');
  });

  it('lets the other instance take over a released lease without waiting for it to expire', async () => {
    // a lease far longer than the test: b can only lead this soon because a released it
    const LONG: Timings = { leaseDurationMs: 600_000, renewDeadlineMs: 400_000, retryPeriodMs: 500 };
    const a = await instance('a', 'release', LONG);
    await waitFor(() => a.elector.isLeader(), 'a to lead', 30_000);
    const b = await instance('b', 'release', LONG);
    const held = lease('release');
    a.stop.abort();
    await a.run;
    expect(holder('release')).toBe('');
    await waitFor(() => b.elector.isLeader(), 'b to take over', 45_000);
    expect(history).toEqual(['a leads', 'a stops', 'b leads']);
    const taken = lease('release');
    expect(taken.holderIdentity).toBe('b');
    // b acquired the lease while a's last renewal was still valid for most of its 600 s
    const expiry = Date.parse(held.renewTime ?? '') + (held.leaseDurationSeconds ?? 0) * 1000;
    expect(Date.parse(taken.acquireTime ?? '')).toBeLessThan(expiry);
  });
});
