/**
 * Issue 13 item 8 through the real CLI: `hpa-ts simulate --serve` given a Deployment of 100,000
 * replicas keeps answering while it creates pods in bursts, and exits (code 0) on SIGTERM. Before
 * the fix it created every pod in one turn of the event loop (1.6 GB) and never saw the signal.
 * The figure (how long after SIGTERM it exited) is printed; app/simulate-command.ts's CLOSE_MS
 * bounds it.
 */
import { afterAll, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, type Cli } from './cli-process.js';
import { deploymentBody } from '../apiserver/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'hpa-ts-cli-serve-'));
let running: Cli | undefined;

afterAll(() => {
  running?.child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

async function until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined): Promise<T> {
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (running?.child.exitCode !== null)
      throw new Error(`hpa-ts exited while waiting for ${what}:\n${running?.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

it('simulate --serve: a Deployment of 100,000 replicas, the API still answers, SIGTERM ends it (code 0)', async () => {
  running = cli(['simulate', '--serve', '--kubeconfig-out', join(dir, 'sim.kubeconfig')]);
  const r = running;
  const url = await until('the API server', () => /serving a Kubernetes API at (http:\S+)/.exec(r.output())?.[1]);
  const created = await fetch(`${url}/apis/apps/v1/namespaces/default/deployments`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(deploymentBody('huge', 100_000)),
  });
  expect(created.status).toBe(201);
  // pods are being created (bursts of 500) and the API answers in between
  await until('pods', async () => {
    const res = await fetch(`${url}/apis/apps/v1/namespaces/default/replicasets`);
    const list = (await res.json()) as { items: Array<{ status?: { replicas?: number } }> };
    return (list.items[0]?.status?.replicas ?? 0) >= 1000 ? true : undefined;
  });
  const sent = Date.now();
  r.child.kill('SIGTERM');
  const exit = await r.exited;
  expect(exit.code).toBe(0);
  process.stderr.write(
    `cli-simulate-serve: exited ${((exit.at - sent) / 1000).toFixed(2)} s after SIGTERM (creating 100000 pods)\n`,
  );
}, 60_000);
