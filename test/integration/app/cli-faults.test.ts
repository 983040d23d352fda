/**
 * Issue 13 item 6, with the real CLI (`node --import tsx app/main.ts`, what `bin/hpa-ts.js` runs
 * from a checkout) against real sockets: a kubeconfig without a scheme, a malformed one, an
 * unreachable API server, one that accepts and never answers, and a leader whose API server
 * starts to hang. Every case ends with a one-line error or a clean exit, never a stack trace or
 * a hang. The figures (how long after losing its lease or after SIGTERM the process exited) are
 * printed; what bounds them is app/start.ts's SHUTDOWN_MS.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Resources } from '../../../simulator/apiserver/index.js';
import { startTcpProxy, type TcpProxy } from '../../fixtures/tcp-proxy.js';
import { cli, type Cli, type Exit } from './cli-process.js';
import { HPAS, cpuMetric, createReadyPod, deployment, hpa, startSim, type Sim } from '../controller/harness.js';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hpa-ts-cli-faults-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function kubeconfig(name: string, server: string, extra = ''): string {
  const path = join(dir, `${name}.kubeconfig`);
  writeFileSync(
    path,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: local',
      `  cluster: {server: "${server}"${extra}}`,
      'users:',
      '- name: u',
      '  user: {token: "t"}',
      'contexts:',
      '- name: c',
      '  context: {cluster: local, user: u}',
      'current-context: c',
      '',
    ].join('\n'),
  );
  return path;
}

/** A port nobody listens on. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function noStackTrace(text: string): void {
  expect(text).not.toMatch(/TypeError|^\s+at /m);
}

describe('a kubeconfig that cannot work', () => {
  it('run: a server without a scheme is one line naming the kubeconfig file, the cluster and what is expected', async () => {
    const path = kubeconfig('noscheme', '127.0.0.1:6443');
    const r = await cli(['run', '--kubeconfig', path, '--leader-elect=false', '--bind-address', '127.0.0.1:0']).exited;
    expect(r.code).toBe(1);
    noStackTrace(r.stdout + r.stderr);
    const fatal = r.stderr
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as { reason?: string; err?: string })
      .find((l) => l.reason === 'StartFailed');
    expect(fatal?.err).toBe(
      `kubeconfig ${path}: cluster "local": server "127.0.0.1:6443" is not an http(s) URL: expected https://HOST[:PORT] (or http:// with insecure-skip-tls-verify)`,
    );
  });

  it('explain: the same, as one line on stderr', async () => {
    const path = kubeconfig('noscheme-explain', '127.0.0.1:6443');
    const r = await cli(['explain', 'default/web', '--kubeconfig', path]).exited;
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `error: kubeconfig ${path}: cluster "local": server "127.0.0.1:6443" is not an http(s) URL: expected https://HOST[:PORT] (or http:// with insecure-skip-tls-verify)\n`,
    );
  });

  it('a malformed kubeconfig names its file, given by --kubeconfig or by KUBECONFIG, in one line', async () => {
    const path = join(dir, 'malformed.kubeconfig');
    writeFileSync(path, 'apiVersion: v1\nclusters: [\n  - bad');
    const flag = await cli(['explain', 'default/web', '--kubeconfig', path]).exited;
    const env = await cli(['explain', 'default/web'], { KUBECONFIG: path }).exited;
    for (const r of [flag, env]) {
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^error: kubeconfig ${path}: .*\\(3:3\\)\\n$`));
    }
  });
});

describe('explain against an API server that does not answer', () => {
  it('an unreachable one: a clear error at once, naming the kubeconfig, the cluster and the cause', async () => {
    const path = kubeconfig('refused', `https://127.0.0.1:${await closedPort()}`);
    const r = await cli(['explain', 'default/web', '--kubeconfig', path]).exited;
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      new RegExp(
        `^error: kubeconfig ${path}: cluster "local": cannot list from the API server: Get "https://127\\.0\\.0\\.1:\\d+/.*": dial tcp 127\\.0\\.0\\.1:\\d+: connect: connection refused\\n$`,
      ),
    );
  });

  it('one that accepts and never answers: an error after --request-timeout, naming it', async () => {
    const accepted = new Set<net.Socket>();
    const silent = net.createServer((socket) => void accepted.add(socket.on('error', () => undefined)));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const port = (silent.address() as net.AddressInfo).port;
      const path = kubeconfig('silent', `https://127.0.0.1:${port}`);
      const r = await cli(['explain', 'default/web', '--kubeconfig', path, '--request-timeout', '1s']).exited;
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /^error: kubeconfig .*: cluster "local": cannot list from the API server: Get ".*": context deadline exceeded \(Client\.Timeout exceeded while awaiting headers\) \(--request-timeout 1s\)\n$/,
      );
    } finally {
      for (const socket of accepted) socket.destroy();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });
});

describe('a leader whose API server starts to hang', () => {
  let sim: Sim | undefined;
  let proxy: TcpProxy | undefined;
  let running: Cli | undefined;

  afterEach(async () => {
    running?.child.kill('SIGKILL');
    await proxy?.close();
    await sim?.close();
  });

  /** The CLI, leading, through a proxy to the simulator, after its first reconcile. */
  async function leader(id: string): Promise<Cli> {
    sim = await startSim();
    const s = sim;
    s.server.store.create(Resources.deployments, 'default', deployment('web', 2));
    for (let i = 0; i < 2; i++) {
      createReadyPod(s, 'web', `web-${i}`);
      s.cpu.set(`web-${i}`, 90);
    }
    s.server.store.create(HPAS, 'default', hpa('web', { maxReplicas: 10, metrics: [cpuMetric(50)] }));
    proxy = await startTcpProxy({ port: s.server.port });
    const path = kubeconfig(`leader-${id}`, `http://127.0.0.1:${proxy.port}`, ', insecure-skip-tls-verify: true');
    // prettier-ignore
    running = cli([
      'run', '--kubeconfig', path, '--bind-address', '127.0.0.1:0', '--log-format', 'json',
      '--horizontal-pod-autoscaler-sync-period', '1s',
      '--leader-elect=true', '--leader-elect-identity', id, '--leader-elect-resource-namespace', 'default',
      '--leader-elect-lease-duration', '2s', '--leader-elect-renew-deadline', '1500ms', '--leader-elect-retry-period', '300ms',
    ]);
    const r = running;
    for (;;) {
      const status = (s.server.store.get(HPAS, 'default', 'web') as { status?: { conditions?: unknown[] } }).status;
      if (status?.conditions !== undefined) break;
      const exited = await Promise.race([r.exited, new Promise((res) => setTimeout(res, 100))]);
      if (exited !== undefined) throw new Error(`hpa-ts exited before leading:\n${r.output()}`);
    }
    return r;
  }

  /** a line of the JSON log (on stderr) with this reason */
  function logged(r: Exit, reason: string): { time: string } | undefined {
    return r.stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { reason?: string; time: string })
      .find((l) => l.reason === reason);
  }

  it('loses its lease and exits (code 1) by itself, whatever the hung requests do', async () => {
    const r = await leader('hang-lost');
    proxy?.blackhole();
    const exit = await r.exited;
    expect(exit.code).toBe(1);
    noStackTrace(exit.stdout + exit.stderr);
    const lost = logged(exit, 'LeaderElectionLost');
    expect(lost).toBeDefined();
    expect(logged(exit, 'Stopped')).toBeDefined();
    process.stderr.write(
      `cli-faults: exited ${((exit.at - Date.parse(lost?.time ?? '')) / 1000).toFixed(2)} s after losing the lease (API server hung)\n`,
    );
  }, 60_000);

  it('exits (code 0) on SIGTERM while the API server hangs', async () => {
    const r = await leader('hang-term');
    proxy?.blackhole();
    const sent = Date.now();
    r.child.kill('SIGTERM');
    const exit = await r.exited;
    expect(exit.code).toBe(0);
    expect(logged(exit, 'Stopped')).toBeDefined();
    process.stderr.write(
      `cli-faults: exited ${((exit.at - sent) / 1000).toFixed(2)} s after SIGTERM (API server hung)\n`,
    );
  }, 60_000);
});
